#include "broker/shard_state.h"

#include "broker/connection.h"
#include "group/coordinator.h"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace spate::broker {

shard_state::shard_state(unsigned id, boost::asio::any_io_executor ex)
    : _id(id), _executor(std::move(ex)), _upkeep(_executor) {}

shard_state::~shard_state() = default;

void shard_state::set_coordinator(std::unique_ptr<group::coordinator> c) {
    _coordinator = std::move(c);
}

void shard_state::watch(const log::partition* p, waiter w) {
    auto& list = _waiters[p];
    std::erase_if(list, [](const waiter& x) { return x.wake.expired(); });
    list.push_back(std::move(w));
}

void shard_state::notify(const log::partition* p) {
    auto it = _waiters.find(p);
    if (it == _waiters.end()) return;
    auto list = std::move(it->second);
    _waiters.erase(it);
    for (auto& w : list) {
        if (w.wake.expired()) continue;
        boost::asio::post(w.shard, [wake = std::move(w.wake)] {
            if (auto e = wake.lock()) e->notify();
        });
    }
}

void shard_state::start_upkeep(int64_t interval_ms, int64_t max_idle_ms) {
    _upkeep_interval_ms = interval_ms;
    _max_idle_ms = max_idle_ms;
    schedule_upkeep();
}

void shard_state::close_idle_connections() {
    auto since = std::chrono::steady_clock::now() - std::chrono::milliseconds(_max_idle_ms);
    for (const auto& w : _connections)
        if (auto c = w.lock(); c && c->idle_since(since))
            c->close(
                fmt::format("idle for more than {} ms (connections.max.idle.ms)", _max_idle_ms));
}

void shard_state::schedule_upkeep() {
    _upkeep.expires_after(std::chrono::milliseconds(_upkeep_interval_ms));
    _upkeep.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        auto now = model::timestamp_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
        for (const auto& [name, t] : _topics->by_name)
            for (const auto& p : t->partitions)
                if (p.shard == _id && !p.log->closed())
                    if (auto r = p.log->maintain(now); !r)
                        spdlog::error("upkeep of partition {} failed: {}", p.log->name(),
                                      r.err().to_string());
        close_idle_connections();
        schedule_upkeep();
    });
}

result<void> shard_state::close_partitions() {
    result<void> first = ok();
    for (const auto& [name, t] : _topics->by_name)
        for (const auto& p : t->partitions) {
            if (p.shard != _id || p.log->closed()) continue;
            if (auto r = p.log->close(); !r) {
                spdlog::error("closing partition {} failed: {}", p.log->name(),
                              r.err().to_string());
                if (first) first = std::move(r);
            }
        }
    return first;
}

} // namespace spate::broker
