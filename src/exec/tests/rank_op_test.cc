#include "columnar/value.h"
#include "exec/rank_op.h"
#include "exec/row_compare.h"

#include "exec/tests/capture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>

using namespace spate;
using namespace spate::exec;
using columnar::type_id;

namespace {

using test_support::capture;

using strings = std::vector<std::string>;

/// One input row: (k bigint, t bigint or NULL, s text); `retract` for a changelog.
struct in_row {
    int64_t k;
    std::optional<int64_t> t;
    std::string s;
    bool retract = false;
};

const std::vector<columnar::data_type> kts_types{type_id::int64, type_id::int64, type_id::varchar};

columnar::batch make(const std::vector<in_row>& v) {
    auto b = columnar::batch::with_types(kts_types);
    bool any_retract = false;
    for (const auto& r : v) {
        b.columns[0]->push_i64(r.k);
        if (r.t)
            b.columns[1]->push_i64(*r.t);
        else
            b.columns[1]->push_null();
        b.columns[2]->push_string(r.s);
        any_retract |= r.retract;
    }
    b.rows = v.size();
    if (any_retract)
        for (const auto& r : v)
            b.changes.push_back(r.retract ? columnar::change::retract : columnar::change::insert);
    return b;
}

/// PARTITION BY k ORDER BY t.
rank_config by_k_order_t(int64_t limit, bool descending, bool numbered) {
    rank_config c;
    c.types = kts_types;
    c.partition_keys = {0};
    c.order = {{1, descending, false}};
    c.limit = limit;
    c.emit_row_number = numbered;
    return c;
}

} // namespace

TEST(row_compare, nulls_last_nan_above_numbers_and_sort_keys) {
    columnar::column d(type_id::float64);
    d.push_f64(1.0);
    d.push_f64(std::numeric_limits<double>::quiet_NaN());
    d.push_null();
    d.push_f64(std::numeric_limits<double>::infinity());
    EXPECT_EQ(compare_values(d, 0, d, 1), -1);
    EXPECT_EQ(compare_values(d, 3, d, 1), -1) << "NaN above infinity";
    EXPECT_EQ(compare_values(d, 1, d, 1), 0);
    EXPECT_EQ(compare_values(d, 1, d, 2), -1) << "NULL after NaN";
    EXPECT_EQ(compare_values(d, 2, d, 2), 0);
    EXPECT_EQ(compare_sort_key(d, 0, d, 3, true, false), 1);
    EXPECT_EQ(compare_sort_key(d, 2, d, 0, true, false), 1) << "NULLS LAST even descending";
    EXPECT_EQ(compare_sort_key(d, 2, d, 0, false, true), -1);
    EXPECT_EQ(compare_sort_key(d, 0, d, 2, true, true), 1);
}

TEST(rank_op, dedup_keep_first) {
    capture out;
    rank_op op(&out, &out, by_k_order_t(1, false, false));
    op.push(make({{1, 1, "a"}, {2, 2, "b"}, {1, 3, "c"}, {1, 1, "tie"}}));
    ASSERT_EQ(out.batches.size(), 1u);
    EXPECT_EQ(out.rows_of(0), (strings{"1|1|a", "2|2|b"}));
    op.push(make({{1, 4, "d"}, {2, 2, "tie"}}));
    EXPECT_EQ(out.batches.size(), 1u) << "nothing changed, nothing sent";
    EXPECT_EQ(op.partitions(), 2u);
    EXPECT_NE(op.describe().find("2 rows"), std::string::npos) << op.describe();
}

TEST(rank_op, dedup_keep_last) {
    capture out;
    rank_op op(&out, &out, by_k_order_t(1, true, false));
    op.push(make({{1, 1, "a"}, {1, 3, "c"}, {2, 7, "x"}}));
    ASSERT_EQ(out.batches.size(), 1u);
    EXPECT_EQ(out.rows_of(0), (strings{"1|3|c", "2|7|x"}));
    op.push(make({{1, 4, "d"}, {2, 7, "later tie"}}));
    ASSERT_EQ(out.batches.size(), 2u);
    EXPECT_EQ(out.rows_of(1), (strings{"-1|3|c", "1|4|d"}));
    // Append-only: state is one row per partition.
    EXPECT_NE(op.describe().find("2 partitions, 2 rows"), std::string::npos) << op.describe();
    EXPECT_GT(op.state_bytes(), 0u);
}

