#include "http/latency_histogram.h"

#include <algorithm>

#include <fmt/format.h>

namespace spate::http {

void latency_histogram::record(std::chrono::nanoseconds elapsed) {
    uint64_t us = elapsed.count() <= 0 ? 0 : uint64_t(elapsed.count()) / 1000;
    auto it = std::lower_bound(bounds_us.begin(), bounds_us.end(), us);
    size_t i = size_t(it - bounds_us.begin());
    _buckets[i].fetch_add(1, std::memory_order_relaxed);
    _sum_us.fetch_add(us, std::memory_order_relaxed);
    _count.fetch_add(1, std::memory_order_relaxed);
}

void latency_histogram::append_prometheus(std::string_view name, std::string_view labels,
                                          std::string& out) const {
    std::string_view sep = labels.empty() ? "" : ",";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bucket_count; ++i) {
        cumulative += bucket(i);
        if (i < bounds_us.size())
            out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep,
                               double(bounds_us[i]) / 1e6, cumulative);
        else
            out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, cumulative);
    }
    std::string braces = labels.empty() ? std::string() : fmt::format("{{{}}}", labels);
    out += fmt::format("{}_sum{} {}\n", name, braces, double(sum_us()) / 1e6);
    out += fmt::format("{}_count{} {}\n", name, braces, cumulative);
}

} // namespace spate::http
