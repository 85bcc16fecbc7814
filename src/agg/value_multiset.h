#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace spate::agg::detail {

/// A multiset of column values (value -> count), for DISTINCT and for min/max under retraction:
/// an open-addressing hash table whose string bytes live in one buffer, so adding a value never
/// allocates except when the table grows (amortized). Values are 64-bit keys (see order_key) or
/// strings, as chosen at construction. A value whose count drops to 0 is removed; its string
/// bytes are reclaimed at the next growth.
///
/// Owned by one aggregate state, used by the operator's thread.
class value_multiset {
public:
    explicit value_multiset(bool strings) : _strings(strings) {}

    /// Adds `delta` to the count of key `k` (non-string sets); returns the new count.
    int64_t add_key(uint64_t k, int64_t delta) { return add(k, {}, delta); }
    /// Adds `delta` to the count of string `s` (string sets); returns the new count.
    int64_t add_string(std::string_view s, int64_t delta) { return add(0, s, delta); }

    /// Distinct values present.
    size_t size() const { return _live; }
    bool strings() const { return _strings; }

    /// Calls f(key, string, count) for each value present (string empty for key sets).
    template <typename F>
    void for_each(F&& f) const {
        for (const slot& s : _slots)
            if (s.tag() == live) f(s.key, string_of(s), s.count);
    }

    size_t heap_bytes() const { return _slots.capacity() * sizeof(slot) + _chars.capacity(); }

private:
    enum : uint32_t { empty = 0, live = 1, dead = 2 };
    /// 24 bytes: the key (or the string's offset in _chars), its count, the string's length,
    /// and the tag in the low 2 bits of `meta` under the top 30 bits of the hash.
    struct slot {
        uint64_t key = 0;
        int64_t count = 0;
        uint32_t len = 0;
        uint32_t meta = empty;

        uint32_t tag() const { return meta & 3; }
    };
    static uint32_t meta_of(uint64_t hash, uint32_t tag) {
        return (static_cast<uint32_t>(hash >> 32) & ~uint32_t{3}) | tag;
    }
    uint64_t hash_of(const slot& s) const;

    int64_t add(uint64_t k, std::string_view s, int64_t delta);
    std::string_view string_of(const slot& s) const {
        return _strings ? std::string_view(_chars.data() + s.key, s.len) : std::string_view();
    }
    void grow();

    bool _strings;
    std::vector<slot> _slots;
    std::vector<char> _chars;
    size_t _live = 0;
    size_t _used = 0; ///< live + dead
};

} // namespace spate::agg::detail
