#include "base/ascii.h"
#include "format/cell_internal.h"

#include "columnar/text_format.h"

#include <charconv>
#include <climits>
#include <cstring>
#include <optional>

#include <fmt/format.h>

namespace spate::format::detail {

using columnar::data_type;
using columnar::type_id;

void push_row(std::span<const cell> cells, columnar::batch& out) {
    for (size_t c = 0; c < cells.size(); ++c) {
        columnar::column& col = *out.columns[c];
        const cell& v = cells[c];
        if (v.st != cell::state::value) {
            col.push_null();
            continue;
        }
        switch (col.physical()) {
        case columnar::physical_type::boolean: col.push_bool(v.i != 0); break;
        case columnar::physical_type::i64: col.push_i64(v.i); break;
        case columnar::physical_type::f64: col.push_f64(v.d); break;
        case columnar::physical_type::str: col.push_string(v.s); break;
        }
    }
    ++out.rows;
}

std::string_view clip(std::string_view s) {
    constexpr size_t limit = 60;
    if (s.size() <= limit) return s;
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    return s.substr(0, cut);
}

namespace {

std::string quoted(std::string_view s) {
    std::string_view c = clip(s);
    return fmt::format("\"{}{}\"", c, c.size() < s.size() ? "..." : "");
}

/// A whole-text base-10 int64 ("+5" and "-5" allowed); false when malformed or out of range,
/// with `overflow` telling which.
bool parse_i64(std::string_view s, int64_t& v, bool& overflow) {
    overflow = false;
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ptr != s.data() + s.size()) return false;
    if (r.ec == std::errc::result_out_of_range) {
        overflow = true;
        return false;
    }
    return r.ec == std::errc();
}

bool parse_bool(std::string_view s, bool& v) {
    for (std::string_view t : {"t", "true", "yes", "on", "1"})
        if (equals_folded(s, t)) return v = true, true;
    for (std::string_view f : {"f", "false", "no", "off", "0"})
        if (equals_folded(s, f)) return v = false, true;
    return false;
}

bool parse_f64(std::string_view s, double& v) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

/// [+-]digits[.digits] or [+-].digits: the syntax parse_decimal() reads.
bool is_plain_decimal(std::string_view s) {
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
    size_t digits = 0, points = 0;
    for (char c : s) {
        if (c == '.')
            ++points;
        else if (c >= '0' && c <= '9')
            ++digits;
        else
            return false;
    }
    return digits > 0 && points <= 1;
}

} // namespace

bool check_integer_range(const data_type& type, int64_t v, std::string_view text,
                         std::string_view name, std::string& why) {
    if (type.id == type_id::int32 && (v < INT32_MIN || v > INT32_MAX)) {
        why = fmt::format("field \"{}\": {} is out of range for integer", clip(name), clip(text));
        return false;
    }
    return true;
}

