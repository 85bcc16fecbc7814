#include "console/assets.h"

#include "embedded_files.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <utility>

namespace spate::console {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 16> content_types{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".gif", "image/gif"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
}};

bool safe_path(std::string_view path) {
    if (path.empty() || path.front() != '/') return false;
    if (path.find("..") != std::string_view::npos) return false;
    if (path.find("//") != std::string_view::npos) return false;
    if (path.find('\\') != std::string_view::npos) return false;
    return path.find('\0') == std::string_view::npos;
}

const detail::embedded_file* lookup(std::string_view path) {
    const auto* begin = detail::embedded_files;
    const auto* end = detail::embedded_files + detail::embedded_file_count;
    const auto* it =
        std::lower_bound(begin, end, path, [](const detail::embedded_file& f, std::string_view p) {
            return f.path < p;
        });
    if (it == end || it->path != path) return nullptr;
    return it;
}

} // namespace

std::string_view content_type_of(std::string_view path) {
    const auto slash = path.rfind('/');
    const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos) return "application/octet-stream";
    const auto ext = name.substr(dot);
    for (const auto& [e, type] : content_types) {
        if (ext.size() != e.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < ext.size() && same; ++i) {
            char c = ext[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            same = c == e[i];
        }
        if (same) return type;
    }
    return "application/octet-stream";
}

bool is_immutable(std::string_view path) {
    return path.starts_with("/assets/") && lookup(path) != nullptr;
}

std::optional<asset> find_asset(std::string_view path) {
    if (path == "/") path = "/index.html";
    if (!safe_path(path)) return std::nullopt;
    const auto* f = lookup(path);
    if (f == nullptr) return std::nullopt;
    return asset{content_type_of(f->path), f->bytes};
}

asset index_html() {
    const auto* f = lookup("/index.html");
    // embed_assets.py refuses a dist without index.html, so this is a build error, not input.
    assert(f != nullptr);
    return asset{content_type_of(f->path), f->bytes};
}

} // namespace spate::console
