#pragma once

#include "base/latency_histogram.h"
#include "http/message.h"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spate::http {

class event_stream;

/// Answers one request. Runs on the connection's shard; may hop to other shards and back.
/// An exception that escapes it becomes a 500 with a JSON error.
using handler = std::function<boost::asio::awaitable<response>(const request&)>;

/// Serves one Server-Sent Events stream: the server has already sent the 200 and the
/// text/event-stream headers; the handler sends events until it is done or the client is
/// gone (event_stream::send returns false), and the connection closes when it returns.
using stream_handler = std::function<boost::asio::awaitable<void>(const request&, event_stream&)>;

/// A static file the app serves (the web console): its media type and bytes. The bytes are
/// not copied: they must outlive the server (embedded assets are static data).
struct asset {
    std::string_view content_type;
    std::string_view body;
};

/// Finds the asset for a path ("/index.html", "/assets/app.js"); nullopt when there is none.
/// Called on any shard, concurrently: it must be thread-safe.
using asset_source = std::function<std::optional<asset>(std::string_view path)>;

/// One registered route: method, pattern, what answers it and how long it took.
struct route {
    std::string method;
    std::string pattern;
    handler plain;         ///< set for ordinary routes
    stream_handler stream; ///< set for event-stream routes
    mutable spate::latency_histogram
        latency;                    ///< ordinary routes only: request read to response written
    std::vector<std::string> parts; ///< the pattern split at '/'; "{x}" parts capture
};

/// What a request path and method found.
struct route_match {
    const route* found = nullptr;
    std::vector<std::pair<std::string, std::string>> captures;
    /// When no route has this method but some have this path: the methods they have, as an
    /// Allow header value ("GET, POST"); a 405. Empty with found == nullptr: a 404.
    std::string allow;
    /// A capture held a malformed %XX escape: a 400.
    bool bad_escape = false;
};

/// Maps (method, path) to handlers. Patterns are paths whose segments are literal or
/// "{name}", which matches one whole non-empty segment and captures it (percent-decoded);
/// empty segments (a trailing or doubled '/') are ignored. Also holds the static asset
/// source used for GET requests no route matches outside /api/.
///
/// Built by one thread before the server starts; afterwards read-only and shared by every
/// shard (the histograms are atomics).
class router {
public:
    /// Adds a route. Adding the same method and pattern twice is a programmer error.
    void add(std::string method, std::string pattern, handler h);
    /// Adds a Server-Sent Events route.
    void add_stream(std::string method, std::string pattern, stream_handler h);
    /// Serves GET requests that match no route and are not under /api/ from `source`: the
    /// path itself, "/index.html" for "/", and "/index.html" again when the path has no asset
    /// (client-side routes of a single-page app).
    void set_assets(asset_source source) { _assets = std::move(source); }

    /// The route for `method` and `path` (the path without its query string).
    route_match match(std::string_view method, std::string_view path) const;
    /// The asset for a GET of `path` as set_assets() says; nullopt when there is none.
    std::optional<asset> find_asset(std::string_view path) const;
    /// Every route, in the order added (for metrics).
    const std::vector<std::unique_ptr<route>>& routes() const { return _routes; }

private:
    route& add_route(std::string method, std::string pattern);

    std::vector<std::unique_ptr<route>> _routes;
    asset_source _assets;
};

/// `path` split at '/', empty segments left out ("/a//b/" -> {"a", "b"}).
std::vector<std::string_view> split_path(std::string_view path);

} // namespace spate::http
