#pragma once

#include "columnar/column.h"

#include <cstddef>

namespace spate::exec {

/// -1, 0 or 1 comparing row `a` of `x` with row `b` of `y` (same physical type) in SQL order:
/// NULLs equal to each other and after every value, NaN equal to NaN and above every other
/// number, strings by their bytes. Plain function, used by ORDER BY and by top-N.
int compare_values(const columnar::column& x, size_t a, const columnar::column& y, size_t b);

/// -1, 0 or 1 comparing for one ORDER BY key: values as compare_values, reversed when
/// `descending`; a NULL goes before every value when `nulls_first`, else after every value,
/// whichever the direction (the placement is what the key asked for, as in Postgres).
int compare_sort_key(const columnar::column& x, size_t a, const columnar::column& y, size_t b,
                     bool descending, bool nulls_first);

} // namespace spate::exec
