#include "broker/broker.h"
#include "broker/config_schema.h"
#include "broker/handlers/config_resources_internal.h"
#include "broker/handlers/handlers.h"
#include "broker/kafka_errors.h"
#include "runtime/invoke.h"

#include <algorithm>

namespace spate::broker::handlers {

namespace {

/// Kafka's AlterConfigOp.OpType.
enum class op_type : int8_t { set = 0, remove = 1, append = 2, subtract = 3 };

std::string_view op_name(op_type t) {
    switch (t) {
    case op_type::set: return "SET";
    case op_type::remove: return "DELETE";
    case op_type::append: return "APPEND";
    case op_type::subtract: return "SUBTRACT";
    }
    return "?";
}

struct config_op {
    std::string name;
    op_type type;
    std::optional<std::string> value;
};

/// A topic whose overrides are to be changed.
struct topic_change {
    size_t index; ///< in the request
    std::string name;
    std::vector<config_op> ops;
};

/// The non-empty items of a comma-separated list.
std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty()) {
        auto comma = s.find(',');
        auto item = s.substr(0, comma);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return out;
}

/// `overrides` with `ops` applied, as Kafka's controller applies them: APPEND adds the items
/// missing from the current list (the override, else the broker's default), SUBTRACT removes
/// items; both only for list keys.
result<log::config_overrides> apply_ops(log::config_overrides overrides,
                                        const std::vector<config_op>& ops,
                                        const log::log_config& defaults) {
    for (const auto& op : ops) {
        switch (op.type) {
        case op_type::set: overrides[op.name] = *op.value; break;
        case op_type::remove: overrides.erase(op.name); break;
        case op_type::append:
        case op_type::subtract: {
            const auto* key = find_topic_config_key(op.name);
            if (!key || key->type != config_type::list)
                return error::make(errc::invalid_config,
                                   "Can't {} to key {} because its type is not LIST.",
                                   op_name(op.type), op.name);
            auto it = overrides.find(op.name);
            auto items =
                split_list(it != overrides.end() ? it->second : defaults.get(op.name).value_or(""));
            for (auto& v : split_list(op.value.value_or(""))) {
                auto at = std::find(items.begin(), items.end(), v);
                if (op.type == op_type::append && at == items.end())
                    items.push_back(std::move(v));
                else if (op.type == op_type::subtract && at != items.end())
                    items.erase(at);
            }
            overrides[op.name] = fmt::format("{}", fmt::join(items, ","));
            break;
        }
        }
    }
    return overrides;
}

/// Kafka's broker-side checks of a change to broker settings; every change that would take
/// effect fails, as spate's broker settings are static (deleting a dynamic setting that was
/// never set changes nothing and succeeds).
std::optional<error> check_broker_change(const std::vector<config_op>& ops) {
    std::set<std::string> changed;
    for (const auto& op : ops) {
        if (op.type == op_type::append || op.type == op_type::subtract) {
            auto what = op.type == op_type::append ? "append" : "subtract";
            if (!is_broker_config_key(op.name))
                return error::make(errc::invalid_config, "Unknown config name: {}", op.name);
            if (!is_list_broker_config_key(op.name))
                return error::make(errc::invalid_config,
                                   "Config value {} is not allowed for config key: {}", what,
                                   op.name);
        }
        if (op.type != op_type::remove) changed.insert(op.name);
    }
    if (changed.empty()) return std::nullopt;
    return broker_configs_are_static(changed);
}

} // namespace

task<kafka::incremental_alter_configs_response_data>
incremental_alter_configs(request_context& ctx, kafka::incremental_alter_configs_request_data req) {
    auto& broker = ctx.broker;
    auto outcomes = preprocess_resources(req.resources, [](const auto& c) {
        return c.config_operation == static_cast<int8_t>(op_type::remove);
    });
    std::vector<topic_change> changes;
    for (size_t i = 0; i < req.resources.size(); ++i) {
        const auto& r = req.resources[i];
        if (outcomes[i]) continue;
        std::vector<config_op> ops;
        for (const auto& c : r.configs) {
            if (c.config_operation < 0 || c.config_operation > 3) {
                outcomes[i] = error::make(errc::invalid_request, "Unknown operations type {}",
                                          c.config_operation);
                break;
            }
            ops.push_back({c.name, static_cast<op_type>(c.config_operation), c.value});
        }
        if (outcomes[i]) continue;
        if (r.resource_type == resource_type::broker) {
            if (auto valid = check_broker_to_alter(r.resource_name, broker.config().node_id);
                !valid)
                outcomes[i] = valid.err();
            else
                outcomes[i] = check_broker_change(ops);
            continue;
        }
        changes.push_back({i, r.resource_name, std::move(ops)});
    }

    // On the controller, so that the overrides read and the overrides written are the same
    // version. Kafka's order: the operations, the name, the configs, then whether the topic
    // exists.
    auto op = runtime::invoke_on(
        broker.executor(broker.ctl().shard()),
        [&broker, changes, validate_only = req.validate_only]() {
            auto& ctl = broker.ctl();
            std::vector<std::optional<error>> out;
            for (const auto& c : changes) {
                const auto* t = ctl.topics()->find(c.name);
                auto next =
                    apply_ops(t ? t->overrides : log::config_overrides{}, c.ops, ctl.defaults());
                out.push_back(next ? set_topic_overrides(ctl, c.name, *next, validate_only)
                                   : std::optional<error>(next.err()));
            }
            return out;
        });
    auto applied = co_await std::move(op);
    for (size_t i = 0; i < changes.size(); ++i)
        outcomes[changes[i].index] = std::move(applied[i]);

    co_return resource_responses<kafka::incremental_alter_configs_response_data>(req.resources,
                                                                                 outcomes);
}

} // namespace spate::broker::handlers
