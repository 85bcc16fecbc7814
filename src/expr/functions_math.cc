// Mathematical functions: abs, rounding, roots, powers, logarithms, trigonometry, sign,
// greatest/least (NULLs ignored, as Postgres) and random().

#include "expr/functions_internal.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace spate::expr {

using columnar::data_type;
using columnar::pow10_i64;

namespace {

template <double (*Fn)(double)>
void f64_fn(const kernel_call& c) {
    map1(c.f64(0), c.out->f64(), c.rows, [](double x) { return Fn(x); });
}

double sign_d(double x) {
    return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}
double degrees_d(double x) {
    return x * 180.0 / std::numbers::pi;
}
double radians_d(double x) {
    return x * std::numbers::pi / 180.0;
}
double round_half_even(double x) {
    return std::nearbyint(x);
}
double c_ceil(double x) {
    return std::ceil(x);
}
double c_floor(double x) {
    return std::floor(x);
}
double c_trunc(double x) {
    return std::trunc(x);
}
double c_cbrt(double x) { // one Newton step, so exact cubes come out exact
    double r = std::cbrt(x);
    if (r != 0 && std::isfinite(r)) r -= (r * r * r - x) / (3 * r * r);
    return r;
}
double c_sin(double x) {
    return std::sin(x);
}
double c_cos(double x) {
    return std::cos(x);
}
double c_tan(double x) {
    return std::tan(x);
}
double c_atan(double x) {
    return std::atan(x);
}

// Functions with a domain: compute, then report rows outside it.
template <double (*Fn)(double), bool (*Bad)(double)>
void f64_checked(const kernel_call& c, std::string_view state, const char* msg) {
    const double* a = c.f64(0);
    double* out = c.out->f64();
    for (size_t i = 0; i < c.rows; ++i) {
        out[i] = Fn(a[i]);
        if (Bad(a[i]) && c.row_valid(i)) c.fail(i, state, msg);
    }
}

bool negative(double x) {
    return x < 0;
}
bool outside_unit(double x) {
    return x < -1 || x > 1;
}
double c_sqrt(double x) {
    return std::sqrt(x);
}
double c_asin(double x) {
    return std::asin(x);
}
double c_acos(double x) {
    return std::acos(x);
}

void sqrt_fn(const kernel_call& c) {
    f64_checked<c_sqrt, negative>(c, sqlstate::invalid_power,
                                  "cannot take square root of a negative number");
}
void asin_fn(const kernel_call& c) {
    f64_checked<c_asin, outside_unit>(c, sqlstate::numeric_out_of_range, "input is out of range");
}
void acos_fn(const kernel_call& c) {
    f64_checked<c_acos, outside_unit>(c, sqlstate::numeric_out_of_range, "input is out of range");
}

template <double (*Fn)(double)>
void log_fn(const kernel_call& c) {
    const double* a = c.f64(0);
    double* out = c.out->f64();
    for (size_t i = 0; i < c.rows; ++i) {
        out[i] = a[i] > 0 ? Fn(a[i]) : 0;
        if (a[i] <= 0 && c.row_valid(i))
            c.fail(i, sqlstate::invalid_log,
                   a[i] == 0 ? "cannot take logarithm of zero"
                             : "cannot take logarithm of a negative number");
    }
}
double c_ln(double x) {
    return std::log(x);
}
double c_log10(double x) {
    return std::log10(x);
}

void log_base_fn(const kernel_call& c) { // log(b, x)
    for (size_t i = 0; i < c.rows; ++i) {
        double b = c.f64(0)[i], x = c.f64(1)[i];
        c.out->f64()[i] = 0;
        if (!c.row_valid(i)) continue;
        if (b <= 0 || x <= 0)
            c.fail(i, sqlstate::invalid_log,
                   (b == 0 || x == 0) ? "cannot take logarithm of zero"
                                      : "cannot take logarithm of a negative number");
        else if (b == 1)
            c.fail(i, sqlstate::division_by_zero, "division by zero");
        else
            c.out->f64()[i] = std::log(x) / std::log(b);
    }
}

void exp_fn(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i) {
        double r = std::exp(c.f64(0)[i]);
        c.out->f64()[i] = r;
        if (std::isinf(r) && std::isfinite(c.f64(0)[i]) && c.row_valid(i))
            c.fail(i, sqlstate::numeric_out_of_range, "value out of range: overflow");
    }
}

