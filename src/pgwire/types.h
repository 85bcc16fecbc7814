#pragma once

// The values and descriptions that cross between the Postgres protocol layer and the SQL
// engine: type OIDs, cells, column descriptions and errors.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace spate::pgwire {

/// The Postgres type OIDs spate uses (pg_type.oid), as clients expect them.
namespace oid {
inline constexpr uint32_t bool_ = 16;
inline constexpr uint32_t char_ = 18;
inline constexpr uint32_t name = 19;
inline constexpr uint32_t int8 = 20;
inline constexpr uint32_t int2 = 21;
inline constexpr uint32_t int4 = 23;
inline constexpr uint32_t text = 25;
inline constexpr uint32_t oid = 26;
inline constexpr uint32_t json = 114;
inline constexpr uint32_t float4 = 700;
inline constexpr uint32_t float8 = 701;
inline constexpr uint32_t unknown = 705;
inline constexpr uint32_t varchar = 1043;
inline constexpr uint32_t date = 1082;
inline constexpr uint32_t timestamp = 1114;
inline constexpr uint32_t timestamptz = 1184;
inline constexpr uint32_t interval = 1186;
inline constexpr uint32_t numeric = 1700;
inline constexpr uint32_t jsonb = 3802;
} // namespace oid

/// pg_type.typlen of a type OID: its fixed size in bytes, or -1 for variable-length types.
int16_t type_len(uint32_t type_oid);
/// The SQL name of a type OID as format_type() prints it ("bigint", "double precision").
std::string_view type_name(uint32_t type_oid);

/// A timestamp without time zone, read as UTC, in milliseconds since 1970-01-01.
struct timestamp_ms {
    int64_t ms_since_unix_epoch = 0;
    bool operator==(const timestamp_ms&) const = default;
};

/// Postgres' interval: months, days and microseconds kept apart (a month is not 30 days).
struct interval_value {
    int32_t months = 0;
    int32_t days = 0;
    int64_t micros = 0;
    bool operator==(const interval_value&) const = default;
};

/// An exact decimal: unscaled * 10^-scale (12.34 = {1234, 2}). scale >= 0.
struct numeric_value {
    __int128 unscaled = 0;
    int32_t scale = 0;
    bool operator==(const numeric_value&) const = default;
};

/// One value of a row or parameter; monostate is SQL NULL. Which Postgres type it is sent as
/// is the column's type OID (an int64_t may be an int2, int4 or int8 column).
using cell = std::variant<std::monostate, bool, int64_t, double, std::string, timestamp_ms,
                          interval_value, numeric_value>;

/// One result column as RowDescription announces it.
struct column_desc {
    std::string name;
    uint32_t type_oid = oid::text;
    int16_t type_len = -1;
    int32_t type_mod = -1;
};

/// An error (or, with severity NOTICE/WARNING, a notice) as ErrorResponse carries it.
struct pg_error {
    std::string sqlstate = "XX000";
    std::string message;
    std::string detail;
    std::string hint;
    int32_t position = 0; ///< 1-based character offset in the statement, 0 = none
    std::string severity = "ERROR";
};

/// What Parse/Describe learn of a statement without running it.
struct statement_info {
    std::vector<uint32_t> param_oids;
    std::vector<column_desc> columns;
    bool returns_rows = false;
};

/// The outcome of one statement.
struct query_result {
    std::vector<column_desc> columns;
    std::vector<std::vector<cell>> rows;
    std::string command_tag;          ///< "SELECT 3", "CREATE SOURCE", ...
    std::vector<std::string> notices; ///< each sent as a NoticeResponse before the rows
    /// True when the statement returns rows (RowDescription is sent even for zero rows).
    bool returns_rows() const { return !columns.empty(); }
};

/// Either a T or the error that ends the statement.
template <class T>
using pg_result = std::variant<T, pg_error>;

template <class T>
bool is_error(const pg_result<T>& r) {
    return r.index() == 1;
}

} // namespace spate::pgwire
