#include "broker/broker.h"
#include "broker/config_schema.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/replica_assignment_internal.h"
#include "broker/kafka_errors.h"
#include "broker/topic_ids.h"
#include "runtime/invoke.h"

#include <algorithm>
#include <map>
#include <set>

namespace spate::broker::handlers {

namespace {

using request_topic = kafka::create_topics_request_data::creatable_topic;
using topic_result = kafka::create_topics_response_data::creatable_topic_result;

/// One topic of the request, checked as far as it can be without the topic table.
struct plan {
    std::string name;
    int32_t partitions = 0;
    log::config_overrides overrides;
    std::optional<error> config_error; ///< configs with a null value
    std::optional<error> layout_error; ///< partitions, replication factor or assignment
};

std::optional<error> check_assignments(const request_topic& t, int32_t node_id,
                                       int32_t& partitions) {
    if (t.replication_factor != -1)
        return error::make(errc::invalid_request,
                           "A manual partition assignment was specified, but replication factor "
                           "was not set to -1.");
    if (t.num_partitions != -1)
        return error::make(errc::invalid_request,
                           "A manual partition assignment was specified, but numPartitions was "
                           "not set to -1.");
    std::set<int32_t> seen;
    for (const auto& a : t.assignments) {
        if (!seen.insert(a.partition_index).second)
            return error::make(errc::invalid_replica_assignment,
                               "Found multiple manual partition assignments for partition {}",
                               a.partition_index);
        if (auto e = check_replicas(a.broker_ids, node_id)) return e;
    }
    for (int32_t i = 0; i < static_cast<int32_t>(seen.size()); ++i)
        if (!seen.contains(i))
            return error::make(errc::invalid_replica_assignment,
                               "partitions should be a consecutive 0-based integer sequence");
    partitions = static_cast<int32_t>(seen.size());
    return std::nullopt;
}

plan make_plan(const request_topic& t, const broker_config& cfg) {
    plan p;
    p.name = t.name;
    std::vector<std::string> nulls;
    for (const auto& c : t.configs) {
        if (!c.value)
            nulls.push_back(c.name);
        else
            p.overrides[c.name] = *c.value;
    }
    if (!nulls.empty())
        p.config_error =
            error::make(errc::invalid_config, "Null value not supported for topic configs: {}",
                        fmt::join(nulls, ","));
    if (!t.assignments.empty()) {
        p.layout_error = check_assignments(t, cfg.node_id, p.partitions);
    } else if (t.replication_factor < -1 || t.replication_factor == 0) {
        p.layout_error = error::make(errc::invalid_replication_factor,
                                     "Replication factor must be larger than 0, or -1 to use the "
                                     "default value.");
    } else if (t.num_partitions < -1 || t.num_partitions == 0) {
        p.layout_error = error::make(errc::invalid_partitions,
                                     "Number of partitions was set to an invalid non-positive "
                                     "value.");
    } else if (t.replication_factor > 1) {
        p.layout_error = error::make(
            errc::invalid_replication_factor,
            "Unable to replicate the partition {} time(s): The target replication factor of {} "
            "cannot be reached because only 1 broker(s) are registered (spate runs one node).",
            t.replication_factor, t.replication_factor);
    } else {
        p.partitions = t.num_partitions == -1 ? cfg.default_partitions : t.num_partitions;
    }
    return p;
}

void describe_into(topic_result& out, const log::config_overrides& overrides,
                   const log::log_config& defaults) {
    out.configs.emplace();
    for (auto& d : describe_topic_configs(overrides, defaults)) {
        kafka::create_topics_response_data::creatable_topic_configs c;
        c.name = std::move(d.name);
        c.value = std::move(d.value);
        c.read_only = d.read_only;
        c.config_source = static_cast<int8_t>(d.source);
        c.is_sensitive = false;
        out.configs->push_back(std::move(c));
    }
}

} // namespace

task<kafka::create_topics_response_data> create_topics(request_context& ctx,
                                                       kafka::create_topics_request_data req) {
    auto& broker = ctx.broker;
    const auto& cfg = broker.config();
    kafka::create_topics_response_data response;

    // A name given twice is refused for both (Kafka answers it once, after the others).
    std::map<std::string, int> count;
    for (const auto& t : req.topics)
        ++count[t.name];
    std::vector<plan> plans;
    for (const auto& t : req.topics)
        if (count[t.name] == 1) plans.push_back(make_plan(t, cfg));

    // Kafka's order of checks: the name, whether it exists, the configs, then the layout.
    auto op = runtime::invoke_on(broker.executor(broker.ctl().shard()), [&broker, plans,
                                                                         validate_only =
                                                                             req.validate_only]() {
        auto& ctl = broker.ctl();
        std::vector<std::optional<error>> out;
        for (const auto& p : plans) {
            if (auto r = ctl.check_new_topic_name(p.name); !r)
                out.push_back(r.err());
            else if (p.config_error)
                out.push_back(p.config_error);
            else if (auto c = log::apply_overrides(ctl.defaults(), p.overrides); !c)
                out.push_back(c.err());
            else if (p.layout_error)
                out.push_back(p.layout_error);
            else if (auto made = ctl.create_topic(p.name, p.partitions, p.overrides, validate_only);
                     !made)
                out.push_back(made.err());
            else
                out.push_back(std::nullopt);
        }
        return out;
    });
    auto outcomes = co_await std::move(op);

    // The new topics reached this shard's table before the controller answered.
    const auto& table = *ctx.shard.topics();
    for (size_t i = 0; i < plans.size(); ++i) {
        const auto& p = plans[i];
        topic_result r;
        r.name = p.name;
        if (const auto& e = outcomes[i]) {
            r.error_code = kafka_error_code(*e);
            r.error_message = e->message;
            response.topics.push_back(std::move(r));
            continue;
        }
        r.error_message = std::nullopt;
        r.num_partitions = p.partitions;
        r.replication_factor = 1;
        const auto* t = req.validate_only ? nullptr : table.find(p.name);
        if (t) {
            r.topic_id = to_uuid(t->id);
            r.num_partitions = static_cast<int32_t>(t->partitions.size());
            describe_into(r, t->overrides, cfg.log_defaults);
        } else {
            describe_into(r, p.overrides, cfg.log_defaults);
        }
        response.topics.push_back(std::move(r));
    }
    for (const auto& [name, n] : count) {
        if (n == 1) continue;
        topic_result r;
        r.name = name;
        r.error_code = static_cast<int16_t>(errc::invalid_request);
        r.error_message = "Duplicate topic name.";
        response.topics.push_back(std::move(r));
    }
    co_return response;
}

} // namespace spate::broker::handlers
