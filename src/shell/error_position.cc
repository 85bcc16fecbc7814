#include "shell/error_position.h"

#include "shell/result_format.h"

#include <fmt/format.h>

namespace spate::shell {

std::string position_lines(std::string_view statement, size_t position) {
    if (position == 0) return {};
    // The byte offset of the position-th character (1-based).
    size_t chars = 0;
    size_t offset = statement.size();
    for (size_t i = 0; i < statement.size(); ++i) {
        if ((static_cast<unsigned char>(statement[i]) & 0xC0) == 0x80) continue;
        if (++chars == position) {
            offset = i;
            break;
        }
    }
    if (offset == statement.size() && position != chars + 1) return {};
    size_t line_start = 0;
    if (offset > 0) {
        auto nl = statement.rfind('\n', offset - 1);
        if (nl != std::string_view::npos) line_start = nl + 1;
    }
    size_t line_number = 1;
    for (size_t i = 0; i < line_start; ++i)
        if (statement[i] == '\n') ++line_number;
    size_t line_end = statement.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = statement.size();
    auto line = statement.substr(line_start, line_end - line_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto prefix = fmt::format("LINE {}: ", line_number);
    size_t column = display_width(statement.substr(line_start, offset - line_start));
    std::string out = prefix;
    out += line;
    out += '\n';
    out.append(prefix.size() + column, ' ');
    out += "^\n";
    return out;
}

} // namespace spate::shell
