#pragma once

#include "base/result.h"
#include "group/group.h"
#include "group/group_config.h"
#include "kafka/generated/messages.h"
#include "log/partition.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace spate::group {

template <typename T>
using asio_awaitable = boost::asio::awaitable<T>;

/// The name of the internal topic that holds committed offsets and group membership.
inline constexpr std::string_view offsets_topic = "__consumer_offsets";

/// The offsets-topic partition that holds `group_id` (Kafka's rule: the Java hash code of the
/// id, made non-negative, modulo the partition count; equal to Java's for ASCII ids).
int32_t offsets_partition_for(std::string_view group_id, int32_t partitions);

/// A committed offset as the lag computation needs it.
struct committed_entry {
    std::string group;
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
};

/// Kafka's group coordinator for the classic protocol, for the groups of the offsets-topic
/// partitions one shard owns: JoinGroup, SyncGroup, Heartbeat and LeaveGroup with Kafka's
/// state machine (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead), static
/// membership, session and rebalance timeouts; OffsetCommit and OffsetFetch; ListGroups,
/// DescribeGroups, DeleteGroups and OffsetDelete. Every change that must survive a restart is
/// appended to the group's offsets-topic partition before it is acknowledged, and load()
/// replays those partitions at start.
///
/// Owned by one shard: every method runs on its executor. JoinGroup and SyncGroup wait there
/// (as coroutines) until the rebalance they take part in completes.
class coordinator {
public:
    /// Answers "does this topic partition exist?" for OffsetCommit; callable on this shard.
    using partition_exists = std::function<bool(const std::string& topic, int32_t partition)>;

    coordinator(boost::asio::any_io_executor ex, group_config config, int32_t offsets_partitions);
    ~coordinator();

    /// Takes charge of offsets-topic partition `index` (owned by this shard) and replays it.
    /// Before start(); CORRUPT_MESSAGE if a record cannot be read.
    result<void> load(int32_t index, std::shared_ptr<log::partition> p);
    /// Starts the timer that expires sessions, completes timed-out rebalances and expires old
    /// offsets.
    void start();
    /// Stops the timer and answers every waiting JoinGroup and SyncGroup with
    /// COORDINATOR_NOT_AVAILABLE.
    void stop();

    boost::asio::awaitable<kafka::join_group_response_data> join(kafka::join_group_request_data req,
                                                                 int16_t version,
                                                                 std::string client_id,
                                                                 std::string client_host);
    boost::asio::awaitable<kafka::sync_group_response_data> sync(kafka::sync_group_request_data req,
                                                                 int16_t version);
    kafka::heartbeat_response_data heartbeat(const kafka::heartbeat_request_data& req);
    kafka::leave_group_response_data leave(const kafka::leave_group_request_data& req,
                                           int16_t version);
    boost::asio::awaitable<kafka::offset_commit_response_data>
    commit(kafka::offset_commit_request_data req, int16_t version, partition_exists exists);
    /// The group's committed offsets: of `topics` (every partition asked for, -1 where none is
    /// committed), or all of them when `topics` is null. OffsetFetch v8's layout.
    kafka::offset_fetch_response_data::offset_fetch_response_group
    fetch_offsets(const std::string& group_id,
                  const std::optional<
                      std::vector<kafka::offset_fetch_request_data::offset_fetch_request_topics>>&
                      topics) const;
    std::vector<kafka::list_groups_response_data::listed_group>
    list(const std::vector<std::string>& states, const std::vector<std::string>& types) const;
    kafka::describe_groups_response_data::described_group describe(const std::string& group_id,
                                                                   int16_t version) const;
    /// DeleteGroups for one group: NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, INVALID_GROUP_ID.
    boost::asio::awaitable<int16_t> delete_group(std::string group_id);
    boost::asio::awaitable<kafka::offset_delete_response_data>
    delete_offsets(kafka::offset_delete_request_data req);

    /// Deletes every offset committed on `topic` (which was deleted), durably, in the
    /// background.
    void forget_topic(const std::string& topic);

    /// Every committed offset of the groups here (for consumer lag).
    std::vector<committed_entry> committed() const;
    size_t group_count() const { return _groups.size(); }

private:
    using record = std::pair<bytes, std::optional<bytes>>;

    // coordinator_membership.cc
    join_outcome current_join_outcome(const group_data& g, const std::string& member_id,
                                      bool with_members) const;
    void prepare_rebalance(group_data& g, std::string_view reason);
    void maybe_complete_join(group_data& g);
    void complete_join(group_data& g);
    void remove_member_and_rebalance(group_data& g, const std::string& member_id,
                                     std::string_view reason);
    std::string new_member_id(std::string_view prefix);
    boost::asio::awaitable<join_outcome> static_rejoin(group_data& g, member incoming,
                                                       int16_t version);

    // coordinator_offsets.cc
    void expire_offsets(int64_t now_ms);

    // coordinator_storage.cc
    /// Appends `records` to offsets-topic partition `index` and waits until they are durable
    /// (under the log's flush policy).
    boost::asio::awaitable<result<void>> store(int32_t index, std::vector<record> records);
    /// store() in the background; a failure is logged, naming `what` was being stored.
    void store_later(int32_t index, std::vector<record> records, std::string what);
    /// Stores the group's membership, in the background.
    void store_group_later(const group_data& g);
    boost::asio::awaitable<result<void>> store_group(const group_data& g);
    void apply(int32_t index, const record_key& key, std::optional<std::span<const std::byte>> v,
               int64_t now_ms);
    /// Rewrites a partition whose dead records far outnumber the live ones.
    void maybe_rewrite(int32_t index);
    boost::asio::awaitable<void> rewrite(int32_t index);

    // coordinator.cc
    void schedule_tick();
    void tick();
    group_data* find(const std::string& id);
    const group_data* find(const std::string& id) const;
    group_data& create(const std::string& id);
    void erase_group(const std::string& id);
    /// Drops a group that has no members, no offsets and was never stored.
    void erase_group_if_unused(const std::string& id);

    boost::asio::any_io_executor _executor;
    group_config _config;
    int32_t _offsets_partitions;
    std::map<int32_t, std::shared_ptr<log::partition>> _partitions;
    std::map<int32_t, bool> _rewriting;
    std::unordered_map<std::string, std::unique_ptr<group_data>> _groups;
    boost::asio::steady_timer _timer;
    clock::time_point _next_expiry_check;
    std::mt19937_64 _random;
    bool _stopped = false;
};

} // namespace spate::group
