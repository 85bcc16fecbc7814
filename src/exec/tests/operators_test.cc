#include "agg/aggregate_function.h"
#include "columnar/value.h"
#include "exec/aggregate_op.h"
#include "exec/row_table.h"
#include "exec/session_aggregate_op.h"
#include "exec/window_assign_op.h"

#include "exec/tests/capture.h"

#include <gtest/gtest.h>

#include <map>

using namespace spate;
using namespace spate::exec;
using columnar::type_id;

namespace {

using test_support::capture;

/// A batch of (key bigint, time timestamp, value bigint) rows.
columnar::batch rows(std::vector<std::tuple<int64_t, int64_t, int64_t>> v) {
    std::vector<columnar::data_type> types{type_id::int64, type_id::timestamp, type_id::int64};
    auto b = columnar::batch::with_types(types);
    for (auto [k, t, x] : v) {
        b.columns[0]->push_i64(k);
        b.columns[1]->push_i64(t);
        b.columns[2]->push_i64(x);
    }
    b.rows = v.size();
    return b;
}

aggregate_call call(const char* name, std::vector<uint32_t> args,
                    std::vector<columnar::data_type> types) {
    aggregate_call c;
    c.fn = std::make_shared<const agg::aggregate_function>(
        agg::resolve_aggregate(name, types, false, agg::input_kind::append_only));
    c.args = std::move(args);
    return c;
}

} // namespace

TEST(window_assign_op, tumble_and_hop) {
    capture out;
    window_assign_op tumble(&out, &out, 1, 10, 10);
    tumble.push(rows({{1, 0, 0}, {1, 9, 0}, {1, 10, 0}, {1, -1, 0}}));
    ASSERT_EQ(out.batches.size(), 1u);
    auto r = out.rows();
    EXPECT_EQ(r[0], "1|1970-01-01 00:00:00|0|1970-01-01 00:00:00|1970-01-01 00:00:00.01");
    EXPECT_EQ(r[2], "1|1970-01-01 00:00:00.01|0|1970-01-01 00:00:00.01|1970-01-01 00:00:00.02");
    EXPECT_EQ(r[3], "1|1969-12-31 23:59:59.999|0|1969-12-31 23:59:59.99|1970-01-01 00:00:00");

    capture hop_out;
    window_assign_op hop(&hop_out, &hop_out, 1, 10, 5);
    hop.push(rows({{1, 7, 0}}));
    // 7 lies in [0, 10) and [5, 15).
    ASSERT_EQ(hop_out.rows().size(), 2u);
    EXPECT_EQ(hop_out.rows()[0],
              "1|1970-01-01 00:00:00.007|0|1970-01-01 00:00:00|1970-01-01 00:00:00.01");
}

TEST(aggregate_op, windows_close_on_the_watermark_and_late_rows_are_reported) {
    capture out;
    aggregate_config cfg;
    // Input: key, window_end, value.
    cfg.keys = {0, 1};
    cfg.key_types = {type_id::int64, type_id::timestamp};
    cfg.calls.push_back(call("sum", {2}, {type_id::int64}));
    cfg.window_end_key = 1;
    aggregate_op op(&out, &out, cfg);
    op.push(rows({{1, 10, 5}, {1, 10, 7}, {2, 10, 1}, {1, 20, 100}}));
    EXPECT_TRUE(out.batches.empty());
    op.watermark(9);
    EXPECT_TRUE(out.batches.empty())
        << "a window is emitted only once the watermark reaches its end";
    op.watermark(10);
    auto r = out.rows();
    std::sort(r.begin(), r.end());
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0], "1|1970-01-01 00:00:00.01|12");
    EXPECT_EQ(r[1], "2|1970-01-01 00:00:00.01|1");
    op.push(rows({{1, 10, 1000}, {1, 20, 1}}));
    ASSERT_EQ(out.late_windows, std::vector<int64_t>{10});
    op.watermark(exec::end_of_input);
    EXPECT_EQ(out.rows().back(), "1|1970-01-01 00:00:00.02|101");
    EXPECT_EQ(op.open_windows(), 0u);
}

