#include "columnar/column.h"

#include <algorithm>
#include <cstring>

namespace spate::columnar {

column::column(data_type type, size_t capacity)
    : _type(type), _physical(type.physical()), _width(physical_width(_physical)),
      _heap(_physical == physical_type::str ? std::make_shared<string_heap>() : nullptr) {
    if (capacity) reserve(capacity);
}

void column::reserve(size_t n) {
    if (n <= _capacity) return;
    auto bigger = std::make_unique_for_overwrite<std::byte[]>(n * _width);
    if (_size) std::memcpy(bigger.get(), _data.get(), _size * _width);
    _data = std::move(bigger);
    _capacity = n;
    if (_has_nulls) _validity.reserve(n);
}

void column::resize(size_t n) {
    if (n > _capacity) reserve(std::max(n, _capacity * 2));
    if (n > _size) std::memset(_data.get() + _size * _width, 0, (n - _size) * _width);
    if (_has_nulls) _validity.resize(n, 1);
    _size = n;
}

uint8_t* column::validity_for_write() {
    if (!_has_nulls) {
        _validity.assign(_size, 1);
        _validity.reserve(_capacity);
        _has_nulls = true;
    }
    return _validity.data();
}

void column::set_null(size_t row) {
    assert(row < _size);
    validity_for_write()[row] = 0;
    std::memset(_data.get() + row * _width, 0, _width);
}

void column::push_null() {
    std::byte* slot = append_slot();
    std::memset(slot, 0, _width);
    validity_for_write()[_size - 1] = 0;
}

void column::borrow_strings(const column& other) {
    if (_physical != physical_type::str || &other == this) return;
    auto keep = [&](const std::shared_ptr<const string_heap>& h) {
        if (!h || h == _heap) return;
        if (std::find(_borrowed.begin(), _borrowed.end(), h) == _borrowed.end())
            _borrowed.push_back(h);
    };
    keep(other._heap);
    for (const auto& h : other._borrowed)
        keep(h);
}

void column::append_from(const column& other, size_t row) {
    assert(other._physical == _physical);
    if (other.is_null(row)) {
        push_null();
        return;
    }
    if (_physical == physical_type::str) borrow_strings(other);
    std::memcpy(append_slot(), other._data.get() + row * _width, _width);
}

void column::set_from(size_t row, const column& other, size_t other_row) {
    assert(other._physical == _physical && row < _size);
    if (other.is_null(other_row)) {
        set_null(row);
        return;
    }
    if (_has_nulls) _validity[row] = 1;
    std::byte* dst = _data.get() + row * _width;
    if (_physical == physical_type::str) {
        string_ref r = _heap->add(other.strs()[other_row].view());
        std::memcpy(dst, &r, sizeof r);
    } else {
        std::memcpy(dst, other._data.get() + other_row * _width, _width);
    }
}

void column::gather_from(const column& other, std::span<const uint32_t> rows) {
    assert(other._physical == _physical);
    if (_physical == physical_type::str) borrow_strings(other);
    size_t base = _size;
    reserve(base + rows.size());
    const std::byte* src = other._data.get();
    std::byte* dst = _data.get() + base * _width;
    switch (_width) {
    case 1:
        for (size_t i = 0; i < rows.size(); ++i)
            dst[i] = src[rows[i]];
        break;
    case 8: {
        auto* d = reinterpret_cast<int64_t*>(dst);
        auto* s = reinterpret_cast<const int64_t*>(src);
        for (size_t i = 0; i < rows.size(); ++i)
            d[i] = s[rows[i]];
        break;
    }
    default: {
        auto* d = reinterpret_cast<string_ref*>(dst);
        auto* s = reinterpret_cast<const string_ref*>(src);
        for (size_t i = 0; i < rows.size(); ++i)
            d[i] = s[rows[i]];
        break;
    }
    }
    _size = base + rows.size();
    if (other._has_nulls || _has_nulls) {
        uint8_t* v = validity_for_write();
        // validity_for_write sized it to the old size when it was first made.
        _validity.resize(_size, 1);
        v = _validity.data();
        for (size_t i = 0; i < rows.size(); ++i)
            v[base + i] = other._has_nulls ? other._validity[rows[i]] : 1;
    }
}

size_t column::memory_bytes() const {
    size_t n = _capacity * _width + _validity.capacity();
    if (_heap) n += _heap->bytes_reserved();
    return n;
}

} // namespace spate::columnar
