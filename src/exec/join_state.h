#pragma once

#include "columnar/batch.h"
#include "exec/id_index.h"
#include "exec/operator.h"
#include "exec/row_key.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spate::exec {

/// The rows one input of a join keeps: only the columns the join needs (kept, key and time
/// columns), stored column-wise in slots that a free list recycles, an index from key bytes
/// (encode_row_key of the key columns) to the slots holding that key, a count of partners per
/// row (for outer-join padding) and, for time-bounded inputs, a min-heap of the times rows
/// expire by.
///
/// Internal to join_op; owned by the join's shard, single-threaded.
class join_state {
public:
    /// Keeps the columns of `input_types` listed in `needed` (input column indexes, any order,
    /// no duplicates); `key_columns` and `time_column` are input column indexes among them.
    join_state(std::span<const columnar::data_type> input_types, std::vector<uint32_t> needed,
               std::vector<uint32_t> key_columns, std::optional<uint32_t> time_column);

    /// The stored column holding input column `input_column` (which must be among `needed`).
    const columnar::column& column_of(uint32_t input_column) const;

    /// The slots of one key, oldest first (iterating follows a list through the slots).
    class key_slots {
    public:
        struct iterator {
            const join_state* state;
            uint32_t slot;
            uint32_t operator*() const { return slot; }
            iterator& operator++() {
                slot = state->_next[slot];
                return *this;
            }
            bool operator!=(const iterator& o) const { return slot != o.slot; }
        };
        key_slots(const join_state* s, uint32_t first) : _s(s), _first(first) {}
        iterator begin() const { return {_s, _first}; }
        iterator end() const { return {_s, no_slot}; }

    private:
        const join_state* _s;
        uint32_t _first;
    };

    /// The slots whose key encodes to `key`; empty when none.
    key_slots find(std::string_view key) const;
    /// A slot with key `key` whose every stored column equals row `row` of `b` (an input batch
    /// of this side's layout); nullopt when none.
    std::optional<uint32_t> find_equal(const columnar::batch& b, uint32_t row,
                                       std::string_view key) const;

    /// Stores row `row` of `b` under `key` with `matches` partners (and its event time `time`
    /// when the side is time-bounded). Returns its slot. String bytes are copied.
    uint32_t insert(const columnar::batch& b, uint32_t row, std::string_view key, int64_t matches,
                    event_time time);
    /// Forgets the row in `slot` (which must be live).
    void remove(uint32_t slot);

    /// Partners the row in `slot` has now.
    int64_t& matches(uint32_t slot) { return _matches[slot]; }

    /// The next row whose time t has t + expire_after_ms < wm (saturating), or nullopt. The
    /// row stays stored: the caller reads it, then remove()s it.
    std::optional<uint32_t> next_expired(event_time wm, int64_t expire_after_ms);

    /// Live rows.
    size_t rows() const { return _rows; }
    /// Bytes held: column memory plus estimates for the index, heap and per-slot counters.
    size_t memory_bytes() const;

private:
    struct timed_slot {
        event_time time;
        uint32_t slot;
        uint32_t generation;
    };
    struct later_first {
        bool operator()(const timed_slot& a, const timed_slot& b) const { return a.time > b.time; }
    };

    std::vector<uint32_t> _needed;      ///< input column of each stored column
    std::vector<int32_t> _stored_index; ///< stored column of each input column, -1 if not kept
    columnar::batch _values;
    std::vector<int64_t> _matches;
    std::vector<uint32_t> _generation; ///< bumped when a slot is freed (stale heap entries)
    std::vector<uint8_t> _live;
    std::vector<uint32_t> _free;

    // The key index: from a key's hash to its entry; each entry lists its slots through
    // _next/_prev, oldest first. No allocation per row, and one
    // per distinct key only when the key is longer than a short string.
    static constexpr uint32_t no_slot = UINT32_MAX;
    struct key_entry {
        std::string key;
        uint64_t hash = 0;
        uint32_t head = no_slot;
        uint32_t tail = no_slot;
    };
    std::vector<key_entry> _entries;
    std::vector<uint32_t> _free_entries;
    id_index _index;                               ///< entries by their key's hash
    std::vector<uint32_t> _next, _prev, _entry_of; ///< per slot
    auto entry_hash() const {
        return [this](uint32_t e) { return _entries[e].hash; };
    }
    auto same_key(std::string_view key) const {
        return [this, key](uint32_t e) { return _entries[e].key == key; };
    }
    /// Copies the live rows' strings into fresh heaps once the old ones hold mostly bytes of
    /// removed rows (slots reuse keeps the heap growing otherwise).
    void maybe_compact_strings();
    static size_t string_bytes(const columnar::column& c, size_t row);

    std::vector<timed_slot> _times;        ///< min-heap on time (time-bounded sides only)
    std::vector<uint32_t> _string_columns; ///< stored columns of string type
    size_t _live_string_bytes = 0;
    bool _timed = false;
    size_t _rows = 0;
};

} // namespace spate::exec
