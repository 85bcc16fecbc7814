#include "agg/quantile_sketch.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace spate::agg {
namespace {

constexpr double gamma_v =
    (1 + quantile_sketch::relative_accuracy) / (1 - quantile_sketch::relative_accuracy);
const double log_gamma = std::log(gamma_v);

} // namespace

int32_t quantile_sketch::index_of(double magnitude) const {
    return static_cast<int32_t>(std::ceil(std::log(magnitude) / log_gamma));
}

double quantile_sketch::value_of(int32_t index) const {
    return 2 * std::exp(index * log_gamma) / (gamma_v + 1);
}

void quantile_sketch::store::cover(int32_t lo, int32_t hi) {
    if (counts.empty()) {
        if (hi - lo + 1 > max_buckets) {
            lo = hi - max_buckets + 1;
            collapsed = true;
        }
        offset = lo;
        counts.assign(static_cast<size_t>(hi - lo + 1), 0);
        return;
    }
    int32_t old_top = top();
    lo = std::min(lo, offset);
    hi = std::max(hi, old_top);
    if (hi - lo + 1 > max_buckets) {
        lo = hi - max_buckets + 1;
        collapsed = true;
    }
    if (lo == offset) { // grows upwards only: amortized
        counts.resize(static_cast<size_t>(hi - lo + 1), 0);
        return;
    }
    std::vector<int64_t> next(static_cast<size_t>(hi - lo + 1), 0);
    for (int32_t i = offset; i <= old_top; ++i)
        next[static_cast<size_t>(std::max(i, lo) - lo)] += counts[static_cast<size_t>(i - offset)];
    counts.swap(next);
    offset = lo;
}

void quantile_sketch::store::add(int32_t index, int64_t delta) {
    if (collapsed && index < offset) index = offset;
    if (counts.empty() || index < offset || index > top()) cover(index, index);
    index = std::max(index, offset);
    int64_t& c = counts[static_cast<size_t>(index - offset)];
    c += delta;
    assert(c >= 0 && "retraction of a value that was never added");
    total += delta;
}

void quantile_sketch::add(double x, int64_t delta) {
    if (std::isnan(x)) return;
    double m = std::fabs(x);
    if (m < min_magnitude) {
        _zero += delta;
        return;
    }
    m = std::min(m, std::numeric_limits<double>::max());
    (x > 0 ? _pos : _neg).add(index_of(m), delta);
}

void quantile_sketch::merge(const quantile_sketch& other) {
    _zero += other._zero;
    auto merge_store = [](store& d, const store& s) {
        for (size_t i = 0; i < s.counts.size(); ++i)
            if (s.counts[i]) d.add(s.offset + static_cast<int32_t>(i), s.counts[i]);
        if (s.collapsed && !s.counts.empty()) d.collapsed = true;
    };
    merge_store(_pos, other._pos);
    merge_store(_neg, other._neg);
}

double quantile_sketch::quantile(double q) const {
    int64_t n = count();
    if (n <= 0) return std::numeric_limits<double>::quiet_NaN();
    double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(n - 1);
    int64_t seen = 0;
    for (size_t i = _neg.counts.size(); i-- > 0;) {
        seen += _neg.counts[i];
        if (static_cast<double>(seen) > rank)
            return -value_of(_neg.offset + static_cast<int32_t>(i));
    }
    seen += _zero;
    if (static_cast<double>(seen) > rank) return 0;
    for (size_t i = 0; i < _pos.counts.size(); ++i) {
        seen += _pos.counts[i];
        if (static_cast<double>(seen) > rank)
            return value_of(_pos.offset + static_cast<int32_t>(i));
    }
    return value_of(_pos.counts.empty() ? 0 : _pos.top());
}

size_t quantile_sketch::heap_bytes() const {
    return (_pos.counts.capacity() + _neg.counts.capacity()) * sizeof(int64_t);
}

} // namespace spate::agg
