#include "group/coordinator.h"

#include <spdlog/spdlog.h>

namespace spate::group {

namespace {

constexpr auto tick_interval = std::chrono::milliseconds(100);

} // namespace

int32_t offsets_partition_for(std::string_view group_id, int32_t partitions) {
    int32_t h = 0;
    for (char c : group_id)
        h = static_cast<int32_t>(31u * static_cast<uint32_t>(h) + static_cast<uint8_t>(c));
    // Kafka's Utils.abs: the sign bit cleared (so that INT_MIN maps to 0).
    return (h & 0x7fffffff) % partitions;
}

coordinator::coordinator(boost::asio::any_io_executor ex, group_config config,
                         int32_t offsets_partitions)
    : _executor(ex), _config(config), _offsets_partitions(offsets_partitions), _timer(ex),
      _random(std::random_device{}()) {}

coordinator::~coordinator() = default;

void coordinator::start() {
    _next_expiry_check =
        clock::now() + std::chrono::milliseconds(_config.offsets_retention_check_interval_ms);
    schedule_tick();
}

void coordinator::stop() {
    _stopped = true;
    _timer.cancel();
    for (auto& [_, g] : _groups)
        for (auto& [__, m] : g->members) {
            if (m.join) {
                join_outcome o;
                o.error = static_cast<int16_t>(errc::coordinator_not_available);
                o.member_id = m.id;
                std::exchange(m.join, nullptr)->complete(std::move(o));
            }
            if (m.sync) {
                sync_outcome o;
                o.error = static_cast<int16_t>(errc::coordinator_not_available);
                std::exchange(m.sync, nullptr)->complete(std::move(o));
            }
        }
}

void coordinator::schedule_tick() {
    if (_stopped) return;
    _timer.expires_after(tick_interval);
    _timer.async_wait([this](boost::system::error_code ec) {
        if (ec || _stopped) return;
        tick();
        schedule_tick();
    });
}

void coordinator::tick() {
    auto now = clock::now();
    std::vector<std::string> ids;
    ids.reserve(_groups.size());
    for (const auto& [id, _] : _groups)
        ids.push_back(id);
    for (const auto& id : ids) {
        group_data* g = find(id);
        if (!g) continue;
        // Ids handed out with MEMBER_ID_REQUIRED that never came back.
        bool pending_expired =
            std::erase_if(g->pending_members, [&](const auto& p) { return p.second <= now; }) > 0;
        // Sessions: a member waiting for a rebalance to finish is alive by definition.
        std::vector<std::string> expired;
        for (const auto& [mid, m] : g->members)
            if (!m.join && !m.sync && m.deadline <= now) expired.push_back(mid);
        for (const auto& mid : expired) {
            if (!g->has_member(mid)) continue;
            spdlog::info("group '{}': member {} left: session timed out", g->id, mid);
            remove_member_and_rebalance(*g, mid, "a member's session timed out");
        }
        if (g->state == group_state::preparing_rebalance) {
            if (pending_expired || now >= g->rebalance_deadline) maybe_complete_join(*g);
        } else if (g->state == group_state::completing_rebalance && now >= g->rebalance_deadline) {
            prepare_rebalance(*g, "the leader did not send the assignment in time");
        }
    }
    if (now >= _next_expiry_check) {
        _next_expiry_check =
            now + std::chrono::milliseconds(_config.offsets_retention_check_interval_ms);
        expire_offsets(wall_ms());
    }
    for (const auto& [index, _] : _partitions)
        maybe_rewrite(index);
}

group_data* coordinator::find(const std::string& id) {
    auto it = _groups.find(id);
    return it == _groups.end() ? nullptr : it->second.get();
}

const group_data* coordinator::find(const std::string& id) const {
    auto it = _groups.find(id);
    return it == _groups.end() ? nullptr : it->second.get();
}

group_data& coordinator::create(const std::string& id) {
    auto g = std::make_unique<group_data>();
    g->id = id;
    g->offsets_partition = offsets_partition_for(id, _offsets_partitions);
    g->state_timestamp = wall_ms();
    auto& ref = *g;
    _groups.emplace(id, std::move(g));
    return ref;
}

void coordinator::erase_group(const std::string& id) {
    _groups.erase(id);
}

void coordinator::erase_group_if_unused(const std::string& id) {
    auto* g = find(id);
    if (g && g->members.empty() && g->pending_members.empty() && g->offsets.empty() &&
        g->generation == 0)
        erase_group(id);
}

} // namespace spate::group