TEST(rank_op, top3_ties_go_by_arrival) {
    capture out;
    rank_op op(&out, &out, by_k_order_t(3, false, true));
    op.push(make({{1, 5, "a"}, {1, 5, "b"}, {1, 5, "c"}, {1, 5, "d"}}));
    EXPECT_EQ(out.rows(), (strings{"1|5|a|1", "1|5|b|2", "1|5|c|3"}));
    op.push(make({{1, 5, "e"}}));
    EXPECT_EQ(out.batches.size(), 1u);
    op.push(make({{1, 4, "f"}}));
    ASSERT_EQ(out.batches.size(), 2u);
    EXPECT_EQ(out.rows_of(1),
              (strings{"-1|5|a|1", "-1|5|b|2", "-1|5|c|3", "1|4|f|1", "1|5|a|2", "1|5|b|3"}));
}

TEST(rank_op, a_better_row_renumbers_the_rest) {
    capture out;
    rank_op op(&out, &out, by_k_order_t(3, false, true));
    op.push(make({{1, 10, "a"}, {1, 20, "b"}, {1, 30, "c"}, {2, 1, "other"}}));
    op.push(make({{1, 15, "x"}}));
    ASSERT_EQ(out.batches.size(), 2u);
    EXPECT_EQ(out.rows_of(1), (strings{"-1|20|b|2", "-1|30|c|3", "1|15|x|2", "1|20|b|3"}));

    capture plain;
    rank_op unnumbered(&plain, &plain, by_k_order_t(3, false, false));
    unnumbered.push(make({{1, 10, "a"}, {1, 20, "b"}, {1, 30, "c"}}));
    unnumbered.push(make({{1, 15, "x"}}));
    ASSERT_EQ(plain.batches.size(), 2u);
    EXPECT_EQ(plain.rows_of(1), (strings{"-1|30|c", "1|15|x"}))
        << "without row numbers only the row pushed out and the new one change";
    EXPECT_EQ(plain.batches[1].columns.size(), 3u);
    // Two rows of one batch in one partition: one batch out, net changes only.
    unnumbered.push(make({{1, 1, "y"}, {1, 2, "z"}, {1, 100, "never"}}));
    ASSERT_EQ(plain.batches.size(), 3u);
    EXPECT_EQ(plain.rows_of(2), (strings{"-1|15|x", "-1|20|b", "1|1|y", "1|2|z"}));
}

TEST(rank_op, changelog_input_moves_the_next_row_up) {
    capture out;
    auto cfg = by_k_order_t(2, false, true);
    cfg.changelog_input = true;
    rank_op op(&out, &out, cfg);
    op.push(make({{1, 10, "a"}, {1, 20, "b"}, {1, 30, "c"}}));
    EXPECT_EQ(out.rows(), (strings{"1|10|a|1", "1|20|b|2"}));
    op.push(make({{1, 10, "a", true}}));
    ASSERT_EQ(out.batches.size(), 2u);
    EXPECT_EQ(out.rows_of(1), (strings{"-1|10|a|1", "-1|20|b|2", "1|20|b|1", "1|30|c|2"}));
    // A retraction below the top changes nothing visible.
    op.push(make({{1, 30, "c", true}}));
    op.push(make({{1, 30, "c", true}}));
    ASSERT_EQ(out.batches.size(), 3u);
    EXPECT_EQ(out.rows_of(2), (strings{"-1|30|c|2"}));
    EXPECT_EQ(op.unmatched_retractions(), 1u);
    // The last row goes: the partition goes.
    op.push(make({{1, 20, "b", true}}));
    EXPECT_EQ(out.rows_of(3), (strings{"-1|20|b|1"}));
    EXPECT_EQ(op.partitions(), 0u);
}

TEST(rank_op, retraction_of_rows_never_held_is_ignored_and_counted) {
    capture out;
    auto cfg = by_k_order_t(2, false, true);
    cfg.changelog_input = true;
    rank_op op(&out, &out, cfg);
    op.push(make({{1, 10, "a"}, {1, 10, "a"}}));
    EXPECT_EQ(out.rows(), (strings{"1|10|a|1", "1|10|a|2"}));
    // Same order key, other values; a partition that does not exist; a NULL where a value is.
    op.push(make({{1, 10, "b", true}, {9, 10, "a", true}, {1, std::nullopt, "a", true}}));
    EXPECT_EQ(out.batches.size(), 1u);
    EXPECT_EQ(op.unmatched_retractions(), 3u);
    EXPECT_EQ(op.partitions(), 1u) << "a retraction creates no partition";
    // Of two equal rows, the one ranked last goes.
    op.push(make({{1, 10, "a", true}}));
    ASSERT_EQ(out.batches.size(), 2u);
    EXPECT_EQ(out.rows_of(1), (strings{"-1|10|a|2"}));
}

