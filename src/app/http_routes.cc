#include "app/http_routes.h"

#include "app/http_routes_internal.h"
#include "console/assets.h"

namespace spate::app {

void register_routes(http::router& r, const http_parts& parts) {
    register_sql_routes(r, parts);
    register_topic_routes(r, parts);
    register_observe_routes(r, parts);
    // The web console, built by npm and embedded in the binary.
    r.set_assets([](std::string_view path) -> std::optional<http::asset> {
        auto a = console::find_asset(path);
        if (!a) return std::nullopt;
        return http::asset{a->content_type, a->bytes};
    });
}

} // namespace spate::app
