#include "broker/handlers/group_routing_internal.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

task<kafka::join_group_response_data> join_group(request_context& ctx,
                                                 kafka::join_group_request_data req) {
    auto group = req.group_id;
    auto op = on_coordinator(
        ctx, group,
        [req = std::move(req), version = ctx.version, client = ctx.client_id.value_or(""),
         host = client_host(ctx.peer)](group::coordinator& c) mutable {
            return c.join(std::move(req), version, std::move(client), std::move(host));
        });
    co_return co_await std::move(op);
}

} // namespace spate::broker::handlers
