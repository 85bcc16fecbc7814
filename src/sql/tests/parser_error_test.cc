#include "sql/parser.h"
#include "test_util.h"

#include <gtest/gtest.h>

namespace spate::sql {
namespace {

using testing::error_of;

TEST(parse_errors, message_and_position) {
    auto e = error_of("SELECT a,\n  b\nFROM FROM t");
    EXPECT_EQ(e.sqlstate, "42601");
    EXPECT_EQ(e.message, "syntax error at or near \"FROM\": expected a table name");
    EXPECT_EQ(e.pos.line, 3u);
    EXPECT_EQ(e.pos.column, 6u);
    EXPECT_EQ(e.pos.offset, 19u);
    EXPECT_EQ(e.hint,
              "\"from\" is a reserved word; write it in double quotes to use it as a name.");
    EXPECT_STREQ(e.what(),
                 "line 3, column 6: syntax error at or near \"FROM\": expected a table name");

    e = error_of("SELECT a FROM t WHERE select = 1");
    EXPECT_EQ(e.message, "syntax error at or near \"select\": expected an expression");
    EXPECT_EQ(e.hint,
              "\"select\" is a reserved word; write it in double quotes to use it as a name.");
    e = error_of("SELECT 1 + ");
    EXPECT_EQ(e.hint, "");

    e = error_of("SELECT 1 +");
    EXPECT_EQ(e.message, "syntax error at end of input: expected an expression");
    EXPECT_EQ(e.pos.column, 11u);

    e = error_of("SELECT a FROM t WHERE");
    EXPECT_EQ(e.message, "syntax error at end of input: expected an expression");

    e = error_of("SELECT (1 + 2 FROM t");
    EXPECT_EQ(e.message, "syntax error at or near \"FROM\": expected \")\"");
    EXPECT_EQ(e.pos.column, 15u);

    e = error_of("SELECT 1;\nSELEC 2");
    EXPECT_EQ(e.pos.line, 2u);
    EXPECT_EQ(e.pos.column, 1u);
    EXPECT_NE(e.message.find("\"selec\"") == std::string::npos &&
                  e.message.find("\"SELEC\"") == std::string::npos,
              true);

    e = error_of("select * from t where a = = 1");
    EXPECT_EQ(e.message, "syntax error at or near \"=\": expected an expression");
    EXPECT_EQ(e.pos.column, 27u);

    e = error_of("CREATE SOURCE s (a int) WITH (k = )");
    EXPECT_EQ(e.message, "syntax error at or near \")\": expected an option value (a string, "
                         "number, boolean or name)");
}

TEST(parse_errors, unterminated_literals_in_statements) {
    auto e = error_of("SELECT 1;\nSELECT 'abc\n\nFROM t");
    EXPECT_EQ(e.message, "unterminated quoted string");
    EXPECT_EQ(e.pos.line, 2u);
    EXPECT_EQ(e.pos.column, 8u);
    e = error_of("SELECT \"abc FROM t");
    EXPECT_EQ(e.message, "unterminated quoted identifier");
    e = error_of("SELECT 1 /* never closed");
    EXPECT_EQ(e.message, "unterminated /* comment");
    EXPECT_EQ(e.pos.column, 10u);
    e = error_of("SELECT \"\"");
    EXPECT_EQ(e.message, "zero-length delimited identifier");
}

TEST(parse_errors, caret_formatting) {
    std::string sql = "SELECT a,\n\tb FROM FROM t\nWHERE 1";
    auto e = error_of(sql);
    EXPECT_EQ(format_error_with_caret(sql, e), "\tb FROM FROM t\n\t       ^");
    std::string end = "SELECT 1 +";
    e = error_of(end);
    EXPECT_EQ(format_error_with_caret(end, e), "SELECT 1 +\n          ^");
    std::string utf8 = "SELECT '\xc3\xa9\xc3\xa9' FROM";
    e = error_of(utf8);
    EXPECT_EQ(e.pos.column, 19u); // bytes
    EXPECT_EQ(format_error_with_caret(utf8, e), utf8 + "\n                ^");
    std::string first = "FROM";
    e = error_of(first);
    EXPECT_EQ(format_error_with_caret(first, e), "FROM\n^");
}

TEST(parse_errors, deep_nesting_is_an_error_not_a_crash) {
    auto deep = [](std::string open, std::string mid, std::string close, int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += open;
        s += mid;
        for (int i = 0; i < n; ++i)
            s += close;
        return s;
    };
    EXPECT_THROW(parse_expression(deep("(", "1", ")", 100000)), too_complex_error);
    EXPECT_THROW(parse_expression(deep("- ", "1", "", 100000)), too_complex_error);
    EXPECT_THROW(parse_expression(deep("NOT ", "a", "", 100000)), too_complex_error);
    EXPECT_THROW(parse_expression(deep("f(", "1", ")", 100000)), too_complex_error);
    EXPECT_THROW(parse_expression(deep("1 + ", "1", "", 100000)), too_complex_error);
    EXPECT_THROW(parse_expression(deep("a AND ", "b", "", 100000)), too_complex_error);
    EXPECT_THROW(parse_expression(deep("", "a", "::int", 100000)), too_complex_error);
    EXPECT_THROW(parse_statements(deep("SELECT * FROM (", "SELECT 1", ") x", 100000)),
                 too_complex_error);
    EXPECT_THROW(parse_statements(deep("SELECT 1 UNION ", "SELECT 1", "", 100000)),
                 too_complex_error);
    EXPECT_THROW(parse_statements("SELECT * FROM t" + deep(" JOIN t ON TRUE", "", "", 100000)),
                 too_complex_error);
    // Moderate nesting is fine and prints back.
    std::string ok = deep("(", "1", ")", 100);
    EXPECT_EQ(to_sql(*testing::expr_rt(ok)), "1");
    std::string chain = "1" + deep(" + 1", "", "", 150);
    testing::expr_rt(chain);
    try {
        parse_expression(deep("(", "1", ")", 100000));
    } catch (const sql_error& e) {
        EXPECT_EQ(e.sqlstate, "54001");
    }
}

TEST(parse_errors, garbage_never_crashes) {
    // Every prefix and a few byte mutations of a rich statement: an error or a tree, no crash.
    std::string sql =
        "WITH w AS (SELECT a, count(*) FILTER (WHERE b > 0) OVER (PARTITION BY c ORDER BY d "
        "ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t JOIN u USING (a) WHERE x IN (1, 2) "
        "AND y BETWEEN 1 AND 2 AND z LIKE 'a%' GROUP BY a) SELECT CAST(a AS int), "
        "CASE WHEN a THEN b END, E'x\\n', $$y$$, ARRAY[1][1] FROM w ORDER BY 1 LIMIT 1";
    int parsed = 0;
    for (size_t n = 0; n <= sql.size(); ++n) {
        try {
            auto all = parse_statements(sql.substr(0, n));
            for (const auto& s : all)
                testing::statement_rt(*s);
            ++parsed;
        } catch (const sql_error&) {
        }
    }
    EXPECT_GT(parsed, 1);
    const char bytes[] = {'\0', '\x01', '\'', '"', '(', ')', ';', '\xff', '\xc3', '$', '-', '/'};
    for (size_t i = 0; i < sql.size(); i += 3) {
        for (char b : bytes) {
            std::string m = sql;
            m[i] = b;
            try {
                auto all = parse_statements(m);
                for (const auto& s : all)
                    testing::statement_rt(*s);
            } catch (const sql_error&) {
            }
        }
    }
    EXPECT_THROW(parse_statements(std::string("SELECT \0 1", 10)), syntax_error);
    EXPECT_THROW(parse_statements("\xff\xfe\xfd"), encoding_error);
    EXPECT_THROW(parse_statements("SELECT 'a\xe2\x82'"), encoding_error);
}

} // namespace
} // namespace spate::sql

