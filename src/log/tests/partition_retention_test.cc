#include "log/checkpoint.h"
#include "log/tests/log_test_support.h"

namespace spate::log::testing {
namespace {

using partition_retention = log_fixture;

constexpr int64_t base_ts = 1'700'000'000'000;

TEST_F(partition_retention, by_bytes_deletes_oldest_segments) {
    log_config c;
    c.segment_bytes = 2048;
    c.retention_bytes = 6000;
    c.retention_ms = -1;
    auto p = open(c);
    for (int i = 0; i < 60; ++i)
        append_durable(*p, make_batch(2, "b", 60, base_ts));
    auto segments = p->segment_count();
    auto deleted = p->maintain(model::timestamp_ms(base_ts));
    ASSERT_TRUE(deleted);
    EXPECT_GT(*deleted, 0u);
    EXPECT_EQ(p->segment_count(), segments - *deleted);
    EXPECT_LE(p->size_bytes(), 6000u + 2048u);
    EXPECT_GT(p->log_start_offset(), model::offset(0));

    auto gone = p->read(model::offset(0), 100);
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.err().code, errc::offset_out_of_range);
    auto first = p->read_bytes(p->log_start_offset(), 1);
    ASSERT_TRUE(first);

    auto start = p->log_start_offset();
    ASSERT_TRUE(p->close());
    p.reset();
    auto reopened = open(c);
    EXPECT_EQ(reopened->log_start_offset(), start);
    EXPECT_EQ(reopened->log_end_offset(), model::offset(120));
}

TEST_F(partition_retention, by_time_uses_each_segments_newest_timestamp) {
    log_config c;
    c.segment_bytes = 1024;
    c.retention_ms = 60'000;
    auto p = open(c);
    // Old data (an hour ago), then fresh data.
    for (int i = 0; i < 20; ++i)
        append_durable(*p, make_batch(2, "old", 60, base_ts - 3'600'000));
    auto old_end = p->log_end_offset();
    for (int i = 0; i < 20; ++i)
        append_durable(*p, make_batch(2, "new", 60, base_ts));
    auto deleted = p->maintain(model::timestamp_ms(base_ts));
    ASSERT_TRUE(deleted);
    EXPECT_GT(*deleted, 0u);
    EXPECT_LE(p->log_start_offset(), old_end) << "no fresh data is deleted";
    EXPECT_GT(p->log_start_offset(), model::offset(0));
    auto values = values_of(*p->read_bytes(p->log_start_offset(), 1 << 30));
    EXPECT_EQ(
        std::count_if(values.begin(), values.end(), [](auto& v) { return v.starts_with("new"); }),
        40);
}

TEST_F(partition_retention, segments_roll_by_age) {
    log_config c;
    c.segment_ms = 1000;
    auto p = open(c);
    append_durable(*p, make_batch(1, "a", 0, base_ts));
    ASSERT_TRUE(p->maintain(model::timestamp_ms(base_ts + 500)));
    EXPECT_EQ(p->segment_count(), 1u);
    ASSERT_TRUE(p->maintain(model::timestamp_ms(base_ts + 1500)));
    EXPECT_EQ(p->segment_count(), 2u);
    auto r = append_durable(*p, make_batch(1, "b", 0, base_ts + 1600));
    EXPECT_EQ(r.base_offset, model::offset(1));
    EXPECT_EQ(values_of(*p->read_bytes(model::offset(0), 1 << 20)).size(), 2u);
}

TEST_F(partition_retention, delete_records_moves_the_log_start) {
    log_config c;
    c.segment_bytes = 1024;
    auto p = open(c);
    for (int i = 0; i < 30; ++i)
        append_durable(*p, make_batch(2, "d", 60));
    auto segments = p->segment_count();
    ASSERT_TRUE(p->delete_records_before(model::offset(31)));
    EXPECT_EQ(p->log_start_offset(), model::offset(31));
    EXPECT_LT(p->segment_count(), segments);
    EXPECT_FALSE(p->read(model::offset(30), 10));
    auto from = p->read_bytes(model::offset(31), 1 << 20);
    ASSERT_TRUE(from);

    auto past = p->delete_records_before(model::offset(1000));
    ASSERT_FALSE(past);
    EXPECT_EQ(past.err().code, errc::offset_out_of_range);

    p.reset(); // crash: the new log start was checkpointed when it moved
    auto reopened = open(c);
    EXPECT_EQ(reopened->log_start_offset(), model::offset(31));
}

TEST_F(partition_retention, interval_policy_syncs_in_the_background) {
    log_config c;
    c.flush = flush_policy::interval;
    c.flush_interval_ms = 100;
    auto p = open(c);
    auto b = make_batch(3, "i");
    ASSERT_TRUE(p->append(b));
    EXPECT_EQ(p->high_watermark(), model::offset(3));
    EXPECT_EQ(p->durable_offset(), model::offset(0));
    ASSERT_TRUE(p->maintain(model::timestamp_ms(base_ts)));
    io.restart();
    while (p->durable_offset() < model::offset(3) && io.run_one() > 0) {
    }
    EXPECT_EQ(p->durable_offset(), model::offset(3));
    EXPECT_EQ(p->sync_rounds(), 1u);
}

TEST_F(partition_retention, upkeep_writes_the_recovery_point_in_the_background) {
    auto p = open();
    append_durable(*p, make_batch(5, "c"));
    ASSERT_TRUE(p->maintain(model::timestamp_ms(base_ts)));
    io.restart();
    io.run(); // until the background write has reported back
    auto ck = partition_checkpoint::read(dir.path() / "p0");
    ASSERT_TRUE(ck) << ck.err().to_string();
    EXPECT_EQ(ck->recovery_point, model::offset(5));
    EXPECT_EQ(ck->log_start_offset, model::offset(0));
}

} // namespace
} // namespace spate::log::testing