bool decimal_from_text(const data_type& type, std::string_view text, std::string_view name,
                       int64_t& out, std::string& why) {
    std::string_view s = trim_blanks(text);
    auto bad = [&] {
        why = fmt::format("field \"{}\": {} is not a number", clip(name), quoted(text));
        return false;
    };
    auto e = s.find_first_of("eE");
    std::optional<int64_t> v;
    if (e == std::string_view::npos) {
        v = columnar::parse_decimal(s, type.scale);
        if (!v) {
            // Tell "too many digits" from "not a number".
            if (!is_plain_decimal(s)) return bad();
        }
    } else {
        // Move the point by the exponent into a plain decimal text.
        std::string_view mant = s.substr(0, e);
        int64_t exp = 0;
        bool overflow = false;
        if (!parse_i64(s.substr(e + 1), exp, overflow) && !overflow) return bad();
        if (overflow || exp < -80 || exp > 80) {
            why = fmt::format("field \"{}\": {} is out of range for {}", clip(name), clip(text),
                              type.to_string());
            return false;
        }
        char sign = 0;
        if (!mant.empty() && (mant.front() == '-' || mant.front() == '+')) {
            sign = mant.front();
            mant.remove_prefix(1);
        }
        char digits[64];
        size_t n = 0, int_digits = 0;
        bool point = false;
        for (char c : mant) {
            if (c == '.' && !point) {
                point = true;
                continue;
            }
            if (c < '0' || c > '9' || n == sizeof digits) return bad();
            digits[n++] = c;
            if (!point) ++int_digits;
        }
        if (n == 0) return bad();
        int64_t pos = int64_t(int_digits) + exp;
        char buf[160];
        size_t m = 0;
        if (sign == '-') buf[m++] = '-';
        if (pos <= 0) {
            buf[m++] = '0';
            buf[m++] = '.';
            for (int64_t i = 0; i < -pos; ++i)
                buf[m++] = '0';
            std::memcpy(buf + m, digits, n);
            m += n;
        } else if (size_t(pos) >= n) {
            std::memcpy(buf + m, digits, n);
            m += n;
            for (size_t i = n; i < size_t(pos); ++i)
                buf[m++] = '0';
        } else {
            std::memcpy(buf + m, digits, size_t(pos));
            m += size_t(pos);
            buf[m++] = '.';
            std::memcpy(buf + m, digits + pos, n - size_t(pos));
            m += n - size_t(pos);
        }
        v = columnar::parse_decimal(std::string_view(buf, m), type.scale);
    }
    int64_t limit = type.precision > 0 && type.precision <= 18 ? columnar::pow10_i64(type.precision)
                                                               : columnar::pow10_i64(18);
    if (!v || *v >= limit || *v <= -limit) {
        why = fmt::format("field \"{}\": {} is out of range for {}", clip(name), clip(text),
                          type.to_string());
        return false;
    }
    out = *v;
    return true;
}

std::string_view expected_kind(const data_type& type) {
    switch (type.id) {
    case type_id::boolean: return "a boolean";
    case type_id::int32:
    case type_id::int64:
    case type_id::float64:
    case type_id::decimal: return "a number";
    case type_id::timestamp: return "a timestamp";
    case type_id::interval: return "an interval";
    case type_id::varchar: return "a string";
    default: return "a value";
    }
}

bool text_to_cell(const data_type& type, std::string_view text, std::string_view name,
                  bool interval_int_is_ms, cell& out, std::string& why) {
    out.st = cell::state::value;
    switch (type.id) {
    case type_id::varchar:
    case type_id::json: out.s = text; return true;
    case type_id::boolean: {
        bool b = false;
        if (!parse_bool(trim_blanks(text), b)) {
            why = fmt::format("field \"{}\": expected a boolean, got {}", clip(name), quoted(text));
            return false;
        }
        out.i = b;
        return true;
    }
    case type_id::int32:
    case type_id::int64: {
        std::string_view t = trim_blanks(text);
        bool overflow = false;
        if (!parse_i64(t, out.i, overflow)) {
            if (overflow)
                why = fmt::format("field \"{}\": {} is out of range for {}", clip(name), clip(t),
                                  type.to_string());
            else
                why = fmt::format("field \"{}\": expected an integer, got {}", clip(name),
                                  quoted(text));
            return false;
        }
        return check_integer_range(type, out.i, t, name, why);
    }
    case type_id::float64:
        if (!parse_f64(trim_blanks(text), out.d)) {
            why = fmt::format("field \"{}\": expected a number, got {}", clip(name), quoted(text));
            return false;
        }
        return true;
    case type_id::decimal: return decimal_from_text(type, text, name, out.i, why);
    case type_id::timestamp: {
        std::string_view t = trim_blanks(text);
        bool overflow = false;
        if (auto ts = columnar::parse_timestamp(t)) {
            out.i = *ts;
            return true;
        }
        if (parse_i64(t, out.i, overflow)) return true;
        why = fmt::format("field \"{}\": {} is not a timestamp", clip(name), quoted(text));
        return false;
    }
    case type_id::interval: {
        std::string_view t = trim_blanks(text);
        bool overflow = false;
        if (interval_int_is_ms && parse_i64(t, out.i, overflow)) return true;
        std::string reason;
        if (auto iv = columnar::parse_interval(t, &reason)) {
            out.i = *iv;
            return true;
        }
        why = fmt::format("field \"{}\": {} is not an interval ({})", clip(name), quoted(text),
                          reason);
        return false;
    }
    case type_id::null: out.st = cell::state::null; return true;
    }
    return true;
}

} // namespace spate::format::detail
