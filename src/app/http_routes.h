#pragma once

#include "http/router.h"

#include <atomic>
#include <chrono>

namespace spate::broker {
class kafka_broker;
}
namespace spate::stream {
class engine;
}

namespace spate::app {

class relation_directory;

/// What the HTTP routes reach: the broker (topics, partitions), the SQL engine on its home
/// shard, the relations it publishes, and whether the saved SQL objects are back yet. Owned
/// by embedded_server; outlives the HTTP listener.
struct http_parts {
    broker::kafka_broker& broker;
    stream::engine& engine;
    relation_directory& relations;
    /// Set once the engine has re-created the saved SQL objects (GET /health says "ok").
    const std::atomic<bool>& sql_ready;
};

/// Registers spate's HTTP API (docs/http.md) on `r`: /health, POST /api/sql,
/// GET /api/views/{name}, GET /api/views/{name}/changes, GET /api/topics,
/// POST and GET /api/topics/{topic}/records. `parts` must outlive the server using `r`.
/// The place to add further routes (metrics, pipelines, the console's assets).
void register_routes(http::router& r, const http_parts& parts);

/// Serves GET /api/views/{name}/changes: the "snapshot" event (the view now), then a
/// keepalive comment every keepalive interval until the client goes or the server stops.
/// Change events ("changes") are not sent yet: the engine has no change subscription to
/// feed them.
boost::asio::awaitable<void> stream_view_changes(const http_parts& parts, const http::request& req,
                                                 http::event_stream& events);

} // namespace spate::app
