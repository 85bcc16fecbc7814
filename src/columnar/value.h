#pragma once

#include "columnar/column.h"
#include "columnar/data_type.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace spate::columnar {

/// One SQL value outside a column: a literal in a plan, a parameter, a cell of a pull query's
/// result. The payload is in the physical form of `type` (see data_type.h); monostate is NULL.
/// Plain value type.
struct value {
    data_type type;
    std::variant<std::monostate, bool, int64_t, double, std::string> v;

    static value null(data_type t = type_id::null) { return {t, std::monostate{}}; }
    static value boolean(bool b) { return {type_id::boolean, b}; }
    static value int64(int64_t i, data_type t = type_id::int64) { return {t, i}; }
    static value float64(double d) { return {type_id::float64, d}; }
    static value string(std::string s, data_type t = type_id::varchar) { return {t, std::move(s)}; }

    bool is_null() const { return std::holds_alternative<std::monostate>(v); }
    bool as_bool() const { return std::get<bool>(v); }
    int64_t as_i64() const { return std::get<int64_t>(v); }
    double as_f64() const { return std::get<double>(v); }
    const std::string& as_string() const { return std::get<std::string>(v); }

    /// Postgres' text form of the value ("t", "12.50", "2024-01-01 00:00:00.5", ...); "NULL"
    /// for NULL.
    std::string to_string() const;
    bool operator==(const value&) const = default;
};

/// The value at `row` of `c`.
value value_at(const column& c, size_t row);
/// Appends `v` (of c's physical type, or NULL) to `c`.
void append_value(column& c, const value& v);

} // namespace spate::columnar
