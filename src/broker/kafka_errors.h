#pragma once

#include "base/errc.h"
#include "base/result.h"

#include <cstdint>

namespace spate::broker {

/// The Kafka error code to send for `code`: the same number for the codes that mirror
/// Kafka's, and the nearest Kafka code for spate's own (a partition closed because the server
/// is stopping is NOT_LEADER_OR_FOLLOWER, which clients retry elsewhere or later).
inline int16_t kafka_error_code(errc code) {
    switch (code) {
    case errc::shutting_down: return static_cast<int16_t>(errc::not_leader_or_follower);
    case errc::not_found: return static_cast<int16_t>(errc::unknown_server_error);
    default: return static_cast<int16_t>(code);
    }
}
inline int16_t kafka_error_code(const error& e) {
    return kafka_error_code(e.code);
}

} // namespace spate::broker
