#pragma once

#include "columnar/data_type.h"

#include <cstdint>
#include <string_view>

// Internal to the files module: the type a column gets from the values of a sample.

namespace spate::files::detail {

/// What the sampled text values of one CSV column could all be. Plain value type.
struct text_column_stats {
    bool can_bool = true, can_int = true, can_double = true, can_timestamp = true;
    uint64_t values = 0; ///< non-NULL values seen

    void observe(std::string_view text);
    /// boolean, bigint, double, timestamp, else varchar (also when no value was seen).
    columnar::data_type type() const;
    /// Whether every value seen was text (none fits another type); false when none was seen.
    bool all_text() const { return values > 0 && type().id == columnar::type_id::varchar; }
};

/// What the sampled JSON values of one key were. Plain value type.
struct json_column_stats {
    bool seen_bool = false, seen_int = false, seen_double = false, seen_string = false;
    bool seen_nested = false;
    bool strings_are_timestamps = true;
    uint64_t values = 0;

    /// json for objects/arrays, timestamp when every value is a string that reads as one,
    /// varchar for strings or mixed kinds, double, bigint, boolean; varchar when all NULL.
    columnar::data_type type() const;
};

} // namespace spate::files::detail
