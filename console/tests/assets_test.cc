#include "console/assets.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace spate::console {
namespace {

// The paths index.html loads (src="/assets/..." and href="/assets/...").
std::vector<std::string> referenced_assets(std::string_view html) {
    std::vector<std::string> out;
    for (std::string_view attr : {"src=\"", "href=\""}) {
        for (auto pos = html.find(attr); pos != std::string_view::npos;
             pos = html.find(attr, pos + 1)) {
            const auto start = pos + attr.size();
            const auto end = html.find('"', start);
            if (end == std::string_view::npos) break;
            auto url = html.substr(start, end - start);
            if (url.starts_with("/assets/")) out.emplace_back(url);
        }
    }
    return out;
}

TEST(console_assets, root_and_index_are_the_html_page) {
    auto root = find_asset("/");
    ASSERT_TRUE(root.has_value());
    EXPECT_EQ(root->content_type, "text/html; charset=utf-8");
    EXPECT_NE(root->bytes.find("<div id=\"app\">"), std::string_view::npos);
    auto index = find_asset("/index.html");
    ASSERT_TRUE(index.has_value());
    EXPECT_EQ(index->bytes, root->bytes);
    EXPECT_EQ(index_html().bytes, root->bytes);
    EXPECT_EQ(index_html().content_type, "text/html; charset=utf-8");
}

TEST(console_assets, every_asset_index_html_loads_is_embedded_with_its_type) {
    const auto refs = referenced_assets(index_html().bytes);
    bool saw_js = false;
    bool saw_css = false;
    for (const auto& path : refs) {
        auto a = find_asset(path);
        ASSERT_TRUE(a.has_value()) << path;
        EXPECT_FALSE(a->bytes.empty()) << path;
        EXPECT_TRUE(is_immutable(path)) << path;
        if (path.ends_with(".js")) {
            saw_js = true;
            EXPECT_EQ(a->content_type, "text/javascript; charset=utf-8");
        }
        if (path.ends_with(".css")) {
            saw_css = true;
            EXPECT_EQ(a->content_type, "text/css; charset=utf-8");
            // The chart library's styles are bundled with the console's own.
            EXPECT_NE(a->bytes.find(".uplot"), std::string_view::npos);
        }
    }
    EXPECT_TRUE(saw_js);
    EXPECT_TRUE(saw_css);
}

TEST(console_assets, unknown_and_unsafe_paths_find_nothing) {
    EXPECT_FALSE(find_asset("").has_value());
    EXPECT_FALSE(find_asset("index.html").has_value());
    EXPECT_FALSE(find_asset("/sql").has_value());
    EXPECT_FALSE(find_asset("/views/avg_temp").has_value());
    EXPECT_FALSE(find_asset("/api/topics").has_value());
    EXPECT_FALSE(find_asset("/assets/").has_value());
    EXPECT_FALSE(find_asset("/assets/nothing.js").has_value());
    EXPECT_FALSE(find_asset("/assets/../index.html").has_value());
    EXPECT_FALSE(find_asset("//index.html").has_value());
    EXPECT_FALSE(find_asset("/index.html/").has_value());
    EXPECT_FALSE(find_asset("\\index.html").has_value());
    EXPECT_FALSE(find_asset(std::string_view("/index.html\0x", 13)).has_value());
    EXPECT_FALSE(find_asset("/INDEX.HTML").has_value());
    EXPECT_FALSE(is_immutable("/index.html"));
    EXPECT_FALSE(is_immutable("/assets/nothing.js"));
}

TEST(console_assets, content_types_by_extension) {
    EXPECT_EQ(content_type_of("/a/b.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_of("x.CSS"), "text/css; charset=utf-8");
    EXPECT_EQ(content_type_of("/logo.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_of("/f.woff2"), "font/woff2");
    EXPECT_EQ(content_type_of("/f.woff"), "font/woff");
    EXPECT_EQ(content_type_of("/favicon.ico"), "image/x-icon");
    EXPECT_EQ(content_type_of("/data.json"), "application/json");
    EXPECT_EQ(content_type_of("/noext"), "application/octet-stream");
    EXPECT_EQ(content_type_of("/dir.js/noext"), "application/octet-stream");
    EXPECT_EQ(content_type_of("/a.tar.gz"), "application/octet-stream");
    EXPECT_EQ(content_type_of(""), "application/octet-stream");
    EXPECT_EQ(content_type_of("/trailing."), "application/octet-stream");
}

} // namespace
} // namespace spate::console
