#pragma once

#include "broker/topic_table.h"
#include "broker/traffic.h"
#include "runtime/event.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <unordered_map>
#include <vector>

namespace spate::group {
class coordinator;
}

namespace spate::broker {

class connection;

/// What one shard keeps for the broker: its copy of the topic table, the fetches waiting for
/// data in the partitions it owns, the group coordinator of the groups whose offsets
/// partitions it owns, and its upkeep timer. Owned by, and only touched on, its
/// shard's thread.
class shard_state {
public:
    shard_state(unsigned id, boost::asio::any_io_executor ex);
    ~shard_state();

    unsigned id() const { return _id; }
    const boost::asio::any_io_executor& executor() const { return _executor; }

    const std::shared_ptr<const topic_table>& topics() const { return _topics; }
    void set_topics(std::shared_ptr<const topic_table> t) { _topics = std::move(t); }

    /// A fetch waiting for data: `wake` is notified on the fetch's own shard.
    struct waiter {
        boost::asio::any_io_executor shard;
        std::weak_ptr<runtime::event> wake;
    };
    /// Registers a fetch waiting for records in `p` (a partition this shard owns). Waiters whose
    /// fetch has finished are dropped along the way.
    void watch(const log::partition* p, waiter w);
    /// New records are readable in `p`: wakes every fetch waiting on it.
    void notify(const log::partition* p);

    /// Upkeep of the partitions this shard owns (retention, rolls, syncs, checkpoints) and of
    /// its connections (closing those idle for longer than `max_idle_ms`).
    void start_upkeep(int64_t interval_ms, int64_t max_idle_ms);
    void stop_upkeep() { _upkeep.cancel(); }
    /// The Kafka connections this shard serves (for closing them on shutdown); entries of
    /// closed connections are dropped as new ones arrive.
    void add_connection(std::weak_ptr<connection> c) {
        std::erase_if(_connections, [](const auto& w) { return w.expired(); });
        _connections.push_back(std::move(c));
    }
    const std::vector<std::weak_ptr<connection>>& connections() const { return _connections; }

    /// The coordinator of the groups whose __consumer_offsets partitions this shard owns.
    group::coordinator& coordinator() { return *_coordinator; }
    void set_coordinator(std::unique_ptr<group::coordinator> c);

    /// This shard's share of the topic traffic counters (records and bytes in and out).
    traffic_counters& traffic() { return _traffic; }
    const traffic_counters& traffic() const { return _traffic; }

    /// Closes every partition this shard owns (on shutdown); returns the first failure.
    result<void> close_partitions();

private:
    void schedule_upkeep();
    void close_idle_connections();

    unsigned _id;
    boost::asio::any_io_executor _executor;
    std::shared_ptr<const topic_table> _topics = std::make_shared<topic_table>();
    std::unordered_map<const log::partition*, std::vector<waiter>> _waiters;
    std::vector<std::weak_ptr<connection>> _connections;
    std::unique_ptr<group::coordinator> _coordinator;
    traffic_counters _traffic;
    boost::asio::steady_timer _upkeep;
    int64_t _upkeep_interval_ms = 1000;
    int64_t _max_idle_ms = 0;
};

} // namespace spate::broker
