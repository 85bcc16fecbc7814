#pragma once

// Converting cells to and from the Postgres text and binary forms of their types, as the
// server's output and input (send/recv) functions do.

#include "pgwire/types.h"

#include <optional>
#include <string>
#include <string_view>

namespace spate::pgwire {

/// Appends `v`'s text form for a column of `type_oid` to `out`, exactly as Postgres prints it
/// (bool t/f; float8 shortest round-trip, Infinity, NaN; timestamp "2024-01-02 03:04:05.5";
/// interval "1 year 2 mons 3 days 04:05:06.5"; numeric with its scale). NULL appends nothing.
void append_text(const cell& v, uint32_t type_oid, std::string& out);
std::string to_text(const cell& v, uint32_t type_oid);

/// Appends `v`'s binary form for a column of `type_oid` (Postgres' send function); false when
/// the cell's kind has no binary form for that type (e.g. a string in an int8 column).
bool append_binary(const cell& v, uint32_t type_oid, std::string& out);

/// Parses the text form of a `type_oid` value (int2/4/8, float4/8, bool, text, varchar, name,
/// json, jsonb, unknown, numeric, date, timestamp, timestamptz, interval); nullopt when it is
/// not one. Unsupported types yield the text as a string.
std::optional<cell> parse_text(uint32_t type_oid, std::string_view text);
/// Parses the binary form of a `type_oid` value; nullopt when malformed or unsupported.
std::optional<cell> parse_binary(uint32_t type_oid, std::string_view bytes);

/// Parameter `index` (0-based) of Bind, in `format` (0 text, 1 binary); NULL when absent.
/// A bad value is 22P02 naming the parameter's number ($1 is the first).
pg_result<cell> decode_param(size_t index, uint32_t type_oid, int16_t format,
                             const std::optional<std::string_view>& value);

/// Formatting helpers, exposed for tests.
void append_float8(double v, std::string& out);
void append_float4(float v, std::string& out);
void append_timestamp(int64_t ms_since_unix_epoch, bool with_zone, std::string& out);
void append_date(int64_t ms_since_unix_epoch, std::string& out);
void append_interval(const interval_value& v, std::string& out);
void append_numeric(const numeric_value& v, std::string& out);

} // namespace spate::pgwire
