#pragma once

#include "exec/prefetch.h"

#include "columnar/string_heap.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace spate::exec {

/// A text key (or NULL) as text_key_index compares it: its hash, its length (null_length for
/// NULL) and its first 16 bytes, zero-padded, with a pointer to the whole string.
struct text_key {
    static constexpr uint32_t null_length = ~uint32_t(0);
    static constexpr uint32_t inline_bytes = 16;

    uint64_t hash = 0;
    uint32_t length = null_length;
    uint64_t head[2] = {0, 0};
    const char* data = nullptr;

    /// The key of NULL.
    static text_key null(uint64_t hash) {
        text_key k;
        k.hash = hash;
        return k;
    }
    /// The key of string `s`. Reads only the bytes of `s`.
    static text_key of(columnar::string_ref s, uint64_t hash) {
        text_key k;
        k.hash = hash;
        k.length = s.size;
        k.data = s.data;
        load_head(s.data, s.size, k.head);
        return k;
    }
    /// Whether the key is longer than what a slot holds (its tail must be compared apart).
    bool long_key() const { return length != null_length && length > inline_bytes; }

    /// The first min(n, 16) bytes of `p` into `out[0..1]`, zero-padded. Reads no byte outside
    /// p[0, n).
    static void load_head(const char* p, uint32_t n, uint64_t* out) {
        if (n >= 16) {
            std::memcpy(&out[0], p, 8);
            std::memcpy(&out[1], p + 8, 8);
        } else if (n > 8) {
            // The last 8 bytes, shifted so that byte 8 lands first.
            uint64_t last;
            std::memcpy(&out[0], p, 8);
            std::memcpy(&last, p + n - 8, 8);
            out[1] = last >> ((16 - n) * 8);
        } else if (n >= 4) {
            // Two 4-byte loads that overlap (or meet) in the middle.
            uint32_t first, last;
            std::memcpy(&first, p, 4);
            std::memcpy(&last, p + n - 4, 4);
            out[0] = uint64_t(first) | uint64_t(last) << ((n - 4) * 8);
        } else if (n > 0) {
            const auto* u = reinterpret_cast<const unsigned char*>(p);
            out[0] = uint64_t(u[0]) | uint64_t(u[n / 2]) << (n / 2 * 8) |
                     uint64_t(u[n - 1]) << ((n - 1) * 8);
        }
    }
};

/// An open-addressing hash index (linear probing, backward-shift deletion) of the text keys of
/// small integer ids: one GROUP BY text column (word counts). Each slot holds the id, the
/// key's full hash, its length and its first 16 bytes, so a probe decides equality of keys of
/// up to 16 bytes (and NULL) within the slot's cache line, without reading the owner's stored
/// strings; only a longer key whose first 16 bytes match asks the owner to compare the rest.
///
/// Owned by one group_table; single-threaded.
class text_key_index {
public:
    /// The position of the id whose key equals `k`, or of the empty position where it would
    /// go. `same_tail(id)` is called only for keys longer than 16 bytes whose hash, length and
    /// first 16 bytes match `k`'s; it says whether bytes 16.. of the id's key equal k's.
    /// Call reserve_one() first when the id may then be put there.
    template <class SameTail>
    size_t find(const text_key& k, const SameTail& same_tail) const {
        if (_capacity == 0) return 0;
        const size_t mask = _capacity - 1;
        size_t i = k.hash & mask;
        for (;; i = (i + 1) & mask) {
            const slot& s = _slots[i];
            if (!s.id1) return i;
            if (s.hash != k.hash || s.length != k.length || s.head[0] != k.head[0] ||
                s.head[1] != k.head[1])
                continue;
            if (!k.long_key() || same_tail(s.id1 - 1)) return i;
        }
    }
    bool occupied(size_t pos) const { return pos < _capacity && _slots[pos].id1 != 0; }
    uint32_t id_at(size_t pos) const { return _slots[pos].id1 - 1; }

    /// Fetches the slot where a probe for `hash` starts into the cache (a hint; no effect on
    /// results).
    void prefetch(uint64_t hash) const {
        if (_capacity != 0) prefetch_line(&_slots[hash & (_capacity - 1)]);
    }

    /// Makes room for one more id (the table stays at most half full).
    void reserve_one() {
        if ((_used + 1) * 2 > _capacity) grow();
    }
    /// Puts `id` with key `k` at the empty position `pos` that find() gave (after
    /// reserve_one()).
    void put(size_t pos, uint32_t id, const text_key& k) {
        slot& s = _slots[pos];
        s.hash = k.hash;
        s.id1 = id + 1;
        s.length = k.length;
        s.head[0] = k.head[0];
        s.head[1] = k.head[1];
        ++_used;
    }
    /// Removes `id`, whose key hash is `hash` (it must be present): later slots of its probe
    /// run move up into the hole.
    void erase(uint32_t id, uint64_t hash);

    size_t size() const { return _used; }
    size_t memory_bytes() const { return _capacity * sizeof(slot); }

private:
    struct alignas(32) slot {
        uint64_t hash = 0;
        uint32_t id1 = 0; ///< id + 1; 0: empty
        uint32_t length = 0;
        uint64_t head[2] = {0, 0};
    };
    static_assert(sizeof(slot) == 32);

    /// Frees slots of allocate_slots().
    struct slots_free {
        void operator()(slot* p) const;
    };
    using slot_array = std::unique_ptr<slot[], slots_free>;
    /// `n` empty slots. Tables of 2 MiB and more are asked to live on huge pages: a probe of
    /// a big table then rarely misses the TLB as well as the cache.
    static slot_array allocate_slots(size_t n);
    void grow();

    slot_array _slots;
    size_t _capacity = 0; ///< slots, a power of two (or 0)
    size_t _used = 0;
};

} // namespace spate::exec