TEST(aggregate_op, unwindowed_changelog_retracts_and_inserts) {
    capture out;
    aggregate_config cfg;
    cfg.keys = {0};
    cfg.key_types = {type_id::int64};
    cfg.calls.push_back(call("count", {}, {}));
    aggregate_op op(&out, &out, cfg);
    op.push(rows({{1, 0, 0}, {1, 0, 0}, {2, 0, 0}}));
    EXPECT_EQ(out.rows(), (std::vector<std::string>{"1|2", "2|1"}));
    out.batches.clear();
    op.push(rows({{1, 0, 0}}));
    EXPECT_EQ(out.rows(), (std::vector<std::string>{"-1|2", "1|3"}));
    // A retraction that empties a group removes it.
    out.batches.clear();
    auto b = rows({{2, 0, 0}});
    b.changes = {columnar::change::retract};
    op.push(std::move(b));
    EXPECT_EQ(out.rows(), (std::vector<std::string>{"-2|1"}));
}

TEST(session_aggregate_op, rows_within_the_gap_merge_into_one_session) {
    capture out;
    window_assign_op assign(nullptr, &out, 1, 5, 5, 0, /*session=*/true);
    session_config cfg;
    // After assignment: key, time, value, window_start, window_end.
    cfg.keys = {0, 3, 4};
    cfg.key_types = {type_id::int64, type_id::timestamp, type_id::timestamp};
    cfg.calls.push_back(call("sum", {2}, {type_id::int64}));
    cfg.start_key = 1;
    cfg.end_key = 2;
    session_aggregate_op op(&out, &out, cfg);
    assign.set_next(&op);
    // Key 1: 1 and 3 join ([1, 8)); 9 starts a new one that 13 extends; 6 then bridges
    // [1, 8) and [9, 18).
    assign.push(rows({{1, 1, 1}, {1, 3, 3}, {1, 9, 9}, {1, 13, 13}, {2, 2, 2}}));
    op.watermark(7);
    auto r = out.rows();
    ASSERT_EQ(r.size(), 1u) << "only key 2's session [2, 7) has closed";
    EXPECT_EQ(r[0], "2|1970-01-01 00:00:00.002|1970-01-01 00:00:00.007|2");
    assign.push(rows({{1, 6, 6}}));
    op.watermark(exec::end_of_input);
    r = out.rows();
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[1], "1|1970-01-01 00:00:00.001|1970-01-01 00:00:00.018|32");
    // A row whose own window ended before the watermark is late.
    assign.push(rows({{1, 100, 1}}));
    EXPECT_EQ(out.late_windows.size(), 1u);
}

TEST(row_table, applies_a_changelog) {
    row_table t({type_id::int64, type_id::varchar});
    auto b = columnar::batch::with_types(
        std::vector<columnar::data_type>{type_id::int64, type_id::varchar});
    for (int i = 0; i < 3; ++i) {
        b.columns[0]->push_i64(i % 2);
        b.columns[1]->push_string(i % 2 ? "odd" : "even");
    }
    b.rows = 3;
    t.push(b);
    EXPECT_EQ(t.rows(), 3u);
    auto r = b.gather(std::vector<uint32_t>{0});
    r.changes = {columnar::change::retract};
    t.push(r);
    t.push(r); // the second copy
    t.push(r); // nothing left to retract
    EXPECT_EQ(t.rows(), 1u);
    EXPECT_EQ(t.unmatched_retractions(), 1u);
    auto snap = t.snapshot();
    ASSERT_EQ(snap.rows, 1u);
    EXPECT_EQ(snap.columns[1]->strs()[0].view(), "odd");
}

TEST(group_table, keys_stay_findable_through_many_inserts_and_removals) {
    std::vector<aggregate_call> calls{call("count", {}, {})};
    group_table t(calls, {type_id::int64});
    std::map<int64_t, uint32_t> live; // key -> group
    uint64_t x = 12345;
    auto next = [&] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    auto one = [](int64_t k) {
        auto b = columnar::batch::with_types(std::vector<columnar::data_type>{type_id::int64});
        b.columns[0]->push_i64(k);
        b.rows = 1;
        return b;
    };
    std::vector<uint32_t> key_col{0};
    for (int step = 0; step < 50000; ++step) {
        int64_t k = int64_t(next() % 3000);
        auto b = one(k);
        if (next() % 3 == 0 && live.count(k)) {
            t.remove(live[k]);
            live.erase(k);
            continue;
        }
        bool added;
        uint32_t g = t.find_or_add(b, key_col, 0, added);
        ASSERT_EQ(added, live.count(k) == 0) << "key " << k << " at step " << step;
        if (!added) {
            ASSERT_EQ(g, live[k]);
        }
        live[k] = g;
    }
    EXPECT_EQ(t.size(), live.size());
    EXPECT_EQ(t.groups().size(), live.size());
}
