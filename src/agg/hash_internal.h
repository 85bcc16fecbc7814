#pragma once

// Internal to spate_agg: 64-bit hashing and order-preserving keys of column values, for the
// distinct sets, min/max multisets and HyperLogLog.

#include "columnar/column.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace spate::agg::detail {

/// A 64-bit finalizer with full avalanche (every input bit flips each output bit with
/// probability about 1/2).
inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/// Hash of a byte string: 8 bytes at a time multiplied in, then mixed.
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

/// The value at `row` of a non-string column as an unsigned key whose order is the SQL order of
/// the values: signed integers with the sign bit flipped; doubles with -0 as 0 and every NaN as
/// one NaN above +infinity (Postgres' order); booleans as 0/1.
inline uint64_t order_key(const columnar::column& c, uint32_t row) {
    switch (c.physical()) {
    case columnar::physical_type::boolean: return c.bools()[row];
    case columnar::physical_type::i64:
        return static_cast<uint64_t>(c.i64()[row]) ^ (uint64_t{1} << 63);
    case columnar::physical_type::f64: {
        double d = c.f64()[row];
        if (d == 0) d = 0;
        if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
        uint64_t b = std::bit_cast<uint64_t>(d);
        return (b >> 63) ? ~b : b | (uint64_t{1} << 63);
    }
    case columnar::physical_type::str: break;
    }
    return 0;
}

/// Appends the value whose order_key is `key` to `out` (a non-string column).
inline void push_order_key(columnar::column& out, uint64_t key) {
    switch (out.physical()) {
    case columnar::physical_type::boolean: out.push_bool(key != 0); break;
    case columnar::physical_type::i64:
        out.push_i64(static_cast<int64_t>(key ^ (uint64_t{1} << 63)));
        break;
    case columnar::physical_type::f64: {
        uint64_t b = (key >> 63) ? key & ~(uint64_t{1} << 63) : ~key;
        out.push_f64(std::bit_cast<double>(b));
        break;
    }
    case columnar::physical_type::str: break;
    }
}

} // namespace spate::agg::detail
