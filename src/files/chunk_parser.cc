#include "files/chunk_parser.h"

#include "files/format_parser_internal.h"
#include "files/scan_internal.h"

#include <cassert>

#include <fmt/format.h>

namespace spate::files {

namespace detail {

void format_parser::take_back_row(columnar::batch& out) {
    for (auto& col : out.columns)
        if (col->size() > out.rows) col->resize(out.rows);
}

result<void> format_parser::bad_record(std::string message, columnar::batch& out,
                                       parse_stats& stats) const {
    take_back_row(out);
    if (!_table.options.ignore_errors) return error{errc::invalid_request, std::move(message)};
    if (stats.skipped == 0) stats.first_skipped = std::move(message);
    ++stats.skipped;
    return ok();
}

std::string format_parser::where(const chunk& c, size_t pos, bool with_column) const {
    uint64_t line = 0, column = 0;
    line_and_column(c.bytes, pos, c.first_line, line, column);
    const std::string& path = _table.files[c.file];
    if (with_column) return fmt::format("{}:{}:{}", path, line, column);
    return fmt::format("{}:{}", path, line);
}

std::string format_parser::inferred_note(size_t col) const {
    if (col >= _table.inferred.size() || !_table.inferred[col]) return {};
    return fmt::format(" (the type {} was inferred from the first {} rows; give the column's "
                       "type in types to override it)",
                       type_name(_table.columns[col].type), _table.sampled_rows);
}

std::string type_name(const columnar::data_type& t) {
    switch (t.id) {
    case columnar::type_id::float64: return "double";
    case columnar::type_id::timestamp: return "timestamp";
    default: return t.to_string();
    }
}

} // namespace detail

chunk_parser::chunk_parser(const file_table& table, std::vector<uint32_t> projection) {
    for ([[maybe_unused]] uint32_t i : projection)
        assert(i < table.columns.size());
    switch (table.options.format) {
    case file_format::csv: _impl = detail::make_csv_parser(table, std::move(projection)); break;
    case file_format::json: _impl = detail::make_json_parser(table, std::move(projection)); break;
    case file_format::text: _impl = detail::make_text_parser(table, std::move(projection)); break;
    }
}

chunk_parser::~chunk_parser() = default;
chunk_parser::chunk_parser(chunk_parser&&) noexcept = default;
chunk_parser& chunk_parser::operator=(chunk_parser&&) noexcept = default;

std::vector<columnar::data_type> chunk_parser::output_types() const {
    std::vector<columnar::data_type> types;
    for (uint32_t i : _impl->projection())
        types.push_back(_impl->table().columns[i].type);
    return types;
}

result<void> chunk_parser::parse(const chunk& c, columnar::batch& out, parse_stats& stats) {
    return _impl->parse(c, out, stats);
}

} // namespace spate::files
