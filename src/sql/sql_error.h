#pragma once

#include "sql/source_pos.h"

#include <exception>
#include <string>
#include <string_view>

namespace spate::sql {

/// A query-ending SQL error: thrown by the parser (and later the binder), caught once at the
/// session boundary and sent to the client with its SQLSTATE. The one place spate uses
/// exceptions for expected failures. what() is "line L, column C: message".
struct sql_error : std::exception {
    std::string sqlstate;
    std::string message;
    std::string hint;
    source_pos pos;

    sql_error(std::string state, std::string msg, source_pos p, std::string hint_text = {});
    const char* what() const noexcept override { return _what.c_str(); }

private:
    std::string _what;
};

/// SQLSTATE 42601: the text is not valid SQL.
struct syntax_error : sql_error {
    syntax_error(std::string msg, source_pos p, std::string hint_text = {})
        : sql_error("42601", std::move(msg), p, std::move(hint_text)) {}
};

/// SQLSTATE 0A000: valid SQL that spate does not support (WITH RECURSIVE, NATURAL JOIN, ...).
struct not_supported_error : sql_error {
    not_supported_error(std::string msg, source_pos p, std::string hint_text = {})
        : sql_error("0A000", std::move(msg), p, std::move(hint_text)) {}
};

/// SQLSTATE 54001: nested too deeply (the parser's depth limit).
struct too_complex_error : sql_error {
    too_complex_error(std::string msg, source_pos p) : sql_error("54001", std::move(msg), p) {}
};

/// SQLSTATE 22021: the input is not valid UTF-8.
struct encoding_error : sql_error {
    encoding_error(std::string msg, source_pos p) : sql_error("22021", std::move(msg), p) {}
};

/// The line of `sql` holding the error, and under it a caret at the error's column:
///   SELECT a FROM FROM t
///                 ^
/// Tabs in the line are kept in the caret line so that the caret lines up. An error positioned
/// past the end points just after the last character.
std::string format_error_with_caret(std::string_view sql, const sql_error& e);

} // namespace spate::sql
