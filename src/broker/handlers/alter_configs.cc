#include "broker/broker.h"
#include "broker/handlers/config_resources_internal.h"
#include "broker/handlers/handlers.h"
#include "broker/kafka_errors.h"
#include "runtime/invoke.h"

namespace spate::broker::handlers {

namespace {

/// A topic whose overrides are to be replaced.
struct topic_change {
    size_t index; ///< in the request
    std::string name;
    log::config_overrides overrides;
};

} // namespace

// Kafka's legacy AlterConfigs: a topic's overrides become exactly the configs given (keys not
// given go back to the broker's defaults).
task<kafka::alter_configs_response_data> alter_configs(request_context& ctx,
                                                       kafka::alter_configs_request_data req) {
    auto& broker = ctx.broker;
    auto outcomes = preprocess_resources(req.resources, [](const auto&) { return false; });
    std::vector<topic_change> changes;
    for (size_t i = 0; i < req.resources.size(); ++i) {
        const auto& r = req.resources[i];
        if (outcomes[i]) continue;
        if (r.resource_type == resource_type::broker) {
            if (auto valid = check_broker_to_alter(r.resource_name, broker.config().node_id);
                !valid) {
                outcomes[i] = valid.err();
            } else if (!r.configs.empty()) {
                std::set<std::string> keys;
                for (const auto& c : r.configs)
                    keys.insert(c.name);
                outcomes[i] = broker_configs_are_static(keys);
            }
            continue;
        }
        topic_change change{i, r.resource_name, {}};
        for (const auto& c : r.configs)
            change.overrides[c.name] = *c.value;
        changes.push_back(std::move(change));
    }

    // Kafka's order: the name, the configs, then whether the topic exists.
    auto op = runtime::invoke_on(
        broker.executor(broker.ctl().shard()),
        [&broker, changes, validate_only = req.validate_only]() {
            auto& ctl = broker.ctl();
            std::vector<std::optional<error>> out;
            for (const auto& c : changes)
                out.push_back(set_topic_overrides(ctl, c.name, c.overrides, validate_only));
            return out;
        });
    auto applied = co_await std::move(op);
    for (size_t i = 0; i < changes.size(); ++i)
        outcomes[changes[i].index] = std::move(applied[i]);

    co_return resource_responses<kafka::alter_configs_response_data>(req.resources, outcomes);
}

} // namespace spate::broker::handlers
