#include "exec/row_table.h"

namespace spate::exec {

row_table::row_table(std::vector<columnar::data_type> types) : _types(std::move(types)) {
    for (uint32_t i = 0; i < _types.size(); ++i)
        _all_columns.push_back(i);
    _values = columnar::batch::with_types(_types);
}

void row_table::push(columnar::batch b) {
    for (size_t r = 0; r < b.rows; ++r) {
        encode_row_key(b, _all_columns, r, _key);
        auto it = _map.find(std::string_view(_key));
        if (b.change_at(r) == columnar::change::retract) {
            if (it == _map.end()) {
                ++_unmatched;
                continue;
            }
            --_rows;
            if (--it->second.count == 0) {
                _free.push_back(it->second.slot);
                std::string().swap(_slot_keys[it->second.slot]);
                _map.erase(it);
            }
            continue;
        }
        ++_rows;
        if (it != _map.end()) {
            ++it->second.count;
            continue;
        }
        uint32_t slot;
        if (!_free.empty()) {
            slot = _free.back();
            _free.pop_back();
            // Overwrite the slot's values with this row's.
            for (size_t c = 0; c < _types.size(); ++c)
                _values.columns[c]->set_from(slot, *b.columns[c], r);
            _slot_keys[slot] = _key;
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
            _slot_keys.push_back(_key);
        }
        _map.emplace(_key, entry{slot, 1});
    }
}

columnar::batch row_table::snapshot() const {
    std::vector<uint32_t> rows;
    rows.reserve(_rows);
    for (uint32_t slot = 0; slot < _values.rows; ++slot) {
        if (_slot_keys[slot].empty()) continue;
        auto it = _map.find(std::string_view(_slot_keys[slot]));
        if (it == _map.end()) continue;
        for (int64_t i = 0; i < it->second.count; ++i)
            rows.push_back(slot);
    }
    columnar::batch out = _values.gather(rows);
    // The snapshot borrows this table's string heaps (shared, and only ever appended to), so
    // it stays valid while the table goes on changing, on another thread too.
    return out;
}

size_t row_table::memory_bytes() const {
    size_t n = _values.memory_bytes();
    for (const auto& k : _slot_keys)
        n += k.capacity() + 48;
    return n;
}

} // namespace spate::exec
