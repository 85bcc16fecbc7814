#include "broker/handlers/group_routing_internal.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

task<kafka::sync_group_response_data> sync_group(request_context& ctx,
                                                 kafka::sync_group_request_data req) {
    auto group = req.group_id;
    auto op = on_coordinator(
        ctx, group, [req = std::move(req), version = ctx.version](group::coordinator& c) mutable {
            return c.sync(std::move(req), version);
        });
    co_return co_await std::move(op);
}

} // namespace spate::broker::handlers
