#include "columnar/text_format.h"
#include "format/decoder.h"
#include "test_util.h"

#include <random>

#include <fmt/format.h>

#include <gtest/gtest.h>

using namespace spate;
using namespace spate::format;
using namespace spate::format::testing;
using columnar::data_type;
using columnar::type_id;
using columnar::value;

namespace {

int64_t ts(std::string_view s) {
    return *columnar::parse_timestamp(s);
}

} // namespace

TEST(json_decoder, every_type_from_its_json_form) {
    json_decoder d({{"b", type_id::boolean},
                    {"i", type_id::int32},
                    {"l", type_id::int64},
                    {"d", type_id::float64},
                    {"m", data_type::decimal(10, 2)},
                    {"s", type_id::varchar},
                    {"t", type_id::timestamp},
                    {"iv", type_id::interval},
                    {"j", type_id::json}});
    auto r =
        run(d, {R"({"b":true,"i":-7,"l":9223372036854775807,"d":2.5,"m":12.345,"s":"h\u00e9\n",)"
                R"("t":"2024-01-01 00:00:00.125","iv":"1 day 02:00:00","j":{"a":[1, 2]}})",
                R"({"b":false,"i":2147483647,"l":-9223372036854775808,"d":-1e300,"m":"-0.5",)"
                R"("s":12.50,"t":1700000000250,"iv":1500,"j":"x"})",
                R"({"d":3,"m":7,"s":true,"t":"2024-01-01T10:00:00+02:00","j":[]})"});
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    ASSERT_EQ(r.added, 3u);
    ASSERT_EQ(r.batch.rows, 3u);
    EXPECT_EQ(r.at(0, 0), value::boolean(true));
    EXPECT_EQ(r.at(0, 1).as_i64(), -7);
    EXPECT_EQ(r.at(0, 2).as_i64(), INT64_MAX);
    EXPECT_EQ(r.at(0, 3).as_f64(), 2.5);
    EXPECT_EQ(r.at(0, 4).as_i64(), 1235); // rounded half away from zero, from the text
    EXPECT_EQ(r.at(0, 5).as_string(), "h\xc3\xa9\n");
    EXPECT_EQ(r.at(0, 6).as_i64(), ts("2024-01-01 00:00:00.125"));
    EXPECT_EQ(r.at(0, 7).as_i64(), 26 * 3'600'000);
    EXPECT_EQ(r.at(0, 8).as_string(), R"({"a":[1, 2]})");

    EXPECT_EQ(r.at(1, 0), value::boolean(false));
    EXPECT_EQ(r.at(1, 1).as_i64(), INT32_MAX);
    EXPECT_EQ(r.at(1, 2).as_i64(), INT64_MIN);
    EXPECT_EQ(r.at(1, 3).as_f64(), -1e300);
    EXPECT_EQ(r.at(1, 4).as_i64(), -50);
    EXPECT_EQ(r.at(1, 5).as_string(), "12.50"); // a number's own text
    EXPECT_EQ(r.at(1, 6).as_i64(), 1'700'000'000'250);
    EXPECT_EQ(r.at(1, 7).as_i64(), 1500); // integers are milliseconds
    EXPECT_EQ(r.at(1, 8).as_string(), R"("x")");

    EXPECT_TRUE(r.at(2, 0).is_null()); // missing keys
    EXPECT_TRUE(r.at(2, 1).is_null());
    EXPECT_EQ(r.at(2, 3).as_f64(), 3.0);
    EXPECT_EQ(r.at(2, 4).as_i64(), 700);
    EXPECT_EQ(r.at(2, 5).as_string(), "true");
    EXPECT_EQ(r.at(2, 6).as_i64(), ts("2024-01-01 08:00:00"));
    EXPECT_EQ(r.at(2, 8).as_string(), "[]");
}

TEST(json_decoder, nulls_missing_and_unknown_keys) {
    json_decoder d({{"a", type_id::int64}, {"s", type_id::varchar}, {"j", type_id::json}});
    auto r = run(d, {R"({"a":null,"s":null,"j":null})", R"({})",
                     R"({"zz":{"deep":[1,{"x":null}]},"a":5,"other":"x"})"});
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    for (size_t c = 0; c < 3; ++c) {
        EXPECT_TRUE(r.at(0, c).is_null()) << c;
        EXPECT_TRUE(r.at(1, c).is_null()) << c;
    }
    EXPECT_EQ(r.at(2, 0).as_i64(), 5);
    EXPECT_TRUE(r.at(2, 1).is_null());
}

