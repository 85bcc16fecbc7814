#include "broker/broker.h"

#include "broker/connection.h"
#include "group/coordinator.h"
#include "runtime/invoke.h"
#include "runtime/shard_set.h"
#include "runtime/when_all.h"

#include <boost/asio/post.hpp>

#include <cassert>

namespace spate::broker {

namespace asio = boost::asio;
using asio::ip::tcp;

kafka_broker::kafka_broker(broker_config config, runtime::shard_set& shards,
                           asio::thread_pool& blocking)
    : _config(std::move(config)), _shards(shards), _blocking(blocking), _listener(shards) {
    for (unsigned i = 0; i < _shards.size(); ++i)
        _states.push_back(std::make_unique<shard_state>(i, _shards.executor(i)));
}

kafka_broker::~kafka_broker() = default;

result<void> kafka_broker::open() {
    std::vector<shard_state*> states;
    for (auto& s : _states)
        states.push_back(s.get());
    auto c = controller::open(_config, _shards, _blocking, std::move(states));
    if (!c) return std::move(c).err();
    _controller = std::move(c).value();
    _cluster_id = _controller->cluster_id();
    if (auto r = open_coordinators(); !r) return r;

    if (auto r = _listener.open(_config.kafka_addr.to_string(), "kafka"); !r) return r;
    _bound = {_listener.bound_host(), _listener.bound_port()};
    return ok();
}

result<void> kafka_broker::open_coordinators() {
    const std::string name(group::offsets_topic);
    if (!_controller->topics()->find(name)) {
        // Offsets and memberships are kept until the coordinator deletes them, never by time.
        log::config_overrides overrides{
            {"retention.ms", "-1"}, {"retention.bytes", "-1"}, {"segment.bytes", "104857600"}};
        if (auto r = _controller->create_topic(name, _config.offsets_topic_partitions, overrides);
            !r)
            return r;
    }
    const auto* t = _controller->topics()->find(name);
    const auto partitions = static_cast<int32_t>(t->partitions.size());
    for (auto& s : _states)
        s->set_coordinator(
            std::make_unique<group::coordinator>(s->executor(), _config.groups, partitions));
    // The shards do not run yet: each partition is replayed here, by its future owner's
    // coordinator.
    for (int32_t i = 0; i < partitions; ++i) {
        const auto& ref = t->partitions[static_cast<size_t>(i)];
        if (auto r = _states[ref.shard]->coordinator().load(i, ref.log); !r)
            return error::make(r.err().code, "loading {} partition {}: {}", name, i,
                               r.err().message);
    }
    return ok();
}

host_port kafka_broker::advertised_address() const {
    host_port out = _bound;
    if (!_config.advertised_kafka_addr.host.empty()) out = _config.advertised_kafka_addr;
    // A listener on every interface cannot be advertised as such: tell clients this host.
    if (out.host == "0.0.0.0" || out.host == "::") out.host = "localhost";
    return out;
}

asio::any_io_executor kafka_broker::executor(unsigned shard) const {
    return _shards.executor(shard);
}

shard_state& kafka_broker::local() {
    auto s = runtime::shard_set::current();
    assert(s.has_value() && *s < _states.size());
    return *_states[*s];
}

void kafka_broker::start() {
    for (auto& s : _states) {
        auto* state = s.get();
        asio::post(state->executor(), [state, ms = _config.maintenance_interval_ms,
                                       idle = _config.connections_max_idle_ms] {
            state->start_upkeep(ms, idle);
            state->coordinator().start();
        });
    }
    _listener.start([this](unsigned shard, tcp::socket socket) {
        auto c = std::make_shared<connection>(*this, *_states[shard], std::move(socket));
        _states[shard]->add_connection(c);
        c->start();
        return std::shared_ptr<runtime::closable>(std::move(c));
    });
}

asio::awaitable<result<void>> kafka_broker::stop() {
    // Every shard closes its connections, then its partitions, in parallel.
    auto listener_stopped = _listener.stop();
    co_await std::move(listener_stopped);
    std::vector<asio::awaitable<std::optional<error>>> closes;
    for (auto& s : _states) {
        auto* state = s.get();
        closes.push_back(runtime::invoke_on(state->executor(), [state]() -> std::optional<error> {
            state->coordinator().stop();
            state->stop_upkeep();
            auto r = state->close_partitions();
            if (!r) return std::move(r).err();
            return std::nullopt;
        }));
    }
    auto all = runtime::when_all(std::move(closes));
    auto results = co_await std::move(all);
    auto closed = _controller->close();
    for (auto& r : results)
        if (r) co_return std::move(*r);
    co_return closed;
}

} // namespace spate::broker
