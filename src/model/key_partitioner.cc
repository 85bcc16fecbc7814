#include "model/key_partitioner.h"

#include <cstring>

namespace spate::model {

uint32_t kafka_murmur2(std::string_view key) {
    constexpr uint32_t seed = 0x9747b28c, m = 0x5bd1e995;
    constexpr int r = 24;
    const auto* data = reinterpret_cast<const unsigned char*>(key.data());
    size_t length = key.size();
    uint32_t h = seed ^ uint32_t(length);
    size_t i = 0;
    for (; i + 4 <= length; i += 4) {
        // Little-endian words, as Kafka reads them.
        uint32_t k = uint32_t(data[i]) | uint32_t(data[i + 1]) << 8 | uint32_t(data[i + 2]) << 16 |
                     uint32_t(data[i + 3]) << 24;
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    switch (length - i) {
    case 3: h ^= uint32_t(data[i + 2]) << 16; [[fallthrough]];
    case 2: h ^= uint32_t(data[i + 1]) << 8; [[fallthrough]];
    case 1: h ^= uint32_t(data[i]); h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
}

} // namespace spate::model