void power_fn(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i) {
        double x = c.f64(0)[i], y = c.f64(1)[i];
        c.out->f64()[i] = 0;
        if (!c.row_valid(i)) continue;
        if (x == 0 && y < 0)
            c.fail(i, sqlstate::invalid_power, "zero raised to a negative power is undefined");
        else if (x < 0 && std::floor(y) != y)
            c.fail(i, sqlstate::invalid_power,
                   "a negative number raised to a non-integer power yields a complex result");
        else {
            double r = std::pow(x, y);
            if (std::isinf(r) && std::isfinite(x) && std::isfinite(y))
                c.fail(i, sqlstate::numeric_out_of_range, "value out of range: overflow");
            else
                c.out->f64()[i] = r;
        }
    }
}

void atan2_fn(const kernel_call& c) {
    map2(c.f64(0), c.f64(1), c.out->f64(), c.rows,
         [](double y, double x) { return std::atan2(y, x); });
}

void abs_int(const kernel_call& c) {
    bool is32 = c.out->type().id == type_id::int32;
    for (size_t i = 0; i < c.rows; ++i) {
        int64_t v = c.i64(0)[i];
        bool o = v == INT64_MIN || (is32 && v == INT32_MIN);
        c.out->i64()[i] = o ? 0 : (v < 0 ? -v : v);
        if (o && c.row_valid(i))
            c.fail(i, sqlstate::numeric_out_of_range,
                   is32 ? "integer out of range" : "bigint out of range");
    }
}
void sign_int(const kernel_call& c) {
    map1(c.i64(0), c.out->i64(), c.rows, [](int64_t v) { return int64_t((v > 0) - (v < 0)); });
}
void sign_decimal(const kernel_call& c) { // numeric result at the argument's scale
    int64_t one = pow10_i64(c.arg_types[0].scale);
    map1(c.i64(0), c.out->i64(), c.rows, [one](int64_t v) { return ((v > 0) - (v < 0)) * one; });
}

enum class rmode { round, ceil, floor, trunc };

// Rounds an unscaled decimal to `digits` after the point (keeping its scale).
int64_t round_decimal(int64_t v, int scale, int64_t digits, rmode m) {
    if (digits >= scale) return v;
    int drop = static_cast<int>(std::min<int64_t>(scale - digits, 18));
    if (drop >= 19) return 0;
    int64_t d = pow10_i64(drop);
    int64_t q = v / d, r = v % d;
    switch (m) {
    case rmode::round:
        if (r * 2 >= d)
            ++q;
        else if (r * 2 <= -d)
            --q;
        break;
    case rmode::ceil:
        if (r > 0) ++q;
        break;
    case rmode::floor:
        if (r < 0) --q;
        break;
    case rmode::trunc: break;
    }
    int64_t out;
    if (__builtin_mul_overflow(q, d, &out)) return v;
    return out;
}

