#pragma once

#include "columnar/text_format.h"

#include <charconv>
#include <cstdint>
#include <string_view>

// Internal to the files module: fast readers of the common text forms of values in files.
// Each reads the whole text or fails; callers fall back to the general readers (format's
// text_to_cell) for the less common forms.

namespace spate::files::detail {

/// A base-10 int64 with an optional sign, nothing else; false when malformed or out of range.
inline bool fast_i64(std::string_view s, int64_t& out) {
    const char* p = s.data();
    const char* end = p + s.size();
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+')) neg = *p++ == '-';
    if (p == end || end - p > 19) return false;
    uint64_t v = 0;
    for (; p < end; ++p) {
        unsigned d = unsigned(*p - '0');
        if (d > 9) return false;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > uint64_t(INT64_MAX) + 1) return false;
        out = int64_t(0 - v);
    } else {
        if (v > uint64_t(INT64_MAX)) return false;
        out = int64_t(v);
    }
    return true;
}

/// A double in decimal or scientific notation (also nan, inf), with an optional '+'.
inline bool fast_f64(std::string_view s, double& out) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

/// "true" or "false" in any case.
inline bool fast_bool(std::string_view s, bool& out) {
    auto eq = [](std::string_view a, std::string_view lower) {
        if (a.size() != lower.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if ((a[i] | 0x20) != lower[i]) return false;
        return true;
    };
    if (eq(s, "true")) return out = true, true;
    if (eq(s, "false")) return out = false, true;
    return false;
}

inline bool two_digits(const char* p, unsigned& v) {
    unsigned a = unsigned(p[0] - '0'), b = unsigned(p[1] - '0');
    if (a > 9 || b > 9) return false;
    v = a * 10 + b;
    return true;
}

/// `yyyy-MM-dd HH:mm:ss[.f{1,9}]` (space or 'T') or `yyyy-MM-dd` by fixed positions, else
/// columnar::parse_timestamp(). Milliseconds since the epoch.
inline bool fast_timestamp(std::string_view s, int64_t& out) {
    const char* p = s.data();
    size_t n = s.size();
    unsigned y1, y2, mo, d, h = 0, mi = 0, se = 0;
    if ((n == 10 || (n >= 19 && (p[10] == ' ' || p[10] == 'T'))) && p[4] == '-' && p[7] == '-' &&
        two_digits(p, y1) && two_digits(p + 2, y2) && two_digits(p + 5, mo) &&
        two_digits(p + 8, d) && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
        bool ok = true;
        int64_t ms = 0;
        if (n >= 19) {
            ok = p[13] == ':' && p[16] == ':' && two_digits(p + 11, h) && two_digits(p + 14, mi) &&
                 two_digits(p + 17, se) && h < 24 && mi < 60 && se < 60;
            if (ok && n > 19) {
                ok = p[19] == '.' && n > 20 && n <= 29;
                int scale = 100;
                for (size_t i = 20; ok && i < n; ++i) {
                    unsigned dg = unsigned(p[i] - '0');
                    if (dg > 9) ok = false;
                    ms += dg * scale;
                    scale /= 10;
                }
            }
        }
        unsigned y = y1 * 100 + y2;
        static constexpr uint8_t month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        unsigned leap = mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
        if (ok && y > 0 && d <= month_days[mo - 1] + leap) {
            int64_t days = columnar::days_from_civil(int64_t(y), mo, d);
            out = ((days * 24 + h) * 60 + mi) * 60000 + int64_t(se) * 1000 + ms;
            return true;
        }
    }
    if (auto t = columnar::parse_timestamp(s)) {
        out = *t;
        return true;
    }
    return false;
}

} // namespace spate::files::detail
