#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/topic_ids.h"
#include "group/coordinator.h"
#include "model/topic_name.h"
#include "runtime/invoke.h"

#include <set>

namespace spate::broker::handlers {

namespace {

using response_topic = kafka::metadata_response_data::metadata_response_topic;

response_topic describe(const topic_entry& t, int32_t node_id) {
    response_topic out;
    out.name = t.name;
    out.topic_id = to_uuid(t.id);
    out.is_internal = t.name == group::offsets_topic;
    for (size_t i = 0; i < t.partitions.size(); ++i) {
        kafka::metadata_response_data::metadata_response_partition p;
        p.partition_index = static_cast<int32_t>(i);
        p.leader_id = node_id;
        p.leader_epoch = 0;
        p.replica_nodes = {node_id};
        p.isr_nodes = {node_id};
        out.partitions.push_back(std::move(p));
    }
    return out;
}

response_topic failed(std::optional<std::string> name, kafka::uuid id, const error& e) {
    response_topic out;
    out.error_code = static_cast<int16_t>(e.code);
    out.name = std::move(name);
    out.topic_id = id;
    return out;
}

} // namespace

task<kafka::metadata_response_data> metadata(request_context& ctx,
                                             kafka::metadata_request_data req) {
    auto& broker = ctx.broker;
    const auto& cfg = broker.config();
    kafka::metadata_response_data response;
    auto addr = broker.advertised_address();
    kafka::metadata_response_data::metadata_response_broker self;
    self.node_id = cfg.node_id;
    self.host = addr.host;
    self.port = addr.port;
    response.brokers.push_back(self);
    response.controller_id = cfg.node_id;

    // Version 0 has no null: an empty list asks for every topic, as null does later.
    bool all = !req.topics.has_value() || (ctx.version == 0 && req.topics->empty());
    if (all) {
        for (const auto& [name, t] : ctx.shard.topics()->by_name)
            response.topics.push_back(describe(*t, cfg.node_id));
    } else {
        // Auto-creation happens before versions 4's flag existed (v0-3 always ask for it).
        bool create = cfg.auto_create_topics && req.allow_auto_topic_creation;
        std::set<std::string> seen;
        for (const auto& rt : *req.topics) {
            if (!rt.name) {
                // By id (v10+).
                auto id = to_topic_id(rt.topic_id);
                if (const auto* t = ctx.shard.topics()->find(id))
                    response.topics.push_back(describe(*t, cfg.node_id));
                else
                    response.topics.push_back(
                        failed(std::nullopt, rt.topic_id,
                               error::make(errc::unknown_topic_id, "no topic with id {}",
                                           id.to_string())));
                continue;
            }
            const auto& name = *rt.name;
            if (!seen.insert(name).second) continue;
            if (const auto* t = ctx.shard.topics()->find(name)) {
                response.topics.push_back(describe(*t, cfg.node_id));
                continue;
            }
            if (auto valid = model::validate_topic_name(name); !valid) {
                response.topics.push_back(failed(name, {}, valid.err()));
                continue;
            }
            if (!create) {
                response.topics.push_back(failed(
                    name, {}, error::make(errc::unknown_topic_or_partition, "no topic {}", name)));
                continue;
            }
            auto op = runtime::invoke_on(
                broker.executor(broker.ctl().shard()),
                [&broker, name, n = cfg.default_partitions]() -> std::optional<error> {
                    auto r = broker.ctl().create_topic(name, n, {});
                    // Another client may have created it meanwhile: that is success too.
                    if (!r && r.err().code != errc::topic_already_exists) return r.err();
                    return std::nullopt;
                });
            auto created = co_await std::move(op);
            // The new topic table reached this shard before the controller answered.
            const auto* t = ctx.shard.topics()->find(name);
            if (created || !t)
                response.topics.push_back(
                    failed(name, {},
                           created ? *created
                                   : error::make(errc::leader_not_available,
                                                 "topic {} is being created", name)));
            else
                response.topics.push_back(describe(*t, cfg.node_id));
        }
    }
    response.cluster_id = broker.cluster_id();
    co_return response;
}

} // namespace spate::broker::handlers
