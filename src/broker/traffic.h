#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace spate::broker {

/// Records and bytes written to and read from one topic.
struct topic_counters {
    uint64_t records_in = 0;
    uint64_t bytes_in = 0;
    uint64_t records_out = 0;
    uint64_t bytes_out = 0;

    topic_counters& operator+=(const topic_counters& o) {
        records_in += o.records_in;
        bytes_in += o.bytes_in;
        records_out += o.records_out;
        bytes_out += o.bytes_out;
        return *this;
    }
};

/// One shard's share of the topic traffic counters: plain integers, touched only on the
/// shard's thread (no locks, no atomics); kafka_broker::topic_traffic() sums the shards.
/// A topic's entry is made the first time it sees traffic (the only allocation); later
/// additions look it up by name without allocating.
class traffic_counters {
public:
    /// Records appended to `topic` (by a producer, a sink, COPY FROM).
    void add_in(std::string_view topic, uint64_t records, uint64_t bytes) {
        auto& c = at(topic);
        c.records_in += records;
        c.bytes_in += bytes;
    }
    /// Records returned to a consumer by Fetch.
    void add_out(std::string_view topic, uint64_t records, uint64_t bytes) {
        auto& c = at(topic);
        c.records_out += records;
        c.bytes_out += bytes;
    }
    /// The counters of `topic` (zeros when it had no traffic on this shard).
    topic_counters of(std::string_view topic) const {
        auto it = _by_topic.find(topic);
        return it == _by_topic.end() ? topic_counters{} : it->second;
    }
    /// Forgets a deleted topic, so that a new topic of the same name starts from zero.
    void forget(std::string_view topic) {
        auto it = _by_topic.find(topic);
        if (it != _by_topic.end()) _by_topic.erase(it);
    }

    struct name_hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using map = std::unordered_map<std::string, topic_counters, name_hash, std::equal_to<>>;
    const map& by_topic() const { return _by_topic; }

private:
    topic_counters& at(std::string_view topic) {
        auto it = _by_topic.find(topic);
        if (it != _by_topic.end()) return it->second;
        return _by_topic.emplace(std::string(topic), topic_counters{}).first->second;
    }

    map _by_topic;
};

/// The records in `batches` (whole record batches v2, as appended or fetched): the sum of
/// their headers' record counts. A batch cut short at the end is not counted.
uint64_t count_records(std::span<const std::byte> batches);

/// One partition's offsets: the first readable and the next to be written (high watermark).
struct partition_offsets {
    int32_t partition = 0;
    int64_t start_offset = 0;
    int64_t end_offset = 0;
};

/// A topic's traffic since the server started, summed over shards, and its partitions.
struct topic_traffic {
    std::string name;
    bool internal = false; ///< spate's own (a name starting with "__")
    topic_counters counters;
    std::vector<partition_offsets> partitions;
};

} // namespace spate::broker
