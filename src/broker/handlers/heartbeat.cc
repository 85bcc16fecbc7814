#include "broker/handlers/group_routing_internal.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

task<kafka::heartbeat_response_data> heartbeat(request_context& ctx,
                                               kafka::heartbeat_request_data req) {
    auto group = req.group_id;
    auto op = on_coordinator(
        ctx, group, [req = std::move(req)](group::coordinator& c) { return c.heartbeat(req); });
    co_return co_await std::move(op);
}

} // namespace spate::broker::handlers
