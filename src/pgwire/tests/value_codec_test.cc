#include "pgwire/calendar.h"
#include "pgwire/value_codec.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

namespace spate::pgwire {
namespace {

cell num(__int128 u, int32_t s) {
    return cell{numeric_value{u, s}};
}
cell ivl(int32_t m, int32_t d, int64_t us) {
    return cell{interval_value{m, d, us}};
}

std::string bin(const cell& v, uint32_t t) {
    std::string out;
    EXPECT_TRUE(append_binary(v, t, out));
    return out;
}

std::string hex(const std::string& s) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out += d[c >> 4];
        out += d[c & 15];
    }
    return out;
}

TEST(calendar, round_trips_days) {
    for (int64_t d : {-1000000LL, -719468LL, -1LL, 0LL, 10957LL, 19723LL, 2932896LL})
        EXPECT_EQ(days_from_civil(civil_from_days(d).year, civil_from_days(d).month,
                                  civil_from_days(d).day),
                  d);
    EXPECT_EQ(days_from_civil(2000, 1, 1), pg_epoch_days);
    EXPECT_EQ(days_from_civil(2024, 2, 29), 19782);
}

TEST(text_form, floats_as_postgres_prints_them) {
    EXPECT_EQ(to_text(cell{1.0}, oid::float8), "1");
    EXPECT_EQ(to_text(cell{0.1}, oid::float8), "0.1");
    EXPECT_EQ(to_text(cell{-2.5}, oid::float8), "-2.5");
    EXPECT_EQ(to_text(cell{1e15}, oid::float8), "1e+15");
    EXPECT_EQ(to_text(cell{123456789012345.0}, oid::float8), "123456789012345");
    EXPECT_EQ(to_text(cell{1e-4}, oid::float8), "0.0001");
    EXPECT_EQ(to_text(cell{1e-5}, oid::float8), "1e-05");
    EXPECT_EQ(to_text(cell{1.0 / 3}, oid::float8), "0.3333333333333333");
    EXPECT_EQ(to_text(cell{1.7976931348623157e308}, oid::float8), "1.7976931348623157e+308");
    EXPECT_EQ(to_text(cell{std::numeric_limits<double>::infinity()}, oid::float8), "Infinity");
    EXPECT_EQ(to_text(cell{-std::numeric_limits<double>::infinity()}, oid::float8), "-Infinity");
    EXPECT_EQ(to_text(cell{std::nan("")}, oid::float8), "NaN");
    EXPECT_EQ(to_text(cell{-0.0}, oid::float8), "-0");
    // float4 switches to exponents after 6 digits and prints float4's shortest form.
    EXPECT_EQ(to_text(cell{0.1}, oid::float4), "0.1");
    EXPECT_EQ(to_text(cell{1e6}, oid::float4), "1e+06");
    EXPECT_EQ(to_text(cell{123456.0}, oid::float4), "123456");
}

TEST(text_form, scalars) {
    EXPECT_EQ(to_text(cell{true}, oid::bool_), "t");
    EXPECT_EQ(to_text(cell{false}, oid::bool_), "f");
    EXPECT_EQ(to_text(cell{int64_t{-9223372036854775807LL - 1}}, oid::int8),
              "-9223372036854775808");
    EXPECT_EQ(to_text(cell{std::string("héllo")}, oid::text), "héllo");
    EXPECT_EQ(to_text(cell{}, oid::text), "");
}

