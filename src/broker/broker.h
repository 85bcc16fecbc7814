#pragma once

#include "base/latency_histogram.h"
#include "broker/broker_config.h"
#include "broker/controller.h"
#include "broker/shard_state.h"
#include "broker/traffic.h"
#include "runtime/tcp_listener.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <array>
#include <memory>
#include <vector>

namespace spate::runtime {
class shard_set;
}

namespace spate::broker {

/// A Kafka broker on spate's shards: the controller (topic table, on shard 0), one
/// shard_state per shard, and the Kafka listener, which accepts on shard 0 and hands each
/// connection to the shards in turn. A connection stays on its shard; its requests reach the
/// partitions they touch by message passing to the partitions' shards.
///
/// Created, opened and started on the main thread before the shards run; stop() runs on
/// shard 0; the object outlives the shards.
class kafka_broker {
public:
    kafka_broker(broker_config config, runtime::shard_set& shards,
                 boost::asio::thread_pool& blocking);
    ~kafka_broker();

    /// Opens the log (recovering every partition) and binds the listener. Before start().
    result<void> open();
    /// The address the listener is bound to (the real port when 0 was asked for).
    host_port bound_address() const { return _bound; }
    /// What Metadata tells clients: the advertised address, else the bound one.
    host_port advertised_address() const;
    /// Starts accepting and the per-shard upkeep; call before the shards start.
    void start();
    /// Stops accepting, closes every connection, closes every partition on its shard and
    /// then the log. Runs on shard 0; the shards can be stopped once it returns.
    boost::asio::awaitable<result<void>> stop();

    const broker_config& config() const { return _config; }
    /// The cluster id (fixed once open; readable from any shard).
    const std::string& cluster_id() const { return _cluster_id; }
    runtime::shard_set& shards() { return _shards; }
    /// The executor of `shard`, for runtime::invoke_on().
    boost::asio::any_io_executor executor(unsigned shard) const;
    /// The controller; use only on its shard (controller::shard()).
    controller& ctl() { return *_controller; }
    /// The state of the shard the calling thread runs.
    shard_state& local();
    shard_state& state(unsigned shard) { return *_states[shard]; }

    /// Every topic's traffic since the server started (records and bytes produced, appended by
    /// SQL and fetched), summed over the shards, with its partitions' start and end offsets;
    /// sorted by name. Call on any shard: it visits each shard in turn.
    boost::asio::awaitable<std::vector<broker::topic_traffic>> topic_traffic();
    /// How long the Kafka requests of API `api_key` took to serve (from the header read to the
    /// response ready); nullptr for a key outside 0..max_api_key. Any thread.
    latency_histogram* request_latency(int16_t api_key) {
        if (api_key < 0 || api_key > max_api_key) return nullptr;
        return &_request_latency[size_t(api_key)];
    }
    static constexpr int16_t max_api_key = 127;

private:
    /// Creates __consumer_offsets if missing and gives every shard its group coordinator,
    /// loaded from the offsets partitions that shard owns.
    result<void> open_coordinators();

    broker_config _config;
    runtime::shard_set& _shards;
    boost::asio::thread_pool& _blocking;
    std::vector<std::unique_ptr<shard_state>> _states;
    std::unique_ptr<controller> _controller;
    runtime::tcp_listener _listener;
    host_port _bound;
    std::string _cluster_id;
    std::array<latency_histogram, size_t(max_api_key) + 1> _request_latency;
};

} // namespace spate::broker
