#pragma once

// Small rewrites of bound expressions the planner needs: which columns an expression reads,
// reading them from elsewhere, and splitting or joining conjunctions. Internal to plan.

#include "expr/bound_expr.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace spate::plan::detail {

/// Sets used[i] for every input column i that `e` reads (indexes past the end are ignored).
void collect_columns(const expr::bound_expr& e, std::vector<uint8_t>& used);

/// `e` with every input column i read as map[i].
expr::bound_expr_ptr remap_columns(const expr::bound_expr_ptr& e, const std::vector<uint32_t>& map);

/// The conjuncts of `e` (nested ANDs flattened), appended to `out`.
void split_conjuncts(const expr::bound_expr_ptr& e, std::vector<expr::bound_expr_ptr>& out);

/// The AND of `parts`; null when there are none.
expr::bound_expr_ptr conjunction(const std::vector<expr::bound_expr_ptr>& parts);

/// Which inputs of a join `e` reads, when the first `left_width` columns are the left input's
/// and the rest the right's: 0 none, 1 left only, 2 right only, 3 both.
int sides_read(const expr::bound_expr& e, uint32_t left_width);

/// A conjunct `x = y` where x reads only the left input and y only the right (either way
/// round): the two sides, left first.
struct equi_pair {
    expr::bound_expr_ptr left, right;
};
std::optional<equi_pair> as_equi_pair(const expr::bound_expr_ptr& c, uint32_t left_width);

/// A conjunct comparing a left column with a right column, either plus or minus a constant
/// interval: it bounds left - right from below (`min_diff`) or above (`max_diff`), in
/// milliseconds. Strict comparisons give the same bound (the state kept is then one
/// millisecond more than needed, never less).
struct time_bound {
    uint32_t left_column = 0; ///< in the join's output layout (< left_width)
    uint32_t right_column = 0;
    std::optional<int64_t> min_diff, max_diff;
};
std::optional<time_bound> as_time_bound(const expr::bound_expr_ptr& c, uint32_t left_width);

} // namespace spate::plan::detail