TEST(text_form, timestamps_drop_trailing_fraction_zeros) {
    EXPECT_EQ(to_text(cell{timestamp_ms{0}}, oid::timestamp), "1970-01-01 00:00:00");
    EXPECT_EQ(to_text(cell{timestamp_ms{1704164645123}}, oid::timestamp),
              "2024-01-02 03:04:05.123");
    EXPECT_EQ(to_text(cell{timestamp_ms{1704164645500}}, oid::timestamp), "2024-01-02 03:04:05.5");
    EXPECT_EQ(to_text(cell{timestamp_ms{1704164645120}}, oid::timestamp), "2024-01-02 03:04:05.12");
    EXPECT_EQ(to_text(cell{timestamp_ms{-1}}, oid::timestamp), "1969-12-31 23:59:59.999");
    EXPECT_EQ(to_text(cell{timestamp_ms{1704164645000}}, oid::timestamptz),
              "2024-01-02 03:04:05+00");
    EXPECT_EQ(to_text(cell{timestamp_ms{1704164645000}}, oid::date), "2024-01-02");
    // Year 0 is 1 BC.
    int64_t bc = days_from_civil(0, 6, 1) * 86400000;
    EXPECT_EQ(to_text(cell{timestamp_ms{bc}}, oid::timestamp), "0001-06-01 00:00:00 BC");
}

TEST(text_form, intervals_in_postgres_style) {
    auto iv = [](int32_t m, int32_t d, int64_t us) {
        return to_text(ivl(m, d, us), oid::interval);
    };
    EXPECT_EQ(iv(0, 0, 0), "00:00:00");
    EXPECT_EQ(iv(0, 1, 7384500000), "1 day 02:03:04.5");
    EXPECT_EQ(iv(14, 3, 0), "1 year 2 mons 3 days");
    EXPECT_EQ(iv(12, 0, 0), "1 year");
    EXPECT_EQ(iv(-1, 0, 0), "-1 mons");
    EXPECT_EQ(iv(0, -1, 0), "-1 days");
    EXPECT_EQ(iv(0, 0, -3600000000), "-01:00:00");
    EXPECT_EQ(iv(0, -1, 3600000000), "-1 days +01:00:00");
    EXPECT_EQ(iv(-13, 2, 0), "-1 years -1 mons +2 days");
    EXPECT_EQ(iv(0, 0, 100LL * 3600000000 + 1), "100:00:00.000001");
    EXPECT_EQ(iv(0, 0, std::numeric_limits<int64_t>::min()), "-2562047788:00:54.775808");
}

TEST(text_form, numeric_keeps_its_scale) {
    auto n = [](__int128 u, int32_t s) { return to_text(num(u, s), oid::numeric); };
    EXPECT_EQ(n(1234, 2), "12.34");
    EXPECT_EQ(n(-5, 2), "-0.05");
    EXPECT_EQ(n(0, 3), "0.000");
    EXPECT_EQ(n(1200, 0), "1200");
    EXPECT_EQ(n(12, -2), "1200");
    __int128 big = static_cast<__int128>(1) << 100;
    EXPECT_EQ(n(big, 10), "126765060022822940149.6703205376");
}

TEST(binary_form, matches_postgres_send_functions) {
    EXPECT_EQ(hex(bin(cell{int64_t{1}}, oid::int8)), "0000000000000001");
    EXPECT_EQ(hex(bin(cell{int64_t{-2}}, oid::int4)), "fffffffe");
    EXPECT_EQ(hex(bin(cell{int64_t{258}}, oid::int2)), "0102");
    EXPECT_EQ(hex(bin(cell{true}, oid::bool_)), "01");
    EXPECT_EQ(hex(bin(cell{1.0}, oid::float8)), "3ff0000000000000");
    EXPECT_EQ(hex(bin(cell{1.0}, oid::float4)), "3f800000");
    EXPECT_EQ(hex(bin(cell{timestamp_ms{pg_epoch_ms + 1}}, oid::timestamp)), "00000000000003e8");
    EXPECT_EQ(hex(bin(cell{timestamp_ms{pg_epoch_ms - 86400000}}, oid::date)), "ffffffff");
    EXPECT_EQ(hex(bin(ivl(1, 2, 3), oid::interval)), "00000000000000030000000200000001");
    EXPECT_EQ(hex(bin(cell{std::string("{}")}, oid::jsonb)), "017b7d");
    // numeric: ndigits, weight, sign, dscale, base-10000 digits
    EXPECT_EQ(hex(bin(num(1234, 2), oid::numeric)), "0002000000000002000c0d48");
    EXPECT_EQ(hex(bin(num(-100000000, 0), oid::numeric)), "0001000240000000"
                                                          "0001");
    EXPECT_EQ(hex(bin(num(0, 2), oid::numeric)), "0000000000000002");
    EXPECT_EQ(hex(bin(num(5, 5), oid::numeric)), "0001fffe000000051388");
    std::string out;
    EXPECT_FALSE(append_binary(cell{std::string("x")}, oid::int8, out));
    EXPECT_FALSE(append_binary(cell{int64_t{1}}, oid::text, out));
}

