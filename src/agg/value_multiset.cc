#include "agg/value_multiset.h"

#include "agg/hash_internal.h"

#include <cassert>
#include <cstring>

namespace spate::agg::detail {

uint64_t value_multiset::hash_of(const slot& s) const {
    return _strings ? hash_bytes(string_of(s)) : mix64(s.key);
}

int64_t value_multiset::add(uint64_t k, std::string_view s, int64_t delta) {
    if ((_used + 1) * 10 > _slots.size() * 7) grow();
    uint64_t h = _strings ? hash_bytes(s) : mix64(k);
    size_t mask = _slots.size() - 1;
    size_t i = h & mask;
    slot* tomb = nullptr;
    for (;; i = (i + 1) & mask) {
        slot& sl = _slots[i];
        if (sl.tag() == empty) break;
        if (sl.tag() == dead) {
            if (!tomb) tomb = &sl;
            continue;
        }
        bool same = _strings ? sl.meta == meta_of(h, live) && string_of(sl) == s : sl.key == k;
        if (!same) continue;
        sl.count += delta;
        assert(sl.count >= 0 && "retraction of a value that was never added");
        if (sl.count <= 0) {
            sl.meta = (sl.meta & ~uint32_t{3}) | dead;
            --_live;
        }
        return sl.count;
    }
    if (delta <= 0) {
        assert(false && "retraction of a value that was never added");
        return 0;
    }
    slot& sl = tomb ? *tomb : _slots[i];
    if (!tomb) ++_used;
    sl.meta = meta_of(h, live);
    sl.count = delta;
    if (_strings) {
        sl.key = _chars.size();
        sl.len = static_cast<uint32_t>(s.size());
        _chars.insert(_chars.end(), s.begin(), s.end());
    } else {
        sl.key = k;
    }
    ++_live;
    return delta;
}

void value_multiset::grow() {
    size_t cap = 16;
    while (cap * 7 < (_live + 1) * 20)
        cap *= 2;
    std::vector<slot> old;
    old.swap(_slots);
    _slots.assign(cap, slot{});
    std::vector<char> chars;
    if (_strings) chars.reserve(_chars.size());
    for (const slot& o : old) {
        if (o.tag() != live) continue;
        slot n = o;
        if (_strings) {
            n.key = chars.size();
            chars.insert(chars.end(), _chars.begin() + static_cast<ptrdiff_t>(o.key),
                         _chars.begin() + static_cast<ptrdiff_t>(o.key + o.len));
        }
        size_t i = hash_of(o) & (cap - 1);
        while (_slots[i].tag() != empty)
            i = (i + 1) & (cap - 1);
        _slots[i] = n;
    }
    if (_strings) _chars.swap(chars);
    _used = _live;
}

} // namespace spate::agg::detail
