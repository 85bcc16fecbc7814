#include "app/http_records_internal.h"

#include <gtest/gtest.h>

namespace spate::app {
namespace {

struct read_result {
    std::vector<posted_record> records;
    std::optional<record_error> error;
};

read_result read(std::string_view body, bool ndjson) {
    read_result out;
    out.error = read_posted_records(body, ndjson, [&out](posted_record& r) {
        out.records.push_back(r);
        return std::optional<record_error>();
    });
    return out;
}

TEST(http_records, ndjson_records_keep_their_bytes_as_posted) {
    auto r = read("{\"key\":\"k\\\"1\",\"value\":{\"t\": 21.50, \"s\":[1, 2]},\"timestamp\":5,"
                  "\"partition\":1,\"headers\":{\"a\":\"x\",\"n\":7}}\n"
                  "\n  \r\n"
                  "{\"value\":\"plain \\u00e9\"}\n"
                  "{\"value\":null,\"key\":null,\"partition\":null,\"timestamp\":null}",
                  true);
    ASSERT_FALSE(r.error) << r.error->message;
    ASSERT_EQ(r.records.size(), 3u);
    EXPECT_EQ(r.records[0].key, "k\"1");
    EXPECT_EQ(r.records[0].value, "{\"t\": 21.50, \"s\":[1, 2]}");
    EXPECT_EQ(r.records[0].timestamp, 5);
    EXPECT_EQ(r.records[0].partition, 1);
    ASSERT_EQ(r.records[0].headers.size(), 2u);
    EXPECT_EQ(r.records[0].headers[0], (std::pair<std::string, std::string>{"a", "x"}));
    EXPECT_EQ(r.records[0].headers[1], (std::pair<std::string, std::string>{"n", "7"}));
    EXPECT_EQ(r.records[1].value, "plain \xc3\xa9");
    EXPECT_FALSE(r.records[1].key);
    EXPECT_FALSE(r.records[2].value);
    EXPECT_FALSE(r.records[2].key);
    EXPECT_FALSE(r.records[2].partition);
    EXPECT_FALSE(r.records[2].timestamp);
}

TEST(http_records, an_array_or_one_object) {
    auto r = read(R"([{"value": 1}, {"value": true, "key": 2.5}])", false);
    ASSERT_FALSE(r.error) << r.error->message;
    ASSERT_EQ(r.records.size(), 2u);
    EXPECT_EQ(r.records[0].value, "1");
    EXPECT_EQ(r.records[1].value, "true");
    EXPECT_EQ(r.records[1].key, "2.5");
    r = read(R"({"value": "one"})", false);
    ASSERT_FALSE(r.error);
    ASSERT_EQ(r.records.size(), 1u);
    EXPECT_TRUE(read("[]", false).records.empty());
}

void expect_error(std::string_view body, bool ndjson, std::string_view code,
                  std::string_view message) {
    auto r = read(body, ndjson);
    ASSERT_TRUE(r.error) << body;
    EXPECT_EQ(r.error->code, code) << body;
    EXPECT_EQ(r.error->message, message) << body;
}

TEST(http_records, bad_records_name_their_line_or_element) {
    expect_error("{\"value\":1}\n{\"key\":\"k\"}", true, "INVALID_RECORD",
                 "line 2: has no \"value\" (every record needs one; it may be null)");
    expect_error("{\"value\":1}\n\n[1]", true, "INVALID_RECORD", "line 3: is not a JSON object");
    expect_error("{\"value\":1} x", true, "INVALID_RECORD",
                 "line 1: not valid JSON: text after the record");
    expect_error(R"({"value":1,"timestamp":-3})", true, "INVALID_TIMESTAMP",
                 "line 1: \"timestamp\" is not milliseconds since 1970 (a non-negative integer): "
                 "-3");
    expect_error(R"({"value":1,"timestamp":"now"})", true, "INVALID_TIMESTAMP",
                 "line 1: \"timestamp\" is not milliseconds since 1970 (a non-negative integer): "
                 "\"now\"");
    expect_error(R"({"value":1,"partition":1.5})", true, "UNKNOWN_TOPIC_OR_PARTITION",
                 "line 1: \"partition\" is not an integer: 1.5");
    expect_error(R"({"value":1,"headers":[1]})", true, "INVALID_RECORD",
                 "line 1: \"headers\" is not an object of names and values");
    expect_error(R"([{"value": 1}, {"key": "k"}])", false, "INVALID_RECORD",
                 "element 1: has no \"value\" (every record needs one; it may be null)");
    expect_error(R"(["x"])", false, "INVALID_RECORD", "element 0: is not a JSON object");
    expect_error("42", false, "INVALID_RECORD",
                 "the body is neither a JSON array of records nor one record");
    expect_error(R"({"value": 1} {)", false, "INVALID_RECORD",
                 "the body is not valid JSON: text after the record");
}

TEST(http_records, text_that_is_not_json_is_reported_as_such) {
    for (std::string_view body : {"{\"value\": \n", "{\"value\" 1}", "nope", "{\"value\":tru}"}) {
        auto r = read(body, true);
        ASSERT_TRUE(r.error) << body;
        EXPECT_EQ(r.error->code, "INVALID_RECORD");
        EXPECT_TRUE(r.error->message.starts_with("line 1: not valid JSON: ") ||
                    r.error->message.starts_with("line 1: is not a JSON object"))
            << body << " -> " << r.error->message;
        EXPECT_TRUE(r.records.empty()) << body;
    }
    for (std::string_view body : {"[{\"value\": 1}, ", "[{\"value\": }]", "{\"value\": 1"}) {
        auto r = read(body, false);
        ASSERT_TRUE(r.error) << body;
        EXPECT_TRUE(r.error->message.starts_with("the body is not valid JSON"))
            << body << " -> " << r.error->message;
    }
}

TEST(http_records, the_sink_error_stops_reading_and_names_the_record) {
    int seen = 0;
    auto e = read_posted_records("{\"value\":1}\n{\"value\":2}\n{\"value\":3}", true,
                                 [&seen](posted_record&) -> std::optional<record_error> {
                                     if (++seen == 2) return record_error{"X", "no room"};
                                     return std::nullopt;
                                 });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "line 2: no room");
    EXPECT_EQ(seen, 2);
}

} // namespace
} // namespace spate::app
