#include "exec/row_table.h"

namespace spate::exec {

row_table::row_table(std::vector<columnar::data_type> types) : _types(std::move(types)) {
    for (uint32_t i = 0; i < _types.size(); ++i)
        _all_columns.push_back(i);
    _values = columnar::batch::with_types(_types);
}

void row_table::push(columnar::batch b) {
    hash_rows(b, _all_columns, _batch_hashes);
    auto hash_of = [this](uint32_t slot) { return _hashes[slot]; };
    for (size_t r = 0; r < b.rows; ++r) {
        const uint64_t h = _batch_hashes[r];
        auto same = [&](uint32_t slot) {
            return rows_equal(_values, _all_columns, slot, b, _all_columns, r);
        };
        if (b.change_at(r) == columnar::change::retract) {
            size_t i = _index.find(h, hash_of, same);
            if (!_index.occupied(i)) {
                ++_unmatched;
                continue;
            }
            --_rows;
            uint32_t slot = _index.id_at(i);
            if (--_counts[slot] > 0) continue;
            // The last copy: the slot is freed.
            _index.erase(slot, h, hash_of);
            _free.push_back(slot);
            continue;
        }
        _index.reserve_one(hash_of);
        size_t i = _index.find(h, hash_of, same);
        ++_rows;
        if (_index.occupied(i)) {
            ++_counts[_index.id_at(i)];
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
        _index.put(i, slot, h);
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
           _free.capacity() * sizeof(uint32_t) + _index.memory_bytes();
}

} // namespace spate::exec
