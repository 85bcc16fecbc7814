#include "columnar/text_format.h"
#include "format/decoder.h"
#include "test_util.h"

#include <cmath>

#include <gtest/gtest.h>

using namespace spate;
using namespace spate::format;
using namespace spate::format::testing;
using columnar::data_type;
using columnar::type_id;
using columnar::value;

namespace {

std::vector<field_spec> three_strings() {
    return {{"a", type_id::varchar}, {"b", type_id::varchar}, {"c", type_id::varchar}};
}

} // namespace

TEST(csv_decoder, every_type_from_text) {
    csv_decoder d({{"b", type_id::boolean},
                   {"i", type_id::int32},
                   {"l", type_id::int64},
                   {"d", type_id::float64},
                   {"m", data_type::decimal(10, 2)},
                   {"s", type_id::varchar},
                   {"t", type_id::timestamp},
                   {"iv", type_id::interval},
                   {"j", type_id::json}});
    auto r = run(d, {"true,-7,9223372036854775807,2.5,12.345,hello,2024-01-01 00:00:00.125,"
                     "1 day 02:00:00,\"{\"\"a\"\":1}\"\n",
                     "F,+5, 12 ,-1e300,-0.5,\"x,y\",1700000000250,00:00:01.5,[1]\r\n",
                     "yes,0,0,NaN,1.5e2,,2024-01-01T10:00:00Z,10 seconds,",
                     "OFF,1,1,-Infinity,7,\"\",2024-01-01,-5 s,\"\""});
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    EXPECT_EQ(r.at(0, 0), value::boolean(true));
    EXPECT_EQ(r.at(0, 1).as_i64(), -7);
    EXPECT_EQ(r.at(0, 2).as_i64(), INT64_MAX);
    EXPECT_EQ(r.at(0, 3).as_f64(), 2.5);
    EXPECT_EQ(r.at(0, 4).as_i64(), 1235);
    EXPECT_EQ(r.at(0, 5).as_string(), "hello");
    EXPECT_EQ(r.at(0, 6).as_i64(), *columnar::parse_timestamp("2024-01-01 00:00:00.125"));
    EXPECT_EQ(r.at(0, 7).as_i64(), 26 * 3'600'000);
    EXPECT_EQ(r.at(0, 8).as_string(), R"({"a":1})");

    EXPECT_EQ(r.at(1, 0), value::boolean(false));
    EXPECT_EQ(r.at(1, 1).as_i64(), 5);
    EXPECT_EQ(r.at(1, 2).as_i64(), 12); // spaces around numbers are allowed
    EXPECT_EQ(r.at(1, 3).as_f64(), -1e300);
    EXPECT_EQ(r.at(1, 4).as_i64(), -50);
    EXPECT_EQ(r.at(1, 5).as_string(), "x,y");
    EXPECT_EQ(r.at(1, 6).as_i64(), 1'700'000'000'250);
    EXPECT_EQ(r.at(1, 7).as_i64(), 1500);
    EXPECT_EQ(r.at(1, 8).as_string(), "[1]");

    EXPECT_EQ(r.at(2, 0), value::boolean(true));
    EXPECT_TRUE(std::isnan(r.at(2, 3).as_f64()));
    EXPECT_EQ(r.at(2, 4).as_i64(), 15000);
    EXPECT_TRUE(r.at(2, 5).is_null()); // empty unquoted: NULL
    EXPECT_EQ(r.at(2, 7).as_i64(), 10'000);
    EXPECT_TRUE(r.at(2, 8).is_null());

    EXPECT_EQ(r.at(3, 3).as_f64(), -INFINITY);
    EXPECT_EQ(r.at(3, 5).as_string(), ""); // quoted empty: the empty string
    EXPECT_EQ(r.at(3, 7).as_i64(), -5000);
    EXPECT_EQ(r.at(3, 8).as_string(), "");
}

TEST(csv_decoder, rfc4180_quoting) {
    csv_decoder d(three_strings());
    auto r = run(d, {R"("a""b","c,d","")", "\"line1\nline2\",\"cr\r\nlf\",x",
                     "\"\"\"\",\"\"\"\"\"\",\" \"", ",,", " a , b ,c "});
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    EXPECT_EQ(r.at(0, 0).as_string(), "a\"b");
    EXPECT_EQ(r.at(0, 1).as_string(), "c,d");
    EXPECT_EQ(r.at(0, 2).as_string(), "");
    EXPECT_EQ(r.at(1, 0).as_string(), "line1\nline2");
    EXPECT_EQ(r.at(1, 1).as_string(), "cr\r\nlf");
    EXPECT_EQ(r.at(1, 2).as_string(), "x");
    EXPECT_EQ(r.at(2, 0).as_string(), "\"");
    EXPECT_EQ(r.at(2, 1).as_string(), "\"\"");
    EXPECT_EQ(r.at(2, 2).as_string(), " ");
    for (size_t c = 0; c < 3; ++c)
        EXPECT_TRUE(r.at(3, c).is_null());
    EXPECT_EQ(r.at(4, 0).as_string(), " a "); // strings keep their spaces
    EXPECT_EQ(r.at(4, 2).as_string(), "c ");
}

TEST(csv_decoder, malformed_lines) {
    csv_decoder d(three_strings());
    EXPECT_EQ(why(d, "a,b"), "expected 3 fields, got 2");
    EXPECT_EQ(why(d, "a,b,c,d"), "expected 3 fields, got 4");
    EXPECT_EQ(why(d, ""), "expected 3 fields, got 1");
    EXPECT_EQ(why(d, "a,\"b,c"), "field 2 (\"b\"): the quote at byte 2 is never closed");
    EXPECT_EQ(why(d, "a,\"b\"x,c"),
              "field 2 (\"b\"): unexpected character after the closing quote at byte 5");
    EXPECT_EQ(why(d, "a,b\"c,d"), "field 2 (\"b\"): a quote inside an unquoted field at byte 3");
    EXPECT_EQ(why(d, "a,b\nc,d,e"),
              "a record holds one CSV line, but there is a line break at byte 3");
    EXPECT_EQ(why(d, "a,b,c\n\n"),
              "a record holds one CSV line, but there is a line break at byte 5");
    EXPECT_EQ(why(d, "a,b,c\n"), "");
    EXPECT_EQ(why(d, "a,b,c\r\n"), "");
}

TEST(csv_decoder, conversion_errors_name_the_field) {
    csv_decoder d({{"price", type_id::int64},
                   {"id", type_id::int32},
                   {"ok", type_id::boolean},
                   {"t", type_id::timestamp},
                   {"m", data_type::decimal(4, 1)},
                   {"d", type_id::float64},
                   {"iv", type_id::interval}});
    EXPECT_EQ(why(d, "12.5,1,t,0,1,1,1s"), R"(field "price": expected an integer, got "12.5")");
    EXPECT_EQ(why(d, "1,3000000000,t,0,1,1,1s"),
              R"(field "id": 3000000000 is out of range for integer)");
    EXPECT_EQ(why(d, "99999999999999999999,1,t,0,1,1,1s"),
              R"(field "price": 99999999999999999999 is out of range for bigint)");
    EXPECT_EQ(why(d, "1,1,maybe,0,1,1,1s"), R"(field "ok": expected a boolean, got "maybe")");
    EXPECT_EQ(why(d, "1,1,t,2024-13-01,1,1,1s"), R"(field "t": "2024-13-01" is not a timestamp)");
    EXPECT_EQ(why(d, "1,1,t,0,1000,1,1s"), R"(field "m": 1000 is out of range for numeric(4,1))");
    EXPECT_EQ(why(d, "1,1,t,0,x1,1,1s"), R"(field "m": "x1" is not a number)");
    EXPECT_EQ(why(d, "1,1,t,0,1.2.3,1,1s"), R"(field "m": "1.2.3" is not a number)");
    EXPECT_EQ(why(d, "1,1,t,0,-,1,1s"), R"(field "m": "-" is not a number)");
    EXPECT_EQ(why(d, "1,1,t,0,1e,1,1s"), R"(field "m": "1e" is not a number)");
    EXPECT_EQ(why(d, "1,1,t,0,1e99,1,1s"), R"(field "m": 1e99 is out of range for numeric(4,1))");
    EXPECT_EQ(why(d, "1,1,t,0,5e-1,1,1s"), "");
    EXPECT_EQ(why(d, "1,1,t,0,1e-80,1,1s"), "");
    EXPECT_EQ(why(d, "1,1,t,0,123456789012345678901,1,1s"),
              R"(field "m": 123456789012345678901 is out of range for numeric(4,1))");
    EXPECT_EQ(why(d, "1,1,t,0,-99.94,1,1s"), ""); // rounds to -99.9
    EXPECT_EQ(why(d, "1,1,t,0,-999.95,1,1s"),
              R"(field "m": -999.95 is out of range for numeric(4,1))");
    EXPECT_EQ(why(d, "1,1,t,0,1,1.2.3,1s"), R"(field "d": expected a number, got "1.2.3")");
    EXPECT_EQ(
        why(d, "1,1,t,0,1,1,1 fortnight"),
        R"(field "iv": "1 fortnight" is not an interval (unknown interval unit "fortnight"))");
    EXPECT_EQ(why(d, "\"\",1,t,0,1,1,1s"), R"(field "price": expected an integer, got "")");
    EXPECT_EQ(why(d, "1,1,t,0,1,1,1s"), "");
}

TEST(csv_decoder, options) {
    auto made =
        make_decoder("CSV", three_strings(), {{"delimiter", ";"}, {"quote", "'"}, {"null", "\\N"}});
    ASSERT_EQ(made.index(), 0u) << std::get<1>(made);
    decoder& d = *std::get<0>(made);
    auto r = run(d, {"a,b;'c;''d';\\N", "'\\N';;"});
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    EXPECT_EQ(r.at(0, 0).as_string(), "a,b");
    EXPECT_EQ(r.at(0, 1).as_string(), "c;'d");
    EXPECT_TRUE(r.at(0, 2).is_null());
    EXPECT_EQ(r.at(1, 0).as_string(), "\\N"); // quoted: never NULL
    EXPECT_EQ(r.at(1, 1).as_string(), "");    // empty is not NULL when the null text is \N
    auto tab = make_decoder("csv", three_strings(), {{"delimiter", "\\t"}});
    ASSERT_EQ(tab.index(), 0u);
    EXPECT_EQ(run(*std::get<0>(tab), {"x\ty\tz"}).at(0, 1).as_string(), "y");
}

TEST(make_decoder, refuses_what_it_does_not_know) {
    auto bad = [](std::string_view format, format_options o) {
        auto m = make_decoder(format, three_strings(), o);
        return m.index() == 1 ? std::get<1>(m) : std::string();
    };
    EXPECT_EQ(bad("avro", {}), "unknown format \"avro\" (known: json, csv)");
    EXPECT_EQ(bad("json", {{"delimiter", ","}}), "unknown option \"delimiter\" for format json");
    EXPECT_EQ(bad("csv", {{"delim", ","}}),
              "unknown option \"delim\" for format csv (known: delimiter, quote, null)");
    EXPECT_EQ(bad("csv", {{"delimiter", ",,"}}),
              "option \"delimiter\" of format csv must be one character, not \",,\"");
    EXPECT_EQ(bad("csv", {{"quote", ","}}),
              "options \"delimiter\" and \"quote\" of format csv must differ");
    EXPECT_EQ(bad("csv", {{"delimiter", "\n"}}),
              "option \"delimiter\" of format csv must be one character, not \"\n\"");
    EXPECT_EQ(bad("Json", {}), "");
    EXPECT_EQ(bad("csv", {}), "");
}
