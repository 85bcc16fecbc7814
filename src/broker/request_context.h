#pragma once

#include "broker/shard_state.h"
#include "kafka/protocol/headers.h"

#include <optional>
#include <string>

namespace spate::broker {

class kafka_broker;

/// One request being served: who asked, in which version, and where. Lives in the request's
/// coroutine on the connection's shard.
struct request_context {
    kafka_broker& broker;
    shard_state& shard; ///< the connection's shard (where the handler runs)
    int16_t api_key = 0;
    int16_t version = 0;
    int32_t correlation_id = 0;
    std::optional<std::string> client_id;
    const std::string& peer; ///< the client's address, for logs
    /// Cleared by a handler whose request wants no response (Produce with acks=0).
    bool respond = true;
    /// Set by a handler when the connection must be closed after this request (Kafka closes
    /// the connection of an acks=0 producer whose request failed, so that it notices).
    bool close_after = false;
};

} // namespace spate::broker