TEST(json_decoder, keys_match_exactly_then_case_insensitively) {
    json_decoder d(
        {{"datetime", type_id::int64}, {"Price", type_id::int64}, {"a", type_id::int64}});
    auto r = run(d, {R"({"dateTime":1,"PRICE":2,"A":3})",
                     // The exact spelling wins whichever comes first.
                     R"({"DATETIME":10,"datetime":11,"price":12,"Price":13})",
                     R"({"datetime":21,"DateTime":20})",
                     // Escaped keys are unescaped before matching.
                     R"({"\u0061":31,"dat\u0065time":32})",
                     // A key that only starts like a column is another key.
                     R"({"ab":41,"datetimes":42,"a":43})"});
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    EXPECT_EQ(r.at(0, 0).as_i64(), 1);
    EXPECT_EQ(r.at(0, 1).as_i64(), 2);
    EXPECT_EQ(r.at(0, 2).as_i64(), 3);
    EXPECT_EQ(r.at(1, 0).as_i64(), 11);
    EXPECT_EQ(r.at(1, 1).as_i64(), 13);
    EXPECT_EQ(r.at(2, 0).as_i64(), 21);
    EXPECT_EQ(r.at(3, 2).as_i64(), 31);
    EXPECT_EQ(r.at(3, 0).as_i64(), 32);
    EXPECT_TRUE(r.at(4, 0).is_null());
    EXPECT_EQ(r.at(4, 2).as_i64(), 43);
}

TEST(json_decoder, changing_key_orders_between_records) {
    // The decoder remembers the key at each position; records that disagree must still be
    // read right.
    json_decoder d({{"x", type_id::int64}, {"y", type_id::varchar}, {"z", type_id::float64}});
    std::vector<std::string> recs;
    for (int i = 0; i < 50; ++i) {
        switch (i % 4) {
        case 0: recs.push_back(fmt::format(R"({{"x":{},"y":"s{}","z":{}.5}})", i, i, i)); break;
        case 1: recs.push_back(fmt::format(R"({{"z":{}.5,"x":{},"y":"s{}"}})", i, i, i)); break;
        case 2:
            recs.push_back(fmt::format(R"({{"Y":"s{}","junk":1,"X":{},"z":{}.5}})", i, i, i));
            break;
        default: recs.push_back(fmt::format(R"({{"y":"s{}","x":{}}})", i, i)); break;
        }
    }
    auto r = run(d, recs);
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(r.at(i, 0).as_i64(), i);
        EXPECT_EQ(r.at(i, 1).as_string(), fmt::format("s{}", i));
        if (i % 4 == 3)
            EXPECT_TRUE(r.at(i, 2).is_null());
        else
            EXPECT_EQ(r.at(i, 2).as_f64(), i + 0.5);
    }
}

