#pragma once

// Internal to the config handlers (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs):
// resource types and the checks Kafka makes of config resources before it looks at them.

#include "base/result.h"
#include "broker/controller.h"
#include "broker/kafka_errors.h"
#include "model/topic_name.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spate::broker::handlers {

/// Kafka's ConfigResource.Type ids that spate serves.
namespace resource_type {
constexpr int8_t topic = 2;
constexpr int8_t broker = 4;
} // namespace resource_type

/// A broker resource's name as a node id; INVALID_REQUEST "<what> must be an integer, ...".
inline result<int32_t> parse_node_id(std::string_view name, std::string_view what) {
    int32_t id = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (ec != std::errc() || end != name.data() + name.size())
        return error::make(errc::invalid_request, "{} must be an integer, but it is: {}", what,
                           name);
    return id;
}

/// A broker resource to alter: "" (cluster-wide) or this node's id.
inline result<void> check_broker_to_alter(std::string_view name, int32_t node_id) {
    if (name.empty()) return ok();
    auto id = parse_node_id(name, "Node id");
    if (!id) return std::move(id).err();
    if (*id != node_id)
        return error::make(errc::invalid_request,
                           "Unexpected broker id, expected {}, but received {}", node_id, name);
    return ok();
}

/// Kafka's answer to a change of broker settings it cannot make at run time; none of spate's
/// can be (they come from the command line and the config file).
inline error broker_configs_are_static(const std::set<std::string>& keys) {
    return error::make(errc::invalid_request,
                       "Cannot update these configs dynamically: Set({}): spate's broker "
                       "settings are static; set them with the command line or the config file "
                       "and restart",
                       fmt::join(keys, ", "));
}

/// A topic resource to alter: a topic name, never "" (Kafka's default topic resource).
inline result<void> check_topic_to_alter(const std::string& name) {
    if (name.empty())
        return error::make(errc::invalid_request, "Default topic resources are not allowed.");
    return model::validate_topic_name(name);
}

/// Kafka's checks of an alter request's resources before any is looked at
/// (ConfigAdminManager.preprocess): a resource named twice fails both times; a resource naming
/// a key twice, or setting a key to null (`null_ok(config)` says when that is allowed), fails.
/// Returns one entry per resource: the failure, or nothing.
template <typename Resource, typename NullOk>
std::vector<std::optional<error>> preprocess_resources(const std::vector<Resource>& resources,
                                                       NullOk null_ok) {
    std::map<std::pair<int8_t, std::string>, int> count;
    for (const auto& r : resources)
        ++count[{r.resource_type, r.resource_name}];
    std::vector<std::optional<error>> out;
    for (const auto& r : resources) {
        if (count[{r.resource_type, r.resource_name}] > 1) {
            out.push_back(
                error::make(errc::invalid_request, "Each resource must appear at most once."));
            continue;
        }
        std::set<std::string> keys;
        std::vector<std::string> nulls;
        bool duplicate = false;
        for (const auto& c : r.configs) {
            duplicate |= !keys.insert(c.name).second;
            if (!c.value && !null_ok(c)) nulls.push_back(c.name);
        }
        if (duplicate)
            out.push_back(error::make(errc::invalid_request, "Error due to duplicate config keys"));
        else if (!nulls.empty())
            out.push_back(error::make(errc::invalid_request, "Null value not supported for : {}",
                                      fmt::join(nulls, ", ")));
        else if (r.resource_type != resource_type::topic &&
                 r.resource_type != resource_type::broker)
            out.push_back(error::make(errc::invalid_request,
                                      "Unknown resource type {} (spate alters topics (2) and "
                                      "brokers (4))",
                                      r.resource_type));
        else
            out.push_back(std::nullopt);
    }
    return out;
}

/// On the controller: sets topic `name`'s overrides to `next` (or only checks them, with
/// `validate_only`), checking in Kafka's order: the name, the configs, then whether the topic
/// exists. The shared end of AlterConfigs and IncrementalAlterConfigs.
inline std::optional<error> set_topic_overrides(controller& ctl, const std::string& name,
                                                const log::config_overrides& next,
                                                bool validate_only) {
    if (auto r = check_topic_to_alter(name); !r) return r.err();
    if (auto v = log::apply_overrides(ctl.defaults(), next); !v) return v.err();
    if (auto s = ctl.set_topic_config(name, next, validate_only); !s) return s.err();
    return std::nullopt;
}

/// The response of AlterConfigs or IncrementalAlterConfigs: one entry per requested resource,
/// with its outcome.
template <typename Response, typename Resource>
Response resource_responses(const std::vector<Resource>& resources,
                            const std::vector<std::optional<error>>& outcomes) {
    Response response;
    for (size_t i = 0; i < resources.size(); ++i) {
        typename Response::alter_configs_resource_response r;
        r.resource_type = resources[i].resource_type;
        r.resource_name = resources[i].resource_name;
        if (const auto& e = outcomes[i]) {
            r.error_code = kafka_error_code(*e);
            r.error_message = e->message;
        } else {
            r.error_message = std::nullopt;
        }
        response.responses.push_back(std::move(r));
    }
    return response;
}

} // namespace spate::broker::handlers
