#pragma once

#include "agg/aggregate_function.h"
#include "columnar/batch.h"
#include "exec/id_index.h"
#include "exec/row_key.h"
#include "exec/text_key_index.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spate::exec {

/// One aggregate of a GROUP BY: the function, its argument columns in the input batches and,
/// for `agg(...) FILTER (WHERE ...)`, the boolean input column that says which rows count.
struct aggregate_call {
    std::shared_ptr<const agg::aggregate_function> fn;
    std::vector<uint32_t> args;
    std::optional<uint32_t> filter;
};

/// The groups of an aggregation: a hash table from the key values (hashed with hash_row, compared
/// column by column with the group's stored values) to a group number, the key values of every
/// group (for output) and one block of aggregate states per group. Groups
/// that lose all their rows (retractions) are removed and their slots reused.
///
/// Owned by one aggregate operator (one shard).
class group_table {
public:
    group_table(const std::vector<aggregate_call>& calls,
                std::vector<columnar::data_type> key_types);
    ~group_table();
    group_table(const group_table&) = delete;
    group_table& operator=(const group_table&) = delete;

    /// The group of row `row` of `b` (key columns `keys`), made if new (`added` says so).
    uint32_t find_or_add(const columnar::batch& b, std::span<const uint32_t> keys, size_t row,
                         bool& added) {
        return find_or_add(b, keys, row, hash_row(b, keys, row), added);
    }
    /// The same with the row's hash_rows value already computed.
    uint32_t find_or_add(const columnar::batch& b, std::span<const uint32_t> keys, size_t row,
                         uint64_t hash, bool& added);
    /// Fetches into the cache where a find_or_add of a key with hash `hash` starts probing (a
    /// hint, for callers that know the hashes of the rows to come).
    void prefetch(uint64_t hash) const {
        if (_one_string_key)
            _text_index.prefetch(hash);
        else
            _index.prefetch(hash);
    }
    /// Fetches the cache line where `group`'s row count and first states start (a hint).
    void prefetch_group(uint32_t group) const {
        prefetch_line(const_cast<group_table*>(this)->block(group));
    }
    /// The state of call `call` for `group`.
    std::byte* state(uint32_t group, size_t call) { return block(group) + _offsets[call]; }
    const std::byte* state(uint32_t group, size_t call) const {
        return const_cast<group_table*>(this)->block(group) + _offsets[call];
    }
    /// Adds the groups of `other` (the same calls and key types) whose key hash modulo `parts`
    /// is `part` (all of them when parts <= 1): their states merged into this table's (every
    /// call must have a merge function), their row counts added. `other` is unchanged; it may
    /// be read by other threads meanwhile.
    void merge_from(const group_table& other, unsigned part, unsigned parts);
    /// Inserted minus retracted rows of the group (kept at the start of its state block, so
    /// that counting a row and updating its states touch one cache line).
    int64_t& rows(uint32_t group) { return *reinterpret_cast<int64_t*>(block(group)); }
    int64_t rows(uint32_t group) const {
        return *reinterpret_cast<const int64_t*>(const_cast<group_table*>(this)->block(group));
    }
    /// Whether the group's current result was sent downstream (for retracting it later).
    uint8_t& emitted(uint32_t group) { return _emitted[group]; }

    /// Appends the keys and the finalized aggregates of `group` to `out` (key columns, then one
    /// column per call). Returns a finalize error, if any.
    agg::eval_status append_result(uint32_t group, columnar::batch& out);
    /// Removes a group (its states are destroyed; the slot is reused).
    void remove(uint32_t group);
    /// Every live group, by group number.
    std::vector<uint32_t> groups() const;
    size_t size() const { return _one_string_key ? _text_index.size() : _index.size(); }
    size_t memory_bytes() const;
    /// An empty batch shaped like append_result's output.
    columnar::batch result_batch() const;

private:
    static constexpr uint32_t groups_per_chunk = 1024;
    /// The group's block: its row count, then the states of the calls at _offsets.
    std::byte* block(uint32_t group) {
        return _chunks[group / groups_per_chunk].get() + (group % groups_per_chunk) * _block;
    }
    uint32_t allocate_slot();
    /// find_or_add for a GROUP BY of one text column, through _text_index.
    uint32_t find_or_add_text(const columnar::column& c, size_t row, uint64_t hash, bool& added);
    /// A new group for row `row` of `b`: key values copied, states initialised.
    void init_group(uint32_t g, uint64_t hash, const columnar::batch& b,
                    std::span<const uint32_t> keys, size_t row);

    const std::vector<aggregate_call>& _calls;
    std::vector<columnar::data_type> _key_types;
    std::vector<uint32_t> _offsets;
    size_t _block = 0;
    /// Groups by the hash of their key values, compared value by value (unless
    /// _one_string_key).
    id_index _index;
    columnar::batch _key_values;
    std::vector<uint32_t> _all_keys; ///< 0..keys-1: the key columns of _key_values
    std::vector<uint64_t> _group_hashes;
    /// A GROUP BY of one text column (word counts): groups are found through _text_index,
    /// whose slots hold each key's length and first 16 bytes, so that a probe for a short key
    /// reads no stored string.
    bool _one_string_key = false;
    text_key_index _text_index;
    std::vector<std::unique_ptr<std::byte[]>> _chunks;
    std::vector<uint8_t> _emitted;
    std::vector<uint8_t> _live;
    std::vector<uint32_t> _free;
};

} // namespace spate::exec
