#include "http/router.h"

#include "http/query.h"

#include <algorithm>
#include <cassert>

namespace spate::http {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        auto slash = path.find('/');
        auto part = path.substr(0, slash);
        if (!part.empty()) out.push_back(part);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

namespace {

bool is_capture(std::string_view part) {
    return part.size() >= 2 && part.front() == '{' && part.back() == '}';
}

/// Whether `pattern_parts` matches `path_parts`; fills `captures` (decoded) when it does.
bool matches(const std::vector<std::string>& pattern_parts,
             const std::vector<std::string_view>& path_parts,
             std::vector<std::pair<std::string, std::string>>& captures, bool& bad_escape) {
    if (pattern_parts.size() != path_parts.size()) return false;
    for (size_t i = 0; i < path_parts.size(); ++i)
        if (!is_capture(pattern_parts[i]) && pattern_parts[i] != path_parts[i]) return false;
    captures.clear();
    for (size_t i = 0; i < path_parts.size(); ++i) {
        const auto& p = pattern_parts[i];
        if (!is_capture(p)) continue;
        auto decoded = percent_decode(path_parts[i], false);
        if (!decoded) {
            bad_escape = true;
            return false;
        }
        captures.emplace_back(p.substr(1, p.size() - 2), std::move(*decoded));
    }
    return true;
}

} // namespace

route& router::add_route(std::string method, std::string pattern) {
    for ([[maybe_unused]] const auto& r : _routes)
        assert(!(r->method == method && r->pattern == pattern) && "route added twice");
    auto r = std::make_unique<route>();
    for (auto part : split_path(pattern))
        r->parts.emplace_back(part);
    r->method = std::move(method);
    r->pattern = std::move(pattern);
    _routes.push_back(std::move(r));
    return *_routes.back();
}

void router::add(std::string method, std::string pattern, handler h) {
    add_route(std::move(method), std::move(pattern)).plain = std::move(h);
}

void router::add_stream(std::string method, std::string pattern, stream_handler h) {
    add_route(std::move(method), std::move(pattern)).stream = std::move(h);
}

route_match router::match(std::string_view method, std::string_view path) const {
    route_match m;
    auto parts = split_path(path);
    std::vector<std::pair<std::string, std::string>> captures;
    std::vector<std::string_view> allowed;
    for (const auto& r : _routes) {
        bool bad = false;
        if (!matches(r->parts, parts, captures, bad)) {
            m.bad_escape = m.bad_escape || bad;
            continue;
        }
        if (r->method == method) {
            m.found = r.get();
            m.captures = std::move(captures);
            m.allow.clear();
            m.bad_escape = false;
            return m;
        }
        allowed.push_back(r->method);
    }
    // The Allow list in a stable order, whatever the order the routes were added in.
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    for (auto method : allowed) {
        if (!m.allow.empty()) m.allow += ", ";
        m.allow += method;
    }
    return m;
}

std::optional<asset> router::find_asset(std::string_view path) const {
    if (!_assets) return std::nullopt;
    if (path == "/api" || path.starts_with("/api/")) return std::nullopt;
    if (path.empty() || path == "/") path = "/index.html";
    if (auto a = _assets(path)) return a;
    return _assets("/index.html");
}

} // namespace spate::http
