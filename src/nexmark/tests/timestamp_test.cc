#include "nexmark/timestamp.h"

#include <gtest/gtest.h>

namespace spate::nexmark {
namespace {

std::string format(int64_t ms) {
    std::string s = "prefix:";
    append_timestamp(ms, s);
    EXPECT_EQ(s.substr(0, 7), "prefix:") << "append_timestamp must append";
    return s.substr(7);
}

TEST(timestamp, epoch_and_milliseconds) {
    EXPECT_EQ(format(0), "1970-01-01 00:00:00.000");
    EXPECT_EQ(format(1), "1970-01-01 00:00:00.001");
    EXPECT_EQ(format(999), "1970-01-01 00:00:00.999");
    EXPECT_EQ(format(1'000), "1970-01-01 00:00:01.000");
    EXPECT_EQ(format(1'700'000'000'000), "2023-11-14 22:13:20.000");
    EXPECT_EQ(format(1'700'000'000'123), "2023-11-14 22:13:20.123");
    EXPECT_EQ(format(1'704'067'199'999), "2023-12-31 23:59:59.999");
    EXPECT_EQ(format(1'704'067'200'000), "2024-01-01 00:00:00.000");
}

TEST(timestamp, leap_years) {
    EXPECT_EQ(format(951'868'799'999), "2000-02-29 23:59:59.999"); // divisible by 400: leap
    EXPECT_EQ(format(951'868'800'000), "2000-03-01 00:00:00.000");
    EXPECT_EQ(format(1'709'210'096'789), "2024-02-29 12:34:56.789");
    EXPECT_EQ(format(-2'203'977'599'999), "1900-02-28 00:00:00.001"); // by 100: not leap
    EXPECT_EQ(format(-2'203'891'200'000), "1900-03-01 00:00:00.000");
    EXPECT_EQ(format(4'107'542'400'000), "2100-03-01 00:00:00.000");
    EXPECT_EQ(format(4'107'542'400'000 - 1), "2100-02-28 23:59:59.999");
}

TEST(timestamp, before_1970_and_far_dates) {
    EXPECT_EQ(format(-1), "1969-12-31 23:59:59.999");
    EXPECT_EQ(format(-86'400'000), "1969-12-31 00:00:00.000");
    EXPECT_EQ(format(-86'400'001), "1969-12-30 23:59:59.999");
    EXPECT_EQ(format(-11'670'994'676'996), "1600-02-29 01:02:03.004");
    EXPECT_EQ(format(253'402'300'799'999), "9999-12-31 23:59:59.999");
    EXPECT_EQ(format(253'402'300'800'000), "10000-01-01 00:00:00.000");
}

bool is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Walks day by day from 1970 forwards and backwards with the plain calendar rules and compares
// every day, 1500 .. 2600.
TEST(timestamp, civil_from_days_matches_a_day_by_day_calendar) {
    constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    auto days_in = [&](int64_t y, unsigned m) {
        return month_days[m - 1] + (m == 2 && is_leap(y) ? 1u : 0u);
    };
    civil_date want{1970, 1, 1};
    for (int64_t day = 0; want.year < 2600; ++day) {
        civil_date got = civil_from_days(day);
        ASSERT_EQ(got.year, want.year) << "day " << day;
        ASSERT_EQ(got.month, want.month) << "day " << day;
        ASSERT_EQ(got.day, want.day) << "day " << day;
        if (++want.day > days_in(want.year, want.month)) {
            want.day = 1;
            if (++want.month > 12) {
                want.month = 1;
                ++want.year;
            }
        }
    }
    want = {1970, 1, 1};
    for (int64_t day = 0; want.year >= 1500; --day) {
        civil_date got = civil_from_days(day);
        ASSERT_EQ(got.year, want.year) << "day " << day;
        ASSERT_EQ(got.month, want.month) << "day " << day;
        ASSERT_EQ(got.day, want.day) << "day " << day;
        if (--want.day == 0) {
            if (--want.month == 0) {
                want.month = 12;
                --want.year;
            }
            want.day = days_in(want.year, want.month);
        }
    }
}

} // namespace
} // namespace spate::nexmark
