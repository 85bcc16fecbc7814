// var_samp, var_pop, stddev_samp, stddev_pop (and the aliases variance, stddev): Welford's
// running mean and sum of squared deviations, run backwards for a retraction; Chan's formula
// merges two states. Results are doubles. NaN and infinities are counted apart (any present
// makes the result NaN) so that retracting them restores the finite statistics.

#include "agg/functions_internal.h"

#include <cmath>
#include <limits>

namespace spate::agg::detail {
namespace {

using columnar::column;
using columnar::data_type;

/// Count, mean and sum of squared deviations of the finite values.
struct moments_state {
    int64_t count;
    double mean;
    double m2;
    int64_t non_finite;
};

enum variance_kind : int64_t { var_samp = 0, var_pop = 1, stddev_samp = 2, stddev_pop = 3 };

void init(std::byte* s, const aggregate_function&) {
    new (s) moments_state{0, 0, 0, 0};
}

void add(moments_state& st, double x, int64_t sign) {
    if (!std::isfinite(x)) {
        st.non_finite += sign;
        return;
    }
    if (sign > 0) {
        ++st.count;
        double d = x - st.mean;
        st.mean += d / static_cast<double>(st.count);
        st.m2 += d * (x - st.mean);
        return;
    }
    if (st.count <= 1) {
        st.count = 0;
        st.mean = 0;
        st.m2 = 0;
        return;
    }
    double n = static_cast<double>(st.count);
    double old_mean = (n * st.mean - x) / (n - 1);
    st.m2 -= (x - st.mean) * (x - old_mean);
    if (st.m2 < 0) st.m2 = 0;
    st.mean = old_mean;
    --st.count;
}

void update(std::byte* const* states, const column* const* args, const uint32_t* rows,
            const columnar::change* changes, size_t n, const aggregate_function&) {
    const column& c = *args[0];
    for_each_row(states, &c, rows, changes, n, [&c](std::byte* s, uint32_t r, int64_t sign) {
        add(as<moments_state>(s), to_double(c, r), sign);
    });
}

void merge(std::byte* dst, const std::byte* src, const aggregate_function&) {
    auto& d = as<moments_state>(dst);
    const auto& s = as<moments_state>(src);
    d.non_finite += s.non_finite;
    if (s.count == 0) return;
    if (d.count == 0) {
        d.count = s.count;
        d.mean = s.mean;
        d.m2 = s.m2;
        return;
    }
    double na = static_cast<double>(d.count), nb = static_cast<double>(s.count);
    double delta = s.mean - d.mean;
    d.m2 += s.m2 + delta * delta * na * nb / (na + nb);
    d.mean += delta * nb / (na + nb);
    d.count += s.count;
}

eval_status finalize(const std::byte* s, column& out, const aggregate_function& f) {
    const auto& st = as<moments_state>(s);
    int64_t n = st.count + st.non_finite;
    bool sample = f.param == var_samp || f.param == stddev_samp;
    if (n == 0 || (sample && n == 1)) {
        out.push_null();
        return eval_status::success();
    }
    if (st.non_finite > 0) {
        out.push_f64(std::numeric_limits<double>::quiet_NaN());
        return eval_status::success();
    }
    double v = st.m2 / static_cast<double>(sample ? st.count - 1 : st.count);
    out.push_f64(f.param >= stddev_samp ? std::sqrt(v) : v);
    return eval_status::success();
}

int64_t row_count(const std::byte* s, const aggregate_function&) {
    const auto& st = as<moments_state>(s);
    return st.count + st.non_finite;
}

} // namespace

aggregate_function make_variance(std::string_view kind, const data_type& arg) {
    aggregate_function f;
    f.name = std::string(kind);
    if (!arg.is_numeric()) throw_no_form(kind, std::span(&arg, 1));
    f.arg_types = {arg};
    f.result_type = columnar::type_id::float64;
    f.retractable = true;
    f.param = kind == "var_samp"      ? var_samp
              : kind == "var_pop"     ? var_pop
              : kind == "stddev_samp" ? stddev_samp
                                      : stddev_pop;
    set_state<moments_state>(f);
    f.init = init;
    f.update = update;
    f.merge = merge;
    f.finalize = finalize;
    f.row_count = row_count;
    return f;
}

} // namespace spate::agg::detail