template <rmode M>
void decimal_round0(const kernel_call& c) { // result scale 0
    int s = c.arg_types[0].scale;
    int64_t d = pow10_i64(s);
    map1(c.i64(0), c.out->i64(), c.rows,
         [s, d](int64_t v) { return round_decimal(v, s, 0, M) / d; });
}
template <rmode M>
void decimal_round_n(const kernel_call& c) { // keeps the scale
    int s = c.arg_types[0].scale;
    for (size_t i = 0; i < c.rows; ++i)
        c.out->i64()[i] = round_decimal(c.i64(0)[i], s, c.i64(1)[i], M);
}
template <bool truncate>
void f64_round_n(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i) {
        double x = c.f64(0)[i];
        int64_t n = std::clamp<int64_t>(c.i64(1)[i], -308, 308);
        double p = std::pow(10.0, double(n));
        double r = truncate ? std::trunc(x * p) / p : std::round(x * p) / p;
        c.out->f64()[i] = std::isfinite(r) ? r : x;
    }
}
template <bool truncate>
void int_round_n(const kernel_call& c) { // round(int, n): n < 0 rounds to tens, hundreds...
    for (size_t i = 0; i < c.rows; ++i)
        c.out->i64()[i] = c.i64(1)[i] >= 0 ? c.i64(0)[i]
                                           : round_decimal(c.i64(0)[i], 0, c.i64(1)[i],
                                                           truncate ? rmode::trunc : rmode::round);
}

data_type scale0(std::span<const data_type> a) {
    return data_type::decimal(a[0].precision, 0);
}
data_type same(std::span<const data_type> a) {
    return a[0];
}

// greatest / least over any number of arguments of one type; NULLs ignored.
template <bool greatest, typename T>
void extreme(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i) {
        bool any = false;
        T best{};
        for (const auto* a : c.args) {
            if (a->is_null(i)) continue;
            T v;
            if constexpr (std::is_same_v<T, int64_t>)
                v = a->i64()[i];
            else if constexpr (std::is_same_v<T, double>)
                v = a->f64()[i];
            else if constexpr (std::is_same_v<T, uint8_t>)
                v = a->bools()[i];
            else
                v = a->strs()[i];
            bool better;
            if constexpr (std::is_same_v<T, columnar::string_ref>)
                better = greatest ? v.view() > best.view() : v.view() < best.view();
            else
                better = greatest ? v > best : v < best;
            if (!any || better) best = v;
            any = true;
        }
        if (!any) {
            c.out->set_null(i);
            continue;
        }
        if constexpr (std::is_same_v<T, int64_t>)
            c.out->i64()[i] = best;
        else if constexpr (std::is_same_v<T, double>)
            c.out->f64()[i] = best;
        else if constexpr (std::is_same_v<T, uint8_t>)
            c.out->bools()[i] = best;
        else
            c.out->strs()[i] = best;
    }
    if constexpr (std::is_same_v<T, columnar::string_ref>)
        for (const auto* a : c.args)
            c.out->borrow_strings(*a);
}

template <bool greatest>
void add_extreme(function_registry& r, const char* name) {
    for (type_id t : {type_id::int32, type_id::int64, type_id::decimal, type_id::float64,
                      type_id::varchar, type_id::timestamp, type_id::interval, type_id::boolean}) {
        kernel_fn k = nullptr;
        switch (data_type(t).physical()) {
        case columnar::physical_type::boolean: k = extreme<greatest, uint8_t>; break;
        case columnar::physical_type::i64: k = extreme<greatest, int64_t>; break;
        case columnar::physical_type::f64: k = extreme<greatest, double>; break;
        case columnar::physical_type::str: k = extreme<greatest, columnar::string_ref>; break;
        }
        function_overload f = make_fn(name, {t}, t, k);
        f.variadic = true;
        f.strict = false;
        if (t == type_id::decimal) f.result_rule = same;
        f.doc = std::string(name) + "(T, T...) -> T (any comparable type; NULLs ignored)";
        r.add(std::move(f));
    }
}

void random_fn(const kernel_call& c) {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    std::uniform_real_distribution<double> d(0.0, 1.0);
    for (size_t i = 0; i < c.rows; ++i)
        c.out->f64()[i] = d(gen);
}
void pi_fn(const kernel_call& c) {
    std::fill_n(c.out->f64(), c.rows, std::numbers::pi);
}

} // namespace

