#include "exec/group_table.h"

#include <algorithm>
#include <cstring>

namespace spate::exec {

group_table::group_table(const std::vector<aggregate_call>& calls,
                         std::vector<columnar::data_type> key_types)
    : _calls(calls), _key_types(std::move(key_types)) {
    size_t off = sizeof(int64_t); // the row count
    for (const auto& c : _calls) {
        size_t align = std::max<size_t>(c.fn->state_align, 1);
        off = (off + align - 1) / align * align;
        _offsets.push_back(static_cast<uint32_t>(off));
        off += c.fn->state_size;
    }
    _block = (off + 15) / 16 * 16;
    _key_values = columnar::batch::with_types(_key_types);
    for (uint32_t k = 0; k < _key_types.size(); ++k)
        _all_keys.push_back(k);
    _one_string_key =
        _key_types.size() == 1 && _key_types[0].physical() == columnar::physical_type::str;
}

group_table::~group_table() {
    // Only the states that hold memory need visiting; the index goes as a whole.
    for (size_t c = 0; c < _calls.size(); ++c) {
        if (!_calls[c].fn->destroy) continue;
        for (uint32_t g = 0; g < _live.size(); ++g)
            if (_live[g]) _calls[c].fn->destroy(state(g, c));
    }
}

uint32_t group_table::allocate_slot() {
    if (!_free.empty()) {
        uint32_t g = _free.back();
        _free.pop_back();
        return g;
    }
    uint32_t g = static_cast<uint32_t>(_live.size());
    if (g % groups_per_chunk == 0)
        _chunks.push_back(std::make_unique_for_overwrite<std::byte[]>(groups_per_chunk * _block));
    _live.push_back(0);
    _emitted.push_back(0);
    _group_hashes.push_back(0);
    // The key values live at row g of _key_values.
    for (auto& c : _key_values.columns)
        c->push_null();
    _key_values.rows++;
    return g;
}

uint32_t group_table::find_or_add(const columnar::batch& b, std::span<const uint32_t> keys,
                                  size_t row, uint64_t h, bool& added) {
    if (_one_string_key) {
        const uint32_t g = find_or_add_text(*b.columns[keys[0]], row, h, added);
        if (added) init_group(g, h, b, keys, row);
        return g;
    }
    auto hash_of = [this](uint32_t g) { return _group_hashes[g]; };
    _index.reserve_one(hash_of);
    const size_t i = _index.find(h, hash_of, [&](uint32_t g) {
        return rows_equal(_key_values, _all_keys, g, b, keys, row);
    });
    if (_index.occupied(i)) {
        added = false;
        return _index.id_at(i);
    }
    added = true;
    const uint32_t g = allocate_slot();
    _index.put(i, g, h);
    init_group(g, h, b, keys, row);
    return g;
}

uint32_t group_table::find_or_add_text(const columnar::column& c, size_t row, uint64_t h,
                                       bool& added) {
    const text_key k = c.is_null(row) ? text_key::null(h) : text_key::of(c.strs()[row], h);
    _text_index.reserve_one();
    const size_t i = _text_index.find(k, [&](uint32_t g) {
        // Only keys longer than 16 bytes whose first 16 bytes and length match get here.
        const columnar::string_ref stored = _key_values.columns[0]->strs()[g];
        const size_t skip = text_key::inline_bytes;
        return std::memcmp(stored.data + skip, k.data + skip, k.length - skip) == 0;
    });
    if (_text_index.occupied(i)) {
        added = false;
        return _text_index.id_at(i);
    }
    added = true;
    const uint32_t g = allocate_slot();
    _text_index.put(i, g, k);
    return g;
}

void group_table::init_group(uint32_t g, uint64_t h, const columnar::batch& b,
                             std::span<const uint32_t> keys, size_t row) {
    _group_hashes[g] = h;
    _live[g] = 1;
    _emitted[g] = 0;
    rows(g) = 0;
    // Overwrite the key values of slot g.
    for (size_t k = 0; k < keys.size(); ++k)
        _key_values.columns[k]->set_from(g, *b.columns[keys[k]], row);
    for (size_t c = 0; c < _calls.size(); ++c)
        _calls[c].fn->init(state(g, c), *_calls[c].fn);
}

void group_table::merge_from(const group_table& other, unsigned part, unsigned parts) {
    for (uint32_t g = 0; g < other._live.size(); ++g) {
        if (!other._live[g]) continue;
        const uint64_t h = other._group_hashes[g];
        if (parts > 1 && h % parts != part) continue;
        bool added;
        uint32_t mine = find_or_add(other._key_values, other._all_keys, g, h, added);
        rows(mine) += other.rows(g);
        for (size_t c = 0; c < _calls.size(); ++c)
            _calls[c].fn->merge(state(mine, c), other.state(g, c), *_calls[c].fn);
    }
}

agg::eval_status group_table::append_result(uint32_t group, columnar::batch& out) {
    for (size_t k = 0; k < _key_types.size(); ++k)
        out.columns[k]->append_from(*_key_values.columns[k], group);
    agg::eval_status status;
    for (size_t c = 0; c < _calls.size(); ++c) {
        auto s = _calls[c].fn->finalize(state(group, c), *out.columns[_key_types.size() + c],
                                        *_calls[c].fn);
        if (!s.ok() && status.ok()) status = s;
    }
    out.rows++;
    return status;
}

void group_table::remove(uint32_t group) {
    if (!_live[group]) return;
    for (size_t c = 0; c < _calls.size(); ++c)
        if (_calls[c].fn->destroy) _calls[c].fn->destroy(state(group, c));
    if (_one_string_key)
        _text_index.erase(group, _group_hashes[group]);
    else
        _index.erase(group, _group_hashes[group], [this](uint32_t g) { return _group_hashes[g]; });
    _live[group] = 0;
    _free.push_back(group);
}

std::vector<uint32_t> group_table::groups() const {
    std::vector<uint32_t> out;
    out.reserve(size());
    for (uint32_t g = 0; g < _live.size(); ++g)
        if (_live[g]) out.push_back(g);
    return out;
}

size_t group_table::memory_bytes() const {
    size_t n = _chunks.size() * groups_per_chunk * _block + _key_values.memory_bytes();
    n += _index.memory_bytes() + _text_index.memory_bytes();
    n += _group_hashes.capacity() * sizeof(uint64_t);
    bool heap = false;
    for (const auto& c : _calls)
        heap = heap || c.fn->heap_bytes;
    if (!heap) return n; // no state holds memory of its own: nothing to visit
    for (uint32_t g = 0; g < _live.size(); ++g) {
        if (!_live[g]) continue;
        for (size_t c = 0; c < _calls.size(); ++c)
            if (_calls[c].fn->heap_bytes)
                n += _calls[c].fn->heap_bytes(const_cast<group_table*>(this)->state(g, c));
    }
    return n;
}

columnar::batch group_table::result_batch() const {
    std::vector<columnar::data_type> types = _key_types;
    for (const auto& c : _calls)
        types.push_back(c.fn->result_type);
    return columnar::batch::with_types(types);
}

} // namespace spate::exec
