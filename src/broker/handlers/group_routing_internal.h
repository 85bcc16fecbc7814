#pragma once

// How group requests reach their coordinator: a group lives on the shard that owns its
// __consumer_offsets partition, and its requests run there.

#include "broker/broker.h"
#include "broker/request_context.h"
#include "group/coordinator.h"
#include "runtime/invoke.h"

#include <cassert>
#include <string>

namespace spate::broker::handlers {

/// The shard whose coordinator serves `group_id`.
inline unsigned coordinator_shard(request_context& ctx, const std::string& group_id) {
    const auto* t = ctx.shard.topics()->find(std::string(group::offsets_topic));
    assert(t && "the broker creates __consumer_offsets before it serves requests");
    auto p = group::offsets_partition_for(group_id, static_cast<int32_t>(t->partitions.size()));
    return t->partitions[static_cast<size_t>(p)].shard;
}

/// Runs `f(coordinator&)` on the coordinator of `group_id` and returns what it returns (an
/// awaitable's value when it returns one). `f` must own what it uses.
template <typename F>
auto on_coordinator(request_context& ctx, const std::string& group_id, F f) {
    unsigned shard = coordinator_shard(ctx, group_id);
    auto* coordinator = &ctx.broker.state(shard).coordinator();
    return runtime::invoke_on(
        ctx.broker.executor(shard),
        [coordinator, f = std::move(f)]() mutable { return f(*coordinator); });
}

/// Kafka's client host form: "/" and the client's IP address.
inline std::string client_host(const std::string& peer) {
    auto colon = peer.rfind(':');
    return "/" + (colon == std::string::npos ? peer : peer.substr(0, colon));
}

} // namespace spate::broker::handlers
