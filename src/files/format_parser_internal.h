#pragma once

#include "base/result.h"
#include "columnar/batch.h"
#include "files/chunk_parser.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

// Internal to the files module: the parser of one file format behind chunk_parser, and what
// the CSV, JSON and text parsers share (messages, taking back a half-appended row).

namespace spate::files::detail {

/// Turns chunks of one format into rows; one per chunk_parser (so per worker thread).
class format_parser {
public:
    format_parser(const file_table& table, std::vector<uint32_t> projection)
        : _table(table), _projection(std::move(projection)) {}
    virtual ~format_parser() = default;

    /// See chunk_parser::parse.
    virtual result<void> parse(const chunk& c, columnar::batch& out, parse_stats& stats) = 0;

    const file_table& table() const { return _table; }
    const std::vector<uint32_t>& projection() const { return _projection; }

protected:
    /// The index of the filename column in table().columns, or -1 when there is none.
    int filename_column() const {
        return _table.options.filename ? int(_table.columns.size()) - 1 : -1;
    }
    /// Shrinks every column of `out` back to out.rows (drops a half-appended row).
    static void take_back_row(columnar::batch& out);
    /// Handles the bad record with message `message`: an error without ignore_errors, else
    /// counted in `stats` (the caller then skips the record) and ok.
    result<void> bad_record(std::string message, columnar::batch& out, parse_stats& stats) const;
    /// "path:line:col (column \"name\"): " etc. for a position in chunk `c`; col 0 = no column.
    std::string where(const chunk& c, size_t pos, bool with_column) const;
    /// The suffix saying that column `col`'s type was inferred (empty when the user gave it).
    std::string inferred_note(size_t col) const;

    const file_table& _table;
    std::vector<uint32_t> _projection;
};

/// The SQL name of a type in messages: "bigint", "double", "timestamp", ...
std::string type_name(const columnar::data_type& t);

std::unique_ptr<format_parser> make_csv_parser(const file_table& table,
                                               std::vector<uint32_t> projection);
std::unique_ptr<format_parser> make_json_parser(const file_table& table,
                                                std::vector<uint32_t> projection);
std::unique_ptr<format_parser> make_text_parser(const file_table& table,
                                                std::vector<uint32_t> projection);

} // namespace spate::files::detail
