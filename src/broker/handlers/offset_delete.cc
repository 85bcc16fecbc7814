#include "broker/handlers/group_routing_internal.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

task<kafka::offset_delete_response_data> offset_delete(request_context& ctx,
                                                       kafka::offset_delete_request_data req) {
    auto group = req.group_id;
    auto op = on_coordinator(ctx, group, [req = std::move(req)](group::coordinator& c) mutable {
        return c.delete_offsets(std::move(req));
    });
    co_return co_await std::move(op);
}

} // namespace spate::broker::handlers
