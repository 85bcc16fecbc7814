#pragma once

// Helpers shared by the sql module's tests: parse, then check that the canonical printing
// re-parses to the same tree (same printing again).

#include "sql/ast.h"
#include "sql/parser.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace spate::sql::testing {

/// Parses an expression and checks its printing round-trips.
inline expr_ptr expr_rt(std::string_view sql) {
    expr_ptr e = parse_expression(sql);
    std::string once = to_sql(*e);
    expr_ptr again = parse_expression(once);
    EXPECT_EQ(once, to_sql(*again)) << "input: " << sql;
    return e;
}

/// The canonical printing of an expression.
inline std::string expr_sql(std::string_view sql) {
    return to_sql(*expr_rt(sql));
}

/// Parses a query and checks its printing round-trips.
inline query_ptr query_rt(std::string_view sql) {
    query_ptr q = parse_query(sql);
    std::string once = to_sql(*q);
    query_ptr again = parse_query(once);
    EXPECT_EQ(once, to_sql(*again)) << "input: " << sql;
    return q;
}

inline std::string query_sql(std::string_view sql) {
    return to_sql(*query_rt(sql));
}

/// Checks the round trip of every query and expression a statement holds.
inline void statement_rt(const statement& s) {
    auto check_query = [](const query& q) {
        std::string once = to_sql(q);
        query_ptr again = parse_query(once);
        EXPECT_EQ(once, to_sql(*again));
    };
    auto check_expr = [](const expr& e) {
        std::string once = to_sql(e);
        expr_ptr again = parse_expression(once);
        EXPECT_EQ(once, to_sql(*again));
    };
    switch (s.kind) {
    case statement_kind::query: check_query(*s.as<query_statement>().body); break;
    case statement_kind::create_view:
    case statement_kind::create_materialized_view:
        check_query(*s.as<create_view_statement>().body);
        break;
    case statement_kind::create_sink:
        if (s.as<create_sink_statement>().body) check_query(*s.as<create_sink_statement>().body);
        break;
    case statement_kind::insert: check_query(*s.as<insert_statement>().body); break;
    case statement_kind::copy:
        if (s.as<copy_statement>().body) check_query(*s.as<copy_statement>().body);
        break;
    case statement_kind::explain: statement_rt(*s.as<explain_statement>().target); break;
    case statement_kind::create_source:
    case statement_kind::create_table: {
        const auto& c = s.as<create_source_statement>();
        for (const auto& col : c.columns) {
            if (col.check) check_expr(*col.check);
        }
        for (const auto& e : c.checks)
            check_expr(*e);
        for (const auto& w : c.watermarks)
            check_expr(*w.value);
        break;
    }
    default: break;
    }
}

/// Parses one statement, checks its round trip, returns it.
inline statement_ptr stmt_rt(std::string_view sql) {
    statement_ptr s = parse_statement(sql);
    statement_rt(*s);
    return s;
}

/// The error a parse of `sql` as statements throws (fails the test if none).
inline sql_error error_of(std::string_view sql) {
    try {
        parse_statements(sql);
    } catch (const sql_error& e) {
        return e;
    }
    ADD_FAILURE() << "no error for: " << sql;
    return sql_error("", "", {});
}

} // namespace spate::sql::testing
