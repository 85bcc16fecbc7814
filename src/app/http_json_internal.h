#pragma once

// JSON helpers of the HTTP routes; internal to the app module.

#include "http/message.h"
#include "stream/engine.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace spate::app {

/// A statement's result as the API returns it: {"columns":[{"name","type"}..], "rows":[[..]..],
/// "tag":"SELECT 2", "notices":[..]} (columns and rows only when it returns rows, as empty
/// arrays otherwise).
nlohmann::ordered_json statement_json(const stream::statement_result& r);
/// Only the columns and rows (the snapshot event of a view's changes).
nlohmann::ordered_json rows_json(const stream::statement_result& r);
nlohmann::ordered_json rows_json(const std::vector<plan::column_info>& columns,
                                 const columnar::batch& rows);
/// Row `row` of `rows` as a JSON array of its first `width` columns.
nlohmann::ordered_json row_json(const columnar::batch& rows, size_t row, size_t width);
/// The type name a column shows in the API ("text", "bigint", "double precision", ...).
std::string api_type_name(const columnar::data_type& t);

/// `j` encoded; invalid UTF-8 in strings becomes U+FFFD rather than an exception.
std::string dump(const nlohmann::ordered_json& j);
/// A 200 with `j` as the body.
http::response json_ok(const nlohmann::ordered_json& j);

/// Whether `s` is valid UTF-8.
bool valid_utf8(std::string_view s);
/// `s` in standard base64 with padding.
std::string base64(std::string_view s);

/// `name` as a quoted SQL identifier ("a""b").
std::string quote_ident(std::string_view name);

} // namespace spate::app
