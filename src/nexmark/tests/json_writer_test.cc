#include "nexmark/generator.h"
#include "nexmark/json_writer.h"
#include "nexmark/timestamp.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace spate::nexmark {
namespace {

using json = nlohmann::json;

std::vector<std::string> keys_in_order(const std::string& text) {
    // nlohmann::json sorts keys; ordered_json keeps the written order.
    auto j = nlohmann::ordered_json::parse(text);
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it)
        keys.push_back(it.key());
    return keys;
}

TEST(json_writer, person_fields_names_and_types) {
    person p{1001,    "Peter Shultz", "abc@de.com",      "0001 0002 0003 0004",
             "Boise", "ID",           1'700'000'000'123, "xyz"};
    std::string out;
    append_json(p, out);
    EXPECT_EQ(out, R"({"id":1001,"name":"Peter Shultz","emailAddress":"abc@de.com",)"
                   R"("creditCard":"0001 0002 0003 0004","city":"Boise","state":"ID",)"
                   R"("dateTime":"2023-11-14 22:13:20.123","extra":"xyz"})");
    EXPECT_EQ(keys_in_order(out),
              (std::vector<std::string>{"id", "name", "emailAddress", "creditCard", "city", "state",
                                        "dateTime", "extra"}));
}

TEST(json_writer, auction_fields_names_and_types) {
    auction a{1002, "item", "desc", 150, 300, 0, 1, 1000, 12, ""};
    std::string out;
    append_json(a, out);
    EXPECT_EQ(out, R"({"id":1002,"itemName":"item","description":"desc","initialBid":150,)"
                   R"("reserve":300,"dateTime":"1970-01-01 00:00:00.000",)"
                   R"("expires":"1970-01-01 00:00:00.001","seller":1000,"category":12,)"
                   R"("extra":""})");
}

TEST(json_writer, bid_fields_names_and_types) {
    bid b{1000, 2001, 123, "Google", "https://www.nexmark.com/a/b/c/item.htm?query=1", -1, "e"};
    std::string out;
    append_json(b, out);
    EXPECT_EQ(out, R"({"auction":1000,"bidder":2001,"price":123,"channel":"Google",)"
                   R"("url":"https://www.nexmark.com/a/b/c/item.htm?query=1",)"
                   R"("dateTime":"1969-12-31 23:59:59.999","extra":"e"})");
}

TEST(json_writer, negative_and_extreme_numbers) {
    bid b{INT64_MIN, INT64_MAX, -5, "", "", 0, ""};
    std::string out;
    append_json(b, out);
    auto j = json::parse(out);
    EXPECT_EQ(j["auction"].get<int64_t>(), INT64_MIN);
    EXPECT_EQ(j["bidder"].get<int64_t>(), INT64_MAX);
    EXPECT_EQ(j["price"].get<int64_t>(), -5);
    EXPECT_EQ(j["channel"], "");
}

TEST(json_writer, escapes_strings_that_need_it) {
    std::string out;
    append_json_string("plain", out);
    EXPECT_EQ(out, "\"plain\"");
    out.clear();
    append_json_string("a\"b\\c\nd\te\rf\bg\fh", out);
    EXPECT_EQ(out, R"("a\"b\\c\nd\te\rf\bg\fh")");
    out.clear();
    append_json_string(std::string_view("\x01\x1f\0x", 4), out);
    EXPECT_EQ(out, R"("\u0001\u001f\u0000x")");
    out.clear();
    append_json_string("\"", out);
    EXPECT_EQ(out, R"("\"")");
    out.clear();
    append_json_string("", out);
    EXPECT_EQ(out, R"("")");
}

// A plain byte-by-byte escaper to compare the word-at-a-time scan with.
std::string reference_escape(std::string_view s) {
    std::string out = "\"";
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"')
            out += "\\\"";
        else if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\b')
            out += "\\b";
        else if (c == '\f')
            out += "\\f";
        else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else
            out += ch;
    }
    return out + "\"";
}

