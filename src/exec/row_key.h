#pragma once

#include "columnar/batch.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace spate::exec {

/// Encodes the values of some columns of one row as bytes that are equal exactly when the
/// values are equal (NULLs equal to each other, as GROUP BY wants): a tag byte per column,
/// then 8 bytes for fixed-width values or a length and the bytes for strings. Used as a hash
/// table key by aggregates and view tables.
///
/// Plain functions; the caller owns the buffer and reuses it between rows.
void encode_row_key(const columnar::batch& b, std::span<const uint32_t> columns, size_t row,
                    std::string& out);

/// 64-bit hash of a key (for exchanges between shards and hash tables).
uint64_t hash_key(std::string_view key);

/// Transparent hashing for std::unordered_map<std::string, T> looked up by string_view.
struct key_hash {
    using is_transparent = void;
    size_t operator()(std::string_view k) const { return hash_key(k); }
};

/// For each row, a hash of the values of `columns`, into `hashes` (resized to b.rows), computed
/// a column at a time. Rows whose values are equal as GROUP BY sees them (NULLs equal, -0.0
/// equal to 0.0) hash alike. Not the hash of encode_row_key's bytes.
void hash_rows(const columnar::batch& b, std::span<const uint32_t> columns,
               std::vector<uint64_t>& hashes);

/// Scratch of split_by_hash(), kept by its caller between batches.
struct hash_split_scratch {
    std::vector<uint64_t> hashes;
    std::vector<std::vector<uint32_t>> rows;
};

/// Splits `b` into `parts` by the hash of its `keys` columns (hash_rows modulo parts; no keys
/// or one part: all to part 0) and calls `to(part, batch)` for each part with rows, in part
/// order; a part that gets every row gets `b` itself. How exchanges pick the shard or worker
/// owning a key.
template <typename F>
void split_by_hash(columnar::batch b, std::span<const uint32_t> keys, unsigned parts,
                   hash_split_scratch& scratch, F&& to) {
    if (b.rows == 0) return;
    if (keys.empty() || parts <= 1) {
        to(0u, std::move(b));
        return;
    }
    hash_rows(b, keys, scratch.hashes);
    scratch.rows.resize(parts);
    for (auto& r : scratch.rows)
        r.clear();
    for (uint32_t r = 0; r < b.rows; ++r)
        scratch.rows[scratch.hashes[r] % parts].push_back(r);
    for (unsigned p = 0; p < parts; ++p) {
        if (scratch.rows[p].empty()) continue;
        if (scratch.rows[p].size() == b.rows)
            to(p, std::move(b));
        else
            to(p, b.gather(scratch.rows[p]));
    }
}

/// hash_rows for one row.
uint64_t hash_row(const columnar::batch& b, std::span<const uint32_t> columns, size_t row);

/// Whether row `a` of `x` (columns `xc`) and row `b` of `y` (columns `yc`, the same physical
/// types) hold equal values as GROUP BY sees them.
bool rows_equal(const columnar::batch& x, std::span<const uint32_t> xc, size_t a,
                const columnar::batch& y, std::span<const uint32_t> yc, size_t b);

} // namespace spate::exec
