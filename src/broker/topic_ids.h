#pragma once

#include "kafka/protocol/wire.h"
#include "model/topic_id.h"

namespace spate::broker {

/// A topic id as the Kafka codec carries it, and back.
inline kafka::uuid to_uuid(const model::topic_id& id) {
    return kafka::uuid{id.bytes};
}
inline model::topic_id to_topic_id(const kafka::uuid& u) {
    return model::topic_id{u.data};
}

} // namespace spate::broker
