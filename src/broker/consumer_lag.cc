#include "broker/consumer_lag.h"

#include "broker/broker.h"
#include "group/coordinator.h"
#include "runtime/invoke.h"
#include "runtime/shard_set.h"
#include "runtime/when_all.h"

#include <algorithm>
#include <map>
#include <memory>

namespace spate::broker {

boost::asio::awaitable<std::vector<lag_entry>> consumer_lag(kafka_broker& broker) {
    using committed_list = std::vector<group::committed_entry>;
    std::vector<boost::asio::awaitable<committed_list>> asks;
    for (unsigned s = 0; s < broker.shards().size(); ++s) {
        auto* c = &broker.state(s).coordinator();
        asks.push_back(runtime::invoke_on(broker.executor(s), [c] { return c->committed(); }));
    }
    auto all = runtime::when_all(std::move(asks));
    auto per_shard = co_await std::move(all);

    // Each committed offset meets its partition's high watermark on the partition's shard.
    const auto topics = broker.local().topics();
    std::map<unsigned, std::vector<std::pair<lag_entry, std::shared_ptr<log::partition>>>> by_shard;
    for (auto& list : per_shard)
        for (auto& c : list) {
            const auto* ref = topics->find(c.topic, c.partition);
            if (!ref) continue;
            lag_entry e{std::move(c.group), std::move(c.topic), c.partition, c.offset, 0, 0};
            by_shard[ref->shard].emplace_back(std::move(e), ref->log);
        }
    std::vector<boost::asio::awaitable<std::vector<lag_entry>>> reads;
    for (auto& [shard, entries] : by_shard)
        reads.push_back(
            runtime::invoke_on(broker.executor(shard), [entries = std::move(entries)]() mutable {
                std::vector<lag_entry> out;
                for (auto& [e, p] : entries) {
                    if (p->closed()) continue;
                    e.log_end = p->high_watermark().value();
                    e.lag = std::max<int64_t>(0, e.log_end - e.committed);
                    out.push_back(std::move(e));
                }
                return out;
            }));
    auto read = runtime::when_all(std::move(reads));
    auto results = co_await std::move(read);
    std::vector<lag_entry> out;
    for (auto& r : results)
        for (auto& e : r)
            out.push_back(std::move(e));
    std::sort(out.begin(), out.end(), [](const lag_entry& a, const lag_entry& b) {
        return std::tie(a.group, a.topic, a.partition) < std::tie(b.group, b.topic, b.partition);
    });
    co_return out;
}

} // namespace spate::broker
