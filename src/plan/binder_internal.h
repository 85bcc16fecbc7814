#pragma once

// Shared pieces of the binder's files: scopes, the aggregation context and the expression
// binder. Internal to the plan module.

#include "agg/aggregate_function.h"
#include "expr/binder_support.h"
#include "plan/binder.h"
#include "sql/sql_error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spate::plan::detail {

/// A column a name can reach, and where it sits in the batches of the current step.
struct scope_column {
    std::string name;
    std::string qualifier; ///< table name or alias
    columnar::data_type type;
    uint32_t index = 0;
    bool hidden = false;
    bool not_null = false;
    /// A ROW_NUMBER() result: the rank step (steps[rank_step] of *rank_flow) that made it, whose
    /// limit a filter on this column in the enclosing query sets.
    dataflow* rank_flow = nullptr;
    size_t rank_step = 0;
};

/// The columns visible at one point of a query.
struct scope {
    std::vector<scope_column> columns;
    /// Position of window_start / window_end when a window table function made them.
    std::optional<uint32_t> window_start, window_end;
    /// The window bounds are each row's own [time, time + gap) of SESSION.
    bool session_window = false;
    /// Positions of the hidden source partition / offset columns, when present.
    std::optional<uint32_t> origin_partition, origin_offset;
    /// Whether rows may be retractions (after an aggregate without a window).
    bool changelog = false;
    /// The event-time column the watermark follows (a source's WATERMARK FOR column), when
    /// the rows still carry it.
    std::optional<uint32_t> rowtime;

    uint32_t width() const { return static_cast<uint32_t>(columns.size()); }
};

/// The GROUP BY being bound: its keys (over the input scope), the aggregate calls found so
/// far, and how to reach both after the aggregate (keys first, then calls).
struct agg_context {
    std::vector<expr::bound_expr_ptr> keys;
    struct call {
        std::shared_ptr<const agg::aggregate_function> fn;
        std::vector<expr::bound_expr_ptr> args;
        expr::bound_expr_ptr filter;
        std::string name;
    };
    std::vector<call> calls;
    bool append_only = true;
};

[[noreturn]] void fail(std::string_view sqlstate, std::string message, sql::source_pos pos,
                       std::string hint = {});

/// Binds expressions of one query block.
class expr_binder {
public:
    expr_binder(const bind_options& opt) : _opt(opt) {}

    /// Binds `e` over `s`. With `agg`, the expression is evaluated after the aggregate:
    /// aggregate calls and GROUP BY keys become references to the aggregate's output, and any
    /// other column is a grouping error.
    expr::bound_expr_ptr bind(const sql::expr& e, const scope& s, agg_context* agg = nullptr);

    static bool contains_aggregate(const sql::expr& e);
    /// The output name Postgres gives a select item without alias.
    static std::string default_name(const sql::expr& e);

private:
    expr::bound_expr_ptr bind_node(const sql::expr& e, const scope& s, agg_context* agg);
    expr::bound_expr_ptr bind_column(const sql::column_ref_expr& c, const scope& s);
    expr::bound_expr_ptr bind_call(const sql::function_call_expr& f, const scope& s,
                                   agg_context* agg);
    expr::bound_expr_ptr bind_aggregate(const sql::function_call_expr& f, const scope& s,
                                        agg_context& agg);
    expr::bound_expr_ptr bind_literal(const sql::literal_expr& l);
    expr::bound_expr_ptr bind_typed_literal(const sql::typed_literal_expr& l);

    const bind_options& _opt;
};

/// An interval constant in milliseconds from a bound expression, or a 42804 error at `pos`.
int64_t constant_interval_ms(const expr::bound_expr_ptr& e, sql::source_pos pos,
                             std::string_view what);

} // namespace spate::plan::detail

namespace spate::files {
struct file_table;
}

namespace spate::plan::detail {

/// A named argument of read_csv / read_json / read_text, bound to a constant.
struct file_arg {
    std::string name; ///< lower case
    columnar::value value;
    sql::source_pos pos;
};

/// Opens the files a FROM item reads: `FROM 'path'` (`function` empty: the format follows the
/// extension) or read_csv / read_json / read_text(path, name => value, ...), and infers their
/// schema. Throws sql::sql_error: 58P01 no such file, 22P04 a file that cannot be read or
/// sampled, 42883 an unknown option, 22023 a bad option value.
std::shared_ptr<const files::file_table> open_file_table(std::string_view function,
                                                         const std::string& path,
                                                         const std::vector<file_arg>& args,
                                                         sql::source_pos pos);

/// Whether `name` (lower case) is a table function reading files.
bool is_file_function(std::string_view name);

} // namespace spate::plan::detail
