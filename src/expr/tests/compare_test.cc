#include "expr/tests/test_util.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace spate::expr;
using namespace spate::expr::testing;
namespace columnar = spate::columnar;

TEST(compare, every_operator_and_type) {
    EXPECT_EQ(run("=", {i32(1), i32(1)}), "t");
    EXPECT_EQ(run("<>", {i32(1), i32(1)}), "f");
    EXPECT_EQ(run("!=", {i64(1), i64(2)}), "t");
    EXPECT_EQ(run("<", {i64(-1), i64(2)}), "t");
    EXPECT_EQ(run("<=", {f64(2), f64(2)}), "t");
    EXPECT_EQ(run(">", {dec(150, 5, 2), dec(15, 5, 1)}), "f"); // 1.50 vs 1.5
    EXPECT_EQ(run("=", {dec(150, 5, 2), dec(15, 5, 1)}), "t");
    EXPECT_EQ(run(">=", {i32(2), f64(1.5)}), "t");
    EXPECT_EQ(run("<", {str("B"), str("a")}), "t"); // bytewise
    EXPECT_EQ(run("<", {str("z"), str("é")}), "t"); // UTF-8 bytes sort above ASCII
    EXPECT_EQ(run("=", {str("ab"), str("abc")}), "f");
    EXPECT_EQ(run("<", {str("ab"), str("abc")}), "t");
    EXPECT_EQ(run("<", {boolean(false), boolean(true)}), "t");
    EXPECT_EQ(run(">", {ts("2024-01-02"), ts("2024-01-01 23:59:59")}), "t");
    EXPECT_EQ(run("<", {interval("59 minutes"), interval("1 hour")}), "t");
    EXPECT_EQ(run("=", {null_of(type_id::int32), i32(1)}), "NULL");
}

TEST(compare, nan_as_postgres) {
    EXPECT_EQ(run("=", {f64(NAN), f64(NAN)}), "t");
    EXPECT_EQ(run(">", {f64(NAN), f64(INFINITY)}), "t");
    EXPECT_EQ(run("<", {f64(1), f64(NAN)}), "t");
}

TEST(compare, literals_take_the_other_type) {
    columnar::batch one;
    one.rows = 1;
    auto t = make_constant(ts("2024-01-02"));
    EXPECT_EQ(eval_rows(make_call(">", {t, make_constant(str("2024-01-01 12:00"))}), one)[0], "t");
    EXPECT_EQ(eval_rows(make_call("=", {make_constant(boolean(true)), make_constant(str("yes"))}),
                        one)[0],
              "t");
    // A literal that does not convert fails at bind time.
    std::vector<bound_expr_ptr> refs;
    one_row({i32(3)}, refs);
    EXPECT_EQ(bind_failure("=", {refs[0], make_constant(str("x"))}),
              "22P02: invalid input syntax for type integer: \"x\" | ");
}

TEST(compare, in_list_mixed_types_and_strings) {
    auto b =
        make_batch({type_id::varchar, type_id::int32},
                   {{str("a"), i32(1)}, {str("c"), i32(2)}, {null_of(type_id::varchar), i32(3)}});
    auto s = make_column_ref(0, type_id::varchar);
    auto n = make_column_ref(1, type_id::int32);
    EXPECT_EQ(
        eval_rows(make_in_list(s, {make_constant(str("a")), make_constant(str("b"))}, false), b),
        (std::vector<std::string>{"t", "f", "NULL"}));
    auto in = make_in_list(n, {make_constant(f64(2.0)), make_constant(dec(30, 3, 1))}, false);
    EXPECT_EQ(eval_rows(in, b), (std::vector<std::string>{"f", "t", "t"}));
    EXPECT_EQ(eval_rows(make_nullif(s, make_constant(str("a"))), b),
              (std::vector<std::string>{"NULL", "c", "NULL"}));
    EXPECT_EQ(eval_rows(make_coalesce({s, make_constant(str("none"))}), b),
              (std::vector<std::string>{"a", "c", "none"}));
    try {
        make_in_list(n, {make_constant(ts("2024-01-01"))}, false);
        FAIL();
    } catch (const bind_error& e) {
        EXPECT_EQ(e.sqlstate, "42804");
        EXPECT_EQ(e.message, "IN types integer and timestamp cannot be matched");
    }
}
