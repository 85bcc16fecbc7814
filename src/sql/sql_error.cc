#include "sql/sql_error.h"

#include <fmt/format.h>

namespace spate::sql {

sql_error::sql_error(std::string state, std::string msg, source_pos p, std::string hint_text)
    : sqlstate(std::move(state)), message(std::move(msg)), hint(std::move(hint_text)), pos(p),
      _what(fmt::format("line {}, column {}: {}", p.line, p.column, message)) {}

std::string format_error_with_caret(std::string_view sql, const sql_error& e) {
    size_t offset = std::min<size_t>(e.pos.offset, sql.size());
    size_t begin = offset == 0 ? std::string_view::npos : sql.rfind('\n', offset - 1);
    begin = begin == std::string_view::npos ? 0 : begin + 1;
    size_t end = sql.find('\n', begin);
    if (end == std::string_view::npos) end = sql.size();
    std::string_view line = sql.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string out(line);
    out += '\n';
    // One space per character (not per byte: UTF-8 continuation bytes add nothing), tabs kept.
    for (size_t i = begin; i < offset; ++i) {
        auto c = static_cast<unsigned char>(sql[i]);
        if (c == '\t')
            out += '\t';
        else if ((c & 0xC0) != 0x80)
            out += ' ';
    }
    out += '^';
    return out;
}

} // namespace spate::sql
