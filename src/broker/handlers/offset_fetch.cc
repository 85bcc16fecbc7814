#include "broker/handlers/group_routing_internal.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

namespace {

using topics_request =
    std::optional<std::vector<kafka::offset_fetch_request_data::offset_fetch_request_topics>>;
using group_result = kafka::offset_fetch_response_data::offset_fetch_response_group;

task<group_result> fetch_group(request_context& ctx, std::string group_id, topics_request topics) {
    auto op = on_coordinator(ctx, group_id,
                             [group_id, topics = std::move(topics)](group::coordinator& c) {
                                 return c.fetch_offsets(group_id, topics);
                             });
    co_return co_await std::move(op);
}

} // namespace

task<kafka::offset_fetch_response_data> offset_fetch(request_context& ctx,
                                                     kafka::offset_fetch_request_data req) {
    kafka::offset_fetch_response_data response;
    if (ctx.version >= 8) {
        for (auto& g : req.groups) {
            topics_request topics;
            if (g.topics) {
                topics.emplace();
                for (auto& t : *g.topics)
                    topics->push_back(std::move(t));
            }
            auto op = fetch_group(ctx, g.group_id, std::move(topics));
            auto fetched = co_await std::move(op);
            response.groups.push_back(std::move(fetched));
        }
        co_return response;
    }
    // Versions 0-7: one group, in the older layout.
    topics_request topics;
    if (req.topics) {
        topics.emplace();
        for (auto& t : *req.topics) {
            kafka::offset_fetch_request_data::offset_fetch_request_topics rt;
            rt.name = std::move(t.name);
            rt.partition_indexes = std::move(t.partition_indexes);
            topics->push_back(std::move(rt));
        }
    }
    auto op = fetch_group(ctx, req.group_id, std::move(topics));
    auto g = co_await std::move(op);
    response.error_code = g.error_code;
    for (auto& t : g.topics) {
        kafka::offset_fetch_response_data::offset_fetch_response_topic rt;
        rt.name = std::move(t.name);
        for (auto& p : t.partitions) {
            kafka::offset_fetch_response_data::offset_fetch_response_partition rp;
            rp.partition_index = p.partition_index;
            rp.committed_offset = p.committed_offset;
            rp.committed_leader_epoch = p.committed_leader_epoch;
            rp.metadata = std::move(p.metadata);
            rp.error_code = p.error_code;
            rt.partitions.push_back(std::move(rp));
        }
        response.topics.push_back(std::move(rt));
    }
    co_return response;
}

} // namespace spate::broker::handlers
