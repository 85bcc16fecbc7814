// Changelog input: retractions back to empty, min/max after losing the extreme, DISTINCT with
// duplicates, and mixed insert/retract batches.

#include "agg/tests/agg_test_util.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace spate::agg::test {
namespace {

TEST(retraction, every_retractable_function_returns_to_its_empty_result) {
    std::mt19937_64 rng(3);
    std::vector<std::optional<int64_t>> iv;
    std::vector<std::optional<double>> dv;
    std::vector<std::optional<std::string>> sv;
    std::vector<std::optional<bool>> bv;
    for (int i = 0; i < 500; ++i) {
        bool null = rng() % 7 == 0;
        int64_t x = static_cast<int64_t>(rng() % 1000) - 500;
        iv.push_back(null ? std::nullopt : std::optional(x));
        dv.push_back(null ? std::nullopt : std::optional(x * 0.1));
        sv.push_back(null ? std::nullopt
                          : std::optional(std::string(static_cast<size_t>(x & 31), 'x')));
        bv.push_back(null ? std::nullopt : std::optional(x > 0));
    }
    std::vector<column_ptr> cols = {ints(iv), doubles(dv), strings(sv), bools(bv)};
    size_t checked = 0;
    for (const std::string& name : aggregate_names()) {
        for (auto& col : cols) {
            for (bool distinct : {false, true}) {
                std::vector<column_ptr> args = {col};
                std::vector<data_type> types = {col->type()};
                if (name.find("percentile") != std::string::npos) {
                    args.push_back(repeat_f64(0.5, col->size()));
                    types.push_back(type_id::float64);
                }
                if (name == "string_agg") {
                    args.push_back(
                        strings(std::vector<std::optional<std::string>>(col->size(), ",")));
                    types.push_back(type_id::varchar);
                }
                aggregate_function f;
                try {
                    f = resolve(name, types, distinct);
                } catch (const bind_error&) {
                    continue; // not defined for this type
                }
                if (!f.retractable) continue;
                group g(f), fresh(f);
                g.update(args);
                if (f.row_count) {
                    EXPECT_GT(g.rows(), 0) << name;
                }
                g.retract(args);
                EXPECT_EQ(g.result(), fresh.result()) << name << " " << types[0].to_string();
                if (f.row_count) {
                    EXPECT_EQ(g.rows(), 0) << name;
                }
                ++checked;
            }
        }
    }
    EXPECT_GE(checked, 40u);
}

TEST(retraction, min_and_max_after_retracting_the_extreme) {
    auto fmin = resolve("min", {type_id::int64});
    auto fmax = resolve("max", {type_id::int64});
    group lo(fmin), hi(fmax);
    auto c = ints({5, 1, 9, 1, 7});
    lo.update({c});
    hi.update({c});
    lo.retract({ints({1})});
    EXPECT_EQ(lo.result().as_i64(), 1); // a second 1 remains
    lo.retract({ints({1})});
    EXPECT_EQ(lo.result().as_i64(), 5);
    hi.retract({ints({9})});
    EXPECT_EQ(hi.result().as_i64(), 7);
    // A new extreme after the old one went stale.
    hi.update({ints({8})});
    EXPECT_EQ(hi.result().as_i64(), 8);
    hi.retract({ints({5, 1, 1, 7, 8})});
    EXPECT_TRUE(hi.result().is_null());
}

TEST(retraction, string_min_after_retracting_the_extreme) {
    auto f = resolve("min", {type_id::varchar});
    group g(f);
    g.update({strings({"m", "b", "a", "zz", "a"})});
    g.retract({strings({"a", "a"})});
    EXPECT_EQ(g.result().as_string(), "b");
    g.retract({strings({"b"})});
    EXPECT_EQ(g.result().as_string(), "m");
}

TEST(retraction, many_values_churned_match_a_fresh_computation) {
    auto f = resolve("max", {type_id::varchar});
    std::mt19937_64 rng(11);
    group g(f);
    std::multiset<std::string> live;
    for (int round = 0; round < 2000; ++round) {
        std::string s = "k" + std::to_string(rng() % 400);
        if (!live.empty() && rng() % 3 == 0) {
            auto it = live.begin();
            std::advance(it, static_cast<long>(rng() % live.size()));
            g.retract({strings({*it})});
            live.erase(it);
        } else {
            g.update({strings({s})});
            live.insert(s);
        }
        if (round % 50 == 0) {
            if (live.empty())
                EXPECT_TRUE(g.result().is_null());
            else
                EXPECT_EQ(g.result().as_string(), *live.rbegin());
        }
    }
    EXPECT_EQ(g.rows(), static_cast<int64_t>(live.size()));
}

TEST(retraction, mixed_batch_with_changes_and_selection) {
    auto f = resolve("sum", {type_id::int64});
    group g(f);
    auto c = ints({10, 20, 30, 40});
    using enum columnar::change;
    g.update({c}, {insert, insert, insert, insert});
    g.update({c}, {retract, insert, retract, insert}, {0, 3}); // -10 +40
    EXPECT_EQ(g.result().as_i64(), 130);
}

TEST(retraction, variance_after_retraction_matches_the_remaining_values) {
    auto f = resolve("var_samp", {type_id::float64});
    group g(f), ref(f);
    g.update({doubles({1e6 + 4, 1e6 + 7, 1e6 + 13, 1e6 + 16, 42})});
    g.retract({doubles({42})});
    ref.update({doubles({1e6 + 4, 1e6 + 7, 1e6 + 13, 1e6 + 16})});
    EXPECT_NEAR(g.result().as_f64(), ref.result().as_f64(), 1e-6);
    EXPECT_NEAR(ref.result().as_f64(), 30.0, 1e-9);
    g.update({doubles({NAN})});
    EXPECT_TRUE(std::isnan(g.result().as_f64()));
    g.retract({doubles({NAN})});
    EXPECT_NEAR(g.result().as_f64(), 30.0, 1e-6);
}

TEST(distinct, count_distinct_with_duplicates_and_retraction) {
    auto f = resolve("count", {type_id::varchar}, true);
    EXPECT_TRUE(f.distinct);
    EXPECT_TRUE(f.retractable);
    EXPECT_EQ(f.merge, nullptr);
    group g(f);
    EXPECT_EQ(g.result().as_i64(), 0);
    g.update({strings({"a", "b", "a", std::nullopt, "c", "a"})});
    EXPECT_EQ(g.result().as_i64(), 3);
    g.retract({strings({"a", "a"})});
    EXPECT_EQ(g.result().as_i64(), 3); // one "a" left
    g.retract({strings({"a"})});
    EXPECT_EQ(g.result().as_i64(), 2);
    g.update({strings({"a"})});
    EXPECT_EQ(g.result().as_i64(), 3);
    EXPECT_EQ(g.rows(), 3);
    EXPECT_GT(g.heap(), 0u);
}

TEST(distinct, sum_and_avg_distinct) {
    group s(resolve("sum", {type_id::int64}, true));
    group a(resolve("avg", {type_id::float64}, true));
    s.update({ints({5, 5, 7, std::nullopt, 7, 1})});
    a.update({doubles({2, 2, 4, -0.0, 0.0})}); // -0 and 0 are one value
    EXPECT_EQ(s.result().as_i64(), 13);
    EXPECT_DOUBLE_EQ(a.result().as_f64(), 2.0);
    s.retract({ints({5})});
    EXPECT_EQ(s.result().as_i64(), 13);
    s.retract({ints({5, 1})});
    EXPECT_EQ(s.result().as_i64(), 7);
}

TEST(distinct, large_sets_grow_and_shrink) {
    auto f = resolve("count", {type_id::int64}, true);
    group g(f);
    std::vector<std::optional<int64_t>> v;
    for (int64_t i = 0; i < 100000; ++i)
        v.push_back(i % 30000);
    g.update({ints(v)});
    EXPECT_EQ(g.result().as_i64(), 30000);
    std::vector<std::optional<int64_t>> r;
    for (int64_t i = 0; i < 100000; ++i)
        if (i % 30000 < 10000) r.push_back(i % 30000);
    g.retract({ints(r)});
    EXPECT_EQ(g.result().as_i64(), 20000);
}

} // namespace
} // namespace spate::agg::test
