#include "base/latency_histogram.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using spate::latency_histogram;

TEST(latency_histogram, buckets_are_log_spaced_and_bounds_inclusive) {
    EXPECT_EQ(latency_histogram::upper_bound_ns(0), 1000);
    EXPECT_EQ(latency_histogram::upper_bound_ns(1), 2000);
    EXPECT_EQ(latency_histogram::upper_bound_ns(10), 1024000);
    EXPECT_EQ(latency_histogram::bucket_of(0), 0u);
    EXPECT_EQ(latency_histogram::bucket_of(1000), 0u);
    EXPECT_EQ(latency_histogram::bucket_of(1001), 1u);
    EXPECT_EQ(latency_histogram::bucket_of(-5), 0u);
    EXPECT_EQ(latency_histogram::bucket_of(int64_t(1) << 62), latency_histogram::finite_buckets);
}

TEST(latency_histogram, counts_sums_and_cumulative_buckets) {
    latency_histogram h;
    EXPECT_EQ(h.quantile_ns(0.5), 0) << "nothing recorded";
    h.record(500);                               // bucket 0
    h.record(1500);                              // bucket 1
    h.record(1500);                              // bucket 1
    h.record(-3);                                // counted as 0, bucket 0
    h.record(int64_t(100) * 1000 * 1000 * 1000); // 100 s: +Inf
    EXPECT_EQ(h.count(), 5u);
    EXPECT_EQ(h.sum_ns(), 500u + 3000u + 100'000'000'000u);
    EXPECT_EQ(h.bucket_count(0), 2u);
    EXPECT_EQ(h.bucket_count(1), 2u);
    EXPECT_EQ(h.cumulative_count(0), 2u);
    EXPECT_EQ(h.cumulative_count(1), 4u);
    EXPECT_EQ(h.cumulative_count(latency_histogram::finite_buckets - 1), 4u);
    EXPECT_EQ(h.cumulative_count(latency_histogram::finite_buckets), 5u);
}

TEST(latency_histogram, quantiles_interpolate_within_buckets) {
    latency_histogram h;
    for (int i = 0; i < 100; ++i)
        h.record(1500); // all in (1000, 2000]
    auto median = h.quantile_ns(0.5);
    EXPECT_GT(median, 1000);
    EXPECT_LE(median, 2000);
    EXPECT_EQ(h.quantile_ns(1.0), 2000);
    latency_histogram slow;
    slow.record(int64_t(1) << 62);
    EXPECT_EQ(slow.quantile_ns(0.99),
              latency_histogram::upper_bound_ns(latency_histogram::finite_buckets - 1));
    latency_histogram mixed;
    for (int i = 0; i < 90; ++i)
        mixed.record(800);
    for (int i = 0; i < 10; ++i)
        mixed.record(1'000'000); // (512 µs, 1.024 ms]
    EXPECT_LE(mixed.quantile_ns(0.5), 1000);
    EXPECT_GT(mixed.quantile_ns(0.99), 512'000);
}

TEST(latency_histogram, records_from_many_threads_without_losing_counts) {
    latency_histogram h;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&h] {
            for (int i = 0; i < 10000; ++i)
                h.record(i);
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(h.count(), 40000u);
    EXPECT_EQ(h.cumulative_count(latency_histogram::finite_buckets), 40000u);
}
