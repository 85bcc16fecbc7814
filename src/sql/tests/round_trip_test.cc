// Random SQL from a small grammar: whatever parses must print back to text that re-parses to
// the same tree (same printing), and nothing may crash.

#include "sql/parser.h"
#include "test_util.h"

#include <random>

#include <gtest/gtest.h>

namespace spate::sql {
namespace {

class generator {
public:
    explicit generator(uint32_t seed) : _rng(seed) {}

    std::string expr(int depth) {
        if (depth <= 0) return atom();
        switch (pick(16)) {
        case 0: return expr(depth - 1) + " " + binary_op() + " " + expr(depth - 1);
        case 1: return "(" + expr(depth - 1) + ")";
        case 2: return "NOT " + expr(depth - 1);
        case 3: return "- " + expr(depth - 1);
        case 4: return operand(depth) + (pick(2) ? " IS NOT " : " IS ") + one_of({"NULL", "TRUE"});
        case 5:
            return operand(depth) + (pick(2) ? " NOT" : "") + " BETWEEN " + operand(depth) +
                   " AND " + operand(depth);
        case 6: return operand(depth) + (pick(2) ? " NOT" : "") + " IN (" + list(depth) + ")";
        case 7: return operand(depth) + " IN (" + query(depth - 1) + ")";
        case 8: return "EXISTS (" + query(depth - 1) + ")";
        case 9:
            return "CASE " + (pick(2) ? operand(depth) + " " : std::string()) + "WHEN " +
                   expr(depth - 1) + " THEN " + expr(depth - 1) +
                   (pick(2) ? " ELSE " + expr(depth - 1) : std::string()) + " END";
        case 10:
            return pick(2) ? "CAST(" + expr(depth - 1) + " AS " + type() + ")"
                           : operand(depth) + "::" + type();
        case 11: return call(depth);
        case 12: return "ARRAY[" + list(depth) + "]" + (pick(2) ? "[1]" : "");
        case 13:
            return operand(depth) + (pick(2) ? " NOT LIKE " : " ILIKE ") + operand(depth) +
                   (pick(2) ? " ESCAPE '!'" : "");
        case 14: return "(" + query(depth - 1) + ")";
        default: return operand(depth) + " IS DISTINCT FROM " + operand(depth);
        }
    }

    std::string query(int depth) {
        std::string q = "SELECT " + (pick(4) == 0 ? std::string("DISTINCT ") : "") + expr(depth) +
                        " AS " + ident() + ", " + expr(depth);
        if (pick(2)) q += " FROM " + table(depth);
        if (pick(2)) q += " WHERE " + expr(depth);
        if (pick(3) == 0) q += " GROUP BY " + expr(depth) + " HAVING " + expr(depth);
        if (pick(4) == 0) q += " UNION ALL SELECT 1, 2";
        if (pick(3) == 0) q += " ORDER BY " + expr(depth) + (pick(2) ? " DESC NULLS LAST" : "");
        if (pick(3) == 0) q += " LIMIT " + std::to_string(pick(100));
        return q;
    }

private:
    size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(_rng); }
    std::string one_of(std::initializer_list<const char*> options) {
        return *(options.begin() + pick(options.size()));
    }
    std::string operand(int depth) { return pick(2) ? atom() : "(" + expr(depth - 1) + ")"; }
    std::string list(int depth) {
        std::string s = expr(depth - 1);
        for (size_t i = pick(3); i > 0; --i)
            s += ", " + expr(depth - 1);
        return s;
    }
    std::string ident() {
        return one_of({"a", "b", "\"Mixed Case\"", "\"from\"", "source", "value", "\"x\"\"y\"",
                       "window_start", "\"timestamp\"", "first"});
    }
    std::string atom() {
        switch (pick(10)) {
        case 0: return std::to_string(pick(1000));
        case 1: return one_of({"1.5", ".5", "1e10", "99999999999999999999"});
        case 2: return one_of({"'s'", "'it''s'", "E'a\\nb'", "$$d$$", "''"});
        case 3: return one_of({"NULL", "TRUE", "FALSE", "$1"});
        case 4:
            return one_of({"INTERVAL '4' SECOND", "TIMESTAMP '2024-01-01'", "DATE '2024-01-01'",
                           "INTERVAL '1' DAY TO SECOND"});
        case 5: return ident() + "." + ident();
        case 6: return one_of({"CURRENT_TIMESTAMP", "now()", "EXTRACT(YEAR FROM ts)"});
        default: return ident();
        }
    }
    std::string binary_op() {
        return one_of({"+", "-", "*", "/", "%", "^", "||", "=", "<>", "!=", "<", "<=", ">",
                       ">=", "AND", "OR", "LIKE", "->", "->>"});
    }
    std::string type() {
        return one_of({"int", "bigint", "varchar(10)", "double precision", "numeric(10, 2)",
                       "timestamp with time zone", "text", "\"My Type\""});
    }
    std::string call(int depth) {
        std::string name = one_of({"f", "count", "s.g", "\"left\"", "sum"});
        std::string s = name + "(";
        switch (pick(4)) {
        case 0: s += "*"; break;
        case 1: s += "DISTINCT " + expr(depth - 1); break;
        case 2: s += "n => " + expr(depth - 1) + ", " + expr(depth - 1); break;
        default: s += list(depth); break;
        }
        s += ")";
        if (pick(3) == 0) s += " FILTER (WHERE " + expr(depth - 1) + ")";
        if (pick(3) == 0) {
            s += " OVER (PARTITION BY " + expr(depth - 1) + " ORDER BY " + expr(depth - 1) +
                 (pick(2) ? " ROWS BETWEEN 2 PRECEDING AND CURRENT ROW" : "") + ")";
        }
        return s;
    }
    std::string table(int depth) {
        switch (pick(5)) {
        case 0: return "t AS x";
        case 1: return "(" + query(depth - 1) + ") AS sub";
        case 2: return "tumble(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)";
        case 3: return "a JOIN b ON " + expr(depth - 1);
        default: return "'file.csv'";
        }
    }

    std::mt19937 _rng;
};

TEST(round_trip, random_expressions) {
    generator g(12345);
    int parsed = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string sql = g.expr(4);
        try {
            expr_ptr e = parse_expression(sql);
            ++parsed;
            std::string once = to_sql(*e);
            expr_ptr again = parse_expression(once);
            ASSERT_EQ(once, to_sql(*again)) << "input: " << sql;
        } catch (const sql_error&) {
            // Some random texts are invalid (e.g. "a = b = c"); they must fail cleanly.
        }
    }
    EXPECT_GT(parsed, 1500);
}

TEST(round_trip, random_queries) {
    generator g(777);
    int parsed = 0;
    for (int i = 0; i < 1000; ++i) {
        std::string sql = g.query(3);
        try {
            query_ptr q = parse_query(sql);
            ++parsed;
            std::string once = to_sql(*q);
            query_ptr again = parse_query(once);
            ASSERT_EQ(once, to_sql(*again)) << "input: " << sql;
        } catch (const sql_error&) {
        }
    }
    EXPECT_GT(parsed, 500);
}

} // namespace
} // namespace spate::sql
