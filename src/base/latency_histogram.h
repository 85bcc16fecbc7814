#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace spate {

/// How long something took, as counts in fixed buckets spaced by powers of two from 1 µs to
/// about 34 s (plus one bucket for everything longer), with the count and the sum.
///
/// Every member is a relaxed atomic: record() may be called from any thread without a lock
/// and never allocates; readers see a consistent-enough picture for metrics (a sample being
/// recorded may be counted in `count` but not yet in its bucket).
class latency_histogram {
public:
    /// Finite buckets: bucket i holds durations <= upper_bound_ns(i).
    static constexpr size_t finite_buckets = 26;
    /// All buckets, the last one (+Inf) for anything longer than the last bound.
    static constexpr size_t buckets = finite_buckets + 1;

    /// The upper bound of bucket `i` in nanoseconds (1 µs << i); +Inf's is the largest int64.
    static constexpr int64_t upper_bound_ns(size_t i) {
        return i < finite_buckets ? int64_t(1000) << i : std::numeric_limits<int64_t>::max();
    }
    /// The bucket a duration of `ns` falls in (negative durations count as 0).
    static constexpr size_t bucket_of(int64_t ns) {
        for (size_t i = 0; i < finite_buckets; ++i)
            if (ns <= upper_bound_ns(i)) return i;
        return finite_buckets;
    }

    /// Counts one duration.
    void record(int64_t ns) {
        if (ns < 0) ns = 0;
        _buckets[bucket_of(ns)].fetch_add(1, std::memory_order_relaxed);
        _count.fetch_add(1, std::memory_order_relaxed);
        _sum_ns.fetch_add(uint64_t(ns), std::memory_order_relaxed);
    }

    uint64_t count() const { return _count.load(std::memory_order_relaxed); }
    /// The sum of every recorded duration, in nanoseconds.
    uint64_t sum_ns() const { return _sum_ns.load(std::memory_order_relaxed); }
    /// How many durations fell in bucket `i` alone.
    uint64_t bucket_count(size_t i) const { return _buckets[i].load(std::memory_order_relaxed); }
    /// How many durations were <= upper_bound_ns(i) (Prometheus `le=` buckets).
    uint64_t cumulative_count(size_t i) const {
        uint64_t n = 0;
        for (size_t k = 0; k <= i && k < buckets; ++k)
            n += bucket_count(k);
        return n;
    }

    /// An estimate of quantile `q` (0..1) in nanoseconds: linear within the bucket it falls in
    /// (the +Inf bucket answers the last finite bound). 0 when nothing was recorded.
    int64_t quantile_ns(double q) const {
        std::array<uint64_t, buckets> c{};
        uint64_t total = 0;
        for (size_t i = 0; i < buckets; ++i) {
            c[i] = bucket_count(i);
            total += c[i];
        }
        if (total == 0) return 0;
        if (q < 0) q = 0;
        if (q > 1) q = 1;
        double rank = q * double(total);
        uint64_t seen = 0;
        for (size_t i = 0; i < buckets; ++i) {
            if (c[i] == 0) continue;
            if (double(seen + c[i]) >= rank) {
                if (i == finite_buckets) return upper_bound_ns(finite_buckets - 1);
                double lo = i == 0 ? 0.0 : double(upper_bound_ns(i - 1));
                double hi = double(upper_bound_ns(i));
                double within = (rank - double(seen)) / double(c[i]);
                return int64_t(lo + (hi - lo) * within);
            }
            seen += c[i];
        }
        return upper_bound_ns(finite_buckets - 1);
    }

private:
    std::array<std::atomic<uint64_t>, buckets> _buckets{};
    std::atomic<uint64_t> _count{0};
    std::atomic<uint64_t> _sum_ns{0};
};

} // namespace spate
