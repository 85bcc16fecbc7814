#include "exec/row_key.h"

#include "base/hash.h"
#include "exec/text_key_index.h"

#include <bit>
#include <cstring>

namespace spate::exec {

using columnar::physical_type;

void encode_row_key(const columnar::batch& b, std::span<const uint32_t> columns, size_t row,
                    std::string& out) {
    out.clear();
    for (uint32_t c : columns) {
        const columnar::column& col = *b.columns[c];
        if (col.is_null(row)) {
            out.push_back('\0');
            continue;
        }
        out.push_back('\1');
        switch (col.physical()) {
        case physical_type::boolean: out.push_back(char(col.bools()[row])); break;
        case physical_type::i64:
            out.append(reinterpret_cast<const char*>(&col.i64()[row]), 8);
            break;
        case physical_type::f64: {
            double d = col.f64()[row];
            if (d == 0) d = 0; // -0.0 groups with 0.0
            out.append(reinterpret_cast<const char*>(&d), 8);
            break;
        }
        case physical_type::str: {
            auto s = col.strs()[row];
            out.append(reinterpret_cast<const char*>(&s.size), 4);
            out.append(s.data, s.size);
            break;
        }
        }
    }
}

uint64_t hash_key(std::string_view key) {
    return hash_bytes(key);
}

namespace {

constexpr uint64_t hash_seed = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t null_value = 0x5bd1e9955bd1e995ULL;

/// Folds one value into a row's running hash (finalized with mix64 once every column is in).
inline uint64_t fold(uint64_t h, uint64_t v) {
    return (std::rotl(h, 23) ^ v) * 0xbf58476d1ce4e5b9ULL;
}

/// A string as 64 bits for hashing. Up to 16 bytes (nearly every word and code): the bytes and
/// the length in one 64x64->128-bit multiply, whose halves are folded (the row's hash is
/// finalized with mix64 anyway); longer strings through hash_bytes.
inline uint64_t text_bits(columnar::string_ref s) {
    if (s.size > text_key::inline_bytes) return hash_bytes(s.view());
    uint64_t head[2] = {0, 0};
    text_key::load_head(s.data, s.size, head);
    const unsigned __int128 m = static_cast<unsigned __int128>(head[0] ^ 0xa0761d6478bd642fULL) *
                                (head[1] ^ s.size ^ 0xe7037ed1a0b428dbULL);
    return uint64_t(m) ^ uint64_t(m >> 64);
}

/// A value of column `col` at `row` as 64 bits for hashing.
inline uint64_t value_bits(const columnar::column& col, size_t row) {
    if (col.is_null(row)) return null_value;
    switch (col.physical()) {
    case physical_type::boolean: return col.bools()[row];
    case physical_type::i64: return uint64_t(col.i64()[row]);
    case physical_type::f64: {
        double d = col.f64()[row];
        if (d == 0) d = 0; // -0.0 groups with 0.0
        return std::bit_cast<uint64_t>(d);
    }
    case physical_type::str: return text_bits(col.strs()[row]);
    }
    return 0;
}

} // namespace

void hash_rows(const columnar::batch& b, std::span<const uint32_t> columns,
               std::vector<uint64_t>& hashes) {
    hashes.assign(b.rows, hash_seed);
    uint64_t* h = hashes.data();
    for (uint32_t c : columns) {
        const columnar::column& col = *b.columns[c];
        if (col.physical() == physical_type::i64 && !col.has_nulls()) {
            const int64_t* v = col.i64();
            for (size_t r = 0; r < b.rows; ++r)
                h[r] = fold(h[r], uint64_t(v[r]));
            continue;
        }
        if (col.physical() == physical_type::str && !col.has_nulls()) {
            const columnar::string_ref* v = col.strs();
            for (size_t r = 0; r < b.rows; ++r)
                h[r] = fold(h[r], text_bits(v[r]));
            continue;
        }
        for (size_t r = 0; r < b.rows; ++r)
            h[r] = fold(h[r], value_bits(col, r));
    }
    for (size_t r = 0; r < b.rows; ++r)
        h[r] = mix64(h[r]);
}

uint64_t hash_row(const columnar::batch& b, std::span<const uint32_t> columns, size_t row) {
    uint64_t h = hash_seed;
    for (uint32_t c : columns)
        h = fold(h, value_bits(*b.columns[c], row));
    return mix64(h);
}

bool rows_equal(const columnar::batch& x, std::span<const uint32_t> xc, size_t a,
                const columnar::batch& y, std::span<const uint32_t> yc, size_t b) {
    for (size_t k = 0; k < xc.size(); ++k) {
        const columnar::column& p = *x.columns[xc[k]];
        const columnar::column& q = *y.columns[yc[k]];
        bool pn = p.is_null(a), qn = q.is_null(b);
        if (pn || qn) {
            if (pn != qn) return false;
            continue;
        }
        switch (p.physical()) {
        case physical_type::boolean:
            if (p.bools()[a] != q.bools()[b]) return false;
            break;
        case physical_type::i64:
            if (p.i64()[a] != q.i64()[b]) return false;
            break;
        case physical_type::f64: {
            // Bit equality after -0.0 -> 0.0, as the encoded keys compare (NaN equals NaN).
            double d = p.f64()[a], e = q.f64()[b];
            if (d == 0) d = 0;
            if (e == 0) e = 0;
            if (std::bit_cast<uint64_t>(d) != std::bit_cast<uint64_t>(e)) return false;
            break;
        }
        case physical_type::str:
            if (p.strs()[a].view() != q.strs()[b].view()) return false;
            break;
        }
    }
    return true;
}

} // namespace spate::exec
