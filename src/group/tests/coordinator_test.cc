// The coordinator driven directly, on an event loop in the test's thread, over a real
// offsets partition: the state machine's answers, session expiry, offset expiry, restarts and
// the rewrite of a partition full of dead records.

#include "group/coordinator.h"
#include "log/tests/log_test_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace spate::group {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

int16_t code(errc e) {
    return static_cast<int16_t>(e);
}

class coordinator_test : public log::testing::log_fixture {
public:
    group_config config;
    std::shared_ptr<log::partition> partition;
    std::unique_ptr<coordinator> coord;

    coordinator_test() {
        config.initial_rebalance_delay_ms = 0;
        config.min_session_timeout_ms = 10;
    }
    ~coordinator_test() override { close(); }

    void start() {
        partition = open();
        coord = std::make_unique<coordinator>(io.get_executor(), config, 1);
        auto r = coord->load(0, partition);
        ASSERT_TRUE(r) << r.err().to_string();
        coord->start();
    }
    void close() {
        if (!coord) return;
        coord->stop();
        coord.reset();
        io.restart();
        io.poll();
        ASSERT_TRUE(partition->close());
        partition.reset();
    }
    void restart() {
        close();
        start();
    }
    /// Runs the loop (timers included) for `d` of wall time.
    void run_for(std::chrono::milliseconds d) {
        io.restart();
        io.run_for(d);
    }

    kafka::join_group_request_data join_request(const std::string& member,
                                                int32_t session_ms = 10'000) {
        kafka::join_group_request_data r;
        r.group_id = "g";
        r.session_timeout_ms = session_ms;
        r.rebalance_timeout_ms = 10'000;
        r.member_id = member;
        r.protocol_type = "consumer";
        r.protocols.push_back({"range", {std::byte{0}, std::byte{1}}, {}});
        return r;
    }
    kafka::join_group_response_data join(kafka::join_group_request_data r) {
        return run(coord->join(std::move(r), 5, "client", "/127.0.0.1"));
    }
    /// Joins as a new member of an empty group: MEMBER_ID_REQUIRED, then generation 1.
    kafka::join_group_response_data join_new(int32_t session_ms = 10'000) {
        auto first = join(join_request("", session_ms));
        EXPECT_EQ(first.error_code, code(errc::member_id_required));
        EXPECT_FALSE(first.member_id.empty());
        return join(join_request(first.member_id, session_ms));
    }
    kafka::sync_group_response_data sync(const std::string& member, int32_t generation,
                                         std::vector<std::byte> assignment = {}) {
        kafka::sync_group_request_data r;
        r.group_id = "g";
        r.generation_id = generation;
        r.member_id = member;
        r.assignments.push_back({member, std::move(assignment), {}});
        return run(coord->sync(std::move(r), 3));
    }
    int16_t heartbeat(const std::string& member, int32_t generation,
                      const std::string& group = "g") {
        kafka::heartbeat_request_data r;
        r.group_id = group;
        r.generation_id = generation;
        r.member_id = member;
        return coord->heartbeat(r).error_code;
    }
    int16_t commit(const std::string& member, int32_t generation, int64_t offset,
                   std::string topic = "t") {
        kafka::offset_commit_request_data r;
        r.group_id = "g";
        r.generation_id_or_member_epoch = generation;
        r.member_id = member;
        kafka::offset_commit_request_data::offset_commit_request_topic t;
        t.name = std::move(topic);
        kafka::offset_commit_request_data::offset_commit_request_partition p;
        p.partition_index = 0;
        p.committed_offset = offset;
        t.partitions.push_back(p);
        r.topics.push_back(t);
        auto response = run(coord->commit(
            std::move(r), 8, [](const std::string& name, int32_t) { return name == "t"; }));
        return response.topics.at(0).partitions.at(0).error_code;
    }
    int64_t committed(const std::string& group = "g") {
        std::optional<std::vector<kafka::offset_fetch_request_data::offset_fetch_request_topics>>
            topics{std::in_place};
        topics->push_back({"t", {0}, {}});
        return coord->fetch_offsets(group, topics).topics.at(0).partitions.at(0).committed_offset;
    }
    std::string state() { return coord->describe("g", 5).group_state; }
};

