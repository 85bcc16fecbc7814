#include "broker/traffic.h"

#include "model/record_batch.h"

namespace spate::broker {

uint64_t count_records(std::span<const std::byte> batches) {
    uint64_t records = 0;
    size_t at = 0;
    while (at < batches.size()) {
        auto h = model::parse_batch_header(batches.subspan(at));
        if (!h) break;
        auto size = h->size_bytes();
        if (size == 0 || at + size > batches.size()) break;
        if (h->record_count > 0) records += uint64_t(h->record_count);
        at += size;
    }
    return records;
}

} // namespace spate::broker

// kafka_broker::topic_traffic() lives here, beside the counters it sums.
#include "broker/broker.h"
#include "runtime/invoke.h"
#include "runtime/shard_set.h"

#include <algorithm>
#include <map>

namespace spate::broker {

namespace {

/// What one shard knows: its counters by topic and the offsets of the partitions it owns.
struct shard_traffic {
    std::vector<std::pair<std::string, topic_counters>> counters;
    /// (topic, offsets) of each partition the shard owns.
    std::vector<std::pair<std::string, partition_offsets>> partitions;
};

shard_traffic gather(const shard_state& state, const topic_table& table) {
    shard_traffic out;
    for (const auto& [name, c] : state.traffic().by_topic())
        out.counters.emplace_back(name, c);
    for (const auto& [name, t] : table.by_name)
        for (size_t i = 0; i < t->partitions.size(); ++i) {
            const auto& ref = t->partitions[i];
            if (ref.shard != state.id() || !ref.log || ref.log->closed()) continue;
            out.partitions.emplace_back(name, partition_offsets{int32_t(i),
                                                                ref.log->log_start_offset().value(),
                                                                ref.log->high_watermark().value()});
        }
    return out;
}

} // namespace

boost::asio::awaitable<std::vector<topic_traffic>> kafka_broker::topic_traffic() {
    const auto table = local().topics();
    std::map<std::string, broker::topic_traffic> by_name;
    for (const auto& [name, t] : table->by_name) {
        auto& e = by_name[name];
        e.name = name;
        e.internal = name.starts_with("__");
    }
    for (unsigned s = 0; s < _states.size(); ++s) {
        auto* state = _states[s].get();
        auto op =
            runtime::invoke_on(executor(s), [state, table] { return gather(*state, *table); });
        auto got = co_await std::move(op);
        for (auto& [name, c] : got.counters) {
            auto it = by_name.find(name);
            if (it != by_name.end()) it->second.counters += c; // else: a deleted topic
        }
        for (auto& [name, p] : got.partitions)
            by_name[name].partitions.push_back(p);
    }
    std::vector<broker::topic_traffic> out;
    out.reserve(by_name.size());
    for (auto& [name, t] : by_name) {
        std::sort(t.partitions.begin(), t.partitions.end(),
                  [](const auto& a, const auto& b) { return a.partition < b.partition; });
        out.push_back(std::move(t));
    }
    co_return out;
}

} // namespace spate::broker
