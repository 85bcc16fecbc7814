#include "broker/handlers/group_routing_internal.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

task<kafka::describe_groups_response_data>
describe_groups(request_context& ctx, kafka::describe_groups_request_data req) {
    kafka::describe_groups_response_data response;
    for (const auto& id : req.groups) {
        auto op = on_coordinator(ctx, id, [id, version = ctx.version](group::coordinator& c) {
            return c.describe(id, version);
        });
        auto described = co_await std::move(op);
        response.groups.push_back(std::move(described));
    }
    co_return response;
}

} // namespace spate::broker::handlers
