// The approximate aggregates: percentile accuracy within the documented 1% relative error,
// HyperLogLog accuracy, merging, retraction and bounded state.

#include "agg/hyperloglog.h"
#include "agg/quantile_sketch.h"
#include "agg/tests/agg_test_util.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace spate::agg::test {
namespace {

/// Exact value of rank floor(q * (n - 1)) in sorted `v`.
double exact_quantile(const std::vector<double>& sorted, double q) {
    return sorted[static_cast<size_t>(std::floor(q * static_cast<double>(sorted.size() - 1)))];
}

void expect_within_bound(std::vector<double> values) {
    quantile_sketch s;
    for (double v : values)
        s.add(v, 1);
    std::sort(values.begin(), values.end());
    ASSERT_EQ(s.count(), static_cast<int64_t>(values.size()));
    for (double q : {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0}) {
        double exact = exact_quantile(values, q);
        double got = s.quantile(q);
        EXPECT_LE(std::fabs(got - exact),
                  quantile_sketch::relative_accuracy * std::fabs(exact) * (1 + 1e-9))
            << "q=" << q << " exact=" << exact << " got=" << got;
    }
}

TEST(quantile_sketch, one_million_uniform_values_within_one_percent) {
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> d(0, 1000);
    std::vector<double> v(1'000'000);
    for (double& x : v)
        x = d(rng);
    expect_within_bound(std::move(v));
}

TEST(quantile_sketch, one_million_heavy_tailed_signed_values_within_one_percent) {
    std::mt19937_64 rng(2);
    std::lognormal_distribution<double> d(0, 4);
    std::vector<double> v(1'000'000);
    for (double& x : v)
        x = (rng() % 3 == 0 ? -1 : 1) * d(rng);
    for (int i = 0; i < 1000; ++i)
        v[static_cast<size_t>(i)] = 0;
    expect_within_bound(std::move(v));
}

TEST(quantile_sketch, empty_is_nan_and_state_stays_bounded) {
    quantile_sketch s;
    EXPECT_TRUE(std::isnan(s.quantile(0.5)));
    // Magnitudes from 1e-11 to 1e300: more than 2048 buckets would be needed.
    std::vector<double> v;
    for (double x = 1e-11; x < 1e300; x *= 1.01)
        v.push_back(x);
    for (double x : v)
        s.add(x, 1);
    EXPECT_LE(s.heap_bytes(), sizeof(int64_t) * 2 * 2048 * 2);
    std::sort(v.begin(), v.end());
    // The values span 311 decades and the buckets 17.8: the top 5.7% stay within the bound,
    // the smaller magnitudes were folded into the lowest bucket.
    for (double q : {0.97, 0.99, 1.0})
        EXPECT_LE(std::fabs(s.quantile(q) - exact_quantile(v, q)),
                  0.01 * exact_quantile(v, q) * (1 + 1e-9));
    EXPECT_GT(s.quantile(0.0), v.front()); // folded: not accurate, and documented so
}

TEST(quantile_sketch, retraction_gives_the_sketch_of_the_rest) {
    std::mt19937_64 rng(4);
    std::normal_distribution<double> d(0, 100);
    quantile_sketch all, rest;
    std::vector<double> v(20000);
    for (double& x : v)
        x = d(rng);
    for (size_t i = 0; i < v.size(); ++i) {
        all.add(v[i], 1);
        if (i % 4) rest.add(v[i], 1);
    }
    for (size_t i = 0; i < v.size(); i += 4)
        all.add(v[i], -1);
    EXPECT_EQ(all.count(), rest.count());
    for (double q : {0.0, 0.3, 0.5, 0.97, 1.0})
        EXPECT_EQ(all.quantile(q), rest.quantile(q));
}

TEST(approx_percentile, function_merges_exactly_and_checks_p) {
    auto f = resolve("approx_percentile", {type_id::float64, type_id::float64});
    std::vector<std::optional<double>> v;
    for (int i = 1; i <= 1000; ++i)
        v.push_back(i % 10 == 0 ? std::nullopt : std::optional(double(i)));
    auto x = doubles(v);
    auto p = repeat_f64(0.9, v.size());
    std::vector<uint32_t> odd, even, all;
    for (uint32_t i = 0; i < v.size(); ++i) {
        (i % 2 ? odd : even).push_back(i);
        all.push_back(i);
    }
    group whole(f), a(f), b(f);
    EXPECT_TRUE(whole.result().is_null());
    whole.update({x, p}, {}, all);
    a.update({x, p}, {}, odd);
    b.update({x, p}, {}, even);
    a.merge_from(b);
    EXPECT_EQ(a.result().as_f64(), whole.result().as_f64());
    EXPECT_NEAR(whole.result().as_f64(), 900, 9); // 90th percentile of 1..1000 minus tenths
    EXPECT_EQ(whole.rows(), 900);

    group bad(f);
    bad.update({doubles({1.0}), repeat_f64(1.5, 1)});
    eval_status st;
    EXPECT_TRUE(bad.result(&st).is_null());
    EXPECT_STREQ(st.sqlstate, "22003");
}

TEST(approx_percentile, null_values_and_null_percentiles) {
    auto f = resolve("approx_percentile", {type_id::float64, data_type::decimal(3, 2)});
    auto t = data_type::decimal(3, 2);
    group none(f);
    none.update({doubles({std::nullopt, std::nullopt}), ints({50, 50}, t)});
    EXPECT_TRUE(none.result().is_null()); // no values
    EXPECT_EQ(none.rows(), 0);
    group no_p(f);
    no_p.update({doubles({1.0, 2.0}), ints({std::nullopt, std::nullopt}, t)});
    EXPECT_TRUE(no_p.result().is_null()); // no percentile given
    group later_p(f);
    later_p.update({doubles({10.0, 20.0, 30.0}), ints({std::nullopt, 100, 0}, t)});
    EXPECT_NEAR(later_p.result().as_f64(), 30.0, 0.3); // the first p given (1.00) wins
    group negative(f);
    negative.update({doubles({1.0}), ints({-1}, t)});
    eval_status st;
    (void)negative.result(&st);
    EXPECT_STREQ(st.sqlstate, "22003");
}

TEST(approx_percentile, interval_result_is_an_interval) {
    auto f = resolve("percentile_approx", {type_id::interval, type_id::float64});
    group g(f);
    g.update({ints({1000, 2000, 3000}, type_id::interval), repeat_f64(0.5, 3)});
    value v = g.result();
    EXPECT_EQ(v.type, data_type(type_id::interval));
    EXPECT_NEAR(static_cast<double>(v.as_i64()), 2000, 20);
}

TEST(hyperloglog, small_sets_are_exact) {
    hyperloglog h;
    EXPECT_EQ(h.estimate(), 0);
    for (uint64_t i = 0; i < 200; ++i)
        h.add(i * 0x9e3779b97f4a7c15ULL);
    for (uint64_t i = 0; i < 200; ++i)
        h.add(i * 0x9e3779b97f4a7c15ULL);
    EXPECT_EQ(h.estimate(), 200);
}

TEST(approx_count_distinct, accuracy_on_a_million_distinct_values_and_duplicates) {
    auto f = resolve("approx_count_distinct", {type_id::int64});
    for (int64_t distinct : {1000, 50'000, 1'000'000}) {
        group g(f);
        std::vector<std::optional<int64_t>> v;
        for (int64_t i = 0; i < 2 * distinct; ++i)
            v.push_back(i % distinct * 7919);
        v.push_back(std::nullopt);
        g.update({ints(v)});
        double est = static_cast<double>(g.result().as_i64());
        // 1.6% standard error: 4 sigma.
        EXPECT_NEAR(est, static_cast<double>(distinct), 0.065 * static_cast<double>(distinct))
            << distinct;
        EXPECT_LE(g.heap(), sizeof(hyperloglog) + hyperloglog::registers);
    }
}

TEST(approx_count_distinct, strings_merge_and_empty) {
    auto f = resolve("approx_distinct", {type_id::varchar});
    group empty(f), a(f), b(f);
    EXPECT_EQ(empty.result().as_i64(), 0);
    std::vector<std::optional<std::string>> x, y;
    for (int i = 0; i < 20000; ++i)
        (i % 2 ? x : y).push_back("user-" + std::to_string(i % 15000));
    a.update({strings(x)});
    b.update({strings(y)});
    a.merge_from(b);
    EXPECT_NEAR(static_cast<double>(a.result().as_i64()), 15000, 15000 * 0.065);
    // Small sets stay exact through a merge.
    group c(f), d(f);
    c.update({strings({"a", "b", "c"})});
    d.update({strings({"c", "d", std::nullopt})});
    c.merge_from(d);
    EXPECT_EQ(c.result().as_i64(), 4);
}

} // namespace
} // namespace spate::agg::test
