#pragma once

#include "format/decoder_base.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spate::files {

/// How the records of a file are written.
enum class file_format : uint8_t { csv, json, text };

/// How a file's bytes are compressed; detected from its first bytes (gzip 1f 8b, zstd
/// 28 b5 2f fd), else none.
enum class compression : uint8_t { none, gzip, zstd };

/// The options of read_csv / read_json / read_text as the user gives them. Plain value type.
struct read_options {
    file_format format = file_format::csv;
    /// csv: whether the first record (after `skip` lines) names the columns. Unset = detect:
    /// yes when the first row is all text while the sample's other rows have a non-text type
    /// in some column.
    std::optional<bool> header;
    char delimiter = ','; ///< csv
    char quote = '"';     ///< csv; a doubled quote inside quotes is one quote
    /// csv: an unquoted field equal to it is NULL (a quoted one never is).
    std::string null_string;
    uint64_t skip = 0;          ///< csv/text: lines skipped at the start of each file
    bool ignore_errors = false; ///< skip bad rows and count them instead of failing
    size_t sample_rows = 20480; ///< rows sampled (from the first files) to infer types
    bool all_varchar = false;   ///< infer every column as varchar
    bool filename = false;      ///< add a varchar column "filename" (the file's path), last
    /// The whole schema, when given (nothing is inferred; csv columns by position, json by key).
    std::optional<std::vector<format::field_spec>> columns;
    /// Types overriding the inferred types of the named columns (an unknown name is an error).
    std::vector<format::field_spec> types;
};

/// A table over files, resolved by open_table(): the files (sorted), the schema and the
/// options with the header question answered. Plain value type, shared read-only by the
/// chunk_reader and the chunk_parsers of one scan.
struct file_table {
    std::string pattern;
    std::vector<std::string> files;
    /// The columns of a row, in order; with options.filename the last one is "filename".
    std::vector<format::field_spec> columns;
    read_options options; ///< header resolved (never unset)
    /// Per column: whether its type was inferred (not given in `columns` or `types`), for the
    /// message when a later value does not fit it.
    std::vector<bool> inferred;
    uint64_t sampled_rows = 0; ///< rows the inference looked at
};

} // namespace spate::files
