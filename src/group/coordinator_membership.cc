// JoinGroup, SyncGroup, Heartbeat and LeaveGroup: the classic group protocol's state machine.

#include "group/coordinator.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace spate::group {

namespace {

int16_t code(errc e) {
    return static_cast<int16_t>(e);
}

int32_t max_rebalance_timeout(const group_data& g) {
    int32_t t = 0;
    for (const auto& [_, m] : g.members)
        t = std::max(t, m.rebalance_timeout_ms);
    return t;
}

kafka::join_group_response_data to_response(join_outcome o) {
    kafka::join_group_response_data r;
    r.error_code = o.error;
    r.generation_id = o.generation;
    r.protocol_type = std::move(o.protocol_type);
    r.protocol_name = std::move(o.protocol);
    r.leader = std::move(o.leader);
    r.skip_assignment = o.skip_assignment;
    r.member_id = std::move(o.member_id);
    for (auto& m : o.members) {
        kafka::join_group_response_data::join_group_response_member jm;
        jm.member_id = std::move(m.member_id);
        jm.group_instance_id = std::move(m.instance_id);
        jm.metadata = std::move(m.metadata);
        r.members.push_back(std::move(jm));
    }
    return r;
}

join_outcome join_error(errc e, std::string member_id = {}) {
    join_outcome o;
    o.error = code(e);
    o.member_id = std::move(member_id);
    return o;
}

sync_outcome sync_error(errc e) {
    sync_outcome o;
    o.error = code(e);
    return o;
}

} // namespace

