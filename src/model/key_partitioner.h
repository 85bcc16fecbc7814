#pragma once

#include <cstdint>
#include <string_view>

namespace spate::model {

/// Kafka's murmur2 hash of a record key (the 32-bit MurmurHash2 with Kafka's seed), as the Java
/// client's default partitioner and librdkafka's "murmur2_random" compute it.
uint32_t kafka_murmur2(std::string_view key);

/// The partition Kafka's default partitioner picks for a keyed record: the murmur2 hash with its
/// sign bit cleared, modulo the partition count (> 0). Records loaded by spate land where a
/// Kafka producer would have put them.
inline int32_t partition_for_key(std::string_view key, int32_t partitions) {
    return int32_t((kafka_murmur2(key) & 0x7fffffffu) % uint32_t(partitions));
}

} // namespace spate::model
