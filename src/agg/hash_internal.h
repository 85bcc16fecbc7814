#pragma once

// Internal to spate_agg: order-preserving keys of column values and the hashes (base/hash.h)
// of the distinct sets, min/max multisets and HyperLogLog.

#include "base/hash.h"
#include "columnar/column.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace spate::agg::detail {

using spate::hash_bytes;
using spate::mix64;

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
