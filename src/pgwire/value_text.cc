#include "pgwire/calendar.h"
#include "pgwire/value_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace spate::pgwire {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// Postgres prints a float in fixed notation when its decimal exponent is in
/// [-4, fixed_limit), else in scientific notation, always with the fewest digits that read
/// back to the same value.
template <typename F>
void append_shortest(F v, int fixed_limit, std::string& out) {
    if (std::isnan(v)) {
        out += "NaN";
        return;
    }
    if (std::isinf(v)) {
        out += v < 0 ? "-Infinity" : "Infinity";
        return;
    }
    char buf[64];
    auto sci = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string_view s(buf, static_cast<size_t>(sci.ptr - buf));
    auto e = s.find('e');
    int exponent = 0;
    std::from_chars(s.data() + e + (s[e + 1] == '+' ? 2 : 1), s.data() + s.size(), exponent);
    if (exponent >= -4 && exponent < fixed_limit) {
        auto fix = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
        out.append(buf, fix.ptr);
    } else {
        out += s;
    }
}

void append_int128(__int128 v, std::string& out) {
    if (v == 0) {
        out += '0';
        return;
    }
    char buf[48];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : v;
    while (u != 0) {
        buf[n++] = static_cast<char>('0' + static_cast<int>(u % 10));
        u /= 10;
    }
    if (neg) out += '-';
    while (n > 0)
        out += buf[--n];
}

/// Seconds and microseconds "SS[.ffffff]" with trailing fraction zeros dropped.
void append_seconds(int64_t seconds, int64_t micros, std::string& out) {
    fmt::format_to(std::back_inserter(out), "{:02d}", seconds);
    if (micros == 0) return;
    char frac[8];
    fmt::format_to_n(frac, 6, "{:06d}", micros);
    int len = 6;
    while (len > 0 && frac[len - 1] == '0')
        --len;
    out += '.';
    out.append(frac, static_cast<size_t>(len));
}

template <typename I>
std::optional<int64_t> parse_int(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    I v{};
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
    return static_cast<int64_t>(v);
}

template <typename F>
std::optional<F> parse_float(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (iequals(s, "infinity") || iequals(s, "inf")) return std::numeric_limits<F>::infinity();
    if (iequals(s, "-infinity") || iequals(s, "-inf")) return -std::numeric_limits<F>::infinity();
    if (iequals(s, "nan")) return std::numeric_limits<F>::quiet_NaN();
    F v{};
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<bool> parse_bool(std::string_view s) {
    s = trim(s);
    for (auto t : {"t", "true", "yes", "y", "on", "1"})
        if (iequals(s, t)) return true;
    for (auto f : {"f", "false", "no", "n", "off", "0"})
        if (iequals(s, f)) return false;
    return std::nullopt;
}

} // namespace

std::optional<cell> parse_numeric_text(std::string_view s);
std::optional<cell> parse_timestamp_text(std::string_view s, bool with_zone);
std::optional<cell> parse_date_text(std::string_view s);
std::optional<cell> parse_interval_text(std::string_view s);

void append_float8(double v, std::string& out) {
    append_shortest(v, 15, out);
}

void append_float4(float v, std::string& out) {
    append_shortest(v, 6, out);
}

void append_date(int64_t ms, std::string& out) {
    auto d = civil_from_days(floor_div(ms, 86400000));
    bool bc = d.year <= 0;
    fmt::format_to(std::back_inserter(out), "{:04d}-{:02d}-{:02d}", bc ? 1 - d.year : d.year,
                   d.month, d.day);
    if (bc) out += " BC";
}

void append_timestamp(int64_t ms, bool with_zone, std::string& out) {
    auto d = civil_from_days(floor_div(ms, 86400000));
    int64_t in_day = floor_mod(ms, 86400000);
    bool bc = d.year <= 0;
    fmt::format_to(std::back_inserter(out),
                   "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:", bc ? 1 - d.year : d.year, d.month, d.day,
                   in_day / 3600000, in_day / 60000 % 60);
    append_seconds(in_day / 1000 % 60, in_day % 1000 * 1000, out);
    if (with_zone) out += "+00";
    if (bc) out += " BC";
}

