#pragma once

#include <cstdint>
#include <limits>

namespace spate::group {

/// The group coordinator's settings, named after the Kafka broker settings they mirror.
struct group_config {
    int32_t min_session_timeout_ms = 6'000;                 ///< group.min.session.timeout.ms
    int32_t max_session_timeout_ms = 1'800'000;             ///< group.max.session.timeout.ms
    int32_t initial_rebalance_delay_ms = 3'000;             ///< group.initial.rebalance.delay.ms
    int32_t max_size = std::numeric_limits<int32_t>::max(); ///< group.max.size
    int64_t offsets_retention_ms = 7LL * 24 * 3'600'000;    ///< offsets.retention.minutes
    int64_t offsets_retention_check_interval_ms = 600'000;  ///< offsets.retention.check.interval.ms
    int32_t offset_metadata_max_bytes = 4'096;              ///< offset.metadata.max.bytes
    /// The offsets topic is rewritten (its live records appended again and everything before
    /// them dropped) once it holds this many records and four times the live ones.
    int64_t offsets_rewrite_min_records = 100'000;
};

} // namespace spate::group
