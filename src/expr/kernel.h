#pragma once

// The calling convention of function kernels (internal to the expr module).

#include "columnar/column.h"
#include "expr/row_errors.h"

#include <cstdint>
#include <span>
#include <string>

namespace spate::expr {

/// The arguments of one kernel call: the argument columns (each `rows` long), their types, the
/// combined validity of the arguments (nullptr when every row of every argument has a value;
/// strict kernels may compute garbage on other rows but must not report errors for them) and
/// the state the overload prepared from constant arguments (a compiled regex). Lives for one
/// call on the evaluating thread.
struct kernel_call {
    std::span<const columnar::column* const> args;
    std::span<const columnar::data_type> arg_types;
    size_t rows = 0;
    const uint8_t* valid = nullptr;
    const void* state = nullptr;
    row_errors* errors = nullptr;
    columnar::column* out = nullptr;

    bool row_valid(size_t i) const { return valid == nullptr || valid[i] != 0; }
    /// Records an error for row `i` and makes its result NULL.
    void fail(size_t i, std::string_view sqlstate, std::string message) const {
        errors->add(static_cast<uint32_t>(i), sqlstate, std::move(message));
        out->set_null(i);
    }
    const int64_t* i64(size_t a) const { return args[a]->i64(); }
    const double* f64(size_t a) const { return args[a]->f64(); }
    const uint8_t* bools(size_t a) const { return args[a]->bools(); }
    const columnar::string_ref* strs(size_t a) const { return args[a]->strs(); }
};

/// A kernel computes all rows of a call into `call.out`, which the evaluator has sized to
/// `rows` with the arguments' validity applied (strict functions). Called once per batch.
using kernel_fn = void (*)(const kernel_call& call);

} // namespace spate::expr
