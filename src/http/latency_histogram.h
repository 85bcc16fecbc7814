#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace spate::http {

/// How long requests took, counted in fixed buckets spaced 1-2.5-5 per decade from 100 µs to
/// 10 s (and one for anything slower), with their sum and count: enough to print a Prometheus
/// histogram. Every method is thread-safe (relaxed atomics): any shard records, any shard
/// prints; a print that runs during records may see a count one ahead of its buckets.
class latency_histogram {
public:
    /// Upper bounds of the buckets in microseconds; the last bucket (+Inf) has none.
    static constexpr std::array<uint64_t, 16> bounds_us = {
        100,    250,     500,     1'000,   2'500,     5'000,     10'000,    25'000,
        50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};
    static constexpr size_t bucket_count = bounds_us.size() + 1;

    /// Counts one request that took `elapsed` (negative durations count as 0).
    void record(std::chrono::nanoseconds elapsed);

    uint64_t count() const { return _count.load(std::memory_order_relaxed); }
    /// Sum of the recorded durations, in microseconds.
    uint64_t sum_us() const { return _sum_us.load(std::memory_order_relaxed); }
    /// Requests in bucket `i` alone (not cumulative); i < bucket_count.
    uint64_t bucket(size_t i) const { return _buckets[i].load(std::memory_order_relaxed); }

    /// Appends the Prometheus text lines of this histogram: cumulative
    /// `<name>_bucket{<labels>,le="0.0001"} N` for every bound then le="+Inf", `<name>_sum`
    /// (seconds) and `<name>_count`. `labels` is "" or `route="/x",method="GET"` (already
    /// escaped). No # HELP / # TYPE lines: the caller writes them once per metric name.
    void append_prometheus(std::string_view name, std::string_view labels, std::string& out) const;

private:
    std::array<std::atomic<uint64_t>, bucket_count> _buckets{};
    std::atomic<uint64_t> _sum_us{0};
    std::atomic<uint64_t> _count{0};
};

} // namespace spate::http
