#pragma once

#include "base/result.h"
#include "group/group_config.h"
#include "log/log_config.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace spate::broker {

/// A host and port, as given on the command line ("127.0.0.1:9092").
struct host_port {
    std::string host;
    uint16_t port = 0;
    /// "host:port", with an IPv6 host in brackets ("[::1]:9092").
    std::string to_string() const {
        if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
        return host + ":" + std::to_string(port);
    }
};

/// Parses "host:port" (IPv6 hosts in brackets: "[::1]:9092"); INVALID_CONFIG naming the value
/// when it is not one.
result<host_port> parse_host_port(std::string_view text);

/// The broker's settings, named after the Kafka broker settings they mirror.
struct broker_config {
    std::filesystem::path data_dir = "spate-data";
    /// Topic defaults (log.segment.bytes, log.retention.ms, message.max.bytes, ...).
    log::log_config log_defaults;
    /// Where the Kafka listener binds; port 0 picks a free one.
    host_port kafka_addr{"127.0.0.1", 9092};
    /// What Metadata tells clients to connect to (advertised.listeners); empty host: the bound
    /// address.
    host_port advertised_kafka_addr;
    /// auto.create.topics.enable and num.partitions: topics named in Metadata requests that do
    /// not exist are created with this many partitions.
    bool auto_create_topics = true;
    int32_t default_partitions = 1;
    /// socket.request.max.bytes: a request larger than this closes its connection.
    int32_t socket_request_max_bytes = 100 * 1024 * 1024;
    /// fetch.max.bytes: the most record bytes one Fetch response carries, whatever the client
    /// asks for (Kafka's default, 55 MiB).
    int32_t fetch_max_bytes = 55 * 1024 * 1024;
    /// Backpressure, per connection: the bytes that requests read ahead of their responses
    /// and the unsent responses may hold before the connection stops reading; how many
    /// requests may be read ahead in all; and how many of them may be other than Produce
    /// (whose responses are small, while a Fetch's may be up to fetch.max.bytes, so these bound
    /// the memory the responses can take). Many small pipelined produce requests then share
    /// each fsync (group commit).
    int64_t max_inflight_bytes = 64 * 1024 * 1024;
    int32_t max_inflight_requests = 1000;
    int32_t max_inflight_other_requests = 32;
    /// connections.max.idle.ms: a connection with no request in flight that sends nothing for
    /// this long is closed (a client that stops half-way through a request included).
    int64_t connections_max_idle_ms = 10 * 60 * 1000;
    /// node.id of this broker in Metadata and DescribeCluster.
    int32_t node_id = 0;
    /// Period of each shard's log upkeep (retention, rolls, checkpoints).
    int64_t maintenance_interval_ms = 1000;
    /// Consumer groups: session limits, rebalance delay, offset retention (group.*,
    /// offsets.retention.minutes, ...).
    group::group_config groups;
    /// offsets.topic.num.partitions: partitions of __consumer_offsets when it is created (the
    /// groups spread over them, and so over the shards). Fixed once the topic exists.
    int32_t offsets_topic_partitions = 16;
};

} // namespace spate::broker
