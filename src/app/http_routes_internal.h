#pragma once

// The route groups register_routes() adds; internal to the app module.

#include "app/http_routes.h"

namespace spate::app {

/// /health, POST /api/sql, GET /api/views/{name} and its change stream (http_sql.cc).
void register_sql_routes(http::router& r, const http_parts& parts);
/// GET /api/topics, POST and GET /api/topics/{topic}/records (http_topics.cc).
void register_topic_routes(http::router& r, const http_parts& parts);
/// GET /metrics and GET /api/pipelines (http_observe.cc).
void register_observe_routes(http::router& r, const http_parts& parts);

} // namespace spate::app
