#include "exec/text_key_index.h"

namespace spate::exec {

void text_key_index::grow() {
    std::vector<slot> old = std::move(_slots);
    const size_t n = old.empty() ? 1024 : old.size() * 2;
    _slots.assign(n, slot{});
    for (const slot& s : old) {
        if (!s.id1) continue;
        size_t j = s.hash & (n - 1);
        while (_slots[j].id1)
            j = (j + 1) & (n - 1);
        _slots[j] = s;
    }
}

void text_key_index::erase(uint32_t id, uint64_t hash) {
    const size_t mask = _slots.size() - 1;
    size_t i = hash & mask;
    while (_slots[i].id1 != id + 1)
        i = (i + 1) & mask;
    _slots[i] = slot{};
    --_used;
    for (size_t j = (i + 1) & mask; _slots[j].id1; j = (j + 1) & mask) {
        const size_t home = _slots[j].hash & mask;
        // The slot at j may fill the hole at i when its home is not in (i, j].
        const bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (!movable) continue;
        _slots[i] = _slots[j];
        _slots[j] = slot{};
        i = j;
    }
}

} // namespace spate::exec
