#include "broker/handlers/group_routing_internal.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

task<kafka::delete_groups_response_data> delete_groups(request_context& ctx,
                                                       kafka::delete_groups_request_data req) {
    kafka::delete_groups_response_data response;
    for (const auto& id : req.groups_names) {
        auto op =
            on_coordinator(ctx, id, [id](group::coordinator& c) { return c.delete_group(id); });
        kafka::delete_groups_response_data::deletable_group_result r;
        r.group_id = id;
        r.error_code = co_await std::move(op);
        response.results.push_back(std::move(r));
    }
    co_return response;
}

} // namespace spate::broker::handlers