void append_interval(const interval_value& v, std::string& out) {
    bool is_zero = true;    // nothing printed yet
    bool is_before = false; // the last part printed was negative
    auto part = [&](int64_t value, std::string_view unit) {
        if (value == 0) return;
        fmt::format_to(std::back_inserter(out), "{}{}{} {}{}", is_zero ? "" : " ",
                       is_before && value > 0 ? "+" : "", value, unit, value != 1 ? "s" : "");
        is_before = value < 0;
        is_zero = false;
    };
    part(v.months / 12, "year");
    part(v.months % 12, "mon");
    part(v.days, "day");
    if (is_zero || v.micros != 0) {
        bool minus = v.micros < 0;
        // |INT64_MIN| does not fit: the magnitude is taken unsigned.
        uint64_t mag = minus ? -static_cast<uint64_t>(v.micros) : static_cast<uint64_t>(v.micros);
        uint64_t hours = mag / 3600000000ULL;
        uint64_t minutes = mag / 60000000ULL % 60;
        fmt::format_to(std::back_inserter(out), "{}{}{:02d}:{:02d}:", is_zero ? "" : " ",
                       minus ? "-" : (is_before ? "+" : ""), hours, minutes);
        append_seconds(static_cast<int64_t>(mag / 1000000 % 60),
                       static_cast<int64_t>(mag % 1000000), out);
    }
}

void append_numeric(const numeric_value& v, std::string& out) {
    if (v.scale <= 0) {
        append_int128(v.unscaled, out);
        for (int32_t i = 0; i < -v.scale && v.unscaled != 0; ++i)
            out += '0';
        return;
    }
    std::string digits;
    append_int128(v.unscaled < 0 ? -v.unscaled : v.unscaled, digits);
    auto scale = static_cast<size_t>(v.scale);
    if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
    if (v.unscaled < 0) out += '-';
    out.append(digits, 0, digits.size() - scale);
    out += '.';
    out.append(digits, digits.size() - scale, scale);
}

void append_text(const cell& v, uint32_t type_oid, std::string& out) {
    struct visitor {
        uint32_t type_oid;
        std::string& out;
        void operator()(std::monostate) {}
        void operator()(bool b) { out += b ? 't' : 'f'; }
        void operator()(int64_t i) { fmt::format_to(std::back_inserter(out), "{}", i); }
        void operator()(double d) {
            if (type_oid == oid::float4)
                append_float4(static_cast<float>(d), out);
            else
                append_float8(d, out);
        }
        void operator()(const std::string& s) { out += s; }
        void operator()(const timestamp_ms& t) {
            if (type_oid == oid::date)
                append_date(t.ms_since_unix_epoch, out);
            else
                append_timestamp(t.ms_since_unix_epoch, type_oid == oid::timestamptz, out);
        }
        void operator()(const interval_value& i) { append_interval(i, out); }
        void operator()(const numeric_value& n) { append_numeric(n, out); }
    };
    std::visit(visitor{type_oid, out}, v);
}

std::string to_text(const cell& v, uint32_t type_oid) {
    std::string out;
    append_text(v, type_oid, out);
    return out;
}

std::optional<cell> parse_text(uint32_t type_oid, std::string_view text) {
    switch (type_oid) {
    case oid::bool_: {
        auto b = parse_bool(text);
        if (!b) return std::nullopt;
        return cell{*b};
    }
    case oid::int2: {
        auto i = parse_int<int16_t>(text);
        if (!i) return std::nullopt;
        return cell{*i};
    }
    case oid::int4:
    case oid::oid: {
        auto i = type_oid == oid::oid ? parse_int<uint32_t>(text) : parse_int<int32_t>(text);
        if (!i) return std::nullopt;
        return cell{*i};
    }
    case oid::int8: {
        auto i = parse_int<int64_t>(text);
        if (!i) return std::nullopt;
        return cell{*i};
    }
    case oid::float4: {
        auto f = parse_float<float>(text);
        if (!f) return std::nullopt;
        return cell{static_cast<double>(*f)};
    }
    case oid::float8: {
        auto f = parse_float<double>(text);
        if (!f) return std::nullopt;
        return cell{*f};
    }
    case oid::numeric: return parse_numeric_text(text);
    case oid::date: return parse_date_text(text);
    case oid::timestamp: return parse_timestamp_text(text, false);
    case oid::timestamptz: return parse_timestamp_text(text, true);
    case oid::interval: return parse_interval_text(text);
    default: return cell{std::string(text)};
    }
}

} // namespace spate::pgwire
