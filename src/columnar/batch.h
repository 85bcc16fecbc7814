#pragma once

#include "columnar/column.h"

#include <cstdint>
#include <span>
#include <vector>

namespace spate::columnar {

/// Whether a row adds to or takes back from a result: the changelog that aggregates without
/// windows emit (an update is a retraction of the old row and an insertion of the new one).
enum class change : int8_t { retract = -1, insert = 1 };

/// Rows travelling between operators: columns of equal length, and optionally a change kind
/// per row (absent when every row is an insertion, the common case for streams).
///
/// Owned by the operator handling it; columns may be shared with other batches (read-only).
struct batch {
    std::vector<column_ptr> columns;
    size_t rows = 0;
    /// Empty, or one entry per row.
    std::vector<change> changes;

    bool all_inserts() const { return changes.empty(); }
    change change_at(size_t row) const { return changes.empty() ? change::insert : changes[row]; }

    /// A batch with fresh empty columns of these types.
    static batch with_types(std::span<const data_type> types, size_t capacity = 0);
    /// The rows listed in `rows` of every column, in order (a filter's or an exchange's output).
    batch gather(std::span<const uint32_t> rows) const;
    /// Appends all rows of `other` (same column types).
    void append(const batch& other);
    size_t memory_bytes() const;
};

} // namespace spate::columnar