TEST(json_writer, escapes_at_every_position_of_short_and_long_strings) {
    // Special bytes and bytes around them that a word-at-a-time scan could confuse.
    const std::string specials = std::string("\"\\\n\x01\x1f", 5) + std::string(1, '\0');
    const std::string fillers[] = {"a", "\x7f", "\xff", "\x80", " ", "!", "#", "[", "]"};
    for (size_t len = 1; len <= 24; ++len) {
        for (const auto& filler : fillers) {
            for (size_t pos = 0; pos < len; ++pos) {
                for (char special : specials) {
                    std::string s;
                    for (size_t i = 0; i < len; ++i)
                        s += filler;
                    s.resize(len);
                    s[pos] = special;
                    std::string out;
                    append_json_string(s, out);
                    ASSERT_EQ(out, reference_escape(s))
                        << "len " << len << " pos " << pos << " special " << int(special);
                }
            }
            std::string clean(len, filler[0]);
            std::string out;
            append_json_string(clean, out);
            ASSERT_EQ(out, reference_escape(clean));
        }
    }
}

TEST(json_writer, every_byte_round_trips_through_a_parser) {
    std::string all;
    for (int c = 1; c < 0x80; ++c)
        all.push_back(static_cast<char>(c));
    all += "caf\xc3\xa9 \xe2\x82\xac"; // UTF-8 passes through
    person p{1, all, all, all, all, all, 0, all};
    std::string out;
    append_json(p, out);
    auto j = json::parse(out);
    for (const char* k : {"name", "emailAddress", "creditCard", "city", "state", "extra"})
        EXPECT_EQ(j[k].get<std::string>(), all) << k;
}

TEST(json_writer, generated_events_are_valid_json_with_exact_fields) {
    generator gen{generator_config{}};
    std::string line;
    const std::vector<std::string> person_keys = {"id",   "name",  "emailAddress", "creditCard",
                                                  "city", "state", "dateTime",     "extra"};
    const std::vector<std::string> auction_keys = {
        "id",       "itemName", "description", "initialBid", "reserve",
        "dateTime", "expires",  "seller",      "category",   "extra"};
    const std::vector<std::string> bid_keys = {"auction", "bidder",   "price", "channel",
                                               "url",     "dateTime", "extra"};
    for (int i = 0; i < 20'000; ++i) {
        const event& e = gen.next();
        line.clear();
        append_json(e, line);
        ASSERT_EQ(line.find('\n'), std::string::npos);
        json j = json::parse(line); // throws (fails the test) on invalid JSON
        ASSERT_TRUE(j.is_object());
        switch (e.kind) {
        case event_kind::person:
            ASSERT_EQ(keys_in_order(line), person_keys);
            EXPECT_TRUE(j["id"].is_number_integer());
            EXPECT_EQ(j["id"].get<int64_t>(), e.p.id);
            EXPECT_EQ(j["name"].get<std::string>(), e.p.name);
            EXPECT_EQ(j["extra"].get<std::string>(), e.p.extra);
            break;
        case event_kind::auction:
            ASSERT_EQ(keys_in_order(line), auction_keys);
            for (const char* k : {"id", "initialBid", "reserve", "seller", "category"})
                EXPECT_TRUE(j[k].is_number_integer()) << k;
            EXPECT_EQ(j["description"].get<std::string>(), e.a.description);
            EXPECT_EQ(j["seller"].get<int64_t>(), e.a.seller);
            break;
        case event_kind::bid:
            ASSERT_EQ(keys_in_order(line), bid_keys);
            for (const char* k : {"auction", "bidder", "price"})
                EXPECT_TRUE(j[k].is_number_integer()) << k;
            EXPECT_EQ(j["url"].get<std::string>(), e.b.url);
            EXPECT_EQ(j["price"].get<int64_t>(), e.b.price);
            break;
        }
        std::string ts = j["dateTime"].get<std::string>();
        std::string want;
        append_timestamp(e.date_time_ms(), want);
        ASSERT_EQ(ts, want);
        ASSERT_EQ(ts.size(), 23u);
    }
}

} // namespace
} // namespace spate::nexmark
