#pragma once

#include "exec/operator.h"
#include "expr/bound_expr.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spate::exec {

/// Which rows of a join survive without a partner: inner keeps none, left keeps the left
/// input's, right the right's, full both (padded with NULLs on the other side).
enum class join_kind : uint8_t { inner, left, right, full };

/// One input of a join.
struct join_side {
    /// The input's columns.
    std::vector<columnar::data_type> types;
    /// The equi-join key columns (same count and physical types on both sides). A row whose
    /// key has a NULL never matches.
    std::vector<uint32_t> keys;
    /// The input columns the output carries, in order (the left side's first).
    std::vector<uint32_t> keep;
    /// The input may retract rows (a changelog).
    bool changelog = false;
    /// Event-time column that bounds the state (append-only inputs only): a row with time t is
    /// dropped once the other input's watermark passes t + expire_after_ms (no later partner
    /// can match it). A row arriving with time below its own input's watermark is late.
    std::optional<uint32_t> time;
    int64_t expire_after_ms = 0;
    /// When set, rows are dropped by this timestamp column's value instead of `time`'s (an
    /// auction's `expires`: no bid after it can match), still plus expire_after_ms. A NULL
    /// there keeps the row.
    std::optional<uint32_t> expire_column;
};

/// What a join computes. Output rows are left.keep columns then right.keep columns.
struct join_config {
    join_kind kind = join_kind::inner;
    join_side left, right;
    /// A further condition over the output row (ON's non-equality parts); null: none.
    expr::bound_expr_ptr residual;
    /// Lookup (temporal) join: left rows are matched against the right input's rows at the
    /// time they arrive and are not kept; later right changes do not change earlier output.
    /// Only inner and left kinds.
    bool lookup = false;
};

/// Whether a join's output can retract rows: any changelog input, or an outer join whose
/// padded rows may later be replaced by matches (no time bound, not a lookup).
bool join_emits_changelog(const join_config& c);

/// A symmetric hash join of two inputs, maintained under insertions and retractions.
///
/// Each side keeps its rows by key. A row arriving on one side is matched with the other side's
/// rows of the same key (and the residual condition); the pairs are emitted. Outer joins emit a
/// padded row for a row without partner and retract it when a partner arrives (or, with time
/// bounds, emit it when the row expires unmatched). The output watermark is the minimum of the
/// two inputs' (a lookup join's is its left input's).
///
/// push()/watermark() are the left input; right() is the right input. Owned by one shard's part
/// of a pipeline: exchanges before it send each key to one shard.
class join_op final : public op {
public:
    join_op(output* next, row_sink* rejects, join_config config);
    ~join_op() override;

    void push(columnar::batch b) override;
    void watermark(event_time wm) override;
    output& right();
    /// Where rows of each input that are late or lack their event time go, when not to the
    /// constructor's `rejects` (which then takes only pairs whose residual failed): each input
    /// has its own source and layout.
    void set_input_rejects(row_sink* left, row_sink* right);

    size_t state_bytes() const override;
    std::string describe() const override;
    /// Rows kept now on each side.
    size_t left_rows() const;
    size_t right_rows() const;
    /// Retractions of rows the side did not hold, ignored (a bug upstream, or a changelog
    /// whose start was lost).
    uint64_t ignored_retractions() const;

private:
    class impl;
    std::unique_ptr<impl> _impl;
};

} // namespace spate::exec
