#pragma once

#include "exec/prefetch.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spate::exec {

/// An open-addressing hash index (linear probing, backward-shift deletion) of small integer ids
/// whose hashes and values the owner keeps: the groups of a group_table, the rows of a
/// row_table, the keys of a join_state. The owner passes `hash_of(id)` and, when looking up,
/// `same(id)` (whether the id holds the value looked for).
///
/// Owned by one of those tables; single-threaded.
class id_index {
public:
    /// The position of the id with hash `h` for which `same` holds, or of the empty position
    /// where it would go. Call reserve_one() first when the id may then be put there.
    /// Each slot keeps the upper half of its id's hash, so a probe compares values only for
    /// ids whose hash very likely matches, without reading the owner's memory for the others.
    template <class HashOf, class Same>
    size_t find(uint64_t h, const HashOf&, const Same& same) const {
        if (_slots.empty()) return 0;
        const size_t mask = _slots.size() - 1;
        const uint64_t tag = tag_of(h);
        size_t i = h & mask;
        while (_slots[i]) {
            if ((_slots[i] & tag_mask) == tag && same(id_of(_slots[i]))) return i;
            i = (i + 1) & mask;
        }
        return i;
    }
    /// Fetches the slot where a probe for `h` starts into the cache (a hint; no effect on
    /// results).
    void prefetch(uint64_t h) const {
        if (!_slots.empty()) prefetch_line(&_slots[h & (_slots.size() - 1)]);
    }
    bool occupied(size_t pos) const { return pos < _slots.size() && _slots[pos] != 0; }
    uint32_t id_at(size_t pos) const { return id_of(_slots[pos]); }

    /// Makes room for one more id (the table stays at most half full).
    template <class HashOf>
    void reserve_one(const HashOf& hash_of) {
        if ((_used + 1) * 2 <= _slots.size()) return;
        std::vector<uint64_t> old = std::move(_slots);
        const size_t n = old.empty() ? 1024 : old.size() * 2;
        _slots.assign(n, 0);
        for (uint64_t v : old) {
            if (!v) continue;
            size_t j = hash_of(id_of(v)) & (n - 1);
            while (_slots[j])
                j = (j + 1) & (n - 1);
            _slots[j] = v;
        }
    }
    /// Puts `id`, whose hash is `h`, at the empty position `pos` that find() gave (after
    /// reserve_one()).
    void put(size_t pos, uint32_t id, uint64_t h) {
        _slots[pos] = tag_of(h) | (uint64_t(id) + 1);
        ++_used;
    }
    /// Removes `id`, whose hash is `h`: later ids of its probe run move up into the hole.
    template <class HashOf>
    void erase(uint32_t id, uint64_t h, const HashOf& hash_of) {
        const size_t mask = _slots.size() - 1;
        size_t i = h & mask;
        while (id_of(_slots[i]) != id || !_slots[i])
            i = (i + 1) & mask;
        _slots[i] = 0;
        --_used;
        for (size_t j = (i + 1) & mask; _slots[j]; j = (j + 1) & mask) {
            size_t home = hash_of(id_of(_slots[j])) & mask;
            // The id at j may fill the hole at i if its home is not in (i, j].
            bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (!movable) continue;
            _slots[i] = _slots[j];
            _slots[j] = 0;
            i = j;
        }
    }

    size_t size() const { return _used; }
    size_t memory_bytes() const { return _slots.capacity() * sizeof(uint64_t); }

private:
    static constexpr uint64_t tag_mask = ~uint64_t(0) << 32;
    static uint64_t tag_of(uint64_t h) { return h & tag_mask; }
    static uint32_t id_of(uint64_t slot) { return uint32_t(slot) - 1; }

    /// The upper 32 bits of the id's hash, then id + 1 in the lower 32; 0: empty.
    std::vector<uint64_t> _slots;
    size_t _used = 0;
};

} // namespace spate::exec
