#pragma once

// The records of the internal __consumer_offsets topic, in Kafka's own layout: a committed
// offset is keyed by (group, topic, partition) (key version 1, value version 3), a group's
// membership by the group id (key version 2, value version 3). A record with a null value
// deletes its key. Replaying the topic from the start and keeping the last value of each key
// gives the coordinator's state.

#include "base/result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace spate::group {

using bytes = std::vector<std::byte>;

struct offset_key {
    std::string group;
    std::string topic;
    int32_t partition = 0;
};

struct group_key {
    std::string group;
};

using record_key = std::variant<offset_key, group_key>;

struct offset_value {
    int64_t offset = 0;
    int32_t leader_epoch = -1;
    std::string metadata;
    int64_t commit_timestamp = 0;
};

/// One member as stored: who it is, its timeouts, its subscription in the chosen protocol and
/// the assignment the leader gave it.
struct member_value {
    std::string member_id;
    std::optional<std::string> instance_id;
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout_ms = 0;
    int32_t session_timeout_ms = 0;
    bytes subscription;
    bytes assignment;
};

struct group_value {
    std::string protocol_type;
    int32_t generation = 0;
    std::optional<std::string> protocol;
    std::optional<std::string> leader;
    int64_t state_timestamp = 0;
    std::vector<member_value> members;
};

bytes encode_key(const offset_key& k);
bytes encode_key(const group_key& k);
bytes encode_value(const offset_value& v);
bytes encode_value(const group_value& v);

/// CORRUPT_MESSAGE naming what is wrong for bytes that are not a key or value of this layout.
result<record_key> decode_key(std::span<const std::byte> b);
result<offset_value> decode_offset_value(std::span<const std::byte> b);
result<group_value> decode_group_value(std::span<const std::byte> b);

} // namespace spate::group
