#pragma once

// Reading the records of a POST /api/topics/{topic}/records body; internal to the app module.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spate::app {

/// One record of a produce request, as it will be stored: a string key or value is its bytes,
/// any other JSON value its JSON text as posted, null (or absent, for the key) nothing.
struct posted_record {
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::optional<int64_t> timestamp; ///< ms since 1970; none: the time of arrival
    std::optional<int64_t> partition; ///< none: by key, or round robin
    std::vector<std::pair<std::string, std::string>> headers;
};

/// Where a bad record is, what is wrong with it, and the error code the API answers with
/// (INVALID_RECORD, INVALID_TIMESTAMP or UNKNOWN_TOPIC_OR_PARTITION).
struct record_error {
    std::string code;
    std::string message;
};

/// Called for every record in order; an error stops the reading (and is returned, prefixed
/// with where the record is).
using record_sink = std::function<std::optional<record_error>(posted_record&)>;

/// Reads `body`: one JSON object per line when `ndjson` (blank lines skipped; errors name the
/// line), else a JSON array of objects (errors name the element) or one object. Parses with
/// simdjson; a record with no "value" member, a "timestamp" that is not a non-negative integer,
/// a "partition" that is not an integer, "headers" that are not an object, or text that is
/// not JSON is an error.
std::optional<record_error> read_posted_records(std::string_view body, bool ndjson,
                                                const record_sink& sink);

} // namespace spate::app
