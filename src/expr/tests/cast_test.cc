#include "expr/tests/test_util.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace spate::expr;
using namespace spate::expr::testing;
namespace columnar = spate::columnar;

namespace {

// CAST of a one-row column holding `v` to `t`.
std::string cast(const value& v, data_type t) {
    auto b = make_batch({v.type}, {{v}});
    return eval_rows(make_cast(make_column_ref(0, v.type), t), b)[0];
}

} // namespace

TEST(casts, to_varchar) {
    EXPECT_EQ(cast(i32(-5), type_id::varchar), "-5");
    EXPECT_EQ(cast(dec(1250, 5, 2), type_id::varchar), "12.50");
    EXPECT_EQ(cast(f64(0.1), type_id::varchar), "0.1");
    EXPECT_EQ(cast(boolean(true), type_id::varchar), "true");
    EXPECT_EQ(cast(ts("2024-01-02 03:04:05.5"), type_id::varchar), "2024-01-02 03:04:05.5");
    EXPECT_EQ(cast(interval("90 minutes"), type_id::varchar), "01:30:00");
    EXPECT_EQ(cast(null_of(type_id::int32), type_id::varchar), "NULL");
}

TEST(casts, from_varchar) {
    EXPECT_EQ(cast(str(" 42 "), type_id::int32), "42");
    EXPECT_EQ(cast(str("abc"), type_id::int32),
              "ERROR 22P02: invalid input syntax for type integer: \"abc\"");
    EXPECT_EQ(cast(str("1.5"), type_id::int64),
              "ERROR 22P02: invalid input syntax for type bigint: \"1.5\"");
    EXPECT_EQ(cast(str("99999999999"), type_id::int32),
              "ERROR 22003: value \"99999999999\" is out of range for type integer");
    EXPECT_EQ(cast(str("2.5e3"), type_id::float64), "2500");
    EXPECT_EQ(cast(str("NaN"), type_id::float64), "NaN");
    EXPECT_EQ(cast(str("x"), type_id::float64),
              "ERROR 22P02: invalid input syntax for type double precision: \"x\"");
    EXPECT_EQ(cast(str("12.345"), data_type::decimal(5, 2)), "12.35");
    EXPECT_EQ(cast(str("1234.5"), data_type::decimal(5, 2)), "ERROR 22003: numeric field overflow");
    EXPECT_EQ(cast(str("1,5"), data_type::decimal(5, 2)),
              "ERROR 22P02: invalid input syntax for type numeric: \"1,5\"");
    for (const char* t : {"t", "TRUE", "yes", "on", "1", "y"})
        EXPECT_EQ(cast(str(t), type_id::boolean), "t") << t;
    for (const char* f : {"f", "false", "No", "off", "0"})
        EXPECT_EQ(cast(str(f), type_id::boolean), "f") << f;
    EXPECT_EQ(cast(str("maybe"), type_id::boolean),
              "ERROR 22P02: invalid input syntax for type boolean: \"maybe\"");
    EXPECT_EQ(cast(str("2024-01-02 03:04:05"), type_id::timestamp), "2024-01-02 03:04:05");
    EXPECT_EQ(cast(str("yesterday-ish"), type_id::timestamp),
              "ERROR 22007: invalid input syntax for type timestamp: \"yesterday-ish\"");
    EXPECT_EQ(cast(str("2 hours"), type_id::interval), "02:00:00");
    EXPECT_EQ(cast(str("1 month"), type_id::interval).substr(0, 11), "ERROR 22007");
}

TEST(casts, numeric_conversions) {
    EXPECT_EQ(cast(f64(2.5), type_id::int32), "2"); // half to even
    EXPECT_EQ(cast(f64(3.5), type_id::int32), "4");
    EXPECT_EQ(cast(f64(-2.5), type_id::int64), "-2");
    EXPECT_EQ(cast(f64(3e9), type_id::int32), "ERROR 22003: integer out of range");
    EXPECT_EQ(cast(f64(NAN), type_id::int64), "ERROR 22003: bigint out of range");
    EXPECT_EQ(cast(i64(3000000000), type_id::int32), "ERROR 22003: integer out of range");
    EXPECT_EQ(cast(dec(250, 5, 2), type_id::int32), "3"); // numeric: half away from zero
    EXPECT_EQ(cast(dec(-250, 5, 2), type_id::int32), "-3");
    EXPECT_EQ(cast(dec(1250, 5, 2), type_id::float64), "12.5");
    EXPECT_EQ(cast(f64(1.005), data_type::decimal(5, 1)), "1.0");
    EXPECT_EQ(cast(i32(123), data_type::decimal(4, 2)), "ERROR 22003: numeric field overflow");
    EXPECT_EQ(cast(dec(12345, 7, 3), data_type::decimal(6, 1)), "12.3");
    EXPECT_EQ(cast(boolean(true), type_id::int32), "1");
    EXPECT_EQ(cast(i32(0), type_id::boolean), "f");
}
