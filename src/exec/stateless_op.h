#pragma once

#include "exec/operator.h"
#include "expr/bound_expr.h"
#include "expr/evaluator.h"

#include <optional>
#include <vector>

namespace spate::exec {

/// WHERE and SELECT list in one step: keeps the rows where `predicate` is TRUE, then computes
/// `projections` over them. Rows whose expressions fail go to the row_sink as invalid, with
/// the error; the others carry on. Change kinds pass through.
///
/// Owned by one shard's part of a pipeline (its evaluators are single-threaded).
class stateless_op final : public op {
public:
    stateless_op(output* next, row_sink* rejects, expr::bound_expr_ptr predicate,
                 std::vector<expr::bound_expr_ptr> projections);

    void push(columnar::batch b) override;
    void watermark(event_time wm) override { _next->watermark(wm); }
    std::string describe() const override;

private:
    /// Reports the rows in `errors` (indexes into `b`) and returns the others of `rows`.
    /// The selected rows of `b`, only in the columns the projections read.
    columnar::batch gather_read(const columnar::batch& b);
    void reject(const columnar::batch& b, const expr::row_errors& errors,
                std::vector<uint32_t>& rows);

    row_sink* _rejects;
    expr::bound_expr_ptr _predicate_expr;
    std::optional<expr::evaluator> _predicate;
    std::vector<expr::bound_expr_ptr> _projection_exprs;
    std::vector<expr::evaluator> _projections;
    std::vector<uint32_t> _selected;
    /// With projections: whether each input column is read by one (others are not carried
    /// past the filter); empty until the first batch says how wide rows are.
    std::vector<uint8_t> _read;
    std::vector<uint32_t> _scratch_rows;
    expr::row_errors _errors;
};

} // namespace spate::exec
