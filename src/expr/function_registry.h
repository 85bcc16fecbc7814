#pragma once

#include "columnar/data_type.h"
#include "expr/bound_expr.h"
#include "expr/kernel.h"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spate::expr {

/// Prepares per-expression state from the bound arguments (e.g. compiles a constant regex);
/// may throw bind_error for a bad constant. Returns nullptr when there is nothing to prepare.
using prepare_fn = std::shared_ptr<const void> (*)(std::span<const bound_expr_ptr> args);
/// Computes the result type from the argument types (after implicit casts); may throw
/// bind_error (decimal precision beyond 18 digits).
using result_type_fn = columnar::data_type (*)(std::span<const columnar::data_type> args);

/// One overload of a function or operator: its parameter types, result type, kernel and
/// properties. Registered once at start-up and immutable; shared by every thread.
struct function_overload {
    std::string name;                      ///< lower case: "substring", "+", "->>"
    std::vector<columnar::type_id> params; ///< type_id::decimal accepts any decimal
    columnar::data_type result;            ///< when result_rule is null
    kernel_fn kernel = nullptr;
    result_type_fn result_rule = nullptr;
    prepare_fn prepare = nullptr;
    bool variadic = false;     ///< the last parameter repeats (0 or more times)
    bool strict = true;        ///< NULL in any argument -> NULL, handled by the evaluator
    bool deterministic = true; ///< false: never folded (now(), random())
    bool any_as_text = false;  ///< every argument of any type is cast to varchar (concat)
    bool is_operator = false;
    std::string doc; ///< "substring(varchar, integer [, integer]) -> varchar"

    columnar::data_type result_type(std::span<const columnar::data_type> args) const {
        return result_rule ? result_rule(args) : result;
    }
};

/// All functions and operators, by lower-case name. Built on first use (thread-safe static) and
/// read-only afterwards.
class function_registry {
public:
    static const function_registry& instance();

    /// The overloads of `lower_name`, in registration order (empty when unknown).
    std::span<const function_overload* const> lookup(std::string_view lower_name) const;
    /// Every function name (not operators), sorted, for hints and docs.
    std::vector<std::string> names() const;
    /// Every overload, for documentation.
    const std::vector<std::unique_ptr<function_overload>>& all() const { return _all; }

    /// Registration (used by the functions_*.cc families at start-up only).
    function_overload& add(function_overload f);

private:
    function_registry();
    std::vector<std::unique_ptr<function_overload>> _all;
    std::vector<std::pair<std::string, std::vector<const function_overload*>>> _by_name;
};

// The families, each in its own functions_*.cc.
void register_arith(function_registry& r);
void register_compare(function_registry& r);
void register_string(function_registry& r);
void register_datetime(function_registry& r);
void register_math(function_registry& r);
void register_json(function_registry& r);
void register_regex(function_registry& r);

} // namespace spate::expr
