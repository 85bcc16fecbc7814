#pragma once

#include "group/offset_records.h"
#include "runtime/event.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace spate::group {

using clock = std::chrono::steady_clock;

/// Wall-clock milliseconds since the epoch (commit timestamps, state times).
int64_t wall_ms();

/// The classic group protocol's states, as Kafka names them.
enum class group_state { empty, preparing_rebalance, completing_rebalance, stable, dead };

/// Kafka's name of a state ("Empty", "PreparingRebalance", ...), as DescribeGroups and
/// ListGroups report it.
std::string_view state_name(group_state s);

/// A response a coroutine waits for while the group rebalances: the coordinator fills it in
/// and wakes the waiter. Lives on the coordinator's shard.
template <typename T>
struct pending_response {
    explicit pending_response(boost::asio::any_io_executor ex) : ready(std::move(ex)) {}
    void complete(T v) {
        value = std::move(v);
        ready.notify();
    }
    runtime::event ready;
    std::optional<T> value;
};

/// What a JoinGroup or SyncGroup waiter receives.
struct join_outcome {
    int16_t error = 0;
    int32_t generation = -1;
    std::optional<std::string> protocol_type;
    std::optional<std::string> protocol;
    std::string leader;
    std::string member_id;
    bool skip_assignment = false;
    struct member_entry {
        std::string member_id;
        std::optional<std::string> instance_id;
        bytes metadata;
    };
    /// For the leader: every member and its subscription in the chosen protocol.
    std::vector<member_entry> members;
};

struct sync_outcome {
    int16_t error = 0;
    std::optional<std::string> protocol_type;
    std::optional<std::string> protocol;
    bytes assignment;
};

/// One member of a group: identity, timeouts, the protocols it supports (name and metadata,
/// in its order of preference), its assignment, and whatever join or sync it is waiting on.
struct member {
    std::string id;
    std::optional<std::string> instance_id;
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout_ms = 0;
    int32_t session_timeout_ms = 0;
    std::vector<std::pair<std::string, bytes>> protocols;
    bytes assignment;
    clock::time_point deadline; ///< session expiry, moved on by every heartbeat
    std::shared_ptr<pending_response<join_outcome>> join;
    std::shared_ptr<pending_response<sync_outcome>> sync;
    bool rejoined_since_rebalance = false;

    const bytes* metadata_for(std::string_view protocol) const;
};

/// A committed offset and when it was committed (for expiry).
struct committed_offset {
    offset_value value;
    int64_t expire_timestamp = -1; ///< from OffsetCommit v1-v4's retention_time, else -1
};

/// One consumer group: membership, the generation and its chosen protocol, and the offsets
/// the group committed. A plain value owned by the coordinator of the group's shard.
struct group_data {
    std::string id;
    int32_t offsets_partition = 0;
    group_state state = group_state::empty;
    int64_t state_timestamp = 0; ///< wall clock ms of the last state change
    int32_t generation = 0;
    std::string protocol_type;
    std::optional<std::string> protocol;
    std::optional<std::string> leader;
    std::map<std::string, member> members;                    ///< by member id
    std::vector<std::string> join_order;                      ///< member ids, oldest first
    std::map<std::string, std::string> static_members;        ///< instance id -> member id
    std::map<std::string, clock::time_point> pending_members; ///< MEMBER_ID_REQUIRED handed out
    clock::time_point rebalance_start;
    clock::time_point rebalance_deadline;
    bool initial_delay = false; ///< the first rebalance of an empty group waits for more joins
    std::map<std::pair<std::string, int32_t>, committed_offset> offsets;

    bool has_member(const std::string& id) const { return members.contains(id); }
    /// A static member whose instance id now belongs to another member id.
    bool fenced(const std::optional<std::string>& instance_id, const std::string& member_id) const;
    /// Every member has a join waiting and no MEMBER_ID_REQUIRED member is outstanding.
    bool all_joined() const;
    /// The protocol supported by every member that most members prefer (Kafka's vote).
    std::optional<std::string> select_protocol() const;
    /// Whether a member with these protocols can join (Kafka's supportsProtocols).
    bool supports(std::string_view type,
                  const std::vector<std::pair<std::string, bytes>>& protocols) const;
    void add_member(member m);
    void remove_member(const std::string& id);
    /// Topics the members subscribe to, read from their "consumer" protocol subscriptions;
    /// nullopt when the group does not use the consumer protocol.
    std::optional<std::vector<std::string>> subscribed_topics() const;
    group_value to_value() const;
};

} // namespace spate::group
