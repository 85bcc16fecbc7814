#include "sql/parser.h"
#include "test_util.h"

#include <gtest/gtest.h>

namespace spate::sql {
namespace {

using testing::expr_rt;
using testing::expr_sql;

TEST(parse_expr, literals) {
    auto e = expr_rt("42");
    ASSERT_EQ(e->kind, expr_kind::literal);
    EXPECT_TRUE(e->is<literal_expr>());
    EXPECT_FALSE(e->is<binary_expr>());
    EXPECT_EQ(e->as<literal_expr>().lit, literal_kind::integer);
    EXPECT_EQ(e->as<literal_expr>().int_value, 42);

    e = expr_rt("99999999999999999999");
    EXPECT_EQ(e->as<literal_expr>().lit, literal_kind::numeric);
    EXPECT_EQ(e->as<literal_expr>().text, "99999999999999999999");
    EXPECT_EQ(expr_rt("9223372036854775807")->as<literal_expr>().int_value, INT64_MAX);

    e = expr_rt("1.50");
    EXPECT_EQ(e->as<literal_expr>().lit, literal_kind::numeric);
    EXPECT_EQ(e->as<literal_expr>().text, "1.50");
    EXPECT_EQ(expr_rt("1e10")->as<literal_expr>().text, "1e10");

    e = expr_rt("'it''s'");
    EXPECT_EQ(e->as<literal_expr>().lit, literal_kind::string);
    EXPECT_EQ(e->as<literal_expr>().text, "it's");
    EXPECT_EQ(expr_sql("'it''s'"), "'it''s'");

    EXPECT_EQ(expr_rt("NULL")->as<literal_expr>().lit, literal_kind::null);
    EXPECT_TRUE(expr_rt("true")->as<literal_expr>().bool_value);
    EXPECT_FALSE(expr_rt("FALSE")->as<literal_expr>().bool_value);
    EXPECT_EQ(expr_rt("$3")->as<parameter_expr>().index, 3u);
    EXPECT_THROW(parse_expression("$0"), syntax_error);
}

TEST(parse_expr, typed_literals_keep_text_and_qualifiers) {
    auto e = expr_rt("TIMESTAMP '2024-01-01 00:00:00'");
    ASSERT_EQ(e->kind, expr_kind::typed_literal);
    EXPECT_EQ(e->as<typed_literal_expr>().type.name, "timestamp");
    EXPECT_EQ(e->as<typed_literal_expr>().value, "2024-01-01 00:00:00");
    EXPECT_EQ(expr_rt("DATE '2024-01-01'")->as<typed_literal_expr>().type.name, "date");

    e = expr_rt("INTERVAL '4' SECOND");
    EXPECT_EQ(e->as<typed_literal_expr>().value, "4");
    EXPECT_EQ(e->as<typed_literal_expr>().leading_field, "second");
    EXPECT_EQ(e->as<typed_literal_expr>().trailing_field, "");

    e = expr_rt("interval '4 seconds'");
    EXPECT_EQ(e->as<typed_literal_expr>().value, "4 seconds");
    EXPECT_EQ(e->as<typed_literal_expr>().leading_field, "");

    e = expr_rt("INTERVAL '1 02:03:04' DAY TO SECOND");
    EXPECT_EQ(e->as<typed_literal_expr>().leading_field, "day");
    EXPECT_EQ(e->as<typed_literal_expr>().trailing_field, "second");
    EXPECT_EQ(expr_sql("INTERVAL '1' day to second"), "INTERVAL '1' DAY TO SECOND");

    // The same words are columns when no string follows.
    EXPECT_EQ(expr_rt("timestamp")->kind, expr_kind::column_ref);
    EXPECT_EQ(expr_sql("date + interval"), "(\"date\" + \"interval\")");
}

TEST(parse_expr, column_refs_and_stars) {
    auto e = expr_rt("a");
    EXPECT_EQ(e->as<column_ref_expr>().names, (qualified_name{"a"}));
    e = expr_rt("S.T.\"Col\"");
    EXPECT_EQ(e->as<column_ref_expr>().names, (qualified_name{"s", "t", "Col"}));
    EXPECT_THROW(parse_expression("a.b.c.d"), syntax_error);
    e = expr_rt("t.*");
    ASSERT_EQ(e->kind, expr_kind::star);
    EXPECT_EQ(e->as<star_expr>().qualifier, (qualified_name{"t"}));
    // Non-reserved keywords are identifiers.
    EXPECT_EQ(expr_rt("source + sink + watermark + value + key + window_start + first")->kind,
              expr_kind::binary);
    EXPECT_THROW(parse_expression("select"), syntax_error);
}

TEST(parse_expr, precedence_as_postgres) {
    EXPECT_EQ(expr_sql("a OR b AND c"), "(a OR (b AND c))");
    EXPECT_EQ(expr_sql("NOT a AND b"), "((NOT a) AND b)");
    EXPECT_EQ(expr_sql("NOT a = b"), "(NOT (a = b))");
    EXPECT_EQ(expr_sql("a = b IS NULL"), "((a = b) IS NULL)");
    EXPECT_EQ(expr_sql("a < b + c * d"), "(a < (b + (c * d)))");
    EXPECT_EQ(expr_sql("a - b - c"), "((a - b) - c)");
    EXPECT_EQ(expr_sql("a / b % c"), "((a / b) % c)");
    EXPECT_EQ(expr_sql("2 ^ 3 ^ 2"), "((2 ^ 3) ^ 2)");
    EXPECT_EQ(expr_sql("-2 ^ 2"), "((- 2) ^ 2)");
    EXPECT_EQ(expr_sql("a * b ^ c"), "(a * (b ^ c))");
    EXPECT_EQ(expr_sql("a || b + c"), "(a || (b + c))");
    EXPECT_EQ(expr_sql("a || b = c"), "((a || b) = c)");
    EXPECT_EQ(expr_sql("j -> 'a' ->> 'b'"), "((j -> 'a') ->> 'b')");
    EXPECT_EQ(expr_sql("a LIKE b || c"), "(a LIKE (b || c))");
    EXPECT_EQ(expr_sql("a BETWEEN 1 AND 2 AND c"), "((a BETWEEN 1 AND 2) AND c)");
    EXPECT_EQ(expr_sql("a IN (1, 2) = true"), "((a IN (1, 2)) = TRUE)");
    EXPECT_EQ(expr_sql("-a::int"), "(- CAST(a AS integer))");
    EXPECT_EQ(expr_sql("a[1]::text"), "CAST(a[1] AS text)");
    EXPECT_EQ(expr_sql("- - a"), "(- (- a))");
    EXPECT_EQ(expr_sql("(a OR b) AND c"), "((a OR b) AND c)");
    // NOT may be the operand of a tighter operator, and takes what NOT takes.
    EXPECT_EQ(expr_sql("a = NOT b"), "(a = (NOT b))");
    EXPECT_EQ(expr_sql("a = NOT b AND c"), "((a = (NOT b)) AND c)");
    EXPECT_EQ(expr_sql("a = NOT b = c"), "(a = (NOT (b = c)))");
    EXPECT_EQ(expr_sql("- NOT b"), "(- (NOT b))");
    // A tighter operator may follow a postfix IS, taking it as its left operand.
    EXPECT_EQ(expr_sql("x IS NULL = false"), "((x IS NULL) = FALSE)");
    EXPECT_EQ(expr_sql("x IS NULL + 1 * 2"), "((x IS NULL) + (1 * 2))");
    EXPECT_EQ(expr_sql("x IS NULL::text"), "CAST((x IS NULL) AS text)");
    EXPECT_EQ(expr_sql("a = b IS NULL = c IS TRUE"), "((((a = b) IS NULL) = c) IS TRUE)");
    EXPECT_EQ(expr_sql("x IS NULL AND y"), "((x IS NULL) AND y)");
    EXPECT_EQ(expr_sql("a IN (1) * 2 = 3"), "(((a IN (1)) * 2) = 3)");
    EXPECT_THROW(parse_expression("a IN (1) IN (2)"), syntax_error);
    // Comparisons do not associate (as in Postgres).
    EXPECT_THROW(parse_expression("a = b = c"), syntax_error);
    EXPECT_THROW(parse_expression("a < b < c"), syntax_error);
}

TEST(parse_expr, binary_operators) {
    const char* ops[] = {"+",
                         "-",
                         "*",
                         "/",
                         "%",
                         "^",
                         "||",
                         "=",
                         "<>",
                         "<",
                         "<=",
                         ">",
                         ">=",
                         "AND",
                         "OR",
                         "LIKE",
                         "NOT LIKE",
                         "ILIKE",
                         "NOT ILIKE",
                         "->",
                         "->>",
                         "IS DISTINCT FROM",
                         "IS NOT DISTINCT FROM"};
    for (const char* op : ops) {
        std::string sql = std::string("x ") + op + " y";
        auto e = expr_rt(sql);
        ASSERT_EQ(e->kind, expr_kind::binary) << op;
        EXPECT_STREQ(binary_op_sql(e->as<binary_expr>().op), op);
    }
    EXPECT_EQ(expr_rt("a != b")->as<binary_expr>().op, binary_op::ne);
    auto e = expr_rt("a NOT LIKE 'x!%' ESCAPE '!'");
    EXPECT_EQ(e->as<binary_expr>().op, binary_op::not_like);
    ASSERT_TRUE(e->as<binary_expr>().escape);
    EXPECT_EQ(to_sql(*e), "(a NOT LIKE 'x!%' ESCAPE '!')");
}

TEST(parse_expr, is_between_in) {
    auto e = expr_rt("a IS NOT NULL");
    EXPECT_EQ(e->as<is_expr>().test, is_test_kind::null);
    EXPECT_TRUE(e->as<is_expr>().negated);
    EXPECT_EQ(expr_rt("a IS TRUE")->as<is_expr>().test, is_test_kind::true_);
    EXPECT_EQ(expr_rt("a IS NOT FALSE")->as<is_expr>().test, is_test_kind::false_);
    EXPECT_THROW(parse_expression("a IS 3"), syntax_error);

    e = expr_rt("a NOT BETWEEN SYMMETRIC 1 AND 2");
    EXPECT_TRUE(e->as<between_expr>().negated);
    EXPECT_TRUE(e->as<between_expr>().symmetric);
    EXPECT_THROW(parse_expression("a BETWEEN 1"), syntax_error);

    e = expr_rt("a NOT IN (1, 2, 3)");
    EXPECT_TRUE(e->as<in_list_expr>().negated);
    EXPECT_EQ(e->as<in_list_expr>().list.size(), 3u);
    EXPECT_THROW(parse_expression("a IN ()"), syntax_error);

    e = expr_rt("a IN (SELECT b FROM t)");
    ASSERT_EQ(e->kind, expr_kind::in_subquery);
    e = expr_rt("NOT EXISTS (SELECT 1 FROM t WHERE t.a = b)");
    EXPECT_EQ(e->as<unary_expr>().operand->kind, expr_kind::exists);
    e = expr_rt("(SELECT max(a) FROM t) + 1");
    EXPECT_EQ(e->as<binary_expr>().left->kind, expr_kind::subquery);
}

TEST(parse_expr, case_and_cast) {
    auto e = expr_rt("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END");
    EXPECT_FALSE(e->as<case_expr>().operand);
    EXPECT_EQ(e->as<case_expr>().whens.size(), 2u);
    EXPECT_TRUE(e->as<case_expr>().else_result);
    e = expr_rt("CASE a WHEN 1 THEN 'one' END");
    EXPECT_TRUE(e->as<case_expr>().operand);
    EXPECT_FALSE(e->as<case_expr>().else_result);
    EXPECT_THROW(parse_expression("CASE END"), syntax_error);
    EXPECT_THROW(parse_expression("CASE WHEN a THEN b"), syntax_error);

    e = expr_rt("CAST(a AS varchar(10))");
    EXPECT_EQ(e->as<cast_expr>().type.name, "varchar");
    EXPECT_EQ(e->as<cast_expr>().type.params, (std::vector<int64_t>{10}));
    EXPECT_EQ(expr_sql("a::numeric(10, 2)"), "CAST(a AS decimal(10, 2))");
}

TEST(parse_expr, type_names_are_canonical) {
    struct {
        const char* written;
        const char* canonical;
    } cases[] = {
        {"bool", "boolean"},
        {"boolean", "boolean"},
        {"int2", "smallint"},
        {"smallint", "smallint"},
        {"int", "integer"},
        {"integer", "integer"},
        {"int4", "integer"},
        {"int8", "bigint"},
        {"bigint", "bigint"},
        {"real", "real"},
        {"float4", "real"},
        {"double precision", "double"},
        {"float8", "double"},
        {"double", "double"},
        {"float", "double"},
        {"numeric(10,2)", "decimal(10, 2)"},
        {"decimal", "decimal"},
        {"varchar", "varchar"},
        {"character varying(5)", "varchar(5)"},
        {"text", "text"},
        {"string", "text"},
        {"char(3)", "char(3)"},
        {"timestamp", "timestamp"},
        {"timestamp(3)", "timestamp(3)"},
        {"timestamp without time zone", "timestamp"},
        {"timestamp(3) with time zone", "timestamptz(3)"},
        {"timestamptz", "timestamptz"},
        {"date", "date"},
        {"interval", "interval"},
        {"json", "json"},
        {"jsonb", "jsonb"},
    };
    for (const auto& c : cases) {
        auto e = expr_rt(std::string("CAST(x AS ") + c.written + ")");
        EXPECT_EQ(to_sql(e->as<cast_expr>().type), c.canonical) << c.written;
    }
    EXPECT_THROW(parse_expression("CAST(x AS varchar(a))"), syntax_error);
    EXPECT_THROW(parse_expression("CAST(x AS)"), syntax_error);
}

TEST(parse_expr, function_calls) {
    auto e = expr_rt("count(*)");
    EXPECT_TRUE(e->as<function_call_expr>().star);
    e = expr_rt("count(DISTINCT a)");
    EXPECT_TRUE(e->as<function_call_expr>().distinct);
    e = expr_rt("pg_catalog.lower(a)");
    EXPECT_EQ(e->as<function_call_expr>().name, (qualified_name{"pg_catalog", "lower"}));
    e = expr_rt("f(a, size => 3)");
    EXPECT_EQ(e->as<function_call_expr>().args[1].name, "size");
    e = expr_rt("sum(x) FILTER (WHERE x > 0)");
    EXPECT_TRUE(e->as<function_call_expr>().filter);
    e = expr_rt("string_agg(s, ',' ORDER BY s DESC)");
    EXPECT_EQ(e->as<function_call_expr>().order_by.size(), 1u);
    e = expr_rt("now()");
    EXPECT_EQ(e->as<function_call_expr>().name, (qualified_name{"now"}));
    EXPECT_TRUE(e->as<function_call_expr>().args.empty());
    EXPECT_EQ(expr_sql("left(s, 2)"), "\"left\"(s, 2)");
    EXPECT_THROW(parse_expression("f(a,)"), syntax_error);
    EXPECT_THROW(parse_expression("f(a"), syntax_error);
}

TEST(parse_expr, window_functions) {
    auto e = expr_rt("row_number() OVER (PARTITION BY a, b ORDER BY c DESC NULLS LAST)");
    const auto& f = e->as<function_call_expr>();
    ASSERT_TRUE(f.over);
    EXPECT_EQ(f.over->partition_by.size(), 2u);
    EXPECT_EQ(f.over->order_by[0].nulls, nulls_order::last);
    EXPECT_FALSE(f.over->frame);

    e = expr_rt("sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)");
    const auto& frame = *e->as<function_call_expr>().over->frame;
    EXPECT_EQ(frame.unit, frame_unit::rows);
    EXPECT_EQ(frame.start.kind, frame_bound_kind::preceding);
    EXPECT_EQ(frame.end.kind, frame_bound_kind::current_row);

    e = expr_rt("sum(x) OVER (ORDER BY t RANGE INTERVAL '1' HOUR PRECEDING)");
    EXPECT_EQ(e->as<function_call_expr>().over->frame->end.kind, frame_bound_kind::current_row);
    EXPECT_EQ(expr_sql("sum(x) OVER (ORDER BY t RANGE UNBOUNDED PRECEDING)"),
              "sum(x) OVER (ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
    e = expr_rt("sum(x) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)");
    EXPECT_EQ(e->as<function_call_expr>().over->frame->end.kind,
              frame_bound_kind::unbounded_following);

    e = expr_rt("rank() OVER w");
    EXPECT_EQ(e->as<function_call_expr>().over_name, "w");
    e = expr_rt("rank() OVER (w ORDER BY a)");
    EXPECT_EQ(e->as<function_call_expr>().over->base_name, "w");
    EXPECT_THROW(parse_expression("sum(x) OVER (ROWS 2)"), syntax_error);
    EXPECT_THROW(parse_expression("sum(x) OVER"), syntax_error);
}

TEST(parse_expr, special_forms_map_to_calls) {
    EXPECT_EQ(expr_sql("EXTRACT(YEAR FROM ts)"), "date_part('year', ts)");
    EXPECT_EQ(expr_sql("SUBSTRING(s FROM 2 FOR 3)"), "\"substring\"(s, 2, 3)");
    EXPECT_EQ(expr_sql("substring(s, 2)"), "\"substring\"(s, 2)");
    EXPECT_EQ(expr_sql("substring(s FOR 3)"), "\"substring\"(s, 1, 3)");
    EXPECT_EQ(expr_sql("POSITION('b' IN s)"), "strpos(s, 'b')");
    EXPECT_EQ(expr_sql("TRIM(s)"), "btrim(s)");
    EXPECT_EQ(expr_sql("TRIM(BOTH 'x' FROM s)"), "btrim(s, 'x')");
    EXPECT_EQ(expr_sql("TRIM(LEADING FROM s)"), "ltrim(s)");
    EXPECT_EQ(expr_sql("TRIM(TRAILING 'x' FROM s)"), "rtrim(s, 'x')");
    EXPECT_EQ(expr_sql("CURRENT_TIMESTAMP"), "CURRENT_TIMESTAMP");
    EXPECT_EQ(expr_sql("current_date + 1"), "(CURRENT_DATE + 1)");
    EXPECT_THROW(parse_expression("POSITION('b' s)"), syntax_error);
    EXPECT_THROW(parse_expression("EXTRACT(YEAR ts)"), syntax_error);
}

TEST(parse_expr, arrays_and_subscripts) {
    auto e = expr_rt("ARRAY[1, 2, 3]");
    EXPECT_EQ(e->as<array_expr>().elements.size(), 3u);
    EXPECT_TRUE(expr_rt("ARRAY[]")->as<array_expr>().elements.empty());
    e = expr_rt("a[1][2]");
    EXPECT_EQ(e->as<subscript_expr>().operand->kind, expr_kind::subscript);
    EXPECT_EQ(expr_sql("(a || b)[1]"), "(a || b)[1]");
    EXPECT_THROW(parse_expression("a[1"), syntax_error);
}

TEST(parse_expr, positions_are_recorded) {
    auto e = parse_expression("a +\n  b * c");
    EXPECT_EQ(e->pos.line, 1u);
    EXPECT_EQ(e->pos.column, 3u); // the operator
    const auto& mul = *e->as<binary_expr>().right;
    EXPECT_EQ(mul.pos.line, 2u);
    EXPECT_EQ(mul.pos.column, 5u);
    EXPECT_EQ(mul.as<binary_expr>().left->pos.column, 3u);
}

TEST(parse_expr, quoting_in_printing) {
    EXPECT_EQ(expr_sql("\"Select\" + \"from\" + \"a b\" + \"x\"\"y\""),
              "(((\"Select\" + \"from\") + \"a b\") + \"x\"\"y\")");
    EXPECT_EQ(expr_sql("\"plain\""), "plain");
}

TEST(parse_expr, trailing_garbage_is_an_error) {
    EXPECT_THROW(parse_expression("a b"), syntax_error);
    EXPECT_THROW(parse_expression(""), syntax_error);
    EXPECT_THROW(parse_expression("(a"), syntax_error);
    EXPECT_THROW(parse_expression("a)"), syntax_error);
}

} // namespace
} // namespace spate::sql