TEST_F(coordinator_test, OneMemberJoinsSyncsCommitsAndSurvivesARestart) {
    start();
    auto joined = join_new();
    ASSERT_EQ(joined.error_code, 0);
    EXPECT_EQ(joined.generation_id, 1);
    EXPECT_EQ(joined.leader, joined.member_id);
    EXPECT_EQ(joined.protocol_name, "range");
    ASSERT_EQ(joined.members.size(), 1u);
    EXPECT_EQ(state(), "CompletingRebalance");
    auto synced = sync(joined.member_id, 1, {std::byte{7}});
    ASSERT_EQ(synced.error_code, 0);
    EXPECT_EQ(synced.assignment, std::vector<std::byte>{std::byte{7}});
    EXPECT_EQ(state(), "Stable");
    EXPECT_EQ(commit(joined.member_id, 1, 42), 0);
    EXPECT_EQ(committed(), 42);

    restart();
    EXPECT_EQ(committed(), 42);
    EXPECT_EQ(state(), "Stable");
    // The member carries on where it was: same id, same generation, same assignment.
    EXPECT_EQ(heartbeat(joined.member_id, 1), 0);
    auto again = sync(joined.member_id, 1);
    EXPECT_EQ(again.error_code, 0);
    EXPECT_EQ(again.assignment, std::vector<std::byte>{std::byte{7}});
}

TEST_F(coordinator_test, KafkaErrorCodesWhereKafkaReturnsThem) {
    start();
    auto bad_group = join_request("");
    bad_group.group_id = "";
    EXPECT_EQ(join(bad_group).error_code, code(errc::invalid_group_id));
    EXPECT_EQ(join(join_request("", 5)).error_code, code(errc::invalid_session_timeout));
    EXPECT_EQ(join(join_request("nobody")).error_code, code(errc::unknown_member_id));

    auto joined = join_new();
    ASSERT_EQ(joined.error_code, 0);
    auto other_type = join_request("");
    other_type.protocol_type = "connect";
    EXPECT_EQ(join(other_type).error_code, code(errc::inconsistent_group_protocol));
    EXPECT_EQ(heartbeat(joined.member_id, 7), code(errc::illegal_generation));
    EXPECT_EQ(heartbeat("nobody", 1), code(errc::unknown_member_id));
    EXPECT_EQ(heartbeat(joined.member_id, 1, "unknown-group"), code(errc::unknown_member_id));
    EXPECT_EQ(commit(joined.member_id, 1, 5), code(errc::rebalance_in_progress));
    EXPECT_EQ(commit(joined.member_id, 3, 5), code(errc::illegal_generation));
    EXPECT_EQ(commit("", -1, 5), code(errc::unknown_member_id));
    EXPECT_EQ(commit(joined.member_id, 1, 5, "missing"), code(errc::rebalance_in_progress));
    ASSERT_EQ(sync(joined.member_id, 1).error_code, 0);
    EXPECT_EQ(commit(joined.member_id, 1, 5, "missing"), code(errc::unknown_topic_or_partition));

    // A second member starts a rebalance: the first learns of it from its heartbeat, and a
    // sync of the old generation is refused.
    auto second = join(join_request(""));
    ASSERT_EQ(second.error_code, code(errc::member_id_required));
    auto pending = std::make_shared<std::optional<kafka::join_group_response_data>>();
    asio::co_spawn(
        io,
        [this, pending, id = second.member_id]() -> asio::awaitable<void> {
            auto op = coord->join(join_request(id), 5, "client", "/127.0.0.1");
            pending->emplace(co_await std::move(op));
        },
        asio::detached);
    run_for(20ms);
    EXPECT_FALSE(pending->has_value());
    EXPECT_EQ(state(), "PreparingRebalance");
    EXPECT_EQ(heartbeat(joined.member_id, 1), code(errc::rebalance_in_progress));
    EXPECT_EQ(sync(joined.member_id, 1).error_code, code(errc::rebalance_in_progress));
    // Committing during the rebalance is allowed (consumers commit before they give up
    // partitions).
    EXPECT_EQ(commit(joined.member_id, 1, 9), 0);
    auto rejoined = join(join_request(joined.member_id));
    ASSERT_EQ(rejoined.error_code, 0);
    EXPECT_EQ(rejoined.generation_id, 2);
    EXPECT_EQ(rejoined.members.size(), 2u);
    run_for(10ms);
    ASSERT_TRUE(pending->has_value());
    EXPECT_EQ((*pending)->generation_id, 2);
    EXPECT_TRUE((*pending)->members.empty()); // only the leader gets the member list
}

