// Arithmetic operators: + - * / % and unary - on integers, decimals, doubles, timestamps and
// intervals. Integer and decimal overflow and division by zero are row errors.

#include "expr/functions_internal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace spate::expr {

using columnar::data_type;
using columnar::pow10_i64;

namespace {

constexpr int64_t max_decimal = 999'999'999'999'999'999; // 18 digits

const char* range_message(type_id t) {
    switch (t) {
    case type_id::int32: return "integer out of range";
    case type_id::int64: return "bigint out of range";
    case type_id::timestamp: return "timestamp out of range";
    case type_id::interval: return "interval out of range";
    default: return "numeric field overflow";
    }
}

// The largest magnitude a result of type t may have.
int64_t limit_of(data_type t) {
    switch (t.id) {
    case type_id::int32: return INT32_MAX;
    case type_id::decimal: return t.precision >= 18 ? max_decimal : pow10_i64(t.precision) - 1;
    default: return INT64_MAX;
    }
}

// Reports rows whose `bad` flag is set (valid rows only).
void report(const kernel_call& c, const std::vector<uint8_t>& bad, std::string_view state,
            const char* msg) {
    for (size_t i = 0; i < c.rows; ++i)
        if (bad[i] && c.row_valid(i)) c.fail(i, state, msg);
}

// i64 op with overflow detection and a range check against the result type.
template <typename Op>
void checked_i64(const kernel_call& c, Op op) {
    data_type t = c.out->type();
    int64_t lim = limit_of(t);
    int64_t lo = t.id == type_id::int32 ? INT32_MIN : -lim;
    if (t.id == type_id::int64 || t.id == type_id::timestamp || t.id == type_id::interval)
        lo = INT64_MIN;
    const int64_t* a = c.i64(0);
    const int64_t* b = c.i64(1);
    int64_t* out = c.out->i64();
    std::vector<uint8_t> bad(c.rows);
    uint8_t any = 0;
    for (size_t i = 0; i < c.rows; ++i) {
        int64_t r;
        bool o = op(a[i], b[i], &r);
        o |= r > lim || r < lo;
        out[i] = r;
        bad[i] = o;
        any |= o;
    }
    if (any) report(c, bad, sqlstate::numeric_out_of_range, range_message(t.id));
}

void add_i64(const kernel_call& c) {
    checked_i64(c,
                [](int64_t a, int64_t b, int64_t* r) { return __builtin_add_overflow(a, b, r); });
}
void sub_i64(const kernel_call& c) {
    checked_i64(c,
                [](int64_t a, int64_t b, int64_t* r) { return __builtin_sub_overflow(a, b, r); });
}
void mul_int(const kernel_call& c) {
    checked_i64(c,
                [](int64_t a, int64_t b, int64_t* r) { return __builtin_mul_overflow(a, b, r); });
}

// Integer division truncating toward zero; x / 0 is a row error.
template <bool modulo>
void div_int(const kernel_call& c) {
    data_type t = c.out->type();
    const int64_t* a = c.i64(0);
    const int64_t* b = c.i64(1);
    int64_t* out = c.out->i64();
    std::vector<uint8_t> zero(c.rows), ovf(c.rows);
    uint8_t any = 0;
    int64_t lim = limit_of(t);
    for (size_t i = 0; i < c.rows; ++i) {
        int64_t d = b[i] == 0 ? 1 : b[i];
        zero[i] = b[i] == 0;
        int64_t r;
        if (d == -1) {
            r = modulo ? 0 : (a[i] == INT64_MIN ? 0 : -a[i]);
            ovf[i] = !modulo && (a[i] == INT64_MIN || -a[i] > lim);
        } else {
            r = modulo ? a[i] % d : a[i] / d;
        }
        out[i] = r;
        any |= zero[i] | ovf[i];
    }
    if (!any) return;
    report(c, zero, sqlstate::division_by_zero, "division by zero");
    report(c, ovf, sqlstate::numeric_out_of_range, range_message(t.id));
}

void neg_i64(const kernel_call& c) {
    data_type t = c.out->type();
    const int64_t* a = c.i64(0);
    int64_t* out = c.out->i64();
    for (size_t i = 0; i < c.rows; ++i) {
        bool o = a[i] == INT64_MIN || (t.id == type_id::int32 && a[i] == INT32_MIN);
        out[i] = o ? 0 : -a[i];
        if (o && c.row_valid(i)) c.fail(i, sqlstate::numeric_out_of_range, range_message(t.id));
    }
}

// Decimal * decimal: the exact product at scale s1 + s2, rounded to the result's scale.
void mul_decimal(const kernel_call& c) {
    int drop = c.arg_types[0].scale + c.arg_types[1].scale - c.out->type().scale;
    int64_t lim = limit_of(c.out->type());
    __int128 d = pow10_i64(drop);
    const int64_t* a = c.i64(0);
    const int64_t* b = c.i64(1);
    int64_t* out = c.out->i64();
    for (size_t i = 0; i < c.rows; ++i) {
        __int128 p = static_cast<__int128>(a[i]) * b[i];
        if (drop > 0) {
            __int128 q = p / d, r = p % d;
            if (r * 2 >= d)
                ++q;
            else if (r * 2 <= -d)
                --q;
            p = q;
        }
        bool o = p > lim || p < -lim;
        out[i] = o ? 0 : static_cast<int64_t>(p);
        if (o && c.row_valid(i))
            c.fail(i, sqlstate::numeric_out_of_range, "numeric field overflow");
    }
}

// Decimal / decimal at the result's scale, rounded half away from zero.
void div_decimal(const kernel_call& c) {
    int up = c.out->type().scale + c.arg_types[1].scale - c.arg_types[0].scale;
    int64_t lim = limit_of(c.out->type());
    const int64_t* a = c.i64(0);
    const int64_t* b = c.i64(1);
    int64_t* out = c.out->i64();
    for (size_t i = 0; i < c.rows; ++i) {
        out[i] = 0;
        if (!c.row_valid(i)) continue;
        if (b[i] == 0) {
            c.fail(i, sqlstate::division_by_zero, "division by zero");
            continue;
        }
        __int128 n = a[i];
        bool o = false;
        for (int k = 0; k < up && !o; ++k) {
            o = n > (static_cast<__int128>(1) << 122) || n < -(static_cast<__int128>(1) << 122);
            n *= 10;
        }
        __int128 q = n / b[i], r = n % b[i];
        __int128 r2 = r * 2, bb = b[i];
        if (bb < 0) bb = -bb, r2 = -r2;
        if (r2 >= bb)
            ++q;
        else if (r2 <= -bb)
            --q;
        o |= q > lim || q < -lim;
        if (o)
            c.fail(i, sqlstate::numeric_out_of_range, "numeric field overflow");
        else
            out[i] = static_cast<int64_t>(q);
    }
}

/// Computes `op` over every row, then, as Postgres does for double precision, fails rows whose
/// result overflowed to infinity from finite operands, or (with `zero_from_nonzero`) underflowed
/// to zero from operands that were not zero.
template <typename Op>
void f64_binary(const kernel_call& c, Op op, bool zero_from_nonzero = false) {
    const double* a = c.f64(0);
    const double* b = c.f64(1);
    double* out = c.out->f64();
    map2(a, b, out, c.rows, op);
    for (size_t i = 0; i < c.rows; ++i) {
        if (std::isinf(out[i]) && std::isfinite(a[i]) && std::isfinite(b[i]) && b[i] != 0.0 &&
            c.row_valid(i))
            c.fail(i, sqlstate::numeric_out_of_range, "value out of range: overflow");
        else if (zero_from_nonzero && out[i] == 0.0 && a[i] != 0.0 && b[i] != 0.0 &&
                 std::isfinite(b[i]) && c.row_valid(i))
            c.fail(i, sqlstate::numeric_out_of_range, "value out of range: underflow");
    }
}
void add_f64(const kernel_call& c) {
    f64_binary(c, [](double a, double b) { return a + b; });
}
void sub_f64(const kernel_call& c) {
    f64_binary(c, [](double a, double b) { return a - b; });
}
void mul_f64(const kernel_call& c) {
    f64_binary(
        c, [](double a, double b) { return a * b; }, true);
}
void div_f64(const kernel_call& c) {
    f64_binary(
        c, [](double a, double b) { return a / b; }, true);
    const double* b = c.f64(1);
    for (size_t i = 0; i < c.rows; ++i)
        if (b[i] == 0.0 && c.row_valid(i))
            c.fail(i, sqlstate::division_by_zero, "division by zero");
}
void neg_f64(const kernel_call& c) {
    map1(c.f64(0), c.out->f64(), c.rows, [](double a) { return -a; });
}

// interval * number and interval / number, rounded to milliseconds.
template <bool divide>
void interval_scale_f64(const kernel_call& c) {
    bool interval_first = c.arg_types[0].id == type_id::interval;
    const int64_t* iv = c.i64(interval_first ? 0 : 1);
    const double* f = c.f64(interval_first ? 1 : 0);
    int64_t* out = c.out->i64();
    for (size_t i = 0; i < c.rows; ++i) {
        out[i] = 0;
        if (!c.row_valid(i)) continue;
        if (divide && f[i] == 0.0) {
            c.fail(i, sqlstate::division_by_zero, "division by zero");
            continue;
        }
        double r = std::round(divide ? double(iv[i]) / f[i] : double(iv[i]) * f[i]);
        if (!std::isfinite(r) || std::fabs(r) > 9.2e18)
            c.fail(i, sqlstate::numeric_out_of_range, "interval out of range");
        else
            out[i] = static_cast<int64_t>(r);
    }
}

// Result types of decimal arithmetic (see README.md "Decimal arithmetic").
data_type decimal_add_type(std::span<const data_type> a) {
    int s = std::max(a[0].scale, a[1].scale);
    int digits = std::max(a[0].precision - a[0].scale, a[1].precision - a[1].scale) + 1;
    return data_type::decimal(static_cast<uint8_t>(std::min(18, digits + s)),
                              static_cast<uint8_t>(s));
}
data_type decimal_mul_type(std::span<const data_type> a) {
    int s = std::min(18, a[0].scale + a[1].scale);
    int p = std::max(s, std::min(18, a[0].precision + a[1].precision));
    return data_type::decimal(static_cast<uint8_t>(p), static_cast<uint8_t>(s));
}
data_type decimal_div_type(std::span<const data_type> a) {
    int s = std::min(18, std::max({6, int(a[0].scale), int(a[1].scale)}));
    return data_type::decimal(18, static_cast<uint8_t>(s));
}
data_type decimal_mod_type(std::span<const data_type> a) {
    return data_type::decimal(std::max(a[0].precision, a[1].precision),
                              std::max(a[0].scale, a[1].scale));
}
data_type same_as_first(std::span<const data_type> a) {
    return a[0];
}

function_overload op(std::string name, std::initializer_list<type_id> params, data_type result,
                     kernel_fn k, result_type_fn rule = nullptr) {
    function_overload f = make_fn(std::move(name), params, result, k);
    f.is_operator = true;
    f.result_rule = rule;
    return f;
}

} // namespace

