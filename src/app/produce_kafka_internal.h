#pragma once

// Internal to app: the librdkafka side of `spate produce`, wrapped so that its statuses become
// spate errors in one place.

#include "app/kafka_producer_internal.h"
#include "app/produce_command.h"
#include "base/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <librdkafka/rdkafka.h>

namespace spate::app::produce_detail {

using kafka_detail::delivery_state;
using kafka_detail::kafka_handle;
using topic_handle = std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)>;

/// A producer for opts.bootstrap_server: acks=all, idempotent, Java's murmur2 partitioner,
/// opts.timeout_s for delivery and socket timeouts, no topic auto-creation. Its delivery
/// reports update `state`, which must outlive it. Fails only on a bad setting.
result<kafka_handle> make_producer(const produce_options& opts, delivery_state& state);

/// Whether the cluster knows opts.topic, from the metadata of all topics (asking for one topic
/// by name could make a broker create it). An error naming the address when the cluster does
/// not answer within opts.timeout_s.
result<bool> topic_exists(rd_kafka_t* rk, const produce_options& opts);

/// Creates opts.topic with opts.create_topic_partitions partitions (CreateTopics); one that
/// already exists is fine. Errors name the topic.
result<void> create_topic(rd_kafka_t* rk, const produce_options& opts);

/// Hands one record (copied) to librdkafka, waiting while its queue is full; delivery reports
/// are served meanwhile. `has_key` false sends a null key; an empty value is empty, not null.
result<void> send_one(rd_kafka_t* rk, rd_kafka_topic_t* topic, std::string_view key, bool has_key,
                      std::string_view value);

} // namespace spate::app::produce_detail
