#pragma once

#include "exec/aggregate_op.h"
#include "exec/join_op.h"
#include "exec/rank_op.h"
#include "expr/bound_expr.h"
#include "plan/catalog_types.h"

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace spate::files {
struct file_table;
}

namespace spate::plan {

/// WHERE and/or a SELECT list: keep rows where `predicate` holds (when set), then compute
/// `projections` (when non-empty; else rows pass unchanged).
struct stateless_step {
    expr::bound_expr_ptr predicate;
    std::vector<expr::bound_expr_ptr> projections;
};

/// TUMBLE / HOP: appends window_start and window_end. SESSION: appends each row's own window
/// [time, time + gap) (size_ms is the gap), which the aggregate after it merges into sessions.
struct window_step {
    uint32_t time_column = 0;
    int64_t size_ms = 0;
    int64_t slide_ms = 0;
    int64_t offset_ms = 0;
    bool session = false;
};

/// GROUP BY. Rows are exchanged between shards by `config.keys` before it (with several
/// shards), so that each key is aggregated on one shard.
struct aggregate_step {
    exec::aggregate_config config;
    /// No GROUP BY: a bounded query gives one row even over no input (count(*) = 0).
    bool global = false;
    /// SESSION windows: `config.keys` holds window_start and window_end at these positions,
    /// and rows' windows merge into sessions (exec::session_aggregate_op).
    bool session = false;
    size_t session_start_key = 0;
    size_t session_end_key = 0;
};

struct dataflow;

/// JOIN: the rows so far (the left input) with the rows of `right`, a dataflow of its own from
/// its own input. Rows are exchanged between shards by each side's join keys before it.
struct join_step {
    exec::join_config config;
    std::shared_ptr<const dataflow> right;
    /// Why the join's state is bounded, or that it is not (for EXPLAIN and the warning).
    std::string state_note;
    bool bounded_state = false;
};

/// ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) with a rank filter: the first
/// `config.limit` rows of each partition, numbered. Rows are exchanged between shards by the
/// partition keys before it.
struct rank_step {
    exec::rank_config config;
};

/// UNNEST of a split string (`unnest(string_to_array(text, separator))`, or with `regex`
/// `regexp_split_to_table(text, pattern)`): each row once per piece, the piece appended as a
/// varchar column (exec::unnest_op).
struct unnest_step {
    expr::bound_expr_ptr text;
    expr::bound_expr_ptr separator;
    bool regex = false;
};

using step =
    std::variant<stateless_step, window_step, aggregate_step, join_step, rank_step, unnest_step>;

/// Whether the dataflow or a join's input in it reads files.
bool reads_files(const dataflow& d);

/// Whether a step starts a new stage: its input is exchanged between shards by key.
bool is_exchange_step(const step& s);

/// The input columns rows are exchanged by before exchange step `s` (input `port`: 0 for the
/// main input, 1 for a join's right input). Empty: every row goes to one shard.
std::vector<uint32_t> exchange_keys_of(const step& s, int port);

/// The input columns an aggregate's rows are exchanged by: its keys, but for SESSION windows
/// not the window bounds (a key's sessions must all be on one shard).
std::vector<uint32_t> exchange_keys(const aggregate_step& a);

/// One ORDER BY key of a bounded query: an output column (possibly hidden).
struct sort_key {
    uint32_t column = 0;
    bool descending = false;
    bool nulls_first = false;
};

/// Where a query's rows come from.
enum class input_kind : uint8_t {
    source, ///< a topic, through a source's format and constraints
    view,   ///< a materialized view's current rows
    none,   ///< no FROM: one row with no columns
    file,   ///< files read once (bounded queries only): CSV, JSON or text
};

/// A query planned as a chain of steps from one input to one output: what the engine runs,
/// continuously (a view or sink) or once (a bounded SELECT). Immutable once planned.
struct dataflow {
    input_kind input = input_kind::none;
    std::shared_ptr<const source_def> source; ///< input == source
    std::string view_name;                    ///< input == view
    /// input == file: the files and their schema, and the columns of it the query reads (in
    /// input_schema's order).
    std::shared_ptr<const files::file_table> file;
    std::vector<uint32_t> file_columns;
    /// The input's columns as the first step sees them (a source's end with the hidden
    /// partition and offset columns).
    schema input_schema;
    std::vector<step> steps;
    /// The result's columns, hidden ones last.
    schema output;
    /// Bounded queries only.
    std::vector<sort_key> order_by;
    std::optional<int64_t> limit;
    int64_t offset = 0;
    /// Whether the result is a changelog (an aggregate without a window) or only insertions.
    bool changelog = false;
    /// A materialized view's or sink's (runs until dropped) rather than a bounded query's.
    bool continuous = false;
    /// Whether a windowed aggregate holds results until the watermark passes.
    bool windowed = false;
    /// Every source and view named in the query (views included in it run as part of it).
    std::vector<std::string> relations;

    /// Visible output columns.
    size_t visible_columns() const;
};

/// The dataflow as text, one step per line (EXPLAIN); a join's right input is indented below
/// it.
std::vector<std::string> explain(const dataflow& d);

/// Every source a dataflow reads (its own input and its joins' inputs, left first), with
/// repeats when a source is read twice.
std::vector<std::shared_ptr<const source_def>> sources_of(const dataflow& d);

/// Operators whose state grows without bound, one sentence each (a join or top-N over keys
/// that never expire): what CREATE warns about.
std::vector<std::string> unbounded_state(const dataflow& d);

} // namespace spate::plan
