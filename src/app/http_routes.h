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
/// POST and GET /api/topics/{topic}/records, GET /api/pipelines, GET /metrics, and the web
/// console's assets for every other GET. `parts` must outlive the server using `r`.
void register_routes(http::router& r, const http_parts& parts);

/// Serves GET /api/views/{name}/changes: the "snapshot" event (the view now), then a "changes"
/// event for each batch of changes (several batches that arrive while one is being sent go
/// out as one event), with a keepalive comment when nothing happened for the keepalive
/// interval. When the view is dropped (or the subscriber falls too far behind) an "end" event
/// with the reason closes the stream; an unknown view gets one "error" event.
boost::asio::awaitable<void> stream_view_changes(const http_parts& parts, const http::request& req,
                                                 http::event_stream& events);

} // namespace spate::app
