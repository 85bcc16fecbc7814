#include "exec/text_key_index.h"

#include <cstdlib>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace spate::exec {

void text_key_index::slots_free::operator()(slot* p) const {
    std::free(p);
}

text_key_index::slot_array text_key_index::allocate_slots(size_t n) {
    constexpr size_t huge_page = size_t(2) << 20;
    size_t bytes = n * sizeof(slot);
    const size_t align = bytes >= huge_page ? huge_page : 64;
    bytes = (bytes + align - 1) / align * align;
    void* p = std::aligned_alloc(align, bytes);
    if (!p) throw std::bad_alloc();
#ifdef __linux__
    // Only a hint: without transparent huge pages the table works the same.
    if (align == huge_page) (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
    std::memset(p, 0, bytes); // every slot empty
    return slot_array(static_cast<slot*>(p));
}

void text_key_index::grow() {
    slot_array old = std::move(_slots);
    const size_t old_capacity = _capacity;
    // 256 slots of 32 bytes to start: the bytes of id_index's first 1024 (a window's small
    // group table costs no more than before).
    const size_t n = old_capacity == 0 ? 256 : old_capacity * 2;
    _slots = allocate_slots(n);
    _capacity = n;
    for (size_t k = 0; k < old_capacity; ++k) {
        const slot& s = old[k];
        if (!s.id1) continue;
        size_t j = s.hash & (n - 1);
        while (_slots[j].id1)
            j = (j + 1) & (n - 1);
        _slots[j] = s;
    }
}

void text_key_index::erase(uint32_t id, uint64_t hash) {
    const size_t mask = _capacity - 1;
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
