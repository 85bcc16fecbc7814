#pragma once

#include <optional>
#include <string_view>

// The web console's files (console/dist, built by npm) embedded in the binary. Everything here
// is immutable static data: any thread may call these functions at any time.
namespace spate::console {

// One embedded file: its HTTP Content-Type and its exact bytes (static storage, never freed).
struct asset {
    std::string_view content_type;
    std::string_view bytes;
};

// The file served at the URL path `path` (starting with '/', query string already removed):
// "/" is "/index.html". nullopt for any path that names no embedded file, including paths
// with "..", "//", a backslash or no leading '/'. Never falls back to index.html: the HTTP
// server does that for unknown non-/api paths (client-side routes) with index_html().
std::optional<asset> find_asset(std::string_view path);

// The console's index.html, served for client-side routes such as /sql or /views/avg_temp.
asset index_html();

// The Content-Type for a file name by its extension ("text/javascript; charset=utf-8" for
// .js, ...; "application/octet-stream" for unknown ones).
std::string_view content_type_of(std::string_view path);

// Whether path's bytes never change for that path (files under /assets/ carry a content hash
// in their names), so the HTTP server may let clients cache them for good.
bool is_immutable(std::string_view path);

} // namespace spate::console