void register_math(function_registry& r) {
    const type_id I = type_id::int32, L = type_id::int64, D = type_id::decimal,
                  F = type_id::float64;
    r.add(make_fn("abs", {I}, I, abs_int));
    r.add(make_fn("abs", {L}, L, abs_int));
    function_overload absd = make_fn("abs", {D}, D, [](const kernel_call& c) {
        map1(c.i64(0), c.out->i64(), c.rows, [](int64_t v) { return v < 0 ? -v : v; });
    });
    absd.result_rule = same;
    r.add(std::move(absd));
    r.add(make_fn("abs", {F}, F, [](const kernel_call& c) {
        map1(c.f64(0), c.out->f64(), c.rows, [](double v) { return std::fabs(v); });
    }));
    auto dec = [&](const char* n, std::initializer_list<type_id> p, kernel_fn k,
                   result_type_fn rule) {
        function_overload f = make_fn(n, p, D, k);
        f.result_rule = rule;
        r.add(std::move(f));
    };
    for (const char* n : {"ceil", "ceiling"}) {
        dec(n, {D}, decimal_round0<rmode::ceil>, scale0);
        r.add(make_fn(n, {F}, F, f64_fn<c_ceil>));
    }
    dec("floor", {D}, decimal_round0<rmode::floor>, scale0);
    r.add(make_fn("floor", {F}, F, f64_fn<c_floor>));
    dec("round", {D}, decimal_round0<rmode::round>, scale0);
    r.add(make_fn("round", {F}, F, f64_fn<round_half_even>));
    r.add(make_fn("round", {I, I}, I, int_round_n<false>));
    r.add(make_fn("round", {L, I}, L, int_round_n<false>));
    dec("round", {D, I}, decimal_round_n<rmode::round>, same);
    r.add(make_fn("round", {F, I}, F, f64_round_n<false>));
    dec("trunc", {D}, decimal_round0<rmode::trunc>, scale0);
    r.add(make_fn("trunc", {F}, F, f64_fn<c_trunc>));
    dec("trunc", {D, I}, decimal_round_n<rmode::trunc>, same);
    r.add(make_fn("trunc", {F, I}, F, f64_round_n<true>));
    r.add(make_fn("sqrt", {F}, F, sqrt_fn));
    r.add(make_fn("cbrt", {F}, F, f64_fn<c_cbrt>));
    r.add(make_fn("power", {F, F}, F, power_fn));
    r.add(make_fn("pow", {F, F}, F, power_fn));
    r.add(make_fn("exp", {F}, F, exp_fn));
    r.add(make_fn("ln", {F}, F, log_fn<c_ln>));
    r.add(make_fn("log10", {F}, F, log_fn<c_log10>));
    r.add(make_fn("log", {F}, F, log_fn<c_log10>,
                  "log(double precision) -> double precision (base 10)"));
    r.add(make_fn("log", {F, F}, F, log_base_fn,
                  "log(base double precision, x double precision) -> double precision"));
    r.add(make_fn("sign", {I}, I, sign_int));
    r.add(make_fn("sign", {L}, L, sign_int));
    dec("sign", {D}, sign_decimal, same);
    r.add(make_fn("sign", {F}, F, f64_fn<sign_d>));
    r.add(make_fn("pi", {}, F, pi_fn));
    r.add(make_fn("sin", {F}, F, f64_fn<c_sin>));
    r.add(make_fn("cos", {F}, F, f64_fn<c_cos>));
    r.add(make_fn("tan", {F}, F, f64_fn<c_tan>));
    r.add(make_fn("asin", {F}, F, asin_fn));
    r.add(make_fn("acos", {F}, F, acos_fn));
    r.add(make_fn("atan", {F}, F, f64_fn<c_atan>));
    r.add(make_fn("atan2", {F, F}, F, atan2_fn));
    r.add(make_fn("degrees", {F}, F, f64_fn<degrees_d>));
    r.add(make_fn("radians", {F}, F, f64_fn<radians_d>));
    add_extreme<true>(r, "greatest");
    add_extreme<false>(r, "least");
    function_overload rnd =
        make_fn("random", {}, F, random_fn, "random() -> double precision in [0, 1)");
    rnd.deterministic = false;
    r.add(std::move(rnd));
}

} // namespace spate::expr
