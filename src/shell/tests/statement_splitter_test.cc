#include "shell/statement_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace spate::shell {
namespace {

using statements = std::vector<std::string>;

TEST(statement_splitter, splits_at_semicolons_and_trims) {
    auto r = split_statements("  SELECT 1;\nSELECT 2 ;  SELECT 3");
    EXPECT_EQ(r.statements, (statements{"SELECT 1", "SELECT 2"}));
    EXPECT_EQ(r.rest, "  SELECT 3");
}

TEST(statement_splitter, empty_and_comment_only_statements_are_dropped) {
    auto r = split_statements(";;  ; -- nothing\n;/* x */;SELECT 1;");
    EXPECT_EQ(r.statements, (statements{"SELECT 1"}));
    EXPECT_EQ(r.rest, "");
}

TEST(statement_splitter, semicolon_in_string_and_doubled_quote) {
    auto r = split_statements("SELECT 'a;b', 'it''s; here';");
    EXPECT_EQ(r.statements, (statements{"SELECT 'a;b', 'it''s; here'"}));
    // The quote is still open: nothing ends.
    auto open = split_statements("SELECT 'it''s;");
    EXPECT_TRUE(open.statements.empty());
    EXPECT_EQ(open.rest, "SELECT 'it''s;");
}

TEST(statement_splitter, backslash_escapes_only_in_e_strings) {
    // In E'' a backslash escapes the quote, so the ';' is inside the string.
    auto e = split_statements("SELECT E'a\\';b';");
    EXPECT_EQ(e.statements, (statements{"SELECT E'a\\';b'"}));
    // In a standard string the backslash is an ordinary character: the string ends at \'.
    auto plain = split_statements("SELECT 'a\\';b';");
    EXPECT_EQ(plain.statements, (statements{"SELECT 'a\\'"}));
    EXPECT_EQ(plain.rest, "b';");
    // An identifier ending in e before a quote is no E string: the string ends at \', and
    // the quote after x opens another.
    auto ident = split_statements("SELECT name'\\';x';");
    EXPECT_EQ(ident.statements, (statements{"SELECT name'\\'"}));
    EXPECT_EQ(ident.rest, "x';");
}

TEST(statement_splitter, comments_hide_semicolons) {
    auto r = split_statements("SELECT 1 -- not here; \n + 1; /* nor ; here /* nested; */ ; */ "
                              "SELECT 2;");
    ASSERT_EQ(r.statements.size(), 2u);
    EXPECT_EQ(r.statements[0], "SELECT 1 -- not here; \n + 1");
    EXPECT_EQ(r.statements[1], "/* nor ; here /* nested; */ ; */ SELECT 2");
    auto open = split_statements("SELECT 1 /* unfinished; ");
    EXPECT_TRUE(open.statements.empty());
}

TEST(statement_splitter, dollar_quotes) {
    auto r = split_statements("SELECT $$a;b$$, $tag$ $$; $tag$; SELECT $1;");
    EXPECT_EQ(r.statements, (statements{"SELECT $$a;b$$, $tag$ $$; $tag$", "SELECT $1"}));
    auto open = split_statements("SELECT $q$ ; ");
    EXPECT_TRUE(open.statements.empty());
    EXPECT_EQ(open.rest, "SELECT $q$ ; ");
    // A $ inside an identifier starts no quote.
    auto ident = split_statements("SELECT a$b$ FROM t; SELECT 2;");
    EXPECT_EQ(ident.statements, (statements{"SELECT a$b$ FROM t", "SELECT 2"}));
}

TEST(statement_splitter, quoted_identifiers) {
    auto r = split_statements("SELECT 1 AS \"a;\"\"b\"; SELECT 2;");
    EXPECT_EQ(r.statements, (statements{"SELECT 1 AS \"a;\"\"b\"", "SELECT 2"}));
}

TEST(statement_splitter, statements_arrive_line_by_line) {
    std::string buffer;
    std::vector<std::string> seen;
    for (const char* line : {"SELECT 'multi", "line;'", "FROM t; SELECT", "2;"}) {
        buffer += line;
        buffer += '\n';
        auto r = split_statements(buffer);
        for (auto& s : r.statements)
            seen.push_back(s);
        buffer = std::string(r.rest);
    }
    EXPECT_EQ(seen, (statements{"SELECT 'multi\nline;'\nFROM t", "SELECT\n2"}));
    EXPECT_TRUE(is_blank_sql(buffer));
}

TEST(statement_splitter, blank_sql) {
    EXPECT_TRUE(is_blank_sql(""));
    EXPECT_TRUE(is_blank_sql("  \n\t"));
    EXPECT_TRUE(is_blank_sql("-- comment\n /* block */ "));
    EXPECT_TRUE(is_blank_sql("/* unfinished"));
    EXPECT_FALSE(is_blank_sql("-- comment\nSELECT"));
    EXPECT_FALSE(is_blank_sql("'text'"));
    EXPECT_FALSE(is_blank_sql("/* a */ x"));
}

} // namespace
} // namespace spate::shell