namespace spate::sql {
namespace {

TEST(parse_errors, table_of_messages_and_positions) {
    struct {
        const char* sql;
        const char* message;
        uint32_t line, column;
    } cases[] = {
        {"SELECT", "syntax error at end of input: expected an expression", 1, 7},
        {"SELECT 1 FROM", "syntax error at end of input: expected a table name", 1, 14},
        {"SELECT a FROM t\nWHERE a IN ()", "syntax error at or near \")\": expected an expression",
         2, 13},
        {"SELECT CAST(a AS) FROM t", "syntax error at or near \")\": expected a type name", 1, 17},
        {"SELECT a FROM t GROUP a", "syntax error at or near \"a\": expected BY", 1, 23},
        {"SELECT a FROM t ORDER BY a NULLS",
         "syntax error at end of input: expected FIRST or "
         "LAST after NULLS",
         1, 33},
        {"SELECT a FROM t JOIN u", "syntax error at end of input: expected ON or USING", 1, 23},
        {"CREATE INDEX i",
         "syntax error at or near \"INDEX\": expected SOURCE, TABLE, VIEW, "
         "MATERIALIZED VIEW or SINK after CREATE",
         1, 8},
        {"CREATE SOURCE s (\n  a int,\n  b\n)",
         "syntax error at or near \")\": expected a type "
         "name",
         4, 1},
        {"CREATE SOURCE s (a int) WITH (k = 1",
         "syntax error at end of input: expected \",\" or "
         "\")\"",
         1, 36},
        {"CREATE MATERIALIZED VIEW v AS\n  SELECT a\n  FROM t\n  WHERE",
         "syntax error at end "
         "of input: expected an "
         "expression",
         4, 8},
        {"DROP SOURCE IF s", "syntax error at or near \"s\": expected EXISTS", 1, 16},
        {"SHOW CREATE INDEX i",
         "syntax error at or near \"INDEX\": expected SOURCE, TABLE, VIEW, "
         "MATERIALIZED VIEW or SINK",
         1, 13},
        {"frobnicate",
         "syntax error at or near \"frobnicate\": expected a statement (SELECT, "
         "CREATE, DROP, SHOW, EXPLAIN, INSERT, COPY, SET, ...)",
         1, 1},
        {"SELECT 1 2", "syntax error at or near \"2\": expected \";\" or the end of the statement",
         1, 10},
        {"SELECT a.b.c.d FROM t",
         "syntax error at or near \"d\": expected a column name of at "
         "most 3 parts",
         1, 14},
        {"SELECT f(x) OVER (ROWS 1) FROM t",
         "syntax error at or near \")\": expected "
         "PRECEDING or FOLLOWING",
         1, 25},
        {"SELECT 12abc", "trailing junk after numeric literal at or near \"12a\"", 1, 8},
        {"SELECT @", "syntax error at or near \"@\"", 1, 8},
        {"SELECT $1a", "trailing junk after parameter at or near \"$1a\"", 1, 8},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.sql);
        sql_error e = testing::error_of(c.sql);
        EXPECT_EQ(e.message, c.message);
        EXPECT_EQ(e.pos.line, c.line);
        EXPECT_EQ(e.pos.column, c.column);
    }
}

} // namespace
} // namespace spate::sql
