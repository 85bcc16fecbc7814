#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Internal to the files module: finding records in a buffer of bytes (line breaks, CSV quotes)
// and splitting one CSV record into its fields the slow, simple way (for headers and sampling).

namespace spate::files::detail {

/// The number of '\n' bytes in `s` (SSE2, 16 bytes at a time).
uint64_t count_newlines(std::string_view s);

/// Whether `s` holds "\n\n" or "\n\r\n" (a blank line after its first line).
bool has_blank_line(std::string_view s);

/// The end (one past the '\n') of the last whole CSV record of `s`, which starts at a record
/// boundary: the last '\n' outside quotes. npos when `s` holds no whole record.
size_t csv_last_record_end(std::string_view s, char quote);
/// The end (one past the '\n') of the first CSV record of `s`, or npos when it does not end
/// within `s`.
size_t csv_first_record_end(std::string_view s, char quote);

/// The 1-based line and byte column of `pos` in `s`, whose first byte is on line `first_line`.
void line_and_column(std::string_view s, size_t pos, uint64_t first_line, uint64_t& line,
                     uint64_t& column);

/// One CSV record split into fields, for headers and type inference.
struct split_field {
    std::string text; ///< unquoted, doubled quotes undone
    bool quoted = false;
};

/// Splits the record starting at `s[pos]` into `fields` (cleared first) and moves `pos` past
/// its line break. Returns false (with `why` set) for an unterminated quote or text after a
/// closing quote. A blank line gives no fields.
bool split_csv_record(std::string_view s, size_t& pos, char delimiter, char quote,
                      std::vector<split_field>& fields, std::string& why);

} // namespace spate::files::detail
