#pragma once

#include "exec/operator.h"
#include "plan/dataflow.h"
#include "stream/dead_letters.h"
#include "stream/flow_graph.h"
#include "stream/op_counters.h"

#include <memory>
#include <optional>
#include <vector>

namespace spate::stream {

/// Where a step's input keeps the hidden source partition and offset columns, if it has them.
struct origin_columns {
    std::optional<uint32_t> partition;
    std::optional<uint32_t> offset;
};

/// The operators for a run of consecutive steps of a dataflow, wired one into the next, the
/// last into `out`. Owned by the thread that feeds entry().
struct op_chain {
    std::vector<exec::op_ptr> ops;
    std::vector<std::unique_ptr<origin_row_sink>> sinks;
    exec::output* tail = nullptr; ///< where the last operator sends (not owned)
    /// When the first step is a join: its right input.
    exec::output* right = nullptr;
    /// After count_rows(): the counter in front of the first operator (or of `tail`).
    exec::output* counted_entry = nullptr;
    std::vector<std::unique_ptr<exec::output>> counters;

    /// Where batches and watermarks go in: the first operator, or `tail` for no steps.
    exec::output* entry() const {
        if (counted_entry) return counted_entry;
        return ops.empty() ? tail : ops.front().get();
    }
    /// Input `port` (1: the right input of a join).
    exec::output* entry(int port) const { return port == 1 ? right : entry(); }
    size_t state_bytes() const;
};

/// The steps [begin, end) of `d` as operators ending in `out`. `origin` says where the input of
/// steps[begin] keeps the hidden origin columns; rejected rows go to `letters`. With `bounded`,
/// an aggregate without GROUP BY gives its one row even over no input.
/// When steps[begin] is a join, `right_letters` and `right_origin` are for its right input's
/// rows (their own source and layout).
op_chain build_chain(const plan::dataflow& d, size_t begin, size_t end, exec::output* out,
                     dead_letters* letters, origin_columns origin, bool bounded,
                     dead_letters* right_letters = nullptr, origin_columns right_origin = {});

/// Puts a row counter at every edge of `chain`: before its input ports (counts.in, the right
/// input's only for a join) and after each operator (counts.out, resized to the operators).
/// Call once, right after building, before anything is pushed.
void count_rows(op_chain& chain, segment_counts& counts);

/// The origin columns of the input of steps[index], given those of the dataflow's input.
origin_columns origin_before(const plan::dataflow& d, size_t index, origin_columns input);

/// Where a source's rows keep their partition and offset: after its declared columns.
origin_columns origin_of(const plan::source_def* source);

/// The operators of segment `k` of `g` ending in `out`: its steps, with the origin columns and
/// dead letters (`letters[i]` for leaf i) of its input, and of a join's right input.
op_chain build_segment_chain(const flow_graph& g, size_t k, exec::output* out,
                             const std::vector<dead_letters*>& letters, bool bounded);

} // namespace spate::stream
