#include "columnar/text_format.h"

#include "columnar/data_type.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace spate::columnar {

namespace {

constexpr int64_t ms_per_second = 1000;
constexpr int64_t ms_per_minute = 60 * ms_per_second;
constexpr int64_t ms_per_hour = 60 * ms_per_minute;
constexpr int64_t ms_per_day = 24 * ms_per_hour;

void append_2digits(unsigned v, std::string& out) {
    out.push_back(char('0' + v / 10));
    out.push_back(char('0' + v % 10));
}

/// ".25" for 250 ms; nothing for 0.
void append_ms_fraction(int64_t ms, std::string& out) {
    if (ms == 0) return;
    char buf[4] = {char('0' + ms / 100), char('0' + ms / 10 % 10), char('0' + ms % 10), 0};
    int len = 3;
    while (len > 0 && buf[len - 1] == '0')
        --len;
    out.push_back('.');
    out.append(buf, len);
}

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

/// Reads exactly `n` digits at s[pos...]; advances pos.
bool read_digits(std::string_view s, size_t& pos, int n, int64_t& v) {
    if (pos + n > s.size()) return false;
    v = 0;
    for (int i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    pos += n;
    return true;
}

bool is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int64_t y, unsigned m) {
    static constexpr unsigned d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

} // namespace

// Howard Hinnant's days_from_civil / civil_from_days algorithms (public domain descriptions).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

void append_timestamp_text(int64_t ms, std::string& out) {
    int64_t days = floor_div(ms, ms_per_day);
    int64_t in_day = ms - days * ms_per_day;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    char buf[32];
    bool bc = y <= 0;
    int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u ",
                          static_cast<long long>(bc ? 1 - y : y), m, d);
    out.append(buf, n);
    append_2digits(static_cast<unsigned>(in_day / ms_per_hour), out);
    out.push_back(':');
    append_2digits(static_cast<unsigned>(in_day / ms_per_minute % 60), out);
    out.push_back(':');
    append_2digits(static_cast<unsigned>(in_day / ms_per_second % 60), out);
    append_ms_fraction(in_day % ms_per_second, out);
    if (bc) out.append(" BC");
}

void append_interval_text(int64_t ms, std::string& out) {
    if (ms == 0) {
        out.append("00:00:00");
        return;
    }
    bool neg = ms < 0;
    uint64_t a = neg ? uint64_t(0) - uint64_t(ms) : uint64_t(ms);
    uint64_t days = a / ms_per_day;
    uint64_t rest = a % ms_per_day;
    if (days) {
        out.append(neg ? "-" : "");
        out.append(std::to_string(days));
        out.append(days == 1 && !neg ? " day" : " days");
        if (rest == 0) return;
        out.push_back(' ');
    }
    if (neg) out.push_back('-');
    uint64_t hours = rest / ms_per_hour;
    if (hours < 10) out.push_back('0');
    out.append(std::to_string(hours));
    out.push_back(':');
    append_2digits(static_cast<unsigned>(rest / ms_per_minute % 60), out);
    out.push_back(':');
    append_2digits(static_cast<unsigned>(rest / ms_per_second % 60), out);
    append_ms_fraction(static_cast<int64_t>(rest % ms_per_second), out);
}

void append_decimal_text(int64_t unscaled, int scale, std::string& out) {
    bool neg = unscaled < 0;
    uint64_t a = neg ? uint64_t(0) - uint64_t(unscaled) : uint64_t(unscaled);
    std::string digits = std::to_string(a);
    if (scale > 0 && digits.size() <= size_t(scale))
        digits.insert(0, size_t(scale) + 1 - digits.size(), '0');
    if (neg) out.push_back('-');
    if (scale > 0) {
        out.append(digits, 0, digits.size() - scale);
        out.push_back('.');
        out.append(digits, digits.size() - scale, std::string::npos);
    } else {
        out.append(digits);
    }
}

