#pragma once

#include "columnar/data_type.h"
#include "expr/bound_expr.h"

#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace spate::expr {

/// A query-ending error found while binding an expression: Postgres' SQLSTATE, the message and
/// an optional hint. The planner turns it into a positioned SQL error.
class bind_error : public std::exception {
public:
    bind_error(std::string sqlstate, std::string message, std::string hint = {})
        : sqlstate(std::move(sqlstate)), message(std::move(message)), hint(std::move(hint)) {}
    const char* what() const noexcept override { return message.c_str(); }

    std::string sqlstate;
    std::string message;
    std::string hint;
};

/// The call of function or operator `name` (case-insensitive) on `args`, resolved as Postgres
/// does: exact types first, then implicit casts int -> bigint -> decimal -> double precision,
/// an untyped NULL or a varchar literal taking the type needed. Inserts the casts; folds the
/// call into a constant when every argument is constant and the function deterministic.
/// Throws bind_error 42883 when no overload fits (with a hint naming similar functions).
bound_expr_ptr make_call(std::string_view name, std::vector<bound_expr_ptr> args);

/// A numeric literal as Postgres types it: digits only -> integer when it fits, else bigint,
/// else numeric; with a point -> numeric(p, s); with an exponent -> double precision. Throws
/// 22003 beyond 18 significant digits, 22P02 when `text` is not a number.
bound_expr_ptr make_number_literal(std::string_view text);

/// CAST(e AS target) with Postgres' rules; throws 42846 "cannot cast type X to Y". A constant
/// is converted at once; a literal that does not convert ('abc'::integer) stays a cast, so its
/// error (22P02) is reported when (and only if) it is evaluated.
bound_expr_ptr make_cast(bound_expr_ptr e, columnar::data_type target);
/// e converted to `target` when the types differ (an implicit cast); e itself otherwise.
bound_expr_ptr coerce(bound_expr_ptr e, columnar::data_type target);

/// The type two branches of CASE/COALESCE/IN/UNION meet in; throws 42804
/// "`context` types integer and text cannot be matched" when none.
columnar::data_type common_type(columnar::data_type a, columnar::data_type b,
                                std::string_view context = "CASE");

// Special forms (not strict in NULL or lazy). Boolean operands are checked (42804).
bound_expr_ptr make_and(bound_expr_ptr a, bound_expr_ptr b);
bound_expr_ptr make_or(bound_expr_ptr a, bound_expr_ptr b);
bound_expr_ptr make_not(bound_expr_ptr a);
/// CASE WHEN w1 THEN t1 ... [ELSE e] END; `whens` and `thens` have equal length; `else_expr`
/// may be null. (CASE x WHEN v ... is rewritten by the caller into x = v conditions.)
bound_expr_ptr make_case(std::vector<bound_expr_ptr> whens, std::vector<bound_expr_ptr> thens,
                         bound_expr_ptr else_expr);
bound_expr_ptr make_coalesce(std::vector<bound_expr_ptr> args);
bound_expr_ptr make_nullif(bound_expr_ptr a, bound_expr_ptr b);
bound_expr_ptr make_is_null(bound_expr_ptr a, bool negated);
/// IS [NOT] TRUE when `want_true`, IS [NOT] FALSE otherwise.
bound_expr_ptr make_is_bool(bound_expr_ptr a, bool want_true, bool negated);
bound_expr_ptr make_is_distinct_from(bound_expr_ptr a, bound_expr_ptr b, bool negated);
bound_expr_ptr make_in_list(bound_expr_ptr a, std::vector<bound_expr_ptr> list, bool negated);
/// s [NOT] [I]LIKE pattern [ESCAPE esc]; `escape` may be null (default backslash). A constant
/// pattern with a bad escape throws 22025.
bound_expr_ptr make_like(bound_expr_ptr s, bound_expr_ptr pattern, bound_expr_ptr escape,
                         bool case_insensitive, bool negated);

/// Every function name (not operators), sorted: for hints and docs.
std::vector<std::string> function_names();
/// One line per overload, "name(arg types) -> result", sorted: for docs/sql.md.
std::vector<std::string> function_signatures();

} // namespace spate::expr
