#include "group/group.h"

#include "kafka/protocol/wire.h"

#include <algorithm>
#include <set>

namespace spate::group {

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string_view state_name(group_state s) {
    switch (s) {
    case group_state::empty: return "Empty";
    case group_state::preparing_rebalance: return "PreparingRebalance";
    case group_state::completing_rebalance: return "CompletingRebalance";
    case group_state::stable: return "Stable";
    case group_state::dead: return "Dead";
    }
    return "Dead";
}

const bytes* member::metadata_for(std::string_view protocol) const {
    for (const auto& [name, metadata] : protocols)
        if (name == protocol) return &metadata;
    return nullptr;
}

bool group_data::fenced(const std::optional<std::string>& instance_id,
                        const std::string& member_id) const {
    if (!instance_id) return false;
    auto it = static_members.find(*instance_id);
    return it != static_members.end() && it->second != member_id;
}

bool group_data::all_joined() const {
    if (!pending_members.empty()) return false;
    return std::all_of(members.begin(), members.end(),
                       [](const auto& m) { return m.second.join != nullptr; });
}

std::optional<std::string> group_data::select_protocol() const {
    if (members.empty()) return std::nullopt;
    // Candidates: the protocols every member supports, in the first member's order.
    const auto& first = members.at(join_order.front());
    std::vector<std::string> candidates;
    for (const auto& [name, _] : first.protocols) {
        bool everyone = std::all_of(members.begin(), members.end(), [&](const auto& m) {
            return m.second.metadata_for(name) != nullptr;
        });
        if (everyone) candidates.push_back(name);
    }
    if (candidates.empty()) return std::nullopt;
    // Each member votes for the candidate it lists first; the most votes win, ties going to
    // the candidate listed first.
    std::map<std::string, int> votes;
    for (const auto& [_, m] : members)
        for (const auto& [name, __] : m.protocols)
            if (std::find(candidates.begin(), candidates.end(), name) != candidates.end()) {
                ++votes[name];
                break;
            }
    std::string best = candidates.front();
    for (const auto& c : candidates)
        if (votes[c] > votes[best]) best = c;
    return best;
}

bool group_data::supports(std::string_view type,
                          const std::vector<std::pair<std::string, bytes>>& protocols) const {
    if (members.empty()) return !type.empty() && !protocols.empty();
    if (type != protocol_type) return false;
    for (const auto& [name, _] : protocols) {
        bool everyone = std::all_of(members.begin(), members.end(), [&](const auto& m) {
            return m.second.metadata_for(name) != nullptr;
        });
        if (everyone) return true;
    }
    return false;
}

void group_data::add_member(member m) {
    if (m.instance_id) static_members[*m.instance_id] = m.id;
    if (!leader) leader = m.id;
    join_order.push_back(m.id);
    auto id = m.id;
    members.insert_or_assign(std::move(id), std::move(m));
}

void group_data::remove_member(const std::string& id) {
    auto it = members.find(id);
    if (it == members.end()) return;
    if (it->second.instance_id) {
        auto s = static_members.find(*it->second.instance_id);
        if (s != static_members.end() && s->second == id) static_members.erase(s);
    }
    members.erase(it);
    std::erase(join_order, id);
    if (leader == id)
        leader = join_order.empty() ? std::nullopt : std::optional<std::string>(join_order.front());
}

std::optional<std::vector<std::string>> group_data::subscribed_topics() const {
    if (protocol_type != "consumer" || !protocol) return std::nullopt;
    std::set<std::string> topics;
    for (const auto& [_, m] : members) {
        const bytes* metadata = m.metadata_for(*protocol);
        if (!metadata) continue;
        // ConsumerProtocolSubscription: version int16, then the topics as an array of strings
        // in every version.
        kafka::reader rd(*metadata);
        auto version = rd.read_int16();
        auto n = rd.read_array_length(2);
        if (!version || !n) return std::nullopt;
        for (int32_t i = 0; i < *n; ++i) {
            auto t = rd.read_string();
            if (!t) return std::nullopt;
            topics.insert(std::move(*t));
        }
    }
    return std::vector<std::string>(topics.begin(), topics.end());
}

group_value group_data::to_value() const {
    group_value v;
    v.protocol_type = protocol_type;
    v.generation = generation;
    v.protocol = protocol;
    v.leader = leader;
    v.state_timestamp = state_timestamp;
    for (const auto& id : join_order) {
        const auto& m = members.at(id);
        member_value mv;
        mv.member_id = m.id;
        mv.instance_id = m.instance_id;
        mv.client_id = m.client_id;
        mv.client_host = m.client_host;
        mv.rebalance_timeout_ms = m.rebalance_timeout_ms;
        mv.session_timeout_ms = m.session_timeout_ms;
        if (protocol)
            if (const bytes* md = m.metadata_for(*protocol)) mv.subscription = *md;
        mv.assignment = m.assignment;
        v.members.push_back(std::move(mv));
    }
    return v;
}

} // namespace spate::group