TEST(json_decoder, error_messages_name_the_field) {
    json_decoder d({{"price", type_id::int64},
                    {"id", type_id::int32},
                    {"dateTime", type_id::timestamp},
                    {"ok", type_id::boolean},
                    {"amount", data_type::decimal(5, 2)},
                    {"d", type_id::float64},
                    {"s", type_id::varchar},
                    {"iv", type_id::interval}});
    EXPECT_EQ(why(d, R"({"price":"12"})"), R"(field "price": expected a number, got a string)");
    EXPECT_EQ(why(d, R"({"price":12.5})"), R"(field "price": expected an integer, got "12.5")");
    EXPECT_EQ(why(d, R"({"price":1e3})"), R"(field "price": expected an integer, got "1e3")");
    EXPECT_EQ(why(d, R"({"id":3000000000})"),
              R"(field "id": 3000000000 is out of range for integer)");
    EXPECT_EQ(why(d, R"({"id":-2147483649})"),
              R"(field "id": -2147483649 is out of range for integer)");
    EXPECT_EQ(why(d, R"({"price":9223372036854775808})"),
              R"(field "price": 9223372036854775808 is out of range for bigint)");
    EXPECT_EQ(why(d, R"({"price":123456789012345678901234567890})"),
              R"(field "price": 123456789012345678901234567890 is out of range for bigint)");
    EXPECT_EQ(why(d, R"({"dateTime":"2024-13-01"})"),
              R"(field "dateTime": "2024-13-01" is not a timestamp)");
    EXPECT_EQ(why(d, R"({"DATETIME":"yesterday"})"),
              R"(field "DATETIME": "yesterday" is not a timestamp)");
    EXPECT_EQ(why(d, R"({"dateTime":1.5})"),
              R"(field "dateTime": expected a whole number of milliseconds, got "1.5")");
    EXPECT_EQ(why(d, R"({"dateTime":true})"),
              R"(field "dateTime": expected a timestamp, got a boolean)");
    EXPECT_EQ(why(d, R"({"ok":1})"), R"(field "ok": expected a boolean, got a number)");
    EXPECT_EQ(why(d, R"({"ok":"true"})"), R"(field "ok": expected a boolean, got a string)");
    EXPECT_EQ(why(d, R"({"amount":1000})"),
              R"(field "amount": 1000 is out of range for numeric(5,2))");
    EXPECT_EQ(why(d, R"({"amount":"abc"})"), R"(field "amount": "abc" is not a number)");
    EXPECT_EQ(why(d, R"({"amount":[1]})"), R"(field "amount": expected a number, got an array)");
    EXPECT_EQ(why(d, R"({"d":"1.5"})"), R"(field "d": expected a number, got a string)");
    EXPECT_EQ(why(d, R"({"d":{}})"), R"(field "d": expected a number, got an object)");
    EXPECT_EQ(why(d, R"({"s":{"a":1}})"), R"(field "s": expected a string, got an object)");
    EXPECT_EQ(why(d, R"({"s":[]})"), R"(field "s": expected a string, got an array)");
    EXPECT_EQ(
        why(d, R"({"iv":"1 month"})"),
        R"(field "iv": "1 month" is not an interval (intervals of months or years have no fixed length; use days))");
    // Long values are cut in messages.
    std::string longs(500, '9');
    std::string msg = why(d, R"({"id":)" + longs + "}");
    EXPECT_LT(msg.size(), 120u) << msg;
    EXPECT_NE(msg.find("out of range for integer"), std::string::npos) << msg;
}

TEST(json_decoder, numbers_at_the_edges) {
    json_decoder d(
        {{"d", type_id::float64}, {"m", data_type::decimal(18, 4)}, {"l", type_id::int64}});
    auto r = run(d, {R"({"d":1.7976931348623157e308,"m":12345678901234.5678,"l":-0})",
                     R"({"d":5e-324,"m":1.5e2,"l":0})",
                     R"({"d":123456789012345678901234567890,"m":-2E-3})", R"({"m":0.00005})"});
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    EXPECT_EQ(r.at(0, 0).as_f64(), 1.7976931348623157e308);
    EXPECT_EQ(r.at(0, 1).as_i64(), 123456789012345678);
    EXPECT_EQ(r.at(0, 2).as_i64(), 0);
    EXPECT_EQ(r.at(1, 0).as_f64(), 5e-324);
    EXPECT_EQ(r.at(1, 1).as_i64(), 1'500'000);
    EXPECT_EQ(r.at(2, 0).as_f64(), 1.2345678901234568e29);
    EXPECT_EQ(r.at(2, 1).as_i64(), -20);
    EXPECT_EQ(r.at(3, 1).as_i64(), 1); // 0.00005 rounds to 0.0001
    // Exactness: 0.1 + 0.2 digits are kept as written, not through a double.
    auto r2 = run(d, {R"({"m":0.1})", R"({"m":1234567890123.4567})"});
    EXPECT_EQ(r2.at(0, 1).as_i64(), 1000);
    EXPECT_EQ(r2.at(1, 1).as_i64(), 12345678901234567);
    EXPECT_NE(why(d, R"({"m":123456789012345.1})"), "");
    EXPECT_NE(why(d, R"({"d":1e400})"), "");
}

