#include "http/router.h"

#include <gtest/gtest.h>

namespace spate::http {
namespace {

namespace asio = boost::asio;

handler answer(std::string body) {
    return [body](const request&) -> asio::awaitable<response> {
        co_return response::json(200, body);
    };
}

router make_router() {
    router r;
    r.add("GET", "/health", answer("health"));
    r.add("GET", "/api/views/{name}", answer("view"));
    r.add("POST", "/api/topics/{topic}/records", answer("write"));
    r.add("GET", "/api/topics/{topic}/records", answer("read"));
    r.add_stream("GET", "/api/views/{name}/changes",
                 [](const request&, event_stream&) -> asio::awaitable<void> { co_return; });
    return r;
}

TEST(router, matches_literals_and_captures) {
    auto r = make_router();
    auto m = r.match("GET", "/health");
    ASSERT_TRUE(m.found);
    EXPECT_EQ(m.found->pattern, "/health");
    EXPECT_TRUE(m.captures.empty());

    m = r.match("GET", "/api/views/avg%20temp");
    ASSERT_TRUE(m.found);
    EXPECT_EQ(m.found->pattern, "/api/views/{name}");
    ASSERT_EQ(m.captures.size(), 1u);
    EXPECT_EQ(m.captures[0], (std::pair<std::string, std::string>{"name", "avg temp"}));

    m = r.match("POST", "/api/topics/sensors/records");
    ASSERT_TRUE(m.found);
    EXPECT_EQ(m.found->method, "POST");
    EXPECT_EQ(m.captures[0].second, "sensors");

    m = r.match("GET", "/api/views/v1/changes");
    ASSERT_TRUE(m.found);
    EXPECT_TRUE(m.found->stream);
    EXPECT_FALSE(m.found->plain);
}

TEST(router, ignores_empty_segments) {
    auto r = make_router();
    EXPECT_TRUE(r.match("GET", "/health/").found);
    EXPECT_TRUE(r.match("GET", "//api//views/x").found);
}

TEST(router, unknown_paths_are_404_and_other_methods_405) {
    auto r = make_router();
    auto m = r.match("GET", "/nope");
    EXPECT_FALSE(m.found);
    EXPECT_TRUE(m.allow.empty());
    m = r.match("GET", "/api/views");
    EXPECT_FALSE(m.found);
    EXPECT_TRUE(m.allow.empty());
    m = r.match("GET", "/api/views/a/b/c");
    EXPECT_FALSE(m.found);

    m = r.match("DELETE", "/api/topics/t/records");
    EXPECT_FALSE(m.found);
    EXPECT_EQ(m.allow, "GET, POST");
    m = r.match("POST", "/health");
    EXPECT_EQ(m.allow, "GET");
}

TEST(router, a_bad_escape_in_a_capture_is_reported) {
    auto r = make_router();
    auto m = r.match("GET", "/api/views/a%zz");
    EXPECT_FALSE(m.found);
    EXPECT_TRUE(m.bad_escape);
}

TEST(router, assets_fall_back_to_index_outside_api) {
    router r;
    EXPECT_FALSE(r.find_asset("/"));
    r.set_assets([](std::string_view path) -> std::optional<asset> {
        if (path == "/index.html") return asset{"text/html", "<html>"};
        if (path == "/assets/app.js") return asset{"text/javascript", "js"};
        return std::nullopt;
    });
    EXPECT_EQ(r.find_asset("/")->body, "<html>");
    EXPECT_EQ(r.find_asset("/assets/app.js")->body, "js");
    EXPECT_EQ(r.find_asset("/pipelines/avg")->body, "<html>");
    EXPECT_FALSE(r.find_asset("/api/nothing"));
    EXPECT_FALSE(r.find_asset("/api"));
}

TEST(split_path, drops_empty_segments) {
    EXPECT_EQ(split_path("/a//b/"), (std::vector<std::string_view>{"a", "b"}));
    EXPECT_TRUE(split_path("/").empty());
    EXPECT_TRUE(split_path("").empty());
}

} // namespace
} // namespace spate::http
