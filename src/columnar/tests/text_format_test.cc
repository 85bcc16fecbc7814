#include "columnar/text_format.h"

#include <gtest/gtest.h>

using namespace spate::columnar;

namespace {
std::string ts(int64_t ms) {
    std::string s;
    append_timestamp_text(ms, s);
    return s;
}
std::string iv(int64_t ms) {
    std::string s;
    append_interval_text(ms, s);
    return s;
}
std::string dbl(double v) {
    std::string s;
    append_double_text(v, s);
    return s;
}
} // namespace

TEST(text_format, timestamps_round_trip) {
    EXPECT_EQ(ts(0), "1970-01-01 00:00:00");
    EXPECT_EQ(ts(-1), "1969-12-31 23:59:59.999");
    EXPECT_EQ(ts(1'700'000'000'250), "2023-11-14 22:13:20.25");
    EXPECT_EQ(*parse_timestamp("2023-11-14 22:13:20.25"), 1'700'000'000'250);
    EXPECT_EQ(*parse_timestamp("2023-11-14T22:13:20.250999Z"), 1'700'000'000'250);
    EXPECT_EQ(*parse_timestamp("2023-11-15T00:13:20.25+02:00"), 1'700'000'000'250);
    EXPECT_EQ(*parse_timestamp("2024-02-29"), days_from_civil(2024, 2, 29) * 86'400'000);
    for (int64_t ms :
         {int64_t(0), int64_t(951'782'400'000), int64_t(-86'400'001), int64_t(4'102'444'799'999)})
        EXPECT_EQ(*parse_timestamp(ts(ms)), ms) << ts(ms);
}

TEST(text_format, bad_timestamps_are_refused) {
    for (const char* s :
         {"", "2023", "2023-13-01", "2023-02-29", "2023-01-01 24:00:00", "2023-01-01 10:00:00.",
          "2023-01-01x", "2023-01-01 10:00:00 junk", "abcd-ef-gh"})
        EXPECT_FALSE(parse_timestamp(s).has_value()) << s;
}

TEST(text_format, intervals) {
    EXPECT_EQ(iv(0), "00:00:00");
    EXPECT_EQ(iv(10'000), "00:00:10");
    EXPECT_EQ(iv(-10'000), "-00:00:10");
    EXPECT_EQ(iv(86'400'000 + 2 * 3'600'000 + 3 * 60'000 + 4'500), "1 day 02:03:04.5");
    EXPECT_EQ(iv(3 * 86'400'000), "3 days");
    EXPECT_EQ(*parse_interval("10 seconds"), 10'000);
    EXPECT_EQ(*parse_interval("4"), 4'000);
    EXPECT_EQ(*parse_interval("1 day 02:00:00"), 86'400'000 + 7'200'000);
    EXPECT_EQ(*parse_interval("2 hours 30 minutes"), 9'000'000);
    EXPECT_EQ(*parse_interval("1.5 minutes"), 90'000);
    EXPECT_EQ(*parse_interval("-5 s"), -5'000);
    std::string why;
    EXPECT_FALSE(parse_interval("1 month", &why));
    EXPECT_NE(why.find("months"), std::string::npos);
    EXPECT_FALSE(parse_interval("3 fortnights", &why));
    EXPECT_NE(why.find("fortnights"), std::string::npos);
    EXPECT_FALSE(parse_interval("", &why));
}

TEST(text_format, decimals) {
    EXPECT_EQ(*parse_decimal("12.5", 2), 1250);
    EXPECT_EQ(*parse_decimal("-0.005", 2), -1); // rounds half away from zero
    EXPECT_EQ(*parse_decimal("7", 0), 7);
    EXPECT_FALSE(parse_decimal("1.2.3", 2));
    EXPECT_FALSE(parse_decimal("", 2));
    EXPECT_FALSE(parse_decimal("12a", 2));
    EXPECT_FALSE(parse_decimal("1234567890123456789", 0));
}

TEST(text_format, doubles_as_postgres_prints_them) {
    EXPECT_EQ(dbl(1.5), "1.5");
    EXPECT_EQ(dbl(100), "100");
    EXPECT_EQ(dbl(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(dbl(1e20), "1e+20");
    EXPECT_EQ(dbl(1e-5), "1e-05");
    EXPECT_EQ(dbl(-0.0001), "-0.0001");
    EXPECT_EQ(dbl(1.0 / 0.0), "Infinity");
}