std::string coordinator::new_member_id(std::string_view prefix) {
    // Kafka's form: the client id (or the instance id) and a random UUID.
    uint64_t hi = _random(), lo = _random();
    return fmt::format("{}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", prefix, hi >> 32,
                       (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

join_outcome coordinator::current_join_outcome(const group_data& g, const std::string& member_id,
                                               bool with_members) const {
    join_outcome o;
    o.generation = g.generation;
    o.protocol_type = g.protocol_type;
    o.protocol = g.protocol;
    o.leader = g.leader.value_or("");
    o.member_id = member_id;
    if (with_members && g.protocol) {
        for (const auto& id : g.join_order) {
            const auto& m = g.members.at(id);
            const bytes* md = m.metadata_for(*g.protocol);
            o.members.push_back({m.id, m.instance_id, md ? *md : bytes{}});
        }
    }
    return o;
}

void coordinator::prepare_rebalance(group_data& g, std::string_view reason) {
    auto now = clock::now();
    if (g.state == group_state::completing_rebalance) {
        // Members waiting for their assignment learn that it will not come.
        for (auto& [_, m] : g.members) {
            m.assignment.clear();
            if (m.sync)
                std::exchange(m.sync, nullptr)->complete(sync_error(errc::rebalance_in_progress));
        }
    }
    g.initial_delay = g.state == group_state::empty && _config.initial_rebalance_delay_ms > 0;
    auto timeout = std::chrono::milliseconds(max_rebalance_timeout(g));
    g.rebalance_start = now;
    g.rebalance_deadline =
        g.initial_delay
            ? now + std::min(timeout, std::chrono::milliseconds(_config.initial_rebalance_delay_ms))
            : now + timeout;
    g.state = group_state::preparing_rebalance;
    g.state_timestamp = wall_ms();
    spdlog::info("group '{}': preparing to rebalance generation {} ({})", g.id, g.generation + 1,
                 reason);
    maybe_complete_join(g);
}

void coordinator::maybe_complete_join(group_data& g) {
    if (g.state != group_state::preparing_rebalance) return;
    if (g.initial_delay) {
        if (clock::now() < g.rebalance_deadline) return;
    } else if (!g.all_joined() && clock::now() < g.rebalance_deadline) {
        return;
    }
    complete_join(g);
}

void coordinator::complete_join(group_data& g) {
    auto now = clock::now();
    // Members that did not rejoin in time leave the group.
    std::vector<std::string> gone;
    for (const auto& [id, m] : g.members)
        if (!m.join) gone.push_back(id);
    for (const auto& id : gone) {
        spdlog::info("group '{}': member {} did not rejoin in time and leaves", g.id, id);
        g.remove_member(id);
    }
    g.pending_members.clear();
    g.initial_delay = false;
    ++g.generation;
    g.state_timestamp = wall_ms();
    if (g.members.empty()) {
        g.state = group_state::empty;
        g.protocol.reset();
        g.leader.reset();
        spdlog::info("group '{}': generation {} is empty", g.id, g.generation);
        store_group_later(g);
        return;
    }
    g.protocol = g.select_protocol();
    if (!g.leader || !g.members.contains(*g.leader)) g.leader = g.join_order.front();
    g.state = group_state::completing_rebalance;
    g.rebalance_deadline = now + std::chrono::milliseconds(max_rebalance_timeout(g));
    spdlog::info("group '{}': generation {} with {} members, protocol {}, leader {}", g.id,
                 g.generation, g.members.size(), g.protocol.value_or("-"), *g.leader);
    for (auto& [id, m] : g.members) {
        m.deadline = now + std::chrono::milliseconds(m.session_timeout_ms);
        auto waiter = std::exchange(m.join, nullptr);
        waiter->complete(current_join_outcome(g, id, id == *g.leader));
    }
}

void coordinator::remove_member_and_rebalance(group_data& g, const std::string& member_id,
                                              std::string_view reason) {
    auto it = g.members.find(member_id);
    if (it == g.members.end()) return;
    if (it->second.join)
        std::exchange(it->second.join, nullptr)->complete(join_error(errc::unknown_member_id));
    if (it->second.sync)
        std::exchange(it->second.sync, nullptr)->complete(sync_error(errc::unknown_member_id));
    g.remove_member(member_id);
    switch (g.state) {
    case group_state::stable:
    case group_state::completing_rebalance: prepare_rebalance(g, reason); break;
    case group_state::preparing_rebalance: maybe_complete_join(g); break;
    default: break;
    }
}

asio_awaitable<kafka::join_group_response_data>
coordinator::join(kafka::join_group_request_data req, int16_t version, std::string client_id,
                  std::string client_host) {
    if (req.group_id.empty())
        co_return to_response(join_error(errc::invalid_group_id, req.member_id));
    if (req.session_timeout_ms < _config.min_session_timeout_ms ||
        req.session_timeout_ms > _config.max_session_timeout_ms)
        co_return to_response(join_error(errc::invalid_session_timeout, req.member_id));
    if (version == 0) req.rebalance_timeout_ms = req.session_timeout_ms;

    group_data* found = find(req.group_id);
    if (!found) {
        if (!req.member_id.empty())
            co_return to_response(join_error(errc::unknown_member_id, req.member_id));
        found = &create(req.group_id);
    }
    group_data& g = *found;
    std::vector<std::pair<std::string, bytes>> protocols;
    for (auto& p : req.protocols)
        protocols.emplace_back(std::move(p.name), std::move(p.metadata));
    if (!g.supports(req.protocol_type, protocols)) {
        if (g.members.empty()) erase_group_if_unused(g.id);
        co_return to_response(join_error(errc::inconsistent_group_protocol, req.member_id));
    }

    auto now = clock::now();
    member incoming;
    incoming.instance_id = req.group_instance_id;
    incoming.client_id = std::move(client_id);
    incoming.client_host = std::move(client_host);
    incoming.rebalance_timeout_ms = req.rebalance_timeout_ms;
    incoming.session_timeout_ms = req.session_timeout_ms;
    incoming.protocols = std::move(protocols);
    incoming.deadline = now + std::chrono::milliseconds(req.session_timeout_ms);

    auto waiter = std::make_shared<pending_response<join_outcome>>(_executor);
    bool is_new = false;
    if (req.member_id.empty()) {
        if (req.group_instance_id && g.static_members.contains(*req.group_instance_id)) {
            auto op = static_rejoin(g, std::move(incoming), version);
            auto outcome = co_await std::move(op);
            co_return to_response(std::move(outcome));
        }
        if (static_cast<int64_t>(g.members.size() + g.pending_members.size()) >= _config.max_size)
            co_return to_response(join_error(errc::group_max_size_reached));
        if (req.group_instance_id) {
            incoming.id = new_member_id(*req.group_instance_id);
        } else {
            incoming.id = new_member_id(incoming.client_id);
            if (version >= 4) {
                // KIP-394: a new member first learns its id, then joins with it.
                g.pending_members[incoming.id] = incoming.deadline;
                co_return to_response(join_error(errc::member_id_required, incoming.id));
            }
        }
        is_new = true;
    } else if (g.pending_members.erase(req.member_id)) {
        incoming.id = req.member_id;
        is_new = true;
    } else if (g.fenced(req.group_instance_id, req.member_id)) {
        co_return to_response(join_error(errc::fenced_instance_id, req.member_id));
    } else if (!g.has_member(req.member_id)) {
        co_return to_response(join_error(errc::unknown_member_id, req.member_id));
    }

    if (is_new) {
        incoming.join = waiter;
        spdlog::info("group '{}': member {} joins (client {}, {})", g.id, incoming.id,
                     incoming.client_id, incoming.client_host);
        if (g.members.empty()) g.protocol_type = req.protocol_type;
        g.add_member(std::move(incoming));
        if (g.state == group_state::preparing_rebalance) {
            if (g.initial_delay) {
                // Each new member of a new group extends the wait, up to the rebalance timeout.
                auto limit =
                    g.rebalance_start + std::chrono::milliseconds(max_rebalance_timeout(g));
                g.rebalance_deadline = std::min(
                    limit, now + std::chrono::milliseconds(_config.initial_rebalance_delay_ms));
            }
            maybe_complete_join(g);
        } else {
            prepare_rebalance(g, "a new member joined");
        }
    } else {
        member& m = g.members.at(req.member_id);
        bool changed = m.protocols != incoming.protocols;
        m.deadline = incoming.deadline;
        m.rebalance_timeout_ms = incoming.rebalance_timeout_ms;
        m.session_timeout_ms = incoming.session_timeout_ms;
        switch (g.state) {
        case group_state::preparing_rebalance:
            m.protocols = std::move(incoming.protocols);
            if (m.join)
                std::exchange(m.join, nullptr)
                    ->complete(join_error(errc::rebalance_in_progress, m.id));
            m.join = waiter;
            maybe_complete_join(g);
            break;
        case group_state::completing_rebalance:
        case group_state::stable:
            if (!changed && (g.state == group_state::completing_rebalance || m.id != g.leader)) {
                // Nothing new: the member gets the current generation again.
                co_return to_response(current_join_outcome(g, m.id, m.id == g.leader));
            }
            m.protocols = std::move(incoming.protocols);
            m.join = waiter;
            prepare_rebalance(g, changed ? "a member changed its subscription"
                                         : "the leader rejoined");
            break;
        default: co_return to_response(join_error(errc::unknown_member_id, req.member_id));
        }
    }
    co_await waiter->ready.wait();
    co_return to_response(std::move(*waiter->value));
}

asio_awaitable<join_outcome> coordinator::static_rejoin(group_data& g, member incoming,
                                                        int16_t version) {
    const std::string instance = *incoming.instance_id;
    const std::string old_id = g.static_members.at(instance);
    member& old = g.members.at(old_id);
    // The old incarnation is fenced: whatever it waits for fails.
    if (old.join)
        std::exchange(old.join, nullptr)->complete(join_error(errc::fenced_instance_id, old_id));
    if (old.sync) std::exchange(old.sync, nullptr)->complete(sync_error(errc::fenced_instance_id));
    bool changed = old.protocols != incoming.protocols;
    bool was_leader = g.leader == old_id;
    incoming.id = new_member_id(instance);
    incoming.assignment = std::move(old.assignment);
    const std::string new_id = incoming.id;
    // Replace the member in place: same position in the join order, same leadership.
    auto pos = std::find(g.join_order.begin(), g.join_order.end(), old_id);
    g.members.erase(old_id);
    *pos = new_id;
    g.static_members[instance] = new_id;
    if (was_leader) g.leader = new_id;
    auto waiter = std::make_shared<pending_response<join_outcome>>(_executor);
    auto [it, _] = g.members.emplace(new_id, std::move(incoming));
    member& m = it->second;
    spdlog::info("group '{}': static member {} rejoins as {}", g.id, instance, new_id);

    if (g.state == group_state::stable && !changed) {
        // KIP-345: a static member that comes back unchanged gets its old assignment without a
        // rebalance. As Kafka does, the response names the old leader id, so that a returning
        // leader does not take itself for the leader and compute a new assignment that a
        // stable group would not hand out; from v9 it is also told to skip the assignment.
        const bool skip = was_leader && version >= 9;
        auto outcome = current_join_outcome(g, new_id, skip);
        outcome.leader = was_leader ? old_id : g.leader.value_or("");
        outcome.skip_assignment = skip;
        const std::string group_id = g.id;
        auto op = store_group(g);
        auto stored = co_await std::move(op);
        if (!stored) {
            spdlog::warn("group '{}': could not store the new member id of {}: {}", group_id,
                         instance, stored.err().message);
            co_return join_error(errc::unknown_server_error, new_id);
        }
        co_return outcome;
    }
    m.join = waiter;
    if (g.state == group_state::preparing_rebalance)
        maybe_complete_join(g);
    else
        prepare_rebalance(g, "a static member rejoined");
    co_await waiter->ready.wait();
    co_return std::move(*waiter->value);
}

asio_awaitable<kafka::sync_group_response_data>
coordinator::sync(kafka::sync_group_request_data req, int16_t version) {
    auto respond = [&](sync_outcome o) {
        kafka::sync_group_response_data r;
        r.error_code = o.error;
        r.protocol_type = std::move(o.protocol_type);
        r.protocol_name = std::move(o.protocol);
        r.assignment = std::move(o.assignment);
        return r;
    };
    group_data* found = find(req.group_id);
    if (!found)
        co_return respond(
            sync_error(req.group_id.empty() ? errc::invalid_group_id : errc::unknown_member_id));
    group_data& g = *found;
    if (g.fenced(req.group_instance_id, req.member_id))
        co_return respond(sync_error(errc::fenced_instance_id));
    if (!g.has_member(req.member_id)) co_return respond(sync_error(errc::unknown_member_id));
    if (req.generation_id != g.generation) co_return respond(sync_error(errc::illegal_generation));
    if (version >= 5 && ((req.protocol_type && *req.protocol_type != g.protocol_type) ||
                         (req.protocol_name && req.protocol_name != g.protocol)))
        co_return respond(sync_error(errc::inconsistent_group_protocol));
    member& m = g.members.at(req.member_id);
    m.deadline = clock::now() + std::chrono::milliseconds(m.session_timeout_ms);
    auto success = [&](const member& who) {
        sync_outcome o;
        o.protocol_type = g.protocol_type;
        o.protocol = g.protocol;
        o.assignment = who.assignment;
        return o;
    };
    switch (g.state) {
    case group_state::preparing_rebalance:
        co_return respond(sync_error(errc::rebalance_in_progress));
    case group_state::stable: co_return respond(success(m));
    case group_state::completing_rebalance: break;
    default: co_return respond(sync_error(errc::unknown_member_id));
    }

    auto waiter = std::make_shared<pending_response<sync_outcome>>(_executor);
    if (m.sync) std::exchange(m.sync, nullptr)->complete(sync_error(errc::rebalance_in_progress));
    m.sync = waiter;
    if (req.member_id == g.leader) {
        for (auto& [id, member] : g.members)
            member.assignment.clear();
        for (auto& a : req.assignments) {
            auto it = g.members.find(a.member_id);
            if (it != g.members.end()) it->second.assignment = std::move(a.assignment);
        }
        const std::string group_id = g.id;
        const int32_t generation = g.generation;
        auto op = store_group(g);
        auto stored = co_await std::move(op);
        // The group may have moved on while the store ran.
        group_data* now = find(group_id);
        if (now && now->generation == generation &&
            now->state == group_state::completing_rebalance) {
            if (!stored) {
                spdlog::warn("group '{}': could not store generation {}: {}", group_id, generation,
                             stored.err().message);
                for (auto& [_, member] : now->members)
                    if (member.sync)
                        std::exchange(member.sync, nullptr)
                            ->complete(sync_error(errc::coordinator_not_available));
                prepare_rebalance(*now, "storing the assignment failed");
            } else {
                now->state = group_state::stable;
                now->state_timestamp = wall_ms();
                spdlog::info("group '{}': generation {} is stable", group_id, generation);
                for (auto& [_, member] : now->members)
                    if (member.sync) std::exchange(member.sync, nullptr)->complete(success(member));
            }
        }
    }
    co_await waiter->ready.wait();
    co_return respond(std::move(*waiter->value));
}

kafka::heartbeat_response_data coordinator::heartbeat(const kafka::heartbeat_request_data& req) {
    kafka::heartbeat_response_data r;
    auto fail = [&](errc e) {
        r.error_code = code(e);
        return r;
    };
    group_data* found = find(req.group_id);
    if (!found)
        return fail(req.group_id.empty() ? errc::invalid_group_id : errc::unknown_member_id);
    group_data& g = *found;
    if (g.fenced(req.group_instance_id, req.member_id)) return fail(errc::fenced_instance_id);
    if (!g.has_member(req.member_id)) return fail(errc::unknown_member_id);
    if (req.generation_id != g.generation) return fail(errc::illegal_generation);
    member& m = g.members.at(req.member_id);
    m.deadline = clock::now() + std::chrono::milliseconds(m.session_timeout_ms);
    switch (g.state) {
    case group_state::preparing_rebalance: return fail(errc::rebalance_in_progress);
    case group_state::completing_rebalance:
    case group_state::stable: return r;
    default: return fail(errc::unknown_member_id);
    }
}

kafka::leave_group_response_data coordinator::leave(const kafka::leave_group_request_data& req,
                                                    int16_t version) {
    kafka::leave_group_response_data r;
    std::vector<kafka::leave_group_request_data::member_identity> leaving = req.members;
    if (version < 3) {
        leaving.clear();
        leaving.push_back({req.member_id, std::nullopt, std::nullopt, {}});
    }
    group_data* found = find(req.group_id);
    if (!found) {
        r.error_code =
            code(req.group_id.empty() ? errc::invalid_group_id : errc::unknown_member_id);
        return r;
    }
    group_data& g = *found;
    for (const auto& who : leaving) {
        kafka::leave_group_response_data::member_response mr;
        mr.member_id = who.member_id;
        mr.group_instance_id = who.group_instance_id;
        std::string id = who.member_id;
        if (who.group_instance_id) {
            auto it = g.static_members.find(*who.group_instance_id);
            if (it == g.static_members.end()) {
                mr.error_code = code(errc::unknown_member_id);
            } else if (!id.empty() && it->second != id) {
                mr.error_code = code(errc::fenced_instance_id);
            } else {
                id = it->second;
            }
        } else if (!g.has_member(id)) {
            // A member that only got an id (MEMBER_ID_REQUIRED) may leave too.
            mr.error_code =
                code(g.pending_members.erase(id) ? errc::none : errc::unknown_member_id);
            if (mr.error_code == 0) maybe_complete_join(g);
            r.members.push_back(std::move(mr));
            continue;
        }
        if (mr.error_code == 0) {
            std::string reason = who.reason ? fmt::format("member {} left: {}", id, *who.reason)
                                            : fmt::format("member {} left", id);
            spdlog::info("group '{}': {}", g.id, reason);
            remove_member_and_rebalance(g, id, reason);
        }
        r.members.push_back(std::move(mr));
    }
    if (version < 3 && !r.members.empty()) r.error_code = r.members.front().error_code;
    return r;
}

} // namespace spate::group
