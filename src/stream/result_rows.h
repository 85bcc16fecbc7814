#pragma once

#include "columnar/batch.h"
#include "exec/row_compare.h"
#include "plan/dataflow.h"

#include <vector>

namespace spate::stream {

/// The final rows of a bounded query: `parts` concatenated, sorted by the dataflow's ORDER BY
/// (NULLs as Postgres orders them), OFFSET and LIMIT applied, hidden columns dropped.
columnar::batch finish_rows(const plan::dataflow& d, std::vector<columnar::batch> parts);

/// Value comparison in SQL order (moved to exec, where top-N also needs it).
using exec::compare_values;

} // namespace spate::stream
