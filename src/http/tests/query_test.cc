#include "http/message.h"
#include "http/query.h"

#include <gtest/gtest.h>

namespace spate::http {
namespace {

TEST(percent_decode, decodes_escapes_and_plus_only_in_queries) {
    EXPECT_EQ(percent_decode("a%20b%2Fc", false), "a b/c");
    EXPECT_EQ(percent_decode("a+b", false), "a+b");
    EXPECT_EQ(percent_decode("a+b", true), "a b");
    EXPECT_EQ(percent_decode("%e2%82%ac", false), "\xe2\x82\xac");
    EXPECT_EQ(percent_decode("", false), "");
}

TEST(percent_decode, refuses_malformed_escapes) {
    EXPECT_FALSE(percent_decode("%", false));
    EXPECT_FALSE(percent_decode("%2", false));
    EXPECT_FALSE(percent_decode("abc%", false));
    EXPECT_FALSE(percent_decode("%zz", false));
    EXPECT_FALSE(percent_decode("%2g", false));
}

TEST(parse_query, splits_decodes_and_keeps_order) {
    auto q = parse_query("partition=0&offset=100&name=a%26b+c&flag&&x=");
    ASSERT_TRUE(q);
    std::vector<std::pair<std::string, std::string>> want = {
        {"partition", "0"}, {"offset", "100"}, {"name", "a&b c"}, {"flag", ""}, {"x", ""}};
    EXPECT_EQ(*q, want);
    EXPECT_TRUE(parse_query("")->empty());
    EXPECT_FALSE(parse_query("a=%G1"));
    EXPECT_FALSE(parse_query("%=1"));
}

TEST(json_quote, escapes_what_json_needs_and_replaces_bad_utf8) {
    EXPECT_EQ(json_quote("plain"), "\"plain\"");
    EXPECT_EQ(json_quote("a\"b\\c\nd\te\x01"), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
    EXPECT_EQ(json_quote("\xe2\x82\xac"), "\"\xe2\x82\xac\"");
    EXPECT_EQ(json_quote("a\xff"
                         "b"),
              "\"a\xEF\xBF\xBD"
              "b\"");
    // An overlong encoding and a lone continuation byte are not valid UTF-8.
    EXPECT_EQ(json_quote("\xc0\xaf"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    EXPECT_EQ(json_quote("\xe2\x82"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(json_error, has_the_contract_shape) {
    auto r = json_error(404, "UNKNOWN_TOPIC_OR_PARTITION", "topic \"x\" does not exist");
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.body, "{\"error\":{\"code\":\"UNKNOWN_TOPIC_OR_PARTITION\",\"message\":\"topic "
                      "\\\"x\\\" does not exist\"}}");
}

TEST(request, media_type_drops_parameters_and_case) {
    request r;
    EXPECT_EQ(r.media_type(), "");
    r.headers.emplace_back("content-type", " Application/JSON ; charset=utf-8");
    EXPECT_EQ(r.media_type(), "application/json");
    EXPECT_EQ(r.header("content-type").value_or(""), " Application/JSON ; charset=utf-8");
    EXPECT_FALSE(r.header("accept"));
}

} // namespace
} // namespace spate::http
