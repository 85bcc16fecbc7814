#pragma once

// Internal to CreateTopics and CreatePartitions: checking manual replica assignments.

#include "base/result.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace spate::broker::handlers {

/// Kafka's checks of a manual assignment (ReplicationControlManager): every replica list
/// must name registered brokers, each once; spate's only broker is `node_id`.
inline std::optional<error> check_replicas(const std::vector<int32_t>& replicas, int32_t node_id) {
    if (replicas.empty())
        return error::make(errc::invalid_replica_assignment,
                           "The manual partition assignment includes an empty replica list.");
    auto sorted = replicas;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) {
        if (sorted[i] != node_id)
            return error::make(errc::invalid_replica_assignment,
                               "The manual partition assignment includes broker {}, but no such "
                               "broker is registered (spate runs one node, {}).",
                               sorted[i], node_id);
        if (i > 0 && sorted[i] == sorted[i - 1])
            return error::make(errc::invalid_replica_assignment,
                               "The manual partition assignment includes the broker {} more "
                               "than once.",
                               sorted[i]);
    }
    return std::nullopt;
}

} // namespace spate::broker::handlers
