#include "app/http_routes.h"

#include "app/http_routes_internal.h"

namespace spate::app {

void register_routes(http::router& r, const http_parts& parts) {
    register_sql_routes(r, parts);
    register_topic_routes(r, parts);
}

} // namespace spate::app
