#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace spate::shell {

/// psql's pointer at where an error is, for a statement and the position the server reported
/// (1-based, in characters, as Postgres counts): the statement's line that holds it, as
/// "LINE n: <line>\n", then a line with a '^' under that character. Empty when the position
/// is 0 or past the end of the statement (one past the last character is allowed: errors at
/// the end of input point there).
std::string position_lines(std::string_view statement, size_t position);

} // namespace spate::shell
