#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spate::agg {

/// A relative-error quantile sketch in the manner of DDSketch: values are counted in
/// logarithmic buckets (gamma^(i-1), gamma^i] with gamma = (1 + a) / (1 - a), a = 1%, kept
/// apart for positive values, negative values (by magnitude) and values with |x| < 1e-12
/// (counted as 0). A bucket is reported as 2 gamma^i / (gamma + 1), so every quantile is within
/// a = 1% (relative) of the exact value of that rank, as long as the values span less than
/// gamma^2048 (a factor of about 6e17) per sign. Beyond that the smallest magnitudes are folded
/// into the lowest kept bucket, which keeps the state bounded (at most 2 x 2048 counters,
/// 32 KiB). Counting is exact per bucket, so the sketch merges and retracts exactly.
///
/// Owned by one aggregate state, used by the operator's thread.
class quantile_sketch {
public:
    static constexpr double relative_accuracy = 0.01;
    static constexpr double min_magnitude = 1e-12;
    static constexpr int32_t max_buckets = 2048;

    /// Adds `delta` occurrences of `x` (negative delta: removes ones added before). NaN is
    /// ignored.
    void add(double x, int64_t delta);
    /// Adds everything `other` counted.
    void merge(const quantile_sketch& other);
    /// Values counted.
    int64_t count() const { return _neg.total + _zero + _pos.total; }
    /// The value of rank floor(q * (count() - 1)) in sorted order, within the relative error;
    /// q in [0, 1]; NaN when empty.
    double quantile(double q) const;
    size_t heap_bytes() const;

private:
    /// Counters for a contiguous range of bucket indexes.
    struct store {
        std::vector<int64_t> counts;
        int32_t offset = 0;     ///< index of counts[0]
        bool collapsed = false; ///< indexes below offset were folded into it
        int64_t total = 0;

        void add(int32_t index, int64_t delta);
        void cover(int32_t lo, int32_t hi);
        int32_t top() const { return offset + static_cast<int32_t>(counts.size()) - 1; }
    };

    int32_t index_of(double magnitude) const;
    double value_of(int32_t index) const;

    store _pos;
    store _neg;
    int64_t _zero = 0;
};

} // namespace spate::agg
