#include "expr/tests/test_util.h"

#include <gtest/gtest.h>

using namespace spate::expr;
using namespace spate::expr::testing;
namespace columnar = spate::columnar;

TEST(math, abs_sign_rounding) {
    EXPECT_EQ(run("abs", {i32(-3)}), "3");
    EXPECT_EQ(run("abs", {i32(INT32_MIN)}), "ERROR 22003: integer out of range");
    EXPECT_EQ(run("abs", {dec(-150, 5, 2)}), "1.50");
    EXPECT_EQ(run("abs", {f64(-2.5)}), "2.5");
    EXPECT_EQ(run("sign", {f64(-2.5)}), "-1");
    EXPECT_EQ(run("sign", {i64(0)}), "0");
    EXPECT_EQ(run("ceil", {f64(1.2)}), "2");
    EXPECT_EQ(run("ceiling", {dec(-125, 5, 2)}), "-1");
    EXPECT_EQ(run("floor", {dec(-125, 5, 2)}), "-2");
    EXPECT_EQ(run("round", {dec(125, 5, 2)}), "1");
    EXPECT_EQ(run("round", {dec(150, 5, 2)}), "2"); // numeric: half away from zero
    EXPECT_EQ(run("round", {dec(-250, 5, 2)}), "-3");
    EXPECT_EQ(run("round", {f64(2.5)}), "2"); // double: half to even
    EXPECT_EQ(run("round", {dec(12345, 7, 3), i32(1)}), "12.300");
    EXPECT_EQ(run("round", {f64(3.14159), i32(2)}), "3.14");
    EXPECT_EQ(run("round", {i32(1234), i32(-2)}), "1200");
    EXPECT_EQ(run("trunc", {f64(-1.7)}), "-1");
    EXPECT_EQ(run("trunc", {dec(12399, 7, 3), i32(1)}), "12.300");
    EXPECT_EQ(run("mod", {dec(75, 3, 1), dec(2, 3, 0)}), "1.5");
}

TEST(math, roots_powers_logs) {
    EXPECT_EQ(run("sqrt", {f64(16)}), "4");
    EXPECT_EQ(run("sqrt", {i32(2)}).substr(0, 6), "1.4142");
    EXPECT_EQ(run("sqrt", {f64(-1)}), "ERROR 2201F: cannot take square root of a negative number");
    EXPECT_EQ(run("cbrt", {f64(27)}), "3");
    EXPECT_EQ(run("power", {i32(2), i32(10)}), "1024");
    EXPECT_EQ(run("pow", {f64(0), f64(-1)}),
              "ERROR 2201F: zero raised to a negative power is undefined");
    EXPECT_EQ(run("power", {f64(-8), f64(0.5)}),
              "ERROR 2201F: a negative number raised to a non-integer power yields a complex "
              "result");
    EXPECT_EQ(run("exp", {f64(0)}), "1");
    EXPECT_EQ(run("exp", {f64(1000)}), "ERROR 22003: value out of range: overflow");
    EXPECT_EQ(run("ln", {f64(1)}), "0");
    EXPECT_EQ(run("ln", {f64(0)}), "ERROR 2201E: cannot take logarithm of zero");
    EXPECT_EQ(run("log10", {f64(-1)}), "ERROR 2201E: cannot take logarithm of a negative number");
    EXPECT_EQ(run("log10", {f64(1000)}), "3");
    EXPECT_EQ(run("log", {f64(100)}), "2");
    EXPECT_EQ(run("log", {f64(2), f64(8)}), "3");
}

TEST(math, trigonometry) {
    EXPECT_EQ(run_const("pi", {}), "3.141592653589793");
    EXPECT_EQ(run("sin", {f64(0)}), "0");
    EXPECT_EQ(run("cos", {f64(0)}), "1");
    EXPECT_EQ(run("atan2", {f64(1), f64(1)}), "0.7853981633974483");
    EXPECT_EQ(run("degrees", {f64(3.141592653589793)}), "180");
    EXPECT_EQ(run("radians", {f64(180)}), "3.141592653589793");
    EXPECT_EQ(run("asin", {f64(2)}), "ERROR 22003: input is out of range");
    EXPECT_EQ(run("acos", {f64(1)}), "0");
}

TEST(math, greatest_least_ignore_nulls) {
    EXPECT_EQ(run("greatest", {i32(1), null_of(type_id::int32), i32(3)}), "3");
    EXPECT_EQ(run("least", {i32(1), i64(-3), i32(3)}), "-3");
    EXPECT_EQ(run("greatest", {i32(1), f64(2.5)}), "2.5");
    EXPECT_EQ(run("least", {str("b"), str("a")}), "a");
    EXPECT_EQ(run("greatest", {null_of(type_id::int32), null_of(type_id::int32)}), "NULL");
    EXPECT_EQ(run("greatest", {dec(150, 5, 2), i32(1)}), "1.50");
    EXPECT_EQ(run("greatest", {i32(1), str("x")}).substr(0, 10), "BIND 42804");
}

TEST(math, random_in_unit_interval) {
    columnar::batch b;
    b.rows = 1000;
    evaluator ev(make_call("random", {}));
    row_errors errors;
    auto c = ev.evaluate(b, errors);
    double lo = 1, hi = 0;
    for (size_t i = 0; i < 1000; ++i)
        lo = std::min(lo, c->f64()[i]), hi = std::max(hi, c->f64()[i]);
    EXPECT_GE(lo, 0.0);
    EXPECT_LT(hi, 1.0);
    EXPECT_LT(lo, hi);
}
