#pragma once

#include "base/result.h"
#include "columnar/batch.h"
#include "files/chunk_reader.h"
#include "files/read_options.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace spate::files {

/// Per-row problems met with ignore_errors on, summed over the chunks a parser saw.
struct parse_stats {
    uint64_t rows = 0;         ///< rows appended
    uint64_t skipped = 0;      ///< bad records skipped
    std::string first_skipped; ///< the message of the first skipped record
};

namespace detail {
class format_parser;
}

/// Turns chunks into rows of a batch. One per worker thread, reused for every chunk; allocates
/// nothing per row once warm (error messages aside). Keeps a reference to `table`, which must
/// outlive it.
class chunk_parser {
public:
    /// `projection`: the indexes (into table.columns) of the columns to fill, in the order the
    /// output batch has them; may be empty (count(*): rows are counted, no column is filled).
    chunk_parser(const file_table& table, std::vector<uint32_t> projection);
    ~chunk_parser();
    chunk_parser(chunk_parser&&) noexcept;
    chunk_parser& operator=(chunk_parser&&) noexcept;

    /// The types of the output columns (for columnar::batch::with_types).
    std::vector<columnar::data_type> output_types() const;

    /// Appends one row per record of `c` to `out` (its columns: the projection's types). A bad
    /// record (wrong field count, unterminated quote, text that does not convert to the column
    /// type, invalid UTF-8 in a text column, malformed JSON) is, without ignore_errors, an error
    /// naming file, line and column:
    ///   `data.csv:12:3 (column "price"): "abc" is not a bigint`
    ///   `data.csv:7: expected 4 fields, got 3`, `data.csv:9:14: unterminated quoted field`,
    ///   `data.csv:5:2 (column "name"): invalid UTF-8`, `events.json:3:17: not valid JSON: ...`
    /// and the chunk's rows before it may or may not have been appended. With ignore_errors the
    /// record is skipped and counted in `stats`. out.rows always equals its columns' size.
    result<void> parse(const chunk& c, columnar::batch& out, parse_stats& stats);

private:
    std::unique_ptr<detail::format_parser> _impl;
};

} // namespace spate::files
