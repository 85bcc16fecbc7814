#pragma once

// Helpers for the expr tests: values, batches, and evaluating a call over columns.

#include "columnar/batch.h"
#include "columnar/value.h"
#include "expr/binder_support.h"
#include "expr/evaluator.h"

#include <string>
#include <vector>

namespace spate::expr::testing {

using columnar::data_type;
using columnar::type_id;
using columnar::value;

inline value i32(int64_t v) {
    return value::int64(v, type_id::int32);
}
inline value i64(int64_t v) {
    return value::int64(v);
}
inline value f64(double v) {
    return value::float64(v);
}
inline value str(std::string s) {
    return value::string(std::move(s));
}
inline value json(std::string s) {
    return value::string(std::move(s), type_id::json);
}
inline value boolean(bool b) {
    return value::boolean(b);
}
inline value dec(int64_t unscaled, uint8_t p, uint8_t s) {
    return value::int64(unscaled, data_type::decimal(p, s));
}
inline value null_of(data_type t) {
    return value::null(t);
}
value ts(std::string_view text);       ///< a timestamp from its text
value interval(std::string_view text); ///< an interval from its text

/// A batch with one row per entry of `rows`; each row lists the column values.
columnar::batch make_batch(const std::vector<data_type>& types,
                           const std::vector<std::vector<value>>& rows);

/// Text of a value as the tests compare it: value::to_string(), "NULL" for NULL.
std::string text(const value& v);

/// Evaluates `e` over `b`: one text per row, "ERROR <sqlstate>: <message>" for failed rows.
std::vector<std::string> eval_rows(const bound_expr_ptr& e, const columnar::batch& b);

/// Calls `name` with every argument as a column of a one-row batch (no constant folding) and
/// returns the result's text (or "ERROR ...").
std::string run(std::string_view name, const std::vector<value>& args);
/// The same with constant arguments (folded at bind time when possible).
std::string run_const(std::string_view name, const std::vector<value>& args);
/// Column references for `args` over a one-row batch, appended to `refs`.
columnar::batch one_row(const std::vector<value>& args, std::vector<bound_expr_ptr>& refs);
/// The bind error of a call ("42883: function ... | hint"), or "no error".
std::string bind_failure(std::string_view name, const std::vector<bound_expr_ptr>& args);

} // namespace spate::expr::testing
