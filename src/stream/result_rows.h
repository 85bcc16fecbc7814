#pragma once

#include "columnar/batch.h"
#include "plan/dataflow.h"

#include <vector>

namespace spate::stream {

/// The final rows of a bounded query: `parts` concatenated, sorted by the dataflow's ORDER BY
/// (NULLs as Postgres orders them), OFFSET and LIMIT applied, hidden columns dropped.
columnar::batch finish_rows(const plan::dataflow& d, std::vector<columnar::batch> parts);

/// -1, 0 or 1 comparing row `a` of `x` with row `b` of `y` (same type) in SQL order, NULLs
/// last.
int compare_values(const columnar::column& x, size_t a, const columnar::column& y, size_t b);

} // namespace spate::stream
