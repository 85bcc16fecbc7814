#pragma once

#include "columnar/data_type.h"
#include "columnar/string_heap.h"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace spate::columnar {

/// One column of a batch: `size()` values of one SQL type, stored contiguously in their
/// physical form (see data_type.h), and a validity byte per row once any row is NULL.
///
/// A NULL row's value slot holds zero (or an empty string) so kernels may compute over every
/// row and apply validity afterwards. Strings live in the column's heap, or in heaps of other
/// columns that this one borrows (a filter gathers references without copying bytes).
///
/// Built by one thread; once published in a batch it is read-only and may be shared between
/// batches (projections pass columns through by pointer).
class column {
public:
    explicit column(data_type type, size_t capacity = 0);
    column(const column&) = delete;
    column& operator=(const column&) = delete;

    const data_type& type() const { return _type; }
    physical_type physical() const { return _physical; }
    size_t size() const { return _size; }

    /// Grows or shrinks to `n` rows; new rows are zero and valid.
    void resize(size_t n);
    void reserve(size_t n);
    void clear() { resize(0); }

    // Values, in the physical form of the type (asserted).
    int64_t* i64() { return typed<int64_t>(physical_type::i64); }
    const int64_t* i64() const { return typed<int64_t>(physical_type::i64); }
    double* f64() { return typed<double>(physical_type::f64); }
    const double* f64() const { return typed<double>(physical_type::f64); }
    uint8_t* bools() { return typed<uint8_t>(physical_type::boolean); }
    const uint8_t* bools() const { return typed<uint8_t>(physical_type::boolean); }
    string_ref* strs() { return typed<string_ref>(physical_type::str); }
    const string_ref* strs() const { return typed<string_ref>(physical_type::str); }

    /// Validity: nullptr while no row is NULL, else one byte per row (1 = has a value).
    const uint8_t* validity() const { return _has_nulls ? _validity.data() : nullptr; }
    bool has_nulls() const { return _has_nulls; }
    bool is_null(size_t row) const { return _has_nulls && _validity[row] == 0; }
    /// Makes the validity bytes exist (all valid) and returns them for writing.
    uint8_t* validity_for_write();
    /// Marks `row` NULL and zeroes its value slot.
    void set_null(size_t row);

    // Appending one value at a time (building from parsed input).
    void push_null();
    void push_i64(int64_t v) { *reinterpret_cast<int64_t*>(append_slot()) = v; }
    void push_f64(double v) { *reinterpret_cast<double*>(append_slot()) = v; }
    void push_bool(bool v) { *reinterpret_cast<uint8_t*>(append_slot()) = v ? 1 : 0; }
    /// Copies the bytes into this column's heap.
    void push_string(std::string_view s) {
        string_ref r = _heap->add(s);
        *reinterpret_cast<string_ref*>(append_slot()) = r;
    }
    /// Appends a reference to bytes this column already keeps alive (its heap or a borrowed one).
    void push_string_ref(string_ref r) { *reinterpret_cast<string_ref*>(append_slot()) = r; }

    /// This column's own heap, for kernels that build strings in place.
    string_heap& heap() { return *_heap; }
    /// Keeps `other`'s strings alive as long as this column, so its string_refs may be copied
    /// here.
    void borrow_strings(const column& other);

    /// Appends row `row` of `other` (same physical type).
    void append_from(const column& other, size_t row);
    /// Overwrites row `row` with row `other_row` of `other` (same physical type), copying a
    /// string's bytes into this column's heap (for tables whose slots outlive their input).
    void set_from(size_t row, const column& other, size_t other_row);
    /// Appends the rows of `other` listed in `rows`, in order (filters, exchanges).
    void gather_from(const column& other, std::span<const uint32_t> rows);

    /// Bytes held (values, validity and strings), for state-size accounting.
    size_t memory_bytes() const;

private:
    template <typename T>
    T* typed(physical_type expected) const {
        assert(_physical == expected);
        (void)expected;
        return reinterpret_cast<T*>(_data.get());
    }
    std::byte* append_slot() {
        if (_size == _capacity) reserve(_capacity ? _capacity * 2 : 64);
        if (_has_nulls) _validity.push_back(1);
        return _data.get() + (_size++) * _width;
    }

    data_type _type;
    physical_type _physical;
    size_t _width;
    size_t _size = 0;
    size_t _capacity = 0;
    std::unique_ptr<std::byte[]> _data;
    std::vector<uint8_t> _validity;
    bool _has_nulls = false;
    std::shared_ptr<string_heap> _heap;
    std::vector<std::shared_ptr<const string_heap>> _borrowed;
};

using column_ptr = std::shared_ptr<column>;

} // namespace spate::columnar
