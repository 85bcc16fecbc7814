#pragma once

#include "base/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <vector>

namespace spate::log {

/// When appended data is forced to disk (Kafka's flush.messages / flush.ms).
enum class flush_policy {
    /// Every append is reported durable only after fdatasync; concurrent appends share one
    /// (group commit). The default: nothing acknowledged is lost in a power failure.
    always,
    /// Appends are acknowledged once written; data is synced every flush_interval.
    interval,
    /// The operating system decides; spate syncs only when rolling and closing segments.
    never,
};

std::string_view to_string(flush_policy p);
result<flush_policy> parse_flush_policy(std::string_view s);

/// How each record's timestamp is set (Kafka's message.timestamp.type).
enum class timestamp_type { create_time, log_append_time };

/// Settings of one partition's log. Broker-wide defaults can be overridden per topic; the
/// names of the keys are Kafka's topic config names (segment.bytes, retention.ms, ...).
struct log_config {
    int64_t segment_bytes = 1024 * 1024 * 1024;    // segment.bytes
    int64_t segment_ms = 7LL * 24 * 3600 * 1000;   // segment.ms
    int64_t retention_ms = 7LL * 24 * 3600 * 1000; // retention.ms; -1 keeps forever
    int64_t retention_bytes = -1;                  // retention.bytes; -1 no limit
    int32_t max_message_bytes = 1024 * 1024 + 12;  // max.message.bytes (per batch)
    int32_t index_interval_bytes = 4096;           // index.interval.bytes
    flush_policy flush = flush_policy::always;     // flush.messages=1 / flush.ms
    int64_t flush_interval_ms = 1000;              // flush.ms under interval policy
    std::string cleanup_policy = "delete";         // cleanup.policy
    timestamp_type message_timestamp_type = timestamp_type::create_time;
    /// How long a partition remembers an idempotent producer that stopped appending (Kafka's
    /// broker setting producer.id.expiration.ms, not a topic config).
    int64_t producer_id_expiration_ms = 86'400'000;

    /// Applies one Kafka-named key; INVALID_CONFIG naming the key and value if it is unknown or
    /// the value is out of range.
    result<void> set(std::string_view key, std::string_view value);
    /// The value of a key as Kafka would show it, or nullopt for an unknown key.
    std::optional<std::string> get(std::string_view key) const;
};

/// Per-topic overrides of the broker defaults: only the keys a user set, kept as strings so
/// that a later change of default applies to topics that did not override it.
using config_overrides = std::map<std::string, std::string>;

/// The effective config: defaults with overrides applied.
result<log_config> apply_overrides(const log_config& defaults, const config_overrides& overrides);

} // namespace spate::log