TEST_F(coordinator_test, ASilentMemberIsRemovedAfterItsSessionTimeout) {
    start();
    auto joined = join_new(50);
    ASSERT_EQ(sync(joined.member_id, 1).error_code, 0);
    run_for(30ms);
    EXPECT_EQ(heartbeat(joined.member_id, 1), 0);
    EXPECT_EQ(state(), "Stable");
    run_for(400ms);
    EXPECT_EQ(state(), "Empty");
    EXPECT_EQ(heartbeat(joined.member_id, 1), code(errc::unknown_member_id));
    EXPECT_EQ(coord->describe("g", 5).members.size(), 0u);
}

TEST_F(coordinator_test, OffsetsOfAGroupWithoutMembersExpireAndStayExpired) {
    config.offsets_retention_ms = 100;
    config.offsets_retention_check_interval_ms = 20;
    start();
    EXPECT_EQ(commit("", -1, 11), 0);
    EXPECT_EQ(committed(), 11);
    EXPECT_EQ(coord->group_count(), 1u);
    run_for(400ms);
    EXPECT_EQ(committed(), -1);
    EXPECT_EQ(coord->group_count(), 0u);
    restart();
    EXPECT_EQ(committed(), -1);
    EXPECT_EQ(coord->group_count(), 0u);
}

TEST_F(coordinator_test, DeleteGroupsAndOffsetDelete) {
    start();
    EXPECT_EQ(run(coord->delete_group("g")), code(errc::group_id_not_found));
    auto joined = join_new();
    ASSERT_EQ(sync(joined.member_id, 1).error_code, 0);
    EXPECT_EQ(run(coord->delete_group("g")), code(errc::non_empty_group));
    kafka::leave_group_request_data leave;
    leave.group_id = "g";
    leave.members.push_back({joined.member_id, std::nullopt, std::nullopt, {}});
    EXPECT_EQ(coord->leave(leave, 3).members.at(0).error_code, 0);
    EXPECT_EQ(state(), "Empty");
    EXPECT_EQ(commit("", -1, 3), 0);

    kafka::offset_delete_request_data od;
    od.group_id = "g";
    kafka::offset_delete_request_data::offset_delete_request_topic odt;
    odt.name = "t";
    odt.partitions.emplace_back().partition_index = 0;
    od.topics.push_back(odt);
    auto deleted = run(coord->delete_offsets(od));
    EXPECT_EQ(deleted.error_code, 0);
    EXPECT_EQ(committed(), -1);
    EXPECT_EQ(commit("", -1, 4), 0);
    EXPECT_EQ(run(coord->delete_group("g")), 0);
    EXPECT_EQ(committed(), -1);
    restart();
    EXPECT_EQ(committed(), -1);
    EXPECT_EQ(coord->describe("g", 5).group_state, "Dead");
}

TEST_F(coordinator_test, APartitionOfDeadRecordsIsRewritten) {
    config.offsets_rewrite_min_records = 200;
    start();
    for (int i = 0; i < 500; ++i)
        ASSERT_EQ(commit("", -1, i), 0);
    run_for(300ms);
    // The log no longer holds every commit: what is left starts at a rewritten live record.
    EXPECT_GE(partition->log_end_offset().value(), 500);
    EXPECT_GT(partition->log_start_offset().value(), 0);
    EXPECT_LT(partition->log_end_offset() - partition->log_start_offset(), 200);
    EXPECT_EQ(committed(), 499);
    restart();
    EXPECT_EQ(committed(), 499);
}

} // namespace
} // namespace spate::group
