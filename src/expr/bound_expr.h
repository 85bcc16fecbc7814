#pragma once

#include "columnar/data_type.h"
#include "columnar/value.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace spate::expr {

struct function_overload;

/// What a bound_expr node is.
enum class expr_kind : uint8_t {
    constant,         ///< `constant`
    column_ref,       ///< input column `column_index` of the batch
    call,             ///< `function` applied to `args` (operators too)
    cast,             ///< args[0] converted to `type`
    and_,             ///< args[0] AND args[1] (three-valued)
    or_,              ///< args[0] OR args[1]
    not_,             ///< NOT args[0]
    case_,            ///< args = when1, then1, when2, then2, ... [, else when has_else]
    coalesce,         ///< first non-NULL of args, evaluated lazily
    nullif,           ///< NULL when args[0] = args[1], else args[0]
    is_null,          ///< args[0] IS NULL (`negated`: IS NOT NULL)
    is_true,          ///< args[0] IS TRUE (`negated`: IS NOT TRUE)
    is_false,         ///< args[0] IS FALSE (`negated`: IS NOT FALSE)
    is_distinct_from, ///< args[0] IS DISTINCT FROM args[1] (`negated`: IS NOT DISTINCT FROM)
    in_list,          ///< args[0] IN (args[1..]) (`negated`: NOT IN)
    like,             ///< args[0] LIKE args[1] [ESCAPE args[2]] (`negated`, `case_insensitive`)
};

/// A resolved scalar expression: a tree whose every node knows its result type. Built by the
/// planner with the helpers of binder_support.h, immutable afterwards and shared freely between
/// threads (evaluators compile their own state from it).
struct bound_expr {
    expr_kind kind = expr_kind::constant;
    columnar::data_type type;
    columnar::value constant;                    ///< constant only
    uint32_t column_index = 0;                   ///< column_ref only
    std::string column_name;                     ///< column_ref only, for to_string()
    const function_overload* function = nullptr; ///< call only; also `=` for nullif/distinct/in
    std::vector<std::shared_ptr<const bound_expr>> args;
    bool negated = false;
    bool case_insensitive = false; ///< like only (ILIKE)
    bool has_else = false;         ///< case_ only
    /// constant only: the value has a type of its own (it was computed, or cast), so a
    /// varchar constant is not an untyped literal that takes the type a function needs.
    bool typed = false;

    /// SQL-ish text for EXPLAIN: "(price * 0.908) > 1000", "CAST(x AS bigint)", "$3" for a
    /// column without a name.
    std::string to_string() const;
    /// Structural equality: same kind, type, constants, columns, functions and children.
    bool equals(const bound_expr& other) const;
    /// True when no node below reads a column or calls a non-deterministic function.
    bool is_constant_foldable() const;
};

using bound_expr_ptr = std::shared_ptr<const bound_expr>;

/// A literal. A varchar constant is treated as an untyped literal by overload resolution
/// (it converts to the type a function needs, as a quoted literal does in Postgres).
bound_expr_ptr make_constant(columnar::value v);
/// A constant that keeps its type: the result of folding or a cast, never an untyped literal.
bound_expr_ptr make_typed_constant(columnar::value v);
/// Input column `index` of the batches the expression will see, of type `type`.
bound_expr_ptr make_column_ref(uint32_t index, columnar::data_type type, std::string name = {});

} // namespace spate::expr
