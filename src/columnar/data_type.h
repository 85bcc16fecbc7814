#pragma once

#include <cstdint>
#include <string>

namespace spate::columnar {

/// The SQL types spate computes with.
///
/// Every type is stored in one of four physical forms (see physical_type), so kernels are
/// written once per physical form: int, bigint, decimal, timestamp and interval are all 64-bit
/// integers; int keeps its 32-bit range by checks where values are made.
enum class type_id : uint8_t {
    null, ///< the type of a bare NULL literal before it meets a context
    boolean,
    int32,     ///< int / integer
    int64,     ///< bigint
    float64,   ///< double precision
    decimal,   ///< decimal(p, s), p <= 18: the unscaled value in an int64
    varchar,   ///< text / varchar
    timestamp, ///< timestamp without time zone: milliseconds since 1970-01-01 00:00:00 UTC
    interval,  ///< a fixed duration in milliseconds (no months: they have no fixed length)
    json,      ///< a JSON document kept as its text
};

/// How values of a type sit in memory.
enum class physical_type : uint8_t {
    boolean, ///< one byte, 0 or 1
    i64,     ///< int64_t
    f64,     ///< double
    str,     ///< string_ref into a string heap
};

/// A SQL type: the type id and, for decimals, precision and scale. Plain value type.
struct data_type {
    type_id id = type_id::null;
    uint8_t precision = 0; ///< decimal only: total digits, 1..18
    uint8_t scale = 0;     ///< decimal only: digits after the point, 0..precision

    constexpr data_type() = default;
    constexpr data_type(type_id i) : id(i) {}
    static constexpr data_type decimal(uint8_t precision, uint8_t scale) {
        data_type t(type_id::decimal);
        t.precision = precision;
        t.scale = scale;
        return t;
    }

    constexpr physical_type physical() const {
        switch (id) {
        case type_id::null:
        case type_id::boolean: return physical_type::boolean;
        case type_id::float64: return physical_type::f64;
        case type_id::varchar:
        case type_id::json: return physical_type::str;
        default: return physical_type::i64;
        }
    }
    constexpr bool is_numeric() const {
        return id == type_id::int32 || id == type_id::int64 || id == type_id::float64 ||
               id == type_id::decimal;
    }
    constexpr bool is_integer() const { return id == type_id::int32 || id == type_id::int64; }
    constexpr bool is_string() const { return id == type_id::varchar || id == type_id::json; }

    constexpr bool operator==(const data_type&) const = default;

    /// The SQL spelling: "bigint", "decimal(10,2)", "timestamp(3)", ...
    std::string to_string() const;
};

/// Bytes one value of a physical type takes in a column.
constexpr size_t physical_width(physical_type p) {
    switch (p) {
    case physical_type::boolean: return 1;
    case physical_type::i64: return 8;
    case physical_type::f64: return 8;
    case physical_type::str: return 16;
    }
    return 8;
}

/// 10^n for n in 0..18.
constexpr int64_t pow10_i64(int n) {
    int64_t r = 1;
    for (int i = 0; i < n; ++i)
        r *= 10;
    return r;
}

} // namespace spate::columnar
