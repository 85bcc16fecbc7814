#pragma once

#include "sql/ast.h"
#include "sql/sql_error.h"

#include <string_view>
#include <vector>

namespace spate::sql {

/// The deepest nesting of expressions, subqueries and operator chains the parser accepts;
/// deeper input gets a too_complex_error instead of exhausting the stack.
inline constexpr int max_nesting_depth = 400;

/// Every statement of `sql`, separated by ';' (empty statements are skipped; an empty input
/// gives an empty vector). Throws sql_error (syntax_error, too_complex_error, encoding_error)
/// with the position of the first problem.
std::vector<statement_ptr> parse_statements(std::string_view sql);

/// Exactly one statement (a trailing ';' is allowed). Throws sql_error, also when the input
/// holds no statement or more than one.
statement_ptr parse_statement(std::string_view sql);

/// One expression and nothing else. Throws sql_error.
expr_ptr parse_expression(std::string_view sql);

/// One query (SELECT / VALUES / WITH ... / set operations) and nothing else. Throws sql_error.
query_ptr parse_query(std::string_view sql);

/// The statements' texts, split on the ';' that are not inside strings, quoted identifiers or
/// comments; each trimmed of surrounding white space; empty ones skipped. Throws sql_error for
/// an unterminated string, quoted identifier or comment.
std::vector<std::string_view> split_statements(std::string_view sql);

} // namespace spate::sql
