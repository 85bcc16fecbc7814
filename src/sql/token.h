#pragma once

#include "sql/source_pos.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace spate::sql {

enum class token_kind : uint8_t {
    end,               // end of input
    word,              // unquoted identifier or keyword; `text` folded to lower case
    quoted_ident,      // "Name"; `text` unescaped, case kept
    string,            // '...', E'...', $$...$$; `text` unescaped
    integer,           // 42; `text` the digits
    number,            // 4.5, .5, 1e10; `text` as written
    parameter,         // $1; `text` the digits
    lparen,            // (
    rparen,            // )
    lbracket,          // [
    rbracket,          // ]
    comma,             // ,
    semicolon,         // ;
    dot,               // .
    double_colon,      // ::
    colon,             // :
    plus,              // +
    minus,             // -
    star,              // *
    slash,             // /
    percent,           // %
    caret,             // ^
    concat,            // ||
    eq,                // =
    ne,                // <> or !=
    lt,                // <
    le,                // <=
    gt,                // >
    ge,                // >=
    arrow,             // ->
    double_arrow,      // ->>
    fat_arrow,         // =>
    tilde,             // ~   (regular expression match)
    tilde_star,        // ~*  (case-insensitive match)
    not_tilde,         // !~
    not_tilde_star,    // !~*
    hash_arrow,        // #>  (JSON path)
    hash_double_arrow, // #>>
};

/// One token of SQL text. `raw` views the input (valid while the input lives).
struct token {
    token_kind kind = token_kind::end;
    std::string text;
    std::string_view raw;
    source_pos pos;

    /// True for an unquoted word equal to `kw` (lower case).
    bool is(std::string_view kw) const { return kind == token_kind::word && text == kw; }
};

} // namespace spate::sql
