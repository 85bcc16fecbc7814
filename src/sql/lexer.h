#pragma once

#include "sql/token.h"

#include <string_view>
#include <vector>

namespace spate::sql {

/// Splits SQL text into tokens: identifiers (unquoted folded to lower case, "quoted" kept),
/// strings ('' escapes, E'\n' escapes, $tag$dollar$tag$ quoting), numbers, $n parameters and
/// operators; skips white space, -- line comments and nested /* block */ comments.
/// Single-use, owned by one parse on one thread.
class lexer {
public:
    explicit lexer(std::string_view sql);

    /// The next token; token_kind::end (repeatedly) at the end. Throws syntax_error for an
    /// unexpected character or an unterminated string, quoted identifier or comment (pointing
    /// where it began), encoding_error for invalid UTF-8.
    token next();

    /// The position just past the last character consumed.
    source_pos position() const { return _pos; }

private:
    void skip_space_and_comments();
    void advance(size_t n);
    char peek(size_t ahead = 0) const;
    token make(token_kind k, size_t begin, source_pos start, size_t length);
    token lex_word(source_pos start);
    token lex_quoted_ident(source_pos start);
    token lex_string(source_pos start, bool escapes);
    token lex_dollar(source_pos start);
    token lex_number(source_pos start);
    void check_utf8(source_pos start);

    std::string_view _sql;
    source_pos _pos;
};

/// All tokens of `sql`, ending with one token_kind::end. Throws as lexer::next().
std::vector<token> tokenize(std::string_view sql);

} // namespace spate::sql