TEST(rank_op, nulls_in_order_keys) {
    auto run = [](bool descending, bool nulls_first) {
        capture out;
        auto cfg = by_k_order_t(4, descending, true);
        cfg.order[0].nulls_first = nulls_first;
        rank_op op(&out, &out, cfg);
        op.push(make({{1, std::nullopt, "n"}, {1, 5, "a"}, {1, 3, "b"}, {1, std::nullopt, "m"}}));
        return out.rows();
    };
    EXPECT_EQ(run(false, false), (strings{"1|3|b|1", "1|5|a|2", "1|NULL|n|3", "1|NULL|m|4"}));
    EXPECT_EQ(run(false, true), (strings{"1|NULL|n|1", "1|NULL|m|2", "1|3|b|3", "1|5|a|4"}));
    EXPECT_EQ(run(true, false), (strings{"1|5|a|1", "1|3|b|2", "1|NULL|n|3", "1|NULL|m|4"}));
    EXPECT_EQ(run(true, true), (strings{"1|NULL|n|1", "1|NULL|m|2", "1|5|a|3", "1|3|b|4"}));

    // NULL partition keys are one partition.
    capture out;
    auto cfg = by_k_order_t(1, false, false);
    cfg.partition_keys = {1};
    cfg.order = {{0, false, false}};
    rank_op op(&out, &out, cfg);
    op.push(make({{5, std::nullopt, "a"}, {3, std::nullopt, "b"}, {4, 1, "c"}}));
    EXPECT_EQ(out.rows(), (strings{"3|NULL|b", "4|1|c"}));
}

namespace {

const std::vector<columnar::data_type> windowed_types{type_id::int64, type_id::int64,
                                                      type_id::varchar, type_id::int64};

/// Rows (k, t, s, window_end).
columnar::batch
make_windowed(const std::vector<std::tuple<int64_t, int64_t, std::string, int64_t>>& v) {
    auto b = columnar::batch::with_types(windowed_types);
    for (const auto& [k, t, s, w] : v) {
        b.columns[0]->push_i64(k);
        b.columns[1]->push_i64(t);
        b.columns[2]->push_string(s);
        b.columns[3]->push_i64(w);
    }
    b.rows = v.size();
    return b;
}

} // namespace

TEST(rank_op, windowed_top_n_emits_each_window_once_on_the_watermark) {
    capture out;
    rank_config cfg;
    cfg.types = windowed_types;
    cfg.partition_keys = {0, 3};
    cfg.window_end_key = 1;
    cfg.order = {{1, true, false}};
    cfg.limit = 2;
    cfg.emit_row_number = true;
    rank_op op(&out, &out, cfg);
    op.push(make_windowed(
        {{1, 1, "a", 10}, {1, 3, "b", 10}, {1, 2, "c", 10}, {2, 1, "d", 10}, {1, 9, "e", 20}}));
    EXPECT_TRUE(out.batches.empty());
    EXPECT_EQ(op.partitions(), 3u);
    EXPECT_NE(op.describe().find("4 rows"), std::string::npos) << "only the top 2 are kept";
    op.watermark(9);
    EXPECT_TRUE(out.batches.empty());
    op.watermark(10);
    ASSERT_EQ(out.batches.size(), 1u);
    EXPECT_TRUE(out.batches[0].all_inserts());
    auto r = out.rows_of(0);
    std::sort(r.begin(), r.end());
    EXPECT_EQ(r, (strings{"1|2|c|10|2", "1|3|b|10|1", "2|1|d|10|1"}));
    EXPECT_EQ(out.events, (strings{"wm 9", "batch", "wm 10"}));
    EXPECT_EQ(op.partitions(), 1u);

    op.push(make_windowed({{1, 100, "late", 10}, {1, 10, "f", 20}, {3, 0, "late2", 5}}));
    EXPECT_EQ(out.late_windows, (std::vector<int64_t>{10, 5}));
    op.watermark(10);
    EXPECT_EQ(out.batches.size(), 1u);
    op.watermark(end_of_input);
    ASSERT_EQ(out.batches.size(), 2u);
    EXPECT_EQ(out.rows_of(1), (strings{"1|10|f|20|1", "1|9|e|20|2"}));
    EXPECT_EQ(op.partitions(), 0u);
    EXPECT_NE(op.describe().find("0 rows"), std::string::npos) << op.describe();
}

TEST(rank_op, unwindowed_forwards_watermarks) {
    capture out;
    rank_op op(&out, &out, by_k_order_t(1, false, false));
    op.watermark(5);
    op.watermark(3);
    EXPECT_EQ(out.marks, (std::vector<event_time>{5, 3}));
}

