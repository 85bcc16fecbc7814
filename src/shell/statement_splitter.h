#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spate::shell {

/// What split_statements() found in a piece of SQL text.
struct split_result {
    /// Each complete statement, without its terminating ';' and without the whitespace around
    /// it; statements holding nothing but comments and whitespace are left out.
    std::vector<std::string> statements;
    /// The text after the last ';' (a statement not finished yet, or nothing), untrimmed.
    std::string_view rest;
};

/// Splits `text` at every ';' that ends a statement: one outside '...' strings (with ''
/// escapes, and backslash escapes in E'...' strings), "..." identifiers, -- and (nested) /* */
/// comments, and $$...$$ or $tag$...$tag$ dollar quotes. Never fails: text left inside an
/// open string or comment is part of `rest`.
split_result split_statements(std::string_view text);

/// True if `text` holds only whitespace and comments (so it is no statement to run).
bool is_blank_sql(std::string_view text);

} // namespace spate::shell
