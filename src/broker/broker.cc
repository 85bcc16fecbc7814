#include "broker/broker.h"

#include "broker/connection.h"
#include "group/coordinator.h"
#include "runtime/invoke.h"
#include "runtime/shard_set.h"
#include "runtime/when_all.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <cassert>

#include <unistd.h>

namespace spate::broker {

namespace asio = boost::asio;
using asio::ip::tcp;

kafka_broker::kafka_broker(broker_config config, runtime::shard_set& shards,
                           asio::thread_pool& blocking)
    : _config(std::move(config)), _shards(shards), _blocking(blocking) {
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

    boost::system::error_code ec;
    auto address = asio::ip::make_address(_config.kafka_addr.host, ec);
    if (ec)
        return error::make(errc::invalid_config, "kafka address '{}': {} is not an IP address",
                           _config.kafka_addr.to_string(), _config.kafka_addr.host);
    tcp::endpoint endpoint(address, _config.kafka_addr.port);
    _acceptor.emplace(_shards.context(0));
    auto fail = [&](std::string_view step) {
        return error::make(errc::kafka_storage_error, "kafka listener on {}: {} failed: {}",
                           _config.kafka_addr.to_string(), step, ec.message());
    };
    if (_acceptor->open(endpoint.protocol(), ec)) return fail("open");
    if (_acceptor->set_option(tcp::acceptor::reuse_address(true), ec)) return fail("SO_REUSEADDR");
    if (_acceptor->bind(endpoint, ec)) return fail("bind");
    if (_acceptor->listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
    auto local = _acceptor->local_endpoint(ec);
    if (ec) return fail("getsockname");
    _bound = {local.address().to_string(), local.port()};
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
    asio::co_spawn(_shards.executor(0), accept_loop(), asio::detached);
}

asio::awaitable<void> kafka_broker::accept_loop() {
    while (!_stopping) {
        auto [ec, socket] = co_await _acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
        if (_stopping) co_return;
        if (ec) {
            // Out of file descriptors and the like: say so, back off briefly, keep serving.
            spdlog::warn("kafka: accept failed: {}", ec.message());
            asio::steady_timer pause(_shards.executor(0), std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        boost::system::error_code pec;
        auto peer = socket.remote_endpoint(pec);
        if (pec) continue; // gone already
        unsigned shard = _next_shard++ % _shards.size();
        if (shard == 0) {
            auto c = std::make_shared<connection>(*this, *_states[0], std::move(socket));
            _states[0]->add_connection(c);
            c->start();
        } else {
            // The socket moves to its shard as a plain descriptor; that shard's loop adopts it.
            adopt(shard, socket.release(), peer);
        }
    }
}

void kafka_broker::adopt(unsigned shard, tcp::socket::native_handle_type fd, tcp::endpoint peer) {
    asio::post(_shards.executor(shard), [this, shard, fd, peer] {
        tcp::socket socket(_shards.context(shard));
        boost::system::error_code ec;
        socket.assign(peer.protocol(), fd, ec);
        if (ec) {
            spdlog::warn("kafka: shard {} could not take a connection: {}", shard, ec.message());
            ::close(fd);
            return;
        }
        auto c = std::make_shared<connection>(*this, *_states[shard], std::move(socket));
        _states[shard]->add_connection(c);
        c->start();
    });
}

asio::awaitable<result<void>> kafka_broker::stop() {
    _stopping = true;
    boost::system::error_code ec;
    if (_acceptor) _acceptor->close(ec);
    // Every shard closes its connections and then its partitions, in parallel.
    std::vector<asio::awaitable<std::optional<error>>> closes;
    for (auto& s : _states) {
        auto* state = s.get();
        closes.push_back(runtime::invoke_on(state->executor(), [state]() -> std::optional<error> {
            state->coordinator().stop();
            for (const auto& w : state->connections())
                if (auto c = w.lock()) c->close("");
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