namespace {

/// Randomized check: the output changelog applied equals ROW_NUMBER over the input applied.
void random_check(bool changelog, bool descending, bool numbered, int64_t limit, uint32_t seed) {
    std::mt19937 rng(seed);
    capture out;
    auto cfg = by_k_order_t(limit, descending, numbered);
    cfg.changelog_input = changelog;
    rank_op op(&out, &out, cfg);
    std::vector<in_row> held; // the input multiset
    std::multiset<std::string> result;
    int64_t next_t = 0;
    std::vector<int64_t> ts(4000);
    for (auto& t : ts)
        t = next_t++;
    std::shuffle(ts.begin(), ts.end(), rng);
    size_t used = 0;
    for (int round = 0; round < 200; ++round) {
        std::vector<in_row> batch;
        size_t n = rng() % 12;
        for (size_t i = 0; i < n && used < ts.size(); ++i) {
            bool retract = changelog && !held.empty() && rng() % 3 == 0;
            if (retract) {
                size_t pick = rng() % held.size();
                in_row r = held[pick];
                held.erase(held.begin() + long(pick));
                r.retract = true;
                batch.push_back(r);
            } else {
                int64_t t = ts[used++];
                in_row r{int64_t(rng() % 6), t, "s" + std::to_string(t % 7)};
                held.push_back(r);
                batch.push_back(r);
            }
        }
        size_t before = out.batches.size();
        op.push(make(batch));
        ASSERT_LE(out.batches.size(), before + 1) << "one output batch per input batch";
        for (size_t b = before; b < out.batches.size(); ++b)
            for (const auto& s : out.rows_of(b)) {
                if (s[0] == '-') {
                    auto it = result.find(s.substr(1));
                    ASSERT_NE(it, result.end()) << "retracted a row not sent: " << s;
                    result.erase(it);
                } else {
                    result.insert(s);
                }
            }
    }
    std::map<int64_t, std::vector<in_row>> parts;
    for (const auto& r : held)
        parts[r.k].push_back(r);
    std::multiset<std::string> expect;
    for (auto& [k, rows] : parts) {
        std::sort(rows.begin(), rows.end(), [&](const in_row& a, const in_row& b) {
            return descending ? *a.t > *b.t : *a.t < *b.t;
        });
        for (size_t i = 0; i < rows.size() && int64_t(i) < limit; ++i) {
            std::string s = std::to_string(k) + "|" + std::to_string(*rows[i].t) + "|" + rows[i].s;
            if (numbered) s += "|" + std::to_string(i + 1);
            expect.insert(s);
        }
    }
    EXPECT_EQ(result, expect) << "seed " << seed;
    EXPECT_EQ(op.partitions(), parts.size());
    EXPECT_EQ(op.unmatched_retractions(), 0u);
}

} // namespace

TEST(rank_op, randomized_changelog_matches_brute_force) {
    for (uint32_t seed = 1; seed <= 6; ++seed) {
        random_check(true, seed % 2 == 0, true, 3, seed);
        random_check(true, seed % 2 == 1, false, 2, seed + 100);
        random_check(false, seed % 2 == 0, true, 3, seed + 200);
        random_check(false, seed % 2 == 1, seed % 3 == 0, 1, seed + 300);
    }
}

TEST(rank_op, randomized_many_rows_with_strings_compact_storage) {
    // Enough churn to make the store copy its live rows into fresh storage at least once.
    capture out;
    auto cfg = by_k_order_t(2, false, true);
    cfg.changelog_input = true;
    rank_op op(&out, &out, cfg);
    std::vector<in_row> held;
    std::mt19937 rng(7);
    int64_t t = 0;
    for (int round = 0; round < 3000; ++round) {
        std::vector<in_row> batch;
        for (int i = 0; i < 4; ++i) {
            if (!held.empty() && rng() % 2 == 0) {
                size_t pick = rng() % held.size();
                in_row r = held[pick];
                held.erase(held.begin() + long(pick));
                r.retract = true;
                batch.push_back(r);
            } else {
                in_row r{int64_t(rng() % 3), t, std::string(40, char('a' + t % 26))};
                ++t;
                held.push_back(r);
                batch.push_back(r);
            }
        }
        op.push(make(batch));
    }
    std::multiset<std::string> result;
    for (const auto& s : out.rows()) {
        if (s[0] == '-') {
            auto it = result.find(s.substr(1));
            ASSERT_NE(it, result.end()) << s;
            result.erase(it);
        } else {
            result.insert(s);
        }
    }
    std::map<int64_t, std::vector<in_row>> parts;
    for (const auto& r : held)
        parts[r.k].push_back(r);
    std::multiset<std::string> expect;
    for (auto& [k, rows] : parts) {
        std::sort(rows.begin(), rows.end(),
                  [](const in_row& a, const in_row& b) { return *a.t < *b.t; });
        for (size_t i = 0; i < rows.size() && i < 2; ++i)
            expect.insert(std::to_string(k) + "|" + std::to_string(*rows[i].t) + "|" + rows[i].s +
                          "|" + std::to_string(i + 1));
    }
    EXPECT_EQ(result, expect);
    EXPECT_EQ(op.unmatched_retractions(), 0u);
}