void append_double_text(double v, std::string& out) {
    if (std::isnan(v)) {
        out.append("NaN");
        return;
    }
    if (std::isinf(v)) {
        out.append(v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    char buf[64];
    // Postgres prints the shortest exact form, switching to exponent notation below 1e-4 and
    // from 1e15 (its DBL_DIG); %g-style exponents have at least two digits.
    double a = std::fabs(v);
    std::to_chars_result r;
    if (a != 0 && (a < 1e-4 || a >= 1e15))
        r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    else
        r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    std::string_view s(buf, r.ptr - buf);
    auto e = s.find('e');
    if (e == std::string_view::npos) {
        out.append(s);
        return;
    }
    out.append(s.substr(0, e + 2)); // mantissa, 'e', sign
    auto exp = s.substr(e + 2);
    if (exp.size() < 2) out.push_back('0');
    out.append(exp);
}

std::optional<int64_t> parse_timestamp(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    size_t pos = 0;
    int64_t y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    if (!read_digits(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
    if (!read_digits(s, pos, 2, mo) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
    if (!read_digits(s, pos, 2, d)) return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, unsigned(mo))) return std::nullopt;
    int64_t offset_min = 0;
    if (pos < s.size()) {
        if (s[pos] != ' ' && s[pos] != 'T') return std::nullopt;
        ++pos;
        if (!read_digits(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':') return std::nullopt;
        if (!read_digits(s, pos, 2, mi)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') {
            ++pos;
            if (!read_digits(s, pos, 2, sec)) return std::nullopt;
            if (pos < s.size() && s[pos] == '.') {
                ++pos;
                int n = 0;
                while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                    if (n < 3) ms = ms * 10 + (s[pos] - '0');
                    ++n;
                    ++pos;
                }
                if (n == 0) return std::nullopt;
                for (; n < 3; ++n)
                    ms *= 10;
            }
        }
        if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
        if (pos < s.size()) {
            char c = s[pos];
            if (c == 'Z' && pos + 1 == s.size()) {
                ++pos;
            } else if (c == '+' || c == '-') {
                ++pos;
                int64_t oh, om = 0;
                if (!read_digits(s, pos, 2, oh)) return std::nullopt;
                if (pos < s.size() && s[pos] == ':') ++pos;
                if (pos < s.size() && !read_digits(s, pos, 2, om)) return std::nullopt;
                offset_min = (c == '+' ? 1 : -1) * (oh * 60 + om);
            }
            if (pos != s.size()) return std::nullopt;
        }
    }
    int64_t days = days_from_civil(y, unsigned(mo), unsigned(d));
    return days * ms_per_day + h * ms_per_hour + mi * ms_per_minute + sec * ms_per_second + ms -
           offset_min * ms_per_minute;
}

std::optional<int64_t> parse_decimal(std::string_view s, int scale) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    bool neg = false;
    if (s.front() == '-' || s.front() == '+') {
        neg = s.front() == '-';
        s.remove_prefix(1);
    }
    __int128 v = 0;
    int digits = 0, frac = 0;
    bool point = false, any = false;
    int round_digit = -1;
    for (char c : s) {
        if (c == '.') {
            if (point) return std::nullopt;
            point = true;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        any = true;
        if (point && frac == scale) {
            if (round_digit < 0) round_digit = c - '0';
            continue;
        }
        v = v * 10 + (c - '0');
        if (v != 0) ++digits;
        if (digits > 18) return std::nullopt;
        if (point) ++frac;
    }
    if (!any) return std::nullopt;
    for (; frac < scale; ++frac)
        v *= 10;
    if (round_digit >= 5) ++v;
    if (v > __int128(pow10_i64(18)) - 1) return std::nullopt;
    return static_cast<int64_t>(neg ? -v : v);
}

std::optional<int64_t> interval_unit_ms(std::string_view u) {
    std::string l;
    for (char c : u)
        l.push_back(char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    if (l.size() > 1 && l.back() == 's' && l != "ms" && l != "s") l.pop_back();
    if (l == "millisecond" || l == "ms" || l == "msec") return 1;
    if (l == "second" || l == "s" || l == "sec") return ms_per_second;
    if (l == "minute" || l == "m" || l == "min") return ms_per_minute;
    if (l == "hour" || l == "h" || l == "hr") return ms_per_hour;
    if (l == "day" || l == "d") return ms_per_day;
    if (l == "week" || l == "w") return 7 * ms_per_day;
    return std::nullopt;
}

std::optional<int64_t> parse_interval(std::string_view s, std::string* why) {
    auto fail = [&](std::string msg) -> std::optional<int64_t> {
        if (why) *why = std::move(msg);
        return std::nullopt;
    };
    size_t pos = 0;
    auto skip_space = [&] {
        while (pos < s.size() && s[pos] == ' ')
            ++pos;
    };
    int64_t total = 0;
    bool any = false;
    skip_space();
    while (pos < s.size()) {
        bool neg = false;
        if (s[pos] == '-' || s[pos] == '+') {
            neg = s[pos] == '-';
            ++pos;
        }
        size_t start = pos;
        while (pos < s.size() && ((s[pos] >= '0' && s[pos] <= '9') || s[pos] == '.'))
            ++pos;
        if (start == pos) return fail("expected a number");
        std::string_view num = s.substr(start, pos - start);
        if (pos < s.size() && s[pos] == ':') {
            // hh:mm[:ss[.fff]]
            int64_t parts[3] = {0, 0, 0};
            int n = 0;
            size_t p = start;
            int64_t frac_ms = 0;
            while (true) {
                int64_t v = 0;
                size_t b = p;
                while (p < s.size() && s[p] >= '0' && s[p] <= '9')
                    v = v * 10 + (s[p++] - '0');
                if (b == p || n == 3) return fail("malformed time of day");
                parts[n++] = v;
                if (p < s.size() && s[p] == ':') {
                    ++p;
                    continue;
                }
                if (p < s.size() && s[p] == '.' && n == 3) {
                    ++p;
                    int k = 0;
                    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
                        if (k < 3) frac_ms = frac_ms * 10 + (s[p] - '0');
                        ++k;
                        ++p;
                    }
                    for (; k < 3; ++k)
                        frac_ms *= 10;
                }
                break;
            }
            if (n < 2) return fail("malformed time of day");
            int64_t v = parts[0] * ms_per_hour + parts[1] * ms_per_minute +
                        parts[2] * ms_per_second + frac_ms;
            total += neg ? -v : v;
            pos = p;
            any = true;
            skip_space();
            continue;
        }
        skip_space();
        size_t ustart = pos;
        while (pos < s.size() &&
               ((s[pos] >= 'a' && s[pos] <= 'z') || (s[pos] >= 'A' && s[pos] <= 'Z')))
            ++pos;
        std::string_view unit = s.substr(ustart, pos - ustart);
        std::optional<int64_t> unit_ms =
            unit.empty() ? std::optional<int64_t>(ms_per_second) : interval_unit_ms(unit);
        if (!unit_ms) {
            std::string u(unit);
            for (auto& c : u)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            if (u.starts_with("mon") || u.starts_with("year") || u == "y" || u == "mons")
                return fail("intervals of months or years have no fixed length; use days");
            return fail("unknown interval unit \"" + std::string(unit) + "\"");
        }
        double v = 0;
        auto r = std::from_chars(num.data(), num.data() + num.size(), v);
        if (r.ec != std::errc() || r.ptr != num.data() + num.size())
            return fail("malformed number \"" + std::string(num) + "\"");
        double ms = v * double(*unit_ms);
        if (ms > 9e15) return fail("interval out of range");
        int64_t add = static_cast<int64_t>(std::llround(ms));
        total += neg ? -add : add;
        any = true;
        skip_space();
    }
    if (!any) return fail("empty interval");
    return total;
}

} // namespace spate::columnar
