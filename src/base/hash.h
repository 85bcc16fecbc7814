#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace spate {

/// A 64-bit finalizer with full avalanche (every input bit flips each output bit with
/// probability about 1/2). Not for security: for hash tables, sketches and shard placement.
inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/// 64-bit hash of a byte string: 8 bytes at a time mixed in, then finalized.
inline uint64_t hash_bytes(std::string_view s) {
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (s.size() * 0x2545f4914f6cdd1dULL);
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        h = std::rotl(h ^ mix64(w), 27) * 0x9e3779b97f4a7c15ULL;
    }
    if (i < s.size()) {
        uint64_t w = 0;
        std::memcpy(&w, s.data() + i, s.size() - i);
        h = std::rotl(h ^ mix64(w ^ 0xa5), 27) * 0x9e3779b97f4a7c15ULL;
    }
    return mix64(h);
}

} // namespace spate
