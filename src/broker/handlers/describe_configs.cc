#include "broker/broker.h"
#include "broker/config_schema.h"
#include "broker/handlers/config_resources_internal.h"
#include "broker/handlers/handlers.h"
#include "broker/kafka_errors.h"
#include "model/topic_name.h"

#include <algorithm>

namespace spate::broker::handlers {

namespace {

using resource_request = kafka::describe_configs_request_data::describe_configs_resource;
using resource_result = kafka::describe_configs_response_data::describe_configs_result;
using config_result = kafka::describe_configs_response_data::describe_configs_resource_result;

/// The configs of one resource, or why they cannot be described.
result<std::vector<described_config>> lookup(request_context& ctx, const resource_request& r) {
    switch (r.resource_type) {
    case resource_type::topic: {
        if (auto valid = model::validate_topic_name(r.resource_name); !valid)
            return std::move(valid).err();
        const auto* t = ctx.shard.topics()->find(r.resource_name);
        if (!t)
            return error::make(errc::unknown_topic_or_partition, "topic '{}' does not exist",
                               r.resource_name);
        return describe_topic_configs(t->overrides, ctx.broker.config().log_defaults);
    }
    case resource_type::broker: {
        // "" is the cluster-wide dynamic defaults, of which spate has none; the node's own id
        // is its settings.
        if (r.resource_name.empty()) return std::vector<described_config>{};
        auto id = parse_node_id(r.resource_name, "Broker id");
        if (!id) return std::move(id).err();
        auto self = ctx.broker.config().node_id;
        if (*id != self)
            return error::make(errc::invalid_request,
                               "Unexpected broker id, expected {} or empty string, but received "
                               "{}",
                               self, r.resource_name);
        return describe_broker_configs(ctx.broker.config());
    }
    default:
        return error::make(errc::invalid_request,
                           "Unsupported resource type: {} (spate describes topics (2) and "
                           "brokers (4))",
                           r.resource_type);
    }
}

} // namespace

task<kafka::describe_configs_response_data>
describe_configs(request_context& ctx, kafka::describe_configs_request_data req) {
    kafka::describe_configs_response_data response;
    for (const auto& r : req.resources) {
        resource_result out;
        out.resource_type = r.resource_type;
        out.resource_name = r.resource_name;
        auto configs = lookup(ctx, r);
        if (!configs) {
            out.error_code = kafka_error_code(configs.err());
            out.error_message = configs.err().message;
            response.results.push_back(std::move(out));
            continue;
        }
        // Null or empty: every key. Keys spate does not know are left out, as Kafka does.
        const auto& wanted = r.configuration_keys;
        bool all = !wanted || wanted->empty();
        for (auto& d : *configs) {
            if (!all && std::find(wanted->begin(), wanted->end(), d.name) == wanted->end())
                continue;
            config_result c;
            c.name = std::move(d.name);
            c.value = std::move(d.value);
            c.read_only = d.read_only;
            c.is_default = d.source == config_source::default_config;
            c.config_source = static_cast<int8_t>(d.source);
            c.is_sensitive = false;
            c.config_type = static_cast<int8_t>(d.type);
            if (req.include_synonyms)
                for (auto& s : d.synonyms)
                    c.synonyms.push_back(
                        {std::move(s.name), std::move(s.value), static_cast<int8_t>(s.source)});
            if (req.include_documentation)
                c.documentation = std::string(d.doc);
            else
                c.documentation = std::nullopt;
            out.configs.push_back(std::move(c));
        }
        response.results.push_back(std::move(out));
    }
    co_return response;
}

} // namespace spate::broker::handlers