void register_arith(function_registry& r) {
    const type_id I = type_id::int32, L = type_id::int64, D = type_id::decimal,
                  F = type_id::float64, T = type_id::timestamp, V = type_id::interval;
    for (type_id t : {I, L}) {
        r.add(op("+", {t, t}, t, add_i64));
        r.add(op("-", {t, t}, t, sub_i64));
        r.add(op("*", {t, t}, t, mul_int));
        r.add(op("/", {t, t}, t, div_int<false>));
        r.add(op("%", {t, t}, t, div_int<true>));
        r.add(op("-", {t}, t, neg_i64));
    }
    r.add(op("+", {D, D}, D, add_i64, decimal_add_type));
    r.add(op("-", {D, D}, D, sub_i64, decimal_add_type));
    r.add(op("*", {D, D}, D, mul_decimal, decimal_mul_type));
    r.add(op("/", {D, D}, D, div_decimal, decimal_div_type));
    r.add(op("%", {D, D}, D, div_int<true>, decimal_mod_type));
    r.add(op("-", {D}, D, neg_i64, same_as_first));
    r.add(op("+", {F, F}, F, add_f64));
    r.add(op("-", {F, F}, F, sub_f64));
    r.add(op("*", {F, F}, F, mul_f64));
    r.add(op("/", {F, F}, F, div_f64));
    r.add(op("-", {F}, F, neg_f64));
    r.add(op("+", {T, V}, T, add_i64));
    r.add(op("+", {V, T}, T, add_i64));
    r.add(op("-", {T, V}, T, sub_i64));
    r.add(op("-", {T, T}, V, sub_i64));
    r.add(op("+", {V, V}, V, add_i64));
    r.add(op("-", {V, V}, V, sub_i64));
    r.add(op("-", {V}, V, neg_i64));
    r.add(op("*", {V, F}, V, interval_scale_f64<false>));
    r.add(op("*", {F, V}, V, interval_scale_f64<false>));
    r.add(op("/", {V, F}, V, interval_scale_f64<true>));
    for (type_id t : {I, L}) {
        function_overload m = make_fn("mod", {t, t}, t, div_int<true>);
        m.doc = "mod(integer|bigint|numeric, same) -> same";
        r.add(std::move(m));
    }
    function_overload m = make_fn("mod", {D, D}, D, div_int<true>);
    m.result_rule = decimal_mod_type;
    m.doc = "mod(integer|bigint|numeric, same) -> same";
    r.add(std::move(m));
}

} // namespace spate::expr
