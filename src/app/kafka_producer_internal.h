#pragma once

// Internal to app: a librdkafka producer with delivery counting, for the subcommands that write
// to Kafka topics (`spate nexmark`, `spate produce`).

#include "base/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

namespace spate::app::kafka_detail {

using kafka_handle = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;

/// What the delivery reports said; touched only by the thread that polls the producer.
struct delivery_state {
    uint64_t delivered = 0;
    uint64_t failed = 0;
    std::string first_error; ///< "delivery to TOPIC failed: <librdkafka's words>"
};

/// A producer with these librdkafka settings whose delivery reports count into `state`, which
/// must outlive it. Fails only on a setting librdkafka refuses (naming it).
result<kafka_handle> new_producer(const std::vector<std::pair<std::string, std::string>>& settings,
                                  delivery_state& state);

} // namespace spate::app::kafka_detail
