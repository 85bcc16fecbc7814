// CAST kernels: every type to and from varchar in Postgres' text forms, numeric conversions
// with range checks and Postgres' rounding, boolean <-> integer, json <-> varchar.

#include "columnar/text_format.h"
#include "expr/functions_internal.h"
#include "expr/json_internal.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

namespace spate::expr {

using columnar::data_type;
using columnar::pow10_i64;

std::string type_name(data_type t) {
    switch (t.id) {
    case type_id::null: return "unknown";
    case type_id::decimal: return "numeric";
    case type_id::timestamp: return "timestamp";
    default: return t.to_string();
    }
}

namespace {

std::string_view trim_space(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

void bad_text(const kernel_call& c, size_t i, std::string_view type, std::string_view text,
              std::string_view state = sqlstate::invalid_text) {
    c.fail(i, state, fmt::format("invalid input syntax for type {}: \"{}\"", type, text));
}

const char* int_type_name(type_id t) {
    return t == type_id::int32 ? "integer" : "bigint";
}

bool in_range(type_id t, int64_t v) {
    return t != type_id::int32 || (v >= INT32_MIN && v <= INT32_MAX);
}

// Rounds an unscaled decimal from `from` to `to` digits after the point, half away from zero.
bool rescale(int64_t v, int from, int to, int64_t& out) {
    if (to >= from) return !__builtin_mul_overflow(v, pow10_i64(to - from), &out);
    int64_t d = pow10_i64(from - to);
    int64_t q = v / d, r = v % d;
    if (r * 2 >= d)
        ++q;
    else if (r * 2 <= -d)
        --q;
    out = q;
    return true;
}

// --- to varchar --------------------------------------------------------------------------

void to_varchar(const kernel_call& c) {
    data_type from = c.arg_types[0];
    std::string buf;
    for (size_t i = 0; i < c.rows; ++i) {
        if (!c.row_valid(i)) continue;
        buf.clear();
        switch (from.id) {
        case type_id::boolean: buf = c.bools(0)[i] ? "true" : "false"; break;
        case type_id::int32:
        case type_id::int64: fmt::format_to(std::back_inserter(buf), "{}", c.i64(0)[i]); break;
        case type_id::decimal: columnar::append_decimal_text(c.i64(0)[i], from.scale, buf); break;
        case type_id::float64: columnar::append_double_text(c.f64(0)[i], buf); break;
        case type_id::timestamp: columnar::append_timestamp_text(c.i64(0)[i], buf); break;
        case type_id::interval: columnar::append_interval_text(c.i64(0)[i], buf); break;
        default: break;
        }
        put_string(c, i, buf);
    }
}

void string_identity(const kernel_call& c) {
    c.out->borrow_strings(*c.args[0]);
    if (c.rows) std::memcpy(c.out->strs(), c.strs(0), c.rows * sizeof(columnar::string_ref));
}

void varchar_to_json(const kernel_call& c) {
    c.out->borrow_strings(*c.args[0]);
    json_reader reader;
    for (size_t i = 0; i < c.rows; ++i) {
        if (!c.row_valid(i)) continue;
        std::string_view s = c.strs(0)[i].view();
        if (reader.parse(s).error()) {
            bad_text(c, i, "json", s);
            continue;
        }
        c.out->strs()[i] = c.strs(0)[i];
    }
}

// --- to integers -------------------------------------------------------------------------

void to_integer(const kernel_call& c) {
    type_id to = c.out->type().id;
    data_type from = c.arg_types[0];
    int64_t* out = c.out->i64();
    const char* range_msg = to == type_id::int32 ? "integer out of range" : "bigint out of range";
    switch (from.id) {
    case type_id::boolean:
        map1(c.bools(0), out, c.rows, [](uint8_t b) { return int64_t(b); });
        break;
    case type_id::int32:
    case type_id::int64:
        for (size_t i = 0; i < c.rows; ++i) {
            out[i] = c.i64(0)[i];
            if (!in_range(to, out[i]) && c.row_valid(i))
                c.fail(i, sqlstate::numeric_out_of_range, range_msg);
        }
        break;
    case type_id::float64:
        for (size_t i = 0; i < c.rows; ++i) {
            double d = std::nearbyint(c.f64(0)[i]); // half to even, as Postgres
            bool ok = std::isfinite(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
            out[i] = ok ? static_cast<int64_t>(d) : 0;
            if ((!ok || !in_range(to, out[i])) && c.row_valid(i))
                c.fail(i, sqlstate::numeric_out_of_range, range_msg);
        }
        break;
    case type_id::decimal:
        for (size_t i = 0; i < c.rows; ++i) {
            int64_t v = 0;
            rescale(c.i64(0)[i], from.scale, 0, v); // half away from zero, as Postgres
            out[i] = v;
            if (!in_range(to, v) && c.row_valid(i))
                c.fail(i, sqlstate::numeric_out_of_range, range_msg);
        }
        break;
    case type_id::varchar:
        for (size_t i = 0; i < c.rows; ++i) {
            out[i] = 0;
            if (!c.row_valid(i)) continue;
            std::string_view raw = c.strs(0)[i].view();
            std::string_view s = trim_space(raw);
            if (!s.empty() && s.front() == '+') s.remove_prefix(1);
            int64_t v = 0;
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (s.empty() || p != s.data() + s.size() ||
                (ec != std::errc() && ec != std::errc::result_out_of_range)) {
                bad_text(c, i, int_type_name(to), raw);
            } else if (ec == std::errc::result_out_of_range || !in_range(to, v)) {
                c.fail(i, sqlstate::numeric_out_of_range,
                       fmt::format("value \"{}\" is out of range for type {}", raw,
                                   int_type_name(to)));
            } else {
                out[i] = v;
            }
        }
        break;
    default: break;
    }
}

// --- to double -----------------------------------------------------------------------------

bool parse_double(std::string_view s, double& out) {
    s = trim_space(s);
    std::string_view digits = !s.empty() && s.front() == '+' ? s.substr(1) : s;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    if (!digits.empty() && ec == std::errc() && p == digits.data() + digits.size()) return true;
    // Only the spelled-out special values are left.
    auto is = [&](std::string_view word) {
        return s.size() == word.size() &&
               std::equal(s.begin(), s.end(), word.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == b;
               });
    };
    if (is("nan")) return out = NAN, true;
    if (is("infinity") || is("+infinity") || is("inf")) return out = INFINITY, true;
    if (is("-infinity") || is("-inf")) return out = -INFINITY, true;
    return false;
}

void to_double(const kernel_call& c) {
    data_type from = c.arg_types[0];
    double* out = c.out->f64();
    switch (from.id) {
    case type_id::int32:
    case type_id::int64: map1(c.i64(0), out, c.rows, [](int64_t v) { return double(v); }); break;
    case type_id::decimal: {
        double scale = double(pow10_i64(from.scale));
        map1(c.i64(0), out, c.rows, [scale](int64_t v) { return double(v) / scale; });
        break;
    }
    case type_id::varchar:
        for (size_t i = 0; i < c.rows; ++i) {
            out[i] = 0;
            if (!c.row_valid(i)) continue;
            double d;
            if (parse_double(c.strs(0)[i].view(), d))
                out[i] = d;
            else
                bad_text(c, i, "double precision", c.strs(0)[i].view());
        }
        break;
    default: break;
    }
}

// --- to decimal ----------------------------------------------------------------------------

void to_decimal(const kernel_call& c) {
    data_type from = c.arg_types[0];
    data_type to = c.out->type();
    int64_t* out = c.out->i64();
    // Values first (ok[i] = 0 when the value does not fit), then the errors.
    std::vector<uint8_t> ok(c.rows, 1);
    int64_t lim = to.precision >= 18 ? pow10_i64(18) : pow10_i64(to.precision);
    switch (from.id) {
    case type_id::int32:
    case type_id::int64:
    case type_id::decimal: {
        int fs = from.id == type_id::decimal ? from.scale : 0;
        const int64_t* a = c.i64(0);
        if (fs == to.scale) {
            for (size_t i = 0; i < c.rows; ++i) {
                out[i] = a[i];
                ok[i] = a[i] > -lim && a[i] < lim;
            }
        } else {
            for (size_t i = 0; i < c.rows; ++i) {
                int64_t v = 0;
                ok[i] = rescale(a[i], fs, to.scale, v) && v > -lim && v < lim;
                out[i] = v;
            }
        }
        break;
    }
    case type_id::float64: {
        double f = double(pow10_i64(to.scale));
        for (size_t i = 0; i < c.rows; ++i) {
            double d = std::round(c.f64(0)[i] * f);
            ok[i] = std::isfinite(d) && std::fabs(d) < double(lim);
            out[i] = ok[i] ? static_cast<int64_t>(d) : 0;
        }
        break;
    }
    case type_id::varchar:
        for (size_t i = 0; i < c.rows; ++i) {
            out[i] = 0;
            if (!c.row_valid(i)) continue;
            std::string_view raw = c.strs(0)[i].view();
            auto p = columnar::parse_decimal(trim_space(raw), to.scale);
            if (!p) {
                bad_text(c, i, "numeric", raw);
                continue;
            }
            out[i] = *p;
            ok[i] = *p > -lim && *p < lim;
        }
        break;
    default: break;
    }
    for (size_t i = 0; i < c.rows; ++i)
        if (!ok[i] && c.row_valid(i)) {
            out[i] = 0;
            c.fail(i, sqlstate::numeric_out_of_range, "numeric field overflow");
        }
}

// --- to boolean, timestamp, interval -------------------------------------------------------

void to_boolean(const kernel_call& c) {
    uint8_t* out = c.out->bools();
    if (c.arg_types[0].id == type_id::int32) {
        map1(c.i64(0), out, c.rows, [](int64_t v) { return uint8_t(v != 0); });
        return;
    }
    for (size_t i = 0; i < c.rows; ++i) {
        out[i] = 0;
        if (!c.row_valid(i)) continue;
        std::string_view raw = c.strs(0)[i].view();
        std::string s;
        for (char ch : trim_space(raw))
            s += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (s == "t" || s == "true" || s == "y" || s == "yes" || s == "on" || s == "1")
            out[i] = 1;
        else if (s == "f" || s == "false" || s == "n" || s == "no" || s == "off" || s == "0")
            out[i] = 0;
        else
            bad_text(c, i, "boolean", raw);
    }
}

void to_timestamp(const kernel_call& c) {
    int64_t* out = c.out->i64();
    for (size_t i = 0; i < c.rows; ++i) {
        out[i] = 0;
        if (!c.row_valid(i)) continue;
        std::string_view raw = c.strs(0)[i].view();
        auto v = columnar::parse_timestamp(trim_space(raw));
        if (v)
            out[i] = *v;
        else
            bad_text(c, i, "timestamp", raw, sqlstate::invalid_datetime);
    }
}

void to_interval(const kernel_call& c) {
    int64_t* out = c.out->i64();
    for (size_t i = 0; i < c.rows; ++i) {
        out[i] = 0;
        if (!c.row_valid(i)) continue;
        std::string_view raw = c.strs(0)[i].view();
        auto v = columnar::parse_interval(trim_space(raw));
        if (v)
            out[i] = *v;
        else
            bad_text(c, i, "interval", raw, sqlstate::invalid_datetime);
    }
}

} // namespace

kernel_fn cast_kernel(data_type from, data_type to) {
    type_id f = from.id, t = to.id;
    if (f == type_id::null) {
        // A NULL of no type: every row is NULL already; any kernel that ignores input works.
        return [](const kernel_call&) {};
    }
    switch (t) {
    case type_id::varchar:
        if (f == type_id::varchar || f == type_id::json) return string_identity;
        return to_varchar;
    case type_id::json:
        if (f == type_id::json) return string_identity;
        if (f == type_id::varchar) return varchar_to_json;
        return nullptr;
    case type_id::int32:
    case type_id::int64:
        if (from.is_numeric() || f == type_id::varchar) return to_integer;
        if (f == type_id::boolean && t == type_id::int32) return to_integer;
        return nullptr;
    case type_id::float64:
        if (from.is_numeric() || f == type_id::varchar) return to_double;
        return nullptr;
    case type_id::decimal:
        if (from.is_numeric() || f == type_id::varchar) return to_decimal;
        return nullptr;
    case type_id::boolean:
        if (f == type_id::boolean)
            return [](const kernel_call& c) {
                if (c.rows) std::memcpy(c.out->bools(), c.bools(0), c.rows);
            };
        if (f == type_id::varchar || f == type_id::int32) return to_boolean;
        return nullptr;
    case type_id::timestamp:
        if (f == type_id::timestamp) return to_integer;
        if (f == type_id::varchar) return to_timestamp;
        return nullptr;
    case type_id::interval:
        if (f == type_id::interval) return to_integer;
        if (f == type_id::varchar) return to_interval;
        return nullptr;
    case type_id::null: return nullptr;
    }
    return nullptr;
}

} // namespace spate::expr
