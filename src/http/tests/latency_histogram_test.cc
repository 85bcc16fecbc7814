#include "http/latency_histogram.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace spate::http {
namespace {

using namespace std::chrono_literals;

TEST(latency_histogram, counts_in_the_right_buckets) {
    latency_histogram h;
    h.record(50us);  // <= 100us: bucket 0
    h.record(100us); // the bound itself is in the bucket
    h.record(101us); // bucket 1 (<= 250us)
    h.record(3ms);   // <= 5ms: bucket 5
    h.record(60s);   // +Inf
    h.record(-5ms);  // counts as 0
    EXPECT_EQ(h.count(), 6u);
    EXPECT_EQ(h.bucket(0), 3u);
    EXPECT_EQ(h.bucket(1), 1u);
    EXPECT_EQ(h.bucket(5), 1u);
    EXPECT_EQ(h.bucket(latency_histogram::bucket_count - 1), 1u);
    EXPECT_EQ(h.sum_us(), 50u + 100 + 101 + 3000 + 60'000'000);
}

TEST(latency_histogram, prints_cumulative_prometheus_buckets) {
    latency_histogram h;
    h.record(200us);
    h.record(2ms);
    h.record(20s);
    std::string out;
    h.append_prometheus("http_request_duration_seconds", "route=\"/x\"", out);
    EXPECT_NE(out.find("http_request_duration_seconds_bucket{route=\"/x\",le=\"0.0001\"} 0\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("_bucket{route=\"/x\",le=\"0.00025\"} 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("_bucket{route=\"/x\",le=\"0.0025\"} 2\n"), std::string::npos) << out;
    EXPECT_NE(out.find("_bucket{route=\"/x\",le=\"10\"} 2\n"), std::string::npos) << out;
    EXPECT_NE(out.find("_bucket{route=\"/x\",le=\"+Inf\"} 3\n"), std::string::npos) << out;
    EXPECT_NE(out.find("http_request_duration_seconds_count{route=\"/x\"} 3\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("http_request_duration_seconds_sum{route=\"/x\"} 20.0022\n"),
              std::string::npos)
        << out;

    std::string bare;
    latency_histogram().append_prometheus("m", "", bare);
    EXPECT_NE(bare.find("m_bucket{le=\"+Inf\"} 0\n"), std::string::npos) << bare;
    EXPECT_NE(bare.find("m_count 0\n"), std::string::npos) << bare;
}

TEST(latency_histogram, is_safe_to_record_from_many_threads) {
    latency_histogram h;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&h] {
            for (int i = 0; i < 10000; ++i)
                h.record(1ms);
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(h.count(), 40000u);
    EXPECT_EQ(h.bucket(3), 40000u);
}

} // namespace
} // namespace spate::http
