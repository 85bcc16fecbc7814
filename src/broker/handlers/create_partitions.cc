#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/replica_assignment_internal.h"
#include "broker/kafka_errors.h"
#include "runtime/invoke.h"

#include <algorithm>
#include <map>

namespace spate::broker::handlers {

namespace {

using topic_result = kafka::create_partitions_response_data::create_partitions_topic_result;
using assignment = kafka::create_partitions_request_data::create_partitions_assignment;

/// Kafka's checks of manual assignments for the new partitions (ReplicationControlManager):
/// one per new partition, each naming registered brokers once, as many as the topic's
/// replication factor (1). spate's only broker is `node_id`.
std::optional<error> check_assignments(const std::vector<assignment>& assignments,
                                       int32_t additional, int32_t node_id) {
    if (static_cast<int32_t>(assignments.size()) != additional)
        return error::make(errc::invalid_replica_assignment,
                           "Attempted to add {} additional partition(s), but only {} "
                           "assignment(s) were specified.",
                           additional, assignments.size());
    for (const auto& a : assignments) {
        if (auto e = check_replicas(a.broker_ids, node_id)) return std::move(*e);
        if (a.broker_ids.size() != 1)
            return error::make(errc::invalid_replica_assignment,
                               "The manual partition assignment includes a partition with {} "
                               "replica(s), but this is not consistent with previous partitions, "
                               "which have 1 replica(s).",
                               a.broker_ids.size());
    }
    return std::nullopt;
}

} // namespace

task<kafka::create_partitions_response_data>
create_partitions(request_context& ctx, kafka::create_partitions_request_data req) {
    auto& broker = ctx.broker;
    kafka::create_partitions_response_data response;

    // A topic named twice is refused (Kafka answers those first).
    std::map<std::string, int> count;
    for (const auto& t : req.topics)
        ++count[t.name];
    for (const auto& [name, n] : count) {
        if (n == 1) continue;
        topic_result r;
        r.name = name;
        r.error_code = static_cast<int16_t>(errc::invalid_request);
        r.error_message = "Duplicate topic name.";
        response.results.push_back(std::move(r));
    }
    std::erase_if(req.topics, [&](const auto& t) { return count[t.name] > 1; });
    std::vector<std::string> names;
    for (const auto& t : req.topics)
        names.push_back(t.name);

    auto op = runtime::invoke_on(
        broker.executor(broker.ctl().shard()),
        [&broker, topics = std::move(req.topics), validate_only = req.validate_only]() {
            auto& ctl = broker.ctl();
            std::vector<std::optional<error>> out;
            for (const auto& t : topics) {
                // The count first (UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS), then the
                // assignments, as Kafka checks them.
                if (auto r = ctl.create_partitions(t.name, t.count, true); !r) {
                    out.push_back(r.err());
                    continue;
                }
                if (t.assignments) {
                    auto current =
                        static_cast<int32_t>(ctl.topics()->find(t.name)->partitions.size());
                    if (auto e = check_assignments(*t.assignments, t.count - current,
                                                   broker.config().node_id)) {
                        out.push_back(std::move(e));
                        continue;
                    }
                }
                if (auto r = ctl.create_partitions(t.name, t.count, validate_only); !r)
                    out.push_back(r.err());
                else
                    out.push_back(std::nullopt);
            }
            return out;
        });
    auto outcomes = co_await std::move(op);
    for (size_t i = 0; i < names.size(); ++i) {
        topic_result r;
        r.name = names[i];
        if (const auto& e = outcomes[i]) {
            r.error_code = kafka_error_code(*e);
            r.error_message = e->message;
        }
        response.results.push_back(std::move(r));
    }
    co_return response;
}

} // namespace spate::broker::handlers
