#include "exec/row_table.h"

namespace spate::exec {

row_table::row_table(std::vector<columnar::data_type> types) : _types(std::move(types)) {
    for (uint32_t i = 0; i < _types.size(); ++i)
        _all_columns.push_back(i);
    _values = columnar::batch::with_types(_types);
}

size_t row_table::probe(const columnar::batch& b, size_t r, uint64_t h) const {
    const size_t mask = _table.size() - 1;
    size_t i = h & mask;
    while (_table[i]) {
        uint32_t slot = _table[i] - 1;
        if (_hashes[slot] == h && rows_equal(_values, _all_columns, slot, b, _all_columns, r))
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

void row_table::grow() {
    std::vector<uint32_t> old = std::move(_table);
    size_t n = old.empty() ? 1024 : old.size() * 2;
    _table.assign(n, 0);
    for (uint32_t v : old) {
        if (!v) continue;
        size_t j = _hashes[v - 1] & (n - 1);
        while (_table[j])
            j = (j + 1) & (n - 1);
        _table[j] = v;
    }
}

void row_table::push(columnar::batch b) {
    hash_rows(b, _all_columns, _batch_hashes);
    for (size_t r = 0; r < b.rows; ++r) {
        if ((_used + 1) * 2 > _table.size()) grow();
        const uint64_t h = _batch_hashes[r];
        size_t i = probe(b, r, h);
        if (b.change_at(r) == columnar::change::retract) {
            if (!_table[i]) {
                ++_unmatched;
                continue;
            }
            --_rows;
            uint32_t slot = _table[i] - 1;
            if (--_counts[slot] > 0) continue;
            // The last copy: the slot is freed and later entries of its probe run move up
            // into the hole (backward-shift deletion).
            _free.push_back(slot);
            const size_t mask = _table.size() - 1;
            _table[i] = 0;
            --_used;
            for (size_t j = (i + 1) & mask; _table[j]; j = (j + 1) & mask) {
                size_t home = _hashes[_table[j] - 1] & mask;
                bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
                if (!movable) continue;
                _table[i] = _table[j];
                _table[j] = 0;
                i = j;
            }
            continue;
        }
        ++_rows;
        if (_table[i]) {
            ++_counts[_table[i] - 1];
            continue;
        }
        uint32_t slot;
        if (!_free.empty()) {
            slot = _free.back();
            _free.pop_back();
            // Overwrite the slot's values with this row's.
            for (size_t c = 0; c < _types.size(); ++c)
                _values.columns[c]->set_from(slot, *b.columns[c], r);
        } else {
            slot = static_cast<uint32_t>(_values.rows);
            for (size_t c = 0; c < _types.size(); ++c) {
                const columnar::column& src = *b.columns[c];
                columnar::column& dst = *_values.columns[c];
                if (src.is_null(r))
                    dst.push_null();
                else if (dst.physical() == columnar::physical_type::str)
                    dst.push_string(src.strs()[r].view());
                else
                    dst.append_from(src, r);
            }
            _values.rows++;
            _counts.push_back(0);
            _hashes.push_back(0);
        }
        _counts[slot] = 1;
        _hashes[slot] = h;
        _table[i] = slot + 1;
        ++_used;
    }
}

columnar::batch row_table::snapshot() const {
    std::vector<uint32_t> rows;
    rows.reserve(_rows);
    for (uint32_t slot = 0; slot < _values.rows; ++slot)
        for (int64_t i = 0; i < _counts[slot]; ++i)
            rows.push_back(slot);
    columnar::batch out = _values.gather(rows);
    // The snapshot borrows this table's string heaps (shared, and only ever appended to), so
    // it stays valid while the table goes on changing, on another thread too.
    return out;
}

size_t row_table::memory_bytes() const {
    return _values.memory_bytes() + (_counts.capacity() + _hashes.capacity()) * sizeof(int64_t) +
           (_table.capacity() + _free.capacity()) * sizeof(uint32_t);
}

} // namespace spate::exec