TEST(binary_form, round_trips) {
    const std::pair<cell, uint32_t> cases[] = {
        {cell{int64_t{-7}}, oid::int2},
        {cell{int64_t{123456}}, oid::int4},
        {cell{int64_t{-9223372036854775807LL}}, oid::int8},
        {cell{2.5}, oid::float8},
        {cell{false}, oid::bool_},
        {cell{timestamp_ms{-123456789}}, oid::timestamp},
        {cell{timestamp_ms{19782LL * 86400000}}, oid::date},
        {ivl(-3, 4, -5), oid::interval},
        {num(-1234567, 3), oid::numeric},
        {num(10000, 0), oid::numeric},
        {num(1, 9), oid::numeric},
        {cell{std::string("abc")}, oid::varchar},
        {cell{std::string("[1]")}, oid::jsonb},
    };
    for (const auto& [v, t] : cases) {
        auto b = bin(v, t);
        auto back = parse_binary(t, b);
        ASSERT_TRUE(back.has_value()) << t;
        EXPECT_EQ(*back, v) << t;
    }
}

TEST(binary_form, rejects_malformed_input) {
    EXPECT_FALSE(parse_binary(oid::int8, std::string(7, '\0')));
    EXPECT_FALSE(parse_binary(oid::int4, std::string(8, '\0')));
    EXPECT_FALSE(parse_binary(oid::bool_, ""));
    EXPECT_FALSE(parse_binary(oid::interval, std::string(15, '\0')));
    // numeric with more digits announced than present, a NaN, a digit over 9999
    EXPECT_FALSE(parse_binary(oid::numeric, std::string("\0\2\0\0\0\0\0\0\0\1", 10)));
    EXPECT_FALSE(parse_binary(oid::numeric, std::string("\0\0\0\0\xc0\0\0\0", 8)));
    EXPECT_FALSE(parse_binary(oid::numeric, std::string("\0\1\0\0\0\0\0\0\x27\x10", 10)));
    EXPECT_FALSE(parse_binary(oid::jsonb, std::string("\2{}")));
}

