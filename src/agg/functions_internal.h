#pragma once

// Internal to spate_agg: the building blocks of the aggregate functions and the makers that
// registry.cc calls. Not for use outside src/agg.

#include "agg/aggregate_function.h"

#include <cassert>
#include <cstring>
#include <new>

namespace spate::agg::detail {

/// Calls f(state, row, sign) for each of the n rows whose first argument (if any) is not NULL;
/// sign is +1 for an insert and -1 for a retraction.
template <typename F>
inline void for_each_row(std::byte* const* states, const columnar::column* arg,
                         const uint32_t* rows, const columnar::change* changes, size_t n, F&& f) {
    const uint8_t* valid = arg ? arg->validity() : nullptr;
    for (size_t i = 0; i < n; ++i) {
        uint32_t r = rows ? rows[i] : static_cast<uint32_t>(i);
        if (valid && !valid[r]) continue;
        int64_t sign = changes ? static_cast<int64_t>(changes[r]) : 1;
        f(states[i], r, sign);
    }
}

/// The state block viewed as T (blocks are aligned to state_align = alignof(T)).
template <typename T>
inline T& as(std::byte* state) {
    return *std::launder(reinterpret_cast<T*>(state));
}
template <typename T>
inline const T& as(const std::byte* state) {
    return *std::launder(reinterpret_cast<const T*>(state));
}

/// Fills in state_size/state_align for a state type T.
template <typename T>
inline void set_state(aggregate_function& f) {
    f.state_size = sizeof(T);
    f.state_align = alignof(T);
}

/// A numeric argument value as a double (decimals divided by 10^scale).
inline double to_double(const columnar::column& c, uint32_t row) {
    if (c.physical() == columnar::physical_type::f64) return c.f64()[row];
    double v = static_cast<double>(c.i64()[row]);
    if (c.type().id == columnar::type_id::decimal && c.type().scale > 0)
        v /= static_cast<double>(columnar::pow10_i64(c.type().scale));
    return v;
}

/// 128-bit integer kept in an 8-aligned block (the operator's arena need not align to 16).
struct wide_int {
    uint64_t lo = 0;
    uint64_t hi = 0;

    __int128 get() const {
        unsigned __int128 u = (static_cast<unsigned __int128>(hi) << 64) | lo;
        return static_cast<__int128>(u);
    }
    void set(__int128 v) {
        auto u = static_cast<unsigned __int128>(v);
        lo = static_cast<uint64_t>(u);
        hi = static_cast<uint64_t>(u >> 64);
    }
    void add(__int128 v) { set(get() + v); }
};

inline bool fits_i64(__int128 v) {
    return v >= static_cast<__int128>(INT64_MIN) && v <= static_cast<__int128>(INT64_MAX);
}

eval_status out_of_range(columnar::column& out, const columnar::data_type& t);

// Makers, one per family; `args` already checked for count by the registry. Each throws
// bind_error for argument types it does not take.
aggregate_function make_count(std::span<const columnar::data_type> args);
aggregate_function make_sum(const columnar::data_type& arg);
aggregate_function make_avg(const columnar::data_type& arg);
aggregate_function make_min_max(bool is_max, const columnar::data_type& arg, input_kind input);
/// kind: "var_samp", "var_pop", "stddev_samp", "stddev_pop".
aggregate_function make_variance(std::string_view kind, const columnar::data_type& arg);
aggregate_function make_bool_agg(bool is_or, const columnar::data_type& arg);
aggregate_function make_approx_count_distinct(const columnar::data_type& arg);
aggregate_function make_approx_percentile(std::span<const columnar::data_type> args);
aggregate_function make_string_agg(std::span<const columnar::data_type> args, input_kind input);
/// Wraps `inner` so that it sees each distinct value of the first argument once.
aggregate_function make_distinct(aggregate_function inner);

/// The bind_error for `name(args)` having no matching form.
[[noreturn]] void throw_no_form(std::string_view name, std::span<const columnar::data_type> args);

} // namespace spate::agg::detail