TEST(json_decoder, malformed_records) {
    json_decoder d({{"a", type_id::int64}, {"s", type_id::varchar}});
    EXPECT_EQ(why(d, ""), "not valid JSON: the record is empty");
    EXPECT_EQ(why(d, "  \n"), "not valid JSON: the record is empty");
    EXPECT_EQ(why(d, "[1,2]"), "expected a JSON object, got an array");
    EXPECT_EQ(why(d, "\"x\""), "expected a JSON object, got a string");
    EXPECT_EQ(why(d, "42"), "expected a JSON object, got a number");
    EXPECT_EQ(why(d, "null"), "expected a JSON object, got null");
    EXPECT_EQ(why(d, "{\"s\":\"abc"),
              "not valid JSON: A string is opened, but never closed at byte 5");
    EXPECT_EQ(why(d, "{\"s\":\"a\tb\"}").substr(0, 30), "not valid JSON: Within strings");
    EXPECT_EQ(why(d, "{\"s\":\"a\tb\"}").substr(why(d, "{\"s\":\"a\tb\"}").size() - 9),
              "at byte 7");
    EXPECT_EQ(why(d, "{\"a\":1}}"), "not valid JSON: content after the object at byte 7");
    EXPECT_EQ(why(d, "{\"a\":1} x"), "not valid JSON: content after the object at byte 8");
    EXPECT_EQ(why(d, "{\"s\":\"}\"}{}"), "not valid JSON: content after the object at byte 9");
    EXPECT_EQ(why(d, "{\"a\":1,"), "not valid JSON: JSON document ended early in the middle of an "
                                   "object or array at byte 7");
    EXPECT_NE(why(d, "{\"a\":1,"), "");
    EXPECT_NE(why(d, "{\"a\" 1}"), "");
    EXPECT_NE(why(d, "{\"a\":1 \"s\":\"x\"}"), "");
    EXPECT_NE(why(d, "{\"a\":tru}"), "");
    EXPECT_NE(why(d, "{\"a\":-}"), "");
    EXPECT_NE(why(d, "{\"a\":01}"), "");
    EXPECT_NE(why(d, "{\"s\":\"\\x\"}"), ""); // bad escape in a value that is read
    EXPECT_NE(why(d, "{a:1}"), "");
    EXPECT_NE(why(d, "{'a':1}"), "");
    for (const std::string& e : {why(d, "{\"a\":1,"), why(d, "{\"a\" 1}"), why(d, "{\"a\":tru}")})
        EXPECT_EQ(e.rfind("not valid JSON: ", 0), 0u) << e;
}

TEST(json_decoder, invalid_utf8_is_an_error) {
    json_decoder d({{"s", type_id::varchar}});
    EXPECT_EQ(why(d, "{\"s\":\"ab\xff\"}"),
              "not valid JSON: The input is not valid UTF-8 at byte 8");
    EXPECT_EQ(why(d, "{\"s\xc3\":\"ab\"}").rfind("not valid JSON: The input is not valid UTF-8", 0),
              0u);
    EXPECT_NE(why(d, "{\"s\":\"\xed\xa0\x80\"}"), ""); // a UTF-16 surrogate
    EXPECT_NE(why(d, "{\"s\":\"\xc0\xaf\"}"), "");     // overlong
    EXPECT_EQ(why(d, "{\"s\":\"\xe2\x82\xac\"}"), ""); // the euro sign is fine
}

TEST(json_decoder, deep_nesting) {
    json_decoder d({{"a", type_id::int64}, {"j", type_id::json}});
    std::string ok = R"({"j":)" + std::string(1000, '[') + std::string(1000, ']') + "}";
    auto r = run(d, {ok});
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    EXPECT_EQ(r.at(0, 1).as_string().size(), 2000u);
    std::string deep = R"({"j":)" + std::string(1100, '[') + std::string(1100, ']') + "}";
    EXPECT_EQ(why(d, deep), R"(field "j": JSON nested deeper than 1024 levels)");
    std::string unclosed = R"({"j":)" + std::string(5000, '[');
    EXPECT_EQ(why(d, unclosed).rfind("not valid JSON: ", 0), 0u);
    std::string objects;
    for (int i = 0; i < 3000; ++i)
        objects += R"({"k":)";
    objects += "1" + std::string(3000, '}');
    EXPECT_EQ(why(d, objects), ""); // nothing read from it: the values are skipped
    EXPECT_EQ(why(d, R"({"a":1,"j":)" + objects + "}"),
              R"(field "j": JSON nested deeper than 1024 levels)");
}

