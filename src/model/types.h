#pragma once

#include "base/named_type.h"

#include <cstdint>

namespace spate::model {

/// Position of a record in a partition's log (Kafka's offset).
using offset = named_type<int64_t, struct offset_tag>;
/// Index of a partition within its topic.
using partition_id = named_type<int32_t, struct partition_id_tag>;
/// Milliseconds since the Unix epoch, as Kafka timestamps are.
using timestamp_ms = named_type<int64_t, struct timestamp_ms_tag>;

/// Kafka's "no timestamp" value.
inline constexpr timestamp_ms no_timestamp{-1};

} // namespace spate::model