TEST(text_input, parses_each_type) {
    EXPECT_EQ(parse_text(oid::int4, " 42 "), cell{int64_t{42}});
    EXPECT_EQ(parse_text(oid::int8, "-9223372036854775808"),
              cell{int64_t{-9223372036854775807LL - 1}});
    EXPECT_EQ(parse_text(oid::bool_, "TRUE"), cell{true});
    EXPECT_EQ(parse_text(oid::bool_, "off"), cell{false});
    EXPECT_EQ(parse_text(oid::float8, "1e3"), cell{1000.0});
    EXPECT_TRUE(std::isinf(std::get<double>(*parse_text(oid::float8, "-Infinity"))));
    EXPECT_EQ(parse_text(oid::numeric, "-12.340"), num(-12340, 3));
    EXPECT_EQ(parse_text(oid::numeric, "1.5e2"), num(150, 0));
    EXPECT_EQ(parse_text(oid::numeric, ".5"), num(5, 1));
    EXPECT_EQ(parse_text(oid::timestamp, "2024-01-02 03:04:05.123"),
              cell{timestamp_ms{1704164645123}});
    EXPECT_EQ(parse_text(oid::timestamp, "2024-01-02T03:04:05"), cell{timestamp_ms{1704164645000}});
    EXPECT_EQ(parse_text(oid::timestamptz, "2024-01-02 05:04:05+02"),
              cell{timestamp_ms{1704164645000}});
    EXPECT_EQ(parse_text(oid::date, "2024-01-02"), cell{timestamp_ms{19724LL * 86400000}});
    EXPECT_EQ(parse_text(oid::interval, "1 day 02:03:04.5"), ivl(0, 1, 7384500000));
    EXPECT_EQ(parse_text(oid::interval, "1 year 2 mons -3 days"), ivl(14, -3, 0));
    EXPECT_EQ(parse_text(oid::interval, "90 minutes"), ivl(0, 0, 5400000000));
    EXPECT_EQ(parse_text(oid::interval, "-01:00:00"), ivl(0, 0, -3600000000));
    EXPECT_EQ(parse_text(oid::unknown, "anything"), cell{std::string("anything")});
}

TEST(text_input, rejects_bad_values) {
    EXPECT_FALSE(parse_text(oid::int2, "40000"));
    EXPECT_FALSE(parse_text(oid::int4, "12abc"));
    EXPECT_FALSE(parse_text(oid::int8, ""));
    EXPECT_FALSE(parse_text(oid::int8, "99999999999999999999"));
    EXPECT_FALSE(parse_text(oid::bool_, "maybe"));
    EXPECT_FALSE(parse_text(oid::float8, "1.2.3"));
    EXPECT_FALSE(parse_text(oid::numeric, "1.2.3"));
    EXPECT_FALSE(parse_text(oid::numeric, "-"));
    EXPECT_FALSE(parse_text(oid::numeric, "NaN"));
    EXPECT_FALSE(parse_text(oid::numeric, std::string(60, '9')));
    EXPECT_FALSE(parse_text(oid::timestamp, "2024-02-30 00:00:00"));
    EXPECT_FALSE(parse_text(oid::timestamp, "2024-13-01"));
    EXPECT_FALSE(parse_text(oid::timestamp, "2024-01-01 25:00:00"));
    EXPECT_FALSE(parse_text(oid::timestamp, "yesterday"));
    EXPECT_FALSE(parse_text(oid::date, "2024-01-01 junk"));
    EXPECT_FALSE(parse_text(oid::interval, "3 fortnights"));
    EXPECT_FALSE(parse_text(oid::interval, ""));
}

TEST(decode_param, names_the_parameter) {
    auto r = decode_param(1, oid::int4, 0, std::string_view("x1"));
    ASSERT_TRUE(is_error(r));
    EXPECT_EQ(std::get<pg_error>(r).sqlstate, "22P02");
    EXPECT_NE(std::get<pg_error>(r).message.find("$2"), std::string::npos);
    EXPECT_NE(std::get<pg_error>(r).message.find("integer"), std::string::npos);
    r = decode_param(0, oid::int8, 1, std::string_view("abc"));
    ASSERT_TRUE(is_error(r));
    EXPECT_EQ(std::get<pg_error>(r).sqlstate, "22P02");
    EXPECT_NE(std::get<pg_error>(r).message.find("$1"), std::string::npos);
    r = decode_param(0, oid::int8, 2, std::string_view("1"));
    EXPECT_TRUE(is_error(r));
    r = decode_param(3, oid::int8, 0, std::nullopt);
    ASSERT_FALSE(is_error(r));
    EXPECT_EQ(std::get<cell>(r), cell{});
    r = decode_param(0, oid::unknown, 0, std::string_view("7"));
    EXPECT_EQ(std::get<cell>(r), cell{std::string("7")});
}

} // namespace
} // namespace spate::pgwire