TEST(json_decoder, good_rows_keep_their_order_around_bad_ones) {
    json_decoder d({{"a", type_id::int64}, {"s", type_id::varchar}});
    auto r = run(d, {R"({"a":1,"s":"one"})", "garbage", R"({"a":"x"})", R"({"a":4,"s":"four"})", "",
                     R"({"s":"six"})"});
    EXPECT_EQ(r.added, 3u);
    EXPECT_EQ(r.batch.rows, 3u);
    ASSERT_EQ(r.errors.size(), 3u);
    EXPECT_EQ(r.errors[0].index, 1u);
    EXPECT_EQ(r.errors[1].index, 2u);
    EXPECT_EQ(r.errors[2].index, 4u);
    EXPECT_EQ(r.at(0, 1).as_string(), "one");
    EXPECT_EQ(r.at(1, 0).as_i64(), 4);
    EXPECT_EQ(r.at(1, 1).as_string(), "four");
    EXPECT_TRUE(r.at(2, 0).is_null());
    EXPECT_EQ(r.at(2, 1).as_string(), "six");
    // Decoding into a batch that already has rows appends.
    std::vector<std::string_view> more = {R"({"a":7})"};
    std::vector<record_error> errors;
    EXPECT_EQ(d.decode(more, r.batch, errors), 1u);
    EXPECT_EQ(r.batch.rows, 4u);
    EXPECT_EQ(r.at(3, 0).as_i64(), 7);
    EXPECT_EQ(r.batch.columns[1]->size(), 4u);
}

TEST(json_decoder, garbage_bytes_never_crash) {
    json_decoder d({{"a", type_id::int64},
                    {"s", type_id::varchar},
                    {"j", type_id::json},
                    {"t", type_id::timestamp},
                    {"m", data_type::decimal(9, 3)}});
    std::mt19937_64 rng(7);
    std::string base =
        R"({"a":12,"s":"x\"y\u00e9","j":{"k":[1,2.5,null,true]},"t":"2024-01-01 00:00:00","m":"1.5"})";
    const std::string_view inserts = "{}[]\",:\\0e-.tfn\x80\xff";
    std::vector<std::string> recs;
    for (int i = 0; i < 3000; ++i) {
        std::string r = base;
        int edits = 1 + int(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            size_t at = rng() % r.size();
            switch (rng() % 3) {
            case 0: r[at] = char(rng()); break;
            case 1: r.erase(at, 1 + rng() % 5); break;
            default: r.insert(at, 1, inserts[rng() % inserts.size()]); break;
            }
            if (r.empty()) break;
        }
        recs.push_back(r);
    }
    for (int i = 0; i < 200; ++i) {
        std::string r(rng() % 100, '\0');
        for (auto& c : r)
            c = char(rng());
        recs.push_back(r);
    }
    auto r = run(d, recs);
    EXPECT_EQ(r.added + r.errors.size(), recs.size());
    EXPECT_GT(r.errors.size(), 1000u);
    for (const auto& e : r.errors)
        EXPECT_FALSE(e.reason.empty());
    // The decoder still works afterwards.
    auto again = run(d, {base});
    ASSERT_EQ(again.errors.size(), 0u) << again.error();
    EXPECT_EQ(again.at(0, 1).as_string(), "x\"y\xc3\xa9");
    EXPECT_EQ(again.at(0, 2).as_string(), R"({"k":[1,2.5,null,true]})");
}

TEST(json_decoder, records_in_place_and_copied_read_the_same) {
    // Records at every offset of a page: some are read in place, some copied for padding.
    json_decoder d({{"a", type_id::int64}, {"s", type_id::varchar}});
    std::string rec = R"({"a":123,"s":"hello"})";
    std::string page(8192 + 512, ' ');
    std::vector<std::string_view> views;
    for (size_t off = 4096 - 200; off < 4096 + 10; off += rec.size() + 1) {
        page.replace(off, rec.size(), rec);
        views.emplace_back(page.data() + off, rec.size());
    }
    auto b = make_batch(d.fields());
    std::vector<record_error> errors;
    EXPECT_EQ(d.decode(views, b, errors), views.size());
    for (size_t i = 0; i < views.size(); ++i) {
        EXPECT_EQ(columnar::value_at(*b.columns[0], i).as_i64(), 123);
        EXPECT_EQ(columnar::value_at(*b.columns[1], i).as_string(), "hello");
    }
}
