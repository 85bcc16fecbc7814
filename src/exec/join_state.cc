#include "exec/join_state.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>

namespace spate::exec {

using columnar::physical_type;

namespace {

/// Whether row `ra` of `a` and row `rb` of `b` (same physical type) hold the same value, NULL
/// equal to NULL (a retraction names the row it takes back, NULLs included).
bool same_value(const columnar::column& a, size_t ra, const columnar::column& b, size_t rb) {
    bool na = a.is_null(ra), nb = b.is_null(rb);
    if (na || nb) return na == nb;
    switch (a.physical()) {
    case physical_type::boolean: return a.bools()[ra] == b.bools()[rb];
    case physical_type::i64: return a.i64()[ra] == b.i64()[rb];
    case physical_type::f64: {
        double x = a.f64()[ra], y = b.f64()[rb];
        return x == y || std::memcmp(&x, &y, sizeof x) == 0;
    }
    case physical_type::str: return a.strs()[ra] == b.strs()[rb];
    }
    return false;
}

/// t + d, clamped to the int64 range.
event_time saturating_add(event_time t, int64_t d) {
    if (d > 0 && t > std::numeric_limits<int64_t>::max() - d)
        return std::numeric_limits<int64_t>::max();
    if (d < 0 && t < std::numeric_limits<int64_t>::min() - d)
        return std::numeric_limits<int64_t>::min();
    return t + d;
}

} // namespace

join_state::join_state(std::span<const columnar::data_type> input_types,
                       std::vector<uint32_t> needed, std::vector<uint32_t> key_columns,
                       std::optional<uint32_t> time_column)
    : _needed(std::move(needed)), _stored_index(input_types.size(), -1),
      _timed(time_column.has_value()) {
    std::vector<columnar::data_type> types;
    for (uint32_t i = 0; i < _needed.size(); ++i) {
        assert(_needed[i] < input_types.size());
        _stored_index[_needed[i]] = int32_t(i);
        types.push_back(input_types[_needed[i]]);
    }
    for (uint32_t i = 0; i < types.size(); ++i)
        if (types[i].physical() == physical_type::str) _string_columns.push_back(i);
    // The key columns are stored (the caller's `needed` includes them).
    for ([[maybe_unused]] uint32_t k : key_columns)
        assert(_stored_index[k] >= 0);
    _values = columnar::batch::with_types(types);
}

const columnar::column& join_state::column_of(uint32_t input_column) const {
    assert(input_column < _stored_index.size() && _stored_index[input_column] >= 0);
    return *_values.columns[size_t(_stored_index[input_column])];
}

join_state::key_slots join_state::find(std::string_view key) const {
    size_t i = _index.find(hash_key(key), entry_hash(), same_key(key));
    return {this, _index.occupied(i) ? _entries[_index.id_at(i)].head : no_slot};
}

std::optional<uint32_t> join_state::find_equal(const columnar::batch& b, uint32_t row,
                                               std::string_view key) const {
    for (uint32_t slot : find(key)) {
        bool equal = true;
        for (size_t c = 0; c < _needed.size() && equal; ++c)
            equal = same_value(*b.columns[_needed[c]], row, *_values.columns[c], slot);
        if (equal) return slot;
    }
    return std::nullopt;
}

uint32_t join_state::insert(const columnar::batch& b, uint32_t row, std::string_view key,
                            int64_t matches, event_time time) {
    uint32_t slot;
    if (!_free.empty()) {
        slot = _free.back();
        _free.pop_back();
        for (size_t c = 0; c < _needed.size(); ++c)
            _values.columns[c]->set_from(slot, *b.columns[_needed[c]], row);
    } else {
        slot = uint32_t(_values.rows);
        for (size_t c = 0; c < _needed.size(); ++c) {
            const columnar::column& src = *b.columns[_needed[c]];
            columnar::column& dst = *_values.columns[c];
            if (src.is_null(row))
                dst.push_null();
            else if (dst.physical() == physical_type::str)
                dst.push_string(src.strs()[row].view());
            else
                dst.append_from(src, row);
        }
        _values.rows++;
        _matches.push_back(0);
        _generation.push_back(0);
        _live.push_back(0);
        _next.push_back(no_slot);
        _prev.push_back(no_slot);
        _entry_of.push_back(0);
    }
    _matches[slot] = matches;
    _live[slot] = 1;
    for (uint32_t c : _string_columns)
        _live_string_bytes += string_bytes(*_values.columns[c], slot);
    ++_rows;
    _index.reserve_one(entry_hash());
    const uint64_t h = hash_key(key);
    size_t i = _index.find(h, entry_hash(), same_key(key));
    if (!_index.occupied(i)) {
        uint32_t e;
        if (!_free_entries.empty()) {
            e = _free_entries.back();
            _free_entries.pop_back();
        } else {
            e = uint32_t(_entries.size());
            _entries.emplace_back();
        }
        _entries[e].key.assign(key); // reuses the recycled entry's capacity
        _entries[e].hash = h;
        _entries[e].head = _entries[e].tail = no_slot;
        _index.put(i, e, h);
    }
    // Appended to its key's list.
    uint32_t e = _index.id_at(i);
    key_entry& entry = _entries[e];
    _entry_of[slot] = e;
    _prev[slot] = entry.tail;
    _next[slot] = no_slot;
    if (entry.tail != no_slot)
        _next[entry.tail] = slot;
    else
        entry.head = slot;
    entry.tail = slot;
    if (_timed) {
        _times.push_back(timed_slot{time, slot, _generation[slot]});
        std::push_heap(_times.begin(), _times.end(), later_first{});
    }
    if (!_string_columns.empty()) maybe_compact_strings();
    return slot;
}

size_t join_state::string_bytes(const columnar::column& c, size_t row) {
    return c.is_null(row) ? 0 : c.strs()[row].size;
}

void join_state::maybe_compact_strings() {
    size_t reserved = 0;
    for (uint32_t c : _string_columns)
        reserved += _values.columns[c]->heap().bytes_reserved();
    // Amortized: the heaps are rebuilt only after the dead bytes outgrow the live ones 3:1.
    if (reserved < (1u << 20) || reserved < 4 * _live_string_bytes) return;
    for (uint32_t c : _string_columns) {
        const columnar::column& old = *_values.columns[c];
        auto fresh = std::make_shared<columnar::column>(old.type(), _values.rows);
        fresh->resize(_values.rows);
        for (uint32_t slot = 0; slot < _values.rows; ++slot)
            if (_live[slot]) fresh->set_from(slot, old, slot);
        _values.columns[c] = std::move(fresh);
    }
}

void join_state::remove(uint32_t slot) {
    assert(slot < _live.size() && _live[slot]);
    for (uint32_t c : _string_columns)
        _live_string_bytes -= string_bytes(*_values.columns[c], slot);
    // Unlinked from its key's list; the key goes when it has no row left.
    uint32_t e = _entry_of[slot];
    key_entry& entry = _entries[e];
    if (_prev[slot] != no_slot)
        _next[_prev[slot]] = _next[slot];
    else
        entry.head = _next[slot];
    if (_next[slot] != no_slot)
        _prev[_next[slot]] = _prev[slot];
    else
        entry.tail = _prev[slot];
    if (entry.head == no_slot) {
        _index.erase(e, entry.hash, entry_hash());
        _free_entries.push_back(e);
    }
    _live[slot] = 0;
    ++_generation[slot];
    _free.push_back(slot);
    --_rows;
}

std::optional<uint32_t> join_state::next_expired(event_time wm, int64_t expire_after_ms) {
    while (!_times.empty()) {
        const timed_slot& top = _times.front();
        if (saturating_add(top.time, expire_after_ms) >= wm) return std::nullopt;
        timed_slot t = top;
        std::pop_heap(_times.begin(), _times.end(), later_first{});
        _times.pop_back();
        if (_live[t.slot] && _generation[t.slot] == t.generation) return t.slot;
    }
    return std::nullopt;
}

size_t join_state::memory_bytes() const {
    size_t n = _values.memory_bytes();
    n += _matches.capacity() * sizeof(int64_t) + _generation.capacity() * sizeof(uint32_t) +
         _live.capacity() + _times.capacity() * sizeof(timed_slot);
    n += (_next.capacity() + _prev.capacity() + _entry_of.capacity()) * sizeof(uint32_t) +
         _index.memory_bytes();
    n += _entries.capacity() * sizeof(key_entry);
    for (const auto& e : _entries)
        if (e.key.capacity() > 15) n += e.key.capacity() + 1;
    return n;
}

} // namespace spate::exec
