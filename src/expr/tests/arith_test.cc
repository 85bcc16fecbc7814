#include "expr/tests/test_util.h"

#include <gtest/gtest.h>

using namespace spate::expr;
using namespace spate::expr::testing;
namespace columnar = spate::columnar;

TEST(arith, integers) {
    EXPECT_EQ(run("+", {i32(2), i32(3)}), "5");
    EXPECT_EQ(run("-", {i32(2), i32(3)}), "-1");
    EXPECT_EQ(run("*", {i64(-4), i64(3)}), "-12");
    EXPECT_EQ(run("/", {i32(7), i32(2)}), "3");   // integer division truncates
    EXPECT_EQ(run("/", {i32(-7), i32(2)}), "-3"); // toward zero
    EXPECT_EQ(run("%", {i32(-7), i32(3)}), "-1");
    EXPECT_EQ(run("-", {i32(5)}), "-5");
    EXPECT_EQ(run("mod", {i64(10), i64(4)}), "2");
}

TEST(arith, integer_errors) {
    EXPECT_EQ(run("/", {i32(1), i32(0)}), "ERROR 22012: division by zero");
    EXPECT_EQ(run("%", {i64(1), i64(0)}), "ERROR 22012: division by zero");
    EXPECT_EQ(run("+", {i32(2147483647), i32(1)}), "ERROR 22003: integer out of range");
    EXPECT_EQ(run("*", {i64(INT64_MAX), i64(2)}), "ERROR 22003: bigint out of range");
    EXPECT_EQ(run("/", {i32(INT32_MIN), i32(-1)}), "ERROR 22003: integer out of range");
    EXPECT_EQ(run("/", {i64(INT64_MIN), i64(-1)}), "ERROR 22003: bigint out of range");
    EXPECT_EQ(run("-", {i32(INT32_MIN)}), "ERROR 22003: integer out of range");
    EXPECT_EQ(run("+", {null_of(type_id::int32), i32(1)}), "NULL");
    // A NULL divisor of zero is not an error.
    EXPECT_EQ(run("/", {null_of(type_id::int32), i32(0)}), "NULL");
}

TEST(arith, mixed_integer_widths_widen) {
    std::vector<bound_expr_ptr> refs;
    one_row({i32(1), i64(2)}, refs);
    auto e = make_call("+", refs);
    EXPECT_EQ(e->type.id, type_id::int64);
    EXPECT_EQ(e->to_string(), "(CAST($1 AS bigint) + $2)");
}

TEST(arith, decimals_and_scales) {
    // + and - keep the larger scale.
    EXPECT_EQ(run("+", {dec(1250, 5, 2), dec(1, 3, 1)}), "12.60");
    EXPECT_EQ(run("-", {dec(1250, 5, 2), dec(5, 3, 0)}), "7.50");
    // * adds the scales.
    EXPECT_EQ(run("*", {dec(150, 5, 2), dec(25, 3, 1)}), "3.750");
    // / gives at least 6 digits.
    EXPECT_EQ(run("/", {dec(1, 5, 0), dec(3, 5, 0)}), "0.333333");
    EXPECT_EQ(run("/", {dec(2, 5, 0), dec(3, 5, 0)}), "0.666667");
    EXPECT_EQ(run("/", {dec(1, 5, 0), dec(0, 5, 0)}), "ERROR 22012: division by zero");
    // Integers meet decimals as decimals.
    EXPECT_EQ(run("*", {i32(3), dec(125, 5, 2)}), "3.75");
    std::vector<bound_expr_ptr> refs;
    one_row({dec(1, 10, 2), dec(1, 10, 3)}, refs);
    EXPECT_EQ(make_call("+", refs)->type.to_string(), "numeric(12,3)");
    EXPECT_EQ(make_call("*", refs)->type.to_string(), "numeric(18,5)");
    EXPECT_EQ(make_call("/", refs)->type.to_string(), "numeric(18,6)");
    // Beyond 18 digits.
    EXPECT_EQ(run("*", {dec(999999999999999999, 18, 0), dec(10, 2, 0)}),
              "ERROR 22003: numeric field overflow");
    EXPECT_EQ(run("+", {dec(999999999999999999, 18, 0), dec(1, 18, 0)}),
              "ERROR 22003: numeric field overflow");
}

TEST(arith, doubles) {
    EXPECT_EQ(run("*", {f64(1.5), f64(2)}), "3");
    EXPECT_EQ(run("/", {f64(1), f64(4)}), "0.25");
    EXPECT_EQ(run("/", {f64(1), f64(0)}), "ERROR 22012: division by zero");
    EXPECT_EQ(run("+", {f64(1.5), i32(1)}), "2.5");
    EXPECT_EQ(run("*", {dec(2, 1, 0), f64(0.5)}), "1");
}

TEST(arith, timestamps_and_intervals) {
    EXPECT_EQ(run("+", {ts("2024-01-31 23:00:00"), interval("2 hours")}), "2024-02-01 01:00:00");
    EXPECT_EQ(run("-", {ts("2024-01-01 00:00:00"), interval("1 second")}), "2023-12-31 23:59:59");
    EXPECT_EQ(run("-", {ts("2024-01-02"), ts("2024-01-01 12:00:00")}), "12:00:00");
    EXPECT_EQ(run("+", {interval("1 hour"), interval("30 minutes")}), "01:30:00");
    EXPECT_EQ(run("*", {interval("10 seconds"), i32(3)}), "00:00:30");
    EXPECT_EQ(run("/", {interval("10 seconds"), f64(4)}), "00:00:02.5");
    EXPECT_EQ(run("/", {interval("10 seconds"), f64(0)}), "ERROR 22012: division by zero");
    EXPECT_EQ(run("-", {interval("1 day")}), "-1 days");
}

TEST(arith, operator_errors) {
    std::vector<bound_expr_ptr> refs;
    one_row({str("a"), i32(1)}, refs);
    EXPECT_EQ(bind_failure("+", refs),
              "42883: operator does not exist: varchar + integer | No operator matches the given "
              "name and argument types. You might need to add explicit type casts.");
    std::vector<bound_expr_ptr> ts_refs;
    one_row({ts("2024-01-01"), ts("2024-01-01")}, ts_refs);
    EXPECT_NE(bind_failure("+", ts_refs), "no error");
}
