// The binary forms of values (Postgres' send/recv functions), parameter decoding, and the
// fixed type lengths.

#include "base/endian.h"
#include "pgwire/calendar.h"
#include "pgwire/value_codec.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <vector>

namespace spate::pgwire {

namespace {

template <typename T>
void put(std::string& out, T v) {
    std::byte b[sizeof(T)];
    store_be(b, v);
    out.append(reinterpret_cast<const char*>(b), sizeof(T));
}

template <typename T>
T get(std::string_view s, size_t at) {
    return load_be<T>(reinterpret_cast<const std::byte*>(s.data() + at));
}

constexpr uint16_t numeric_pos = 0x0000;
constexpr uint16_t numeric_neg = 0x4000;

void append_numeric_binary(const numeric_value& v, std::string& out) {
    std::string digits = to_text(
        cell{numeric_value{v.unscaled < 0 ? -v.unscaled : v.unscaled, std::max(v.scale, 0)}},
        oid::numeric);
    auto dot = digits.find('.');
    std::string int_part = digits.substr(0, dot);
    std::string frac_part = dot == std::string::npos ? "" : digits.substr(dot + 1);
    if (int_part == "0") int_part.clear();
    // Base-10000 digits aligned on the decimal point.
    int_part.insert(0, (4 - int_part.size() % 4) % 4, '0');
    frac_part.append((4 - frac_part.size() % 4) % 4, '0');
    std::vector<int16_t> groups;
    auto group_of = [](const std::string& s, size_t at) {
        return static_cast<int16_t>(std::stoi(s.substr(at, 4)));
    };
    for (size_t i = 0; i < int_part.size(); i += 4)
        groups.push_back(group_of(int_part, i));
    for (size_t i = 0; i < frac_part.size(); i += 4)
        groups.push_back(group_of(frac_part, i));
    int weight = static_cast<int>(int_part.size() / 4) - 1;
    size_t first = 0;
    while (first < groups.size() && groups[first] == 0)
        ++first, --weight;
    size_t last = groups.size();
    while (last > first && groups[last - 1] == 0)
        --last;
    if (first == last) weight = 0;
    put<int16_t>(out, static_cast<int16_t>(last - first));
    put<int16_t>(out, static_cast<int16_t>(weight));
    put<uint16_t>(out, v.unscaled < 0 && first != last ? numeric_neg : numeric_pos);
    put<int16_t>(out, static_cast<int16_t>(std::max(v.scale, 0)));
    for (size_t i = first; i < last; ++i)
        put<int16_t>(out, groups[i]);
}

std::optional<cell> parse_numeric_binary(std::string_view s) {
    if (s.size() < 8) return std::nullopt;
    auto ndigits = get<int16_t>(s, 0);
    auto weight = get<int16_t>(s, 2);
    auto sign = get<uint16_t>(s, 4);
    auto dscale = get<int16_t>(s, 6);
    if (ndigits < 0 || dscale < 0 || s.size() != 8 + 2 * static_cast<size_t>(ndigits))
        return std::nullopt;
    if (sign != numeric_pos && sign != numeric_neg) return std::nullopt; // NaN, infinities
    __int128 unscaled = 0;
    constexpr __int128 limit = static_cast<__int128>(1) << 120;
    // Digit i is worth 10000^(weight - i); unscaled counts units of 10^-dscale.
    for (int i = 0; i < ndigits; ++i) {
        auto d = get<int16_t>(s, 8 + 2 * static_cast<size_t>(i));
        if (d < 0 || d > 9999) return std::nullopt;
        int64_t exp10 = 4 * (static_cast<int64_t>(weight) - i) + dscale;
        if (exp10 < 0) {
            __int128 div = 1;
            for (int64_t k = 0; k < -exp10 && div < limit; ++k)
                div *= 10;
            unscaled += d / div;
            continue;
        }
        __int128 term = d;
        for (int64_t k = 0; k < exp10; ++k) {
            if (term >= limit / 10) return std::nullopt;
            term *= 10;
        }
        unscaled += term;
        if (unscaled >= limit) return std::nullopt;
    }
    return cell{numeric_value{sign == numeric_neg ? -unscaled : unscaled, dscale}};
}

} // namespace

int16_t type_len(uint32_t type_oid) {
    switch (type_oid) {
    case oid::bool_:
    case oid::char_: return 1;
    case oid::int2: return 2;
    case oid::int4:
    case oid::oid:
    case oid::float4:
    case oid::date: return 4;
    case oid::int8:
    case oid::float8:
    case oid::timestamp:
    case oid::timestamptz: return 8;
    case oid::interval: return 16;
    case oid::name: return 64;
    default: return -1;
    }
}

std::string_view type_name(uint32_t type_oid) {
    switch (type_oid) {
    case oid::bool_: return "boolean";
    case oid::char_: return "\"char\"";
    case oid::name: return "name";
    case oid::int8: return "bigint";
    case oid::int2: return "smallint";
    case oid::int4: return "integer";
    case oid::text: return "text";
    case oid::oid: return "oid";
    case oid::json: return "json";
    case oid::float4: return "real";
    case oid::float8: return "double precision";
    case oid::unknown: return "unknown";
    case oid::varchar: return "character varying";
    case oid::date: return "date";
    case oid::timestamp: return "timestamp without time zone";
    case oid::timestamptz: return "timestamp with time zone";
    case oid::interval: return "interval";
    case oid::numeric: return "numeric";
    case oid::jsonb: return "jsonb";
    default: return "unknown";
    }
}

bool append_binary(const cell& v, uint32_t type_oid, std::string& out) {
    switch (v.index()) {
    case 0: return true;
    case 1:
        if (type_oid != oid::bool_) return false;
        out += std::get<bool>(v) ? '\1' : '\0';
        return true;
    case 2: {
        auto i = std::get<int64_t>(v);
        switch (type_oid) {
        case oid::int2: put<int16_t>(out, static_cast<int16_t>(i)); return true;
        case oid::int4: put<int32_t>(out, static_cast<int32_t>(i)); return true;
        case oid::oid: put<uint32_t>(out, static_cast<uint32_t>(i)); return true;
        case oid::int8: put<int64_t>(out, i); return true;
        default: return false;
        }
    }
    case 3: {
        auto d = std::get<double>(v);
        if (type_oid == oid::float8) {
            put<uint64_t>(out, std::bit_cast<uint64_t>(d));
            return true;
        }
        if (type_oid == oid::float4) {
            put<uint32_t>(out, std::bit_cast<uint32_t>(static_cast<float>(d)));
            return true;
        }
        return false;
    }
    case 4: {
        const auto& s = std::get<std::string>(v);
        switch (type_oid) {
        case oid::jsonb: out += '\1'; [[fallthrough]];
        case oid::text:
        case oid::varchar:
        case oid::name:
        case oid::char_:
        case oid::json:
        case oid::unknown: out += s; return true;
        default: return false;
        }
    }
    case 5: {
        auto ms = std::get<timestamp_ms>(v).ms_since_unix_epoch;
        if (type_oid == oid::timestamp || type_oid == oid::timestamptz) {
            put<int64_t>(out, (ms - pg_epoch_ms) * 1000);
            return true;
        }
        if (type_oid == oid::date) {
            put<int32_t>(out, static_cast<int32_t>(floor_div(ms, 86400000) - pg_epoch_days));
            return true;
        }
        return false;
    }
    case 6: {
        if (type_oid != oid::interval) return false;
        const auto& i = std::get<interval_value>(v);
        put<int64_t>(out, i.micros);
        put<int32_t>(out, i.days);
        put<int32_t>(out, i.months);
        return true;
    }
    case 7:
        if (type_oid != oid::numeric) return false;
        append_numeric_binary(std::get<numeric_value>(v), out);
        return true;
    }
    return false;
}

std::optional<cell> parse_binary(uint32_t type_oid, std::string_view s) {
    switch (type_oid) {
    case oid::bool_:
        if (s.size() != 1) return std::nullopt;
        return cell{s[0] != 0};
    case oid::int2:
        if (s.size() != 2) return std::nullopt;
        return cell{static_cast<int64_t>(get<int16_t>(s, 0))};
    case oid::int4:
        if (s.size() != 4) return std::nullopt;
        return cell{static_cast<int64_t>(get<int32_t>(s, 0))};
    case oid::oid:
        if (s.size() != 4) return std::nullopt;
        return cell{static_cast<int64_t>(get<uint32_t>(s, 0))};
    case oid::int8:
        if (s.size() != 8) return std::nullopt;
        return cell{get<int64_t>(s, 0)};
    case oid::float4:
        if (s.size() != 4) return std::nullopt;
        return cell{static_cast<double>(std::bit_cast<float>(get<uint32_t>(s, 0)))};
    case oid::float8:
        if (s.size() != 8) return std::nullopt;
        return cell{std::bit_cast<double>(get<uint64_t>(s, 0))};
    case oid::timestamp:
    case oid::timestamptz:
        if (s.size() != 8) return std::nullopt;
        return cell{timestamp_ms{floor_div(get<int64_t>(s, 0), 1000) + pg_epoch_ms}};
    case oid::date:
        if (s.size() != 4) return std::nullopt;
        return cell{timestamp_ms{(get<int32_t>(s, 0) + pg_epoch_days) * 86400000}};
    case oid::interval:
        if (s.size() != 16) return std::nullopt;
        return cell{interval_value{get<int32_t>(s, 12), get<int32_t>(s, 8), get<int64_t>(s, 0)}};
    case oid::numeric: return parse_numeric_binary(s);
    case oid::jsonb:
        if (s.empty() || s[0] != 1) return std::nullopt;
        return cell{std::string(s.substr(1))};
    case oid::text:
    case oid::varchar:
    case oid::name:
    case oid::char_:
    case oid::json:
    case oid::unknown:
    case 0: return cell{std::string(s)};
    default: return std::nullopt;
    }
}

pg_result<cell> decode_param(size_t index, uint32_t type_oid, int16_t format,
                             const std::optional<std::string_view>& value) {
    if (!value) return cell{};
    if (format != 0 && format != 1)
        return pg_error{"08P01", fmt::format("unsupported format code {} for parameter ${}", format,
                                             index + 1)};
    auto c = format == 0 ? parse_text(type_oid, *value) : parse_binary(type_oid, *value);
    if (c) return std::move(*c);
    pg_error e;
    e.sqlstate = "22P02";
    if (format == 0)
        e.message = fmt::format("invalid input syntax for type {} in parameter ${}: \"{}\"",
                                type_name(type_oid), index + 1, value->substr(0, 100));
    else
        e.message = fmt::format("incorrect binary data format in parameter ${} (type {}, {} bytes)",
                                index + 1, type_name(type_oid), value->size());
    return e;
}

} // namespace spate::pgwire
