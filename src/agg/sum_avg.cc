// sum and avg. Integers and decimals add into a 128-bit sum, so no intermediate overflow is
// possible and a result that does not fit 64 bits is reported by finalize (22003); doubles add
// the finite values and count NaN and infinities apart, so that retracting them works.

#include "agg/functions_internal.h"

#include <cmath>
#include <limits>

namespace spate::agg::detail {
namespace {

using columnar::column;
using columnar::data_type;
using columnar::type_id;

/// State of sum/avg over 64-bit integers (int, bigint, decimal, interval).
struct int_sum_state {
    wide_int sum;
    int64_t count;
};

/// State of sum/avg over doubles.
struct float_sum_state {
    double sum; ///< of the finite values
    int64_t count;
    int64_t nan;
    int64_t pos_inf;
    int64_t neg_inf;
};

void int_init(std::byte* s, const aggregate_function&) {
    new (s) int_sum_state{};
}

void int_update(std::byte* const* states, const column* const* args, const uint32_t* rows,
                const columnar::change* changes, size_t n, const aggregate_function&) {
    const int64_t* v = args[0]->i64();
    for_each_row(states, args[0], rows, changes, n, [v](std::byte* s, uint32_t r, int64_t sign) {
        auto& st = as<int_sum_state>(s);
        st.sum.add(static_cast<__int128>(v[r]) * sign);
        st.count += sign;
    });
}

void int_merge(std::byte* dst, const std::byte* src, const aggregate_function&) {
    auto& d = as<int_sum_state>(dst);
    const auto& s = as<int_sum_state>(src);
    d.sum.add(s.sum.get());
    d.count += s.count;
}

eval_status int_sum_finalize(const std::byte* s, column& out, const aggregate_function& f) {
    const auto& st = as<int_sum_state>(s);
    if (st.count <= 0) {
        out.push_null();
        return eval_status::success();
    }
    __int128 v = st.sum.get();
    if (!fits_i64(v)) return out_of_range(out, f.result_type);
    out.push_i64(static_cast<int64_t>(v));
    return eval_status::success();
}

/// avg over integers/intervals as a double (integers) or a rounded interval.
eval_status int_avg_finalize(const std::byte* s, column& out, const aggregate_function& f) {
    const auto& st = as<int_sum_state>(s);
    if (st.count <= 0) {
        out.push_null();
        return eval_status::success();
    }
    __int128 v = st.sum.get();
    if (f.result_type.id == type_id::interval) {
        __int128 q = v / st.count, r = v % st.count;
        if (2 * (r < 0 ? -r : r) >= st.count) q += (v < 0 ? -1 : 1);
        out.push_i64(static_cast<int64_t>(q));
    } else {
        out.push_f64(static_cast<double>(v) / static_cast<double>(st.count));
    }
    return eval_status::success();
}

/// avg(decimal(p, s)) as decimal(18, s + k): sum * 10^k / count, rounded half away from zero.
eval_status decimal_avg_finalize(const std::byte* s, column& out, const aggregate_function& f) {
    const auto& st = as<int_sum_state>(s);
    if (st.count <= 0) {
        out.push_null();
        return eval_status::success();
    }
    __int128 scaled;
    if (__builtin_mul_overflow(st.sum.get(), static_cast<__int128>(f.param), &scaled))
        return out_of_range(out, f.result_type);
    __int128 q = scaled / st.count, r = scaled % st.count;
    if (2 * (r < 0 ? -r : r) >= st.count) q += (scaled < 0 ? -1 : 1);
    if (!fits_i64(q)) return out_of_range(out, f.result_type);
    out.push_i64(static_cast<int64_t>(q));
    return eval_status::success();
}

int64_t int_rows(const std::byte* s, const aggregate_function&) {
    return as<int_sum_state>(s).count;
}

void float_init(std::byte* s, const aggregate_function&) {
    new (s) float_sum_state{};
}

void float_update(std::byte* const* states, const column* const* args, const uint32_t* rows,
                  const columnar::change* changes, size_t n, const aggregate_function&) {
    const column& c = *args[0];
    for_each_row(states, &c, rows, changes, n, [&c](std::byte* s, uint32_t r, int64_t sign) {
        auto& st = as<float_sum_state>(s);
        double x = to_double(c, r);
        st.count += sign;
        if (std::isnan(x))
            st.nan += sign;
        else if (std::isinf(x))
            (x > 0 ? st.pos_inf : st.neg_inf) += sign;
        else
            st.sum += sign > 0 ? x : -x;
        if (st.count == 0) st.sum = 0; // no rounding residue once a group is empty again
    });
}

void float_merge(std::byte* dst, const std::byte* src, const aggregate_function&) {
    auto& d = as<float_sum_state>(dst);
    const auto& s = as<float_sum_state>(src);
    d.sum += s.sum;
    d.count += s.count;
    d.nan += s.nan;
    d.pos_inf += s.pos_inf;
    d.neg_inf += s.neg_inf;
}

/// The sum of a float state, NaN and infinities included.
double float_total(const float_sum_state& st) {
    if (st.nan > 0 || (st.pos_inf > 0 && st.neg_inf > 0))
        return std::numeric_limits<double>::quiet_NaN();
    if (st.pos_inf > 0) return std::numeric_limits<double>::infinity();
    if (st.neg_inf > 0) return -std::numeric_limits<double>::infinity();
    return st.sum;
}

eval_status float_sum_finalize(const std::byte* s, column& out, const aggregate_function&) {
    const auto& st = as<float_sum_state>(s);
    if (st.count <= 0)
        out.push_null();
    else
        out.push_f64(float_total(st));
    return eval_status::success();
}

eval_status float_avg_finalize(const std::byte* s, column& out, const aggregate_function&) {
    const auto& st = as<float_sum_state>(s);
    if (st.count <= 0)
        out.push_null();
    else
        out.push_f64(float_total(st) / static_cast<double>(st.count));
    return eval_status::success();
}

int64_t float_rows(const std::byte* s, const aggregate_function&) {
    return as<float_sum_state>(s).count;
}

aggregate_function base(std::string name, const data_type& arg) {
    aggregate_function f;
    f.name = std::move(name);
    f.arg_types = {arg};
    f.retractable = true;
    if (arg.id == type_id::float64) {
        set_state<float_sum_state>(f);
        f.init = float_init;
        f.update = float_update;
        f.merge = float_merge;
        f.row_count = float_rows;
    } else {
        set_state<int_sum_state>(f);
        f.init = int_init;
        f.update = int_update;
        f.merge = int_merge;
        f.row_count = int_rows;
    }
    return f;
}

} // namespace

eval_status out_of_range(column& out, const data_type& t) {
    out.push_null();
    if (t.id == type_id::decimal) return {"22003", "numeric field overflow"};
    if (t.id == type_id::interval) return {"22008", "interval out of range"};
    return {"22003", "bigint out of range"};
}

aggregate_function make_sum(const data_type& arg) {
    aggregate_function f = base("sum", arg);
    switch (arg.id) {
    case type_id::int32:
    case type_id::int64: f.result_type = type_id::int64; break;
    case type_id::decimal: f.result_type = data_type::decimal(18, arg.scale); break;
    case type_id::interval: f.result_type = type_id::interval; break;
    case type_id::float64: f.result_type = type_id::float64; break;
    default: throw_no_form("sum", std::span(&arg, 1));
    }
    f.finalize = arg.id == type_id::float64 ? float_sum_finalize : int_sum_finalize;
    return f;
}

aggregate_function make_avg(const data_type& arg) {
    aggregate_function f = base("avg", arg);
    switch (arg.id) {
    case type_id::int32:
    case type_id::int64:
        f.result_type = type_id::float64;
        f.finalize = int_avg_finalize;
        break;
    case type_id::interval:
        f.result_type = type_id::interval;
        f.finalize = int_avg_finalize;
        break;
    case type_id::float64:
        f.result_type = type_id::float64;
        f.finalize = float_avg_finalize;
        break;
    case type_id::decimal: {
        // Up to 6 more fractional digits, never fewer integer digits than the argument has, so
        // an average (which lies between the inputs) always fits.
        int int_digits = arg.precision - arg.scale;
        int scale = std::max<int>(arg.scale, std::min(arg.scale + 6, 18 - int_digits));
        f.result_type = data_type::decimal(18, static_cast<uint8_t>(scale));
        f.param = columnar::pow10_i64(scale - arg.scale);
        f.finalize = decimal_avg_finalize;
        break;
    }
    default: throw_no_form("avg", std::span(&arg, 1));
    }
    return f;
}

} // namespace spate::agg::detail
