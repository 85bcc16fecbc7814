#include "broker/handlers/group_routing_internal.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

task<kafka::offset_commit_response_data> offset_commit(request_context& ctx,
                                                       kafka::offset_commit_request_data req) {
    auto group = req.group_id;
    // The topic table is immutable and shared: the coordinator's shard may read this copy.
    auto exists = [topics = ctx.shard.topics()](const std::string& topic, int32_t partition) {
        return topic != group::offsets_topic && topics->find(topic, partition) != nullptr;
    };
    auto op = on_coordinator(ctx, group,
                             [req = std::move(req), version = ctx.version,
                              exists = std::move(exists)](group::coordinator& c) mutable {
                                 return c.commit(std::move(req), version, std::move(exists));
                             });
    co_return co_await std::move(op);
}

} // namespace spate::broker::handlers
