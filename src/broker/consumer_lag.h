#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace spate::broker {

class kafka_broker;

/// How far one group is behind on one partition: its committed offset against the partition's
/// high watermark (what kafka-consumer-groups --describe shows as LAG).
struct lag_entry {
    std::string group;
    std::string topic;
    int32_t partition = 0;
    int64_t committed = 0;
    int64_t log_end = 0;
    int64_t lag = 0;
};

/// Every committed offset of every group with its lag, sorted by group, topic and partition.
/// Offsets of partitions that no longer exist are left out. Call on any shard: it asks each
/// coordinator for its offsets and each partition's owner for its high watermark.
boost::asio::awaitable<std::vector<lag_entry>> consumer_lag(kafka_broker& broker);

} // namespace spate::broker
