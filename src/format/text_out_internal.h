#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Internal to the format module: the text forms the encoders write.

namespace spate::format::detail {

/// `s` as a JSON string with its quotes: '"', '\\' and control characters escaped, bytes that
/// are not valid UTF-8 replaced by U+FFFD, so the output is always valid JSON.
void append_json_string(std::string_view s, std::string& out);

/// "yyyy-MM-dd HH:mm:ss.SSS", always three fraction digits (Flink's form), for years 1..9999;
/// other years in Postgres' form (columnar::append_timestamp_text).
void append_timestamp_millis(int64_t ms, std::string& out);

void append_i64(int64_t v, std::string& out);

/// The shortest text that reads back as `v` ("0.1", "1e+300"); finite values only.
void append_shortest_double(double v, std::string& out);

} // namespace spate::format::detail
