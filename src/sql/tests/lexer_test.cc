#include "sql/lexer.h"
#include "sql/parser.h"
#include "sql/sql_error.h"

#include <gtest/gtest.h>

namespace spate::sql {
namespace {

std::vector<token> lex(std::string_view s) {
    return tokenize(s);
}

TEST(lexer, words_fold_and_quoted_identifiers_keep_case) {
    auto t = lex("SeLeCt \"MixedCase\" \"with \"\"quote\"\"\" _x1$");
    ASSERT_EQ(t.size(), 5u);
    EXPECT_EQ(t[0].kind, token_kind::word);
    EXPECT_EQ(t[0].text, "select");
    EXPECT_EQ(t[1].kind, token_kind::quoted_ident);
    EXPECT_EQ(t[1].text, "MixedCase");
    EXPECT_EQ(t[2].text, "with \"quote\"");
    EXPECT_EQ(t[3].text, "_x1$");
    EXPECT_EQ(t[4].kind, token_kind::end);
}

TEST(lexer, strings_and_escapes) {
    auto t = lex("'it''s' E'a\\nb\\t\\'c\\x41\\u00e9' $$dollar 'x'$$ $tag$a$$b$tag$");
    ASSERT_EQ(t.size(), 5u);
    EXPECT_EQ(t[0].text, "it's");
    EXPECT_EQ(t[1].kind, token_kind::string);
    EXPECT_EQ(t[1].text, "a\nb\t'cA\xc3\xa9");
    EXPECT_EQ(t[2].text, "dollar 'x'");
    EXPECT_EQ(t[3].text, "a$$b");
}

TEST(lexer, adjacent_strings_on_separate_lines_join) {
    auto t = lex("'a'\n  'b'");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].text, "ab");
    // On one line they are two tokens (and a syntax error later).
    EXPECT_EQ(lex("'a' 'b'").size(), 3u);
}

TEST(lexer, numbers_and_parameters) {
    auto t = lex("42 4.5 .5 1e10 2.5E-3 $12 7.");
    ASSERT_EQ(t.size(), 8u);
    EXPECT_EQ(t[0].kind, token_kind::integer);
    EXPECT_EQ(t[1].kind, token_kind::number);
    EXPECT_EQ(t[2].text, ".5");
    EXPECT_EQ(t[3].kind, token_kind::number);
    EXPECT_EQ(t[3].text, "1e10");
    EXPECT_EQ(t[4].text, "2.5E-3");
    EXPECT_EQ(t[5].kind, token_kind::parameter);
    EXPECT_EQ(t[5].text, "12");
    EXPECT_EQ(t[6].text, "7.");
}

TEST(lexer, operators) {
    auto t = lex("<> != <= >= -> ->> => :: || ^ %");
    std::vector<token_kind> want = {
        token_kind::ne,        token_kind::ne,           token_kind::le,
        token_kind::ge,        token_kind::arrow,        token_kind::double_arrow,
        token_kind::fat_arrow, token_kind::double_colon, token_kind::concat,
        token_kind::caret,     token_kind::percent,      token_kind::end};
    ASSERT_EQ(t.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i)
        EXPECT_EQ(t[i].kind, want[i]) << i;
}

TEST(lexer, comments_are_skipped_and_nest) {
    auto t = lex("a -- line comment\n/* outer /* inner */ still comment */ b");
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[1].text, "b");
    EXPECT_EQ(t[1].pos.line, 2u);
    EXPECT_EQ(t[1].pos.column, 39u);
}

TEST(lexer, positions_are_line_and_column) {
    auto t = lex("select\n  a,\n\tb");
    EXPECT_EQ(t[1].pos.line, 2u);
    EXPECT_EQ(t[1].pos.column, 3u);
    EXPECT_EQ(t[1].pos.offset, 9u);
    EXPECT_EQ(t[3].pos.line, 3u);
    EXPECT_EQ(t[3].pos.column, 2u);
}

TEST(lexer, unterminated_things_point_where_they_began) {
    struct case_t {
        const char* sql;
        const char* message;
        uint32_t line, column;
    };
    case_t cases[] = {
        {"select 'abc", "unterminated quoted string", 1, 8},
        {"select\n  E'abc\\'", "unterminated quoted string", 2, 3},
        {"select \"abc", "unterminated quoted identifier", 1, 8},
        {"select 1 /* a /* b */", "unterminated /* comment", 1, 10},
        {"select $$abc", "unterminated dollar-quoted string", 1, 8},
    };
    for (const auto& c : cases) {
        try {
            lex(c.sql);
            ADD_FAILURE() << c.sql;
        } catch (const syntax_error& e) {
            EXPECT_EQ(e.message, c.message) << c.sql;
            EXPECT_EQ(e.pos.line, c.line) << c.sql;
            EXPECT_EQ(e.pos.column, c.column) << c.sql;
            EXPECT_EQ(e.sqlstate, "42601");
        }
    }
}

TEST(lexer, bad_bytes_and_invalid_utf8_are_errors) {
    EXPECT_THROW(lex("select \x01"), syntax_error);
    EXPECT_THROW(lex("select #"), syntax_error);
    EXPECT_THROW(lex("select ?"), syntax_error);
    EXPECT_THROW(lex("select 12abc"), syntax_error);
    EXPECT_THROW(lex("select E'\\u12'"), syntax_error);
    EXPECT_THROW(lex("select 'caf\xc3'"), encoding_error);
    EXPECT_THROW(lex("select caf\xff"), encoding_error);
    EXPECT_THROW(lex("select \"\xed\xa0\x80\""), encoding_error); // a surrogate
    EXPECT_THROW(lex("select \xc0\xaf"), encoding_error);         // overlong
    EXPECT_THROW(lex("-- \xfe\nselect 1"), encoding_error);
    // Escapes may not produce invalid UTF-8 or NUL, nor may raw bytes.
    EXPECT_THROW(lex("select E'\\xff'"), encoding_error);
    EXPECT_THROW(lex("select E'\\000'"), encoding_error);
    EXPECT_THROW(lex(std::string("select 'a\0b'", 13)), encoding_error);
    EXPECT_THROW(lex(std::string("select $$a\0b$$", 15)), encoding_error);
    // Valid UTF-8 in identifiers and strings is fine.
    auto t = lex("caf\xc3\xa9 '\xe2\x82\xac'");
    EXPECT_EQ(t[0].text, "caf\xc3\xa9");
    EXPECT_EQ(t[1].text, "\xe2\x82\xac");
    try {
        lex("select\n ab\xff");
    } catch (const encoding_error& e) {
        EXPECT_EQ(e.pos.line, 2u);
        EXPECT_EQ(e.pos.column, 4u);
        EXPECT_EQ(e.sqlstate, "22021");
    }
}

TEST(split_statements, splits_on_semicolons_outside_literals) {
    auto parts = split_statements("select ';' ; -- c;\n select \"a;b\" /* ; */;;\n\n  show x  ");
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[0], "select ';'");
    EXPECT_EQ(parts[1], "select \"a;b\"");
    EXPECT_EQ(parts[2], "show x");
    EXPECT_TRUE(split_statements("").empty());
    EXPECT_TRUE(split_statements(" ; -- only a comment\n").empty());
    EXPECT_THROW(split_statements("select 1; select 'x"), syntax_error);
}

} // namespace
} // namespace spate::sql
