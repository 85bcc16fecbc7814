#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "group/coordinator.h"
#include "runtime/invoke.h"
#include "runtime/shard_set.h"
#include "runtime/when_all.h"

namespace spate::broker::handlers {

// Every shard's coordinator lists its groups; the answers are joined.
task<kafka::list_groups_response_data> list_groups(request_context& ctx,
                                                   kafka::list_groups_request_data req) {
    using listed = std::vector<kafka::list_groups_response_data::listed_group>;
    std::vector<task<listed>> lists;
    for (unsigned s = 0; s < ctx.broker.shards().size(); ++s) {
        auto* c = &ctx.broker.state(s).coordinator();
        lists.push_back(runtime::invoke_on(
            ctx.broker.executor(s), [c, states = req.states_filter, types = req.types_filter] {
                return c->list(states, types);
            }));
    }
    auto all = runtime::when_all(std::move(lists));
    auto results = co_await std::move(all);
    kafka::list_groups_response_data response;
    for (auto& r : results)
        for (auto& g : r)
            response.groups.push_back(std::move(g));
    co_return response;
}

} // namespace spate::broker::handlers
