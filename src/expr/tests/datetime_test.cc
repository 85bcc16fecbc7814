#include "expr/tests/test_util.h"

#include <gtest/gtest.h>

using namespace spate::expr;
using namespace spate::expr::testing;
namespace columnar = spate::columnar;

TEST(datetime, date_part_fields) {
    value t = ts("2024-02-29 13:45:12.5"); // a Thursday
    EXPECT_EQ(run("date_part", {str("year"), t}), "2024");
    EXPECT_EQ(run("date_part", {str("quarter"), t}), "1");
    EXPECT_EQ(run("date_part", {str("month"), t}), "2");
    EXPECT_EQ(run("date_part", {str("week"), t}), "9");
    EXPECT_EQ(run("date_part", {str("day"), t}), "29");
    EXPECT_EQ(run("date_part", {str("dow"), t}), "4");
    EXPECT_EQ(run("date_part", {str("doy"), t}), "60");
    EXPECT_EQ(run("date_part", {str("hour"), t}), "13");
    EXPECT_EQ(run("date_part", {str("minute"), t}), "45");
    EXPECT_EQ(run("date_part", {str("second"), t}), "12.5");
    EXPECT_EQ(run("date_part", {str("milliseconds"), t}), "12500");
    EXPECT_EQ(run("extract", {str("EPOCH"), ts("1970-01-01 00:00:01.5")}), "1.5");
    EXPECT_EQ(run("date_part", {str("week"), ts("2021-01-03")}), "53"); // ISO week of 2020
    EXPECT_EQ(run("date_part", {str("year"), ts("1969-12-31 23:59:59")}), "1969");
    EXPECT_EQ(run("date_part", {str("fortnight"), t}),
              "ERROR 22023: unit \"fortnight\" not recognized for type timestamp");
    EXPECT_EQ(run_const("date_part", {str("fortnight"), t}),
              "BIND 22023: unit \"fortnight\" not recognized for type timestamp");
}

TEST(datetime, date_trunc) {
    value t = ts("2024-05-15 13:45:12.345"); // a Wednesday
    EXPECT_EQ(run("date_trunc", {str("second"), t}), "2024-05-15 13:45:12");
    EXPECT_EQ(run("date_trunc", {str("minute"), t}), "2024-05-15 13:45:00");
    EXPECT_EQ(run("date_trunc", {str("hour"), t}), "2024-05-15 13:00:00");
    EXPECT_EQ(run("date_trunc", {str("day"), t}), "2024-05-15 00:00:00");
    EXPECT_EQ(run("date_trunc", {str("week"), t}), "2024-05-13 00:00:00");
    EXPECT_EQ(run("date_trunc", {str("month"), t}), "2024-05-01 00:00:00");
    EXPECT_EQ(run("date_trunc", {str("quarter"), t}), "2024-04-01 00:00:00");
    EXPECT_EQ(run("date_trunc", {str("year"), t}), "2024-01-01 00:00:00");
    EXPECT_EQ(run("date_trunc", {str("milliseconds"), t}), "2024-05-15 13:45:12.345");
    EXPECT_EQ(run("date_trunc", {str("hour"), ts("1969-12-31 23:30:00")}), "1969-12-31 23:00:00");
}

TEST(datetime, formats) {
    value t = ts("2024-03-05 07:08:09.012");
    EXPECT_EQ(run("to_char", {t, str("YYYY-MM-DD HH24:MI:SS.MS")}), "2024-03-05 07:08:09.012");
    EXPECT_EQ(run("to_char", {t, str("DD/MM/YY \"at\" HH12")}), "05/03/24 at 07");
    EXPECT_EQ(run("date_format", {t, str("yyyy-MM-dd HH:mm:ss")}), "2024-03-05 07:08:09");
    EXPECT_EQ(run("date_format", {t, str("yyyyMMdd'T'HHmm.SSS")}), "20240305T0708.012");
    EXPECT_EQ(run("to_timestamp", {str("2024-03-05 07:08:09"), str("YYYY-MM-DD HH24:MI:SS")}),
              "2024-03-05 07:08:09");
    EXPECT_EQ(run("to_timestamp", {str("05/03/2024"), str("DD/MM/YYYY")}), "2024-03-05 00:00:00");
    EXPECT_EQ(run("to_timestamp", {str("2024-13-01"), str("YYYY-MM-DD")}),
              "ERROR 22008: date/time field value out of range");
    EXPECT_EQ(run("to_timestamp", {str("2023-02-29"), str("YYYY-MM-DD")}),
              "ERROR 22008: date/time field value out of range");
    EXPECT_EQ(run("to_timestamp", {str("xx"), str("YYYY")}),
              "ERROR 22007: invalid value \"xx\" for \"YYYY\"");
    EXPECT_EQ(run("to_timestamp", {f64(1.5)}), "1970-01-01 00:00:01.5");
}

TEST(datetime, flink_shorthands_and_epoch) {
    value t = ts("2024-03-05 07:08:09.5"); // a Tuesday
    EXPECT_EQ(run("year", {t}), "2024");
    EXPECT_EQ(run("month", {t}), "3");
    EXPECT_EQ(run("dayofmonth", {t}), "5");
    EXPECT_EQ(run("hour", {t}), "7");
    EXPECT_EQ(run("minute", {t}), "8");
    EXPECT_EQ(run("second", {t}), "9");
    EXPECT_EQ(run("dayofweek", {t}), "3");
    EXPECT_EQ(run("epoch_ms", {ts("1970-01-01 00:00:01.5")}), "1500");
    EXPECT_EQ(run("to_timestamp_ms", {i64(1500)}), "1970-01-01 00:00:01.5");
    EXPECT_EQ(run("year", {null_of(type_id::timestamp)}), "NULL");
}

TEST(datetime, now_is_recent) {
    columnar::batch one;
    one.rows = 3;
    auto rows = eval_rows(make_call("now", {}), one);
    EXPECT_EQ(rows[0].substr(0, 2), "20");
    EXPECT_EQ(rows[0], rows[2]);
}
