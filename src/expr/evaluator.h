#pragma once

#include "columnar/batch.h"
#include "expr/bound_expr.h"
#include "expr/row_errors.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace spate::expr {

struct compiled_node;

/// A bound expression compiled for evaluation a batch at a time. Each node of the expression
/// becomes one step that calls its kernel once per batch through a function pointer (no
/// virtual call and no allocation per row); lazy forms (CASE, COALESCE, AND, OR) evaluate a
/// branch only over the rows that take it, so errors of untaken branches are never reported.
///
/// Owned and used by one thread (it caches expanded constants); compile one per operator
/// instance.
class evaluator {
public:
    /// Compiles `e`; prepares per-function state (compiled regexes, LIKE matchers).
    explicit evaluator(bound_expr_ptr e);
    ~evaluator();
    evaluator(evaluator&&) noexcept;
    evaluator& operator=(evaluator&&) noexcept;

    const columnar::data_type& type() const;

    /// The value of the expression for every row of `in`: a column of in.rows values. An input
    /// column reference returns the input column itself (shared). Rows that fail are recorded
    /// in `errors` and are NULL in the result.
    columnar::column_ptr evaluate(const columnar::batch& in, row_errors& errors) const;

    /// For filters: appends to `selected_rows` (cleared first) the rows where the boolean
    /// expression is TRUE (NULL and failed rows count as not selected).
    void evaluate_predicate(const columnar::batch& in, row_errors& errors,
                            std::vector<uint32_t>& selected_rows) const;

private:
    bound_expr_ptr _expr;
    std::unique_ptr<compiled_node> _root;
};

} // namespace spate::expr
