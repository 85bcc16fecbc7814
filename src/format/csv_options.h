#pragma once

#include <string>

namespace spate::format {

/// How CSV records are written: the delimiter, the quote and the text of NULL. Plain value type.
struct csv_options {
    char delimiter = ',';
    char quote = '"';
    /// An unquoted field with exactly this text is NULL (a quoted one never is).
    std::string null_string;
};

} // namespace spate::format
