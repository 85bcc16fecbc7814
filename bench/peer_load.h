#pragma once

// What redis_load and nats_load share: the 16-byte message header (sequence number and send
// time), nearest-rank percentiles as JSON, the tool's own CPU and peak RSS, and the failure type
// that ends a run. Header-only; used by one thread of one tool at a time unless noted.

#include "process_stats.h"

#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace peer_load {

using json = nlohmann::json;

// Every value starts with its sequence number and the steady-clock time it was sent (ns).
constexpr size_t header_bytes = 16;

// A failed run: the message says what went wrong; the tool prints it as "ok": false.
struct load_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline void put_u64(unsigned char* p, uint64_t v) {
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<unsigned char>(v >> (8 * i));
}

inline uint64_t get_u64(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
}

// Nearest-rank percentile of sorted values; NAN when there are none.
inline double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return NAN;
    auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    rank = std::clamp<size_t>(rank, 1, sorted.size());
    return sorted[rank - 1];
}

// {"samples", "p50", "p99", "p999", "max"} of microsecond values, as kafka_load prints them.
inline json distribution_us(std::vector<double> us) {
    std::sort(us.begin(), us.end());
    auto r = [](double v) { return std::isnan(v) ? json(nullptr) : json(std::round(v * 10) / 10); };
    return {{"samples", us.size()},
            {"p50", r(percentile(us, 50))},
            {"p99", r(percentile(us, 99))},
            {"p999", r(percentile(us, 99.9))},
            {"max", r(us.empty() ? NAN : us.back())}};
}

// The tool's CPU seconds since `cpu0` and its peak RSS, as {"cpu_seconds", "peak_rss_mib"}.
inline json tool_usage(double cpu0) {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    double cpu = self_cpu_seconds() - cpu0;
    return {{"cpu_seconds", std::round(cpu * 100) / 100},
            {"peak_rss_mib", std::round(static_cast<double>(ru.ru_maxrss) / 102.4) / 10}};
}

// msgs/s and MB/s (values only, 10^6 bytes) of `messages` values of `size` bytes in `seconds`.
inline void put_rates(json& out, uint64_t messages, size_t size, double seconds) {
    out["seconds"] = std::round(seconds * 1000) / 1000;
    out["msgs_per_s"] = std::round(static_cast<double>(messages) / seconds);
    out["mb_per_s"] = std::round(static_cast<double>(messages * size) / seconds / 1e6 * 10) / 10;
}

} // namespace peer_load
