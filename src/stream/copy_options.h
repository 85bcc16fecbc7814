#pragma once

#include <optional>
#include <string>

namespace spate::stream {

/// COPY's WITH options, checked (engine_copy.cc). Plain value type.
struct copy_options {
    std::string format; ///< csv, json or text; from the file name when not given
    std::optional<bool> header;
    char delimiter = ',';
    std::string null_string;
    std::string key; ///< COPY FROM: the column whose text keys each record
    bool ignore_errors = false;
};

} // namespace spate::stream
