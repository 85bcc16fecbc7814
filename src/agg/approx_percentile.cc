// approx_percentile(x, p) / percentile_approx(x, p): a quantile_sketch per group. p is a
// constant in [0, 1] read from the first row that has one; a p outside [0, 1] makes finalize
// fail with 22003, as Postgres' percentile_cont does.

#include "agg/functions_internal.h"
#include "agg/quantile_sketch.h"

#include <cmath>

namespace spate::agg::detail {
namespace {

using columnar::column;
using columnar::type_id;

/// The sketch (made at the first value) and the percentile asked for.
struct percentile_state {
    quantile_sketch* sketch;
    double p;
    bool has_p;
};

void init(std::byte* s, const aggregate_function&) {
    new (s) percentile_state{nullptr, 0, false};
}

void destroy(std::byte* s) {
    delete as<percentile_state>(s).sketch;
}

void update(std::byte* const* states, const column* const* args, const uint32_t* rows,
            const columnar::change* changes, size_t n, const aggregate_function&) {
    const column& x = *args[0];
    const column& p = *args[1];
    for_each_row(states, &x, rows, changes, n, [&x, &p](std::byte* s, uint32_t r, int64_t sign) {
        auto& st = as<percentile_state>(s);
        if (!st.has_p && !p.is_null(r)) {
            st.p = to_double(p, r);
            st.has_p = true;
        }
        if (!st.sketch) st.sketch = new quantile_sketch();
        st.sketch->add(to_double(x, r), sign);
    });
}

void merge(std::byte* dst, const std::byte* src, const aggregate_function&) {
    const auto& s = as<percentile_state>(src);
    auto& d = as<percentile_state>(dst);
    if (!d.has_p && s.has_p) {
        d.p = s.p;
        d.has_p = true;
    }
    if (!s.sketch) return;
    if (!d.sketch) d.sketch = new quantile_sketch();
    d.sketch->merge(*s.sketch);
}

eval_status finalize(const std::byte* s, column& out, const aggregate_function& f) {
    const auto& st = as<percentile_state>(s);
    if (st.has_p && !(st.p >= 0 && st.p <= 1)) {
        out.push_null();
        return {"22003", "percentile value is not between 0 and 1"};
    }
    if (!st.sketch || st.sketch->count() <= 0 || !st.has_p) {
        out.push_null();
        return eval_status::success();
    }
    double v = st.sketch->quantile(st.p);
    if (f.result_type.id == type_id::float64) {
        out.push_f64(v);
        return eval_status::success();
    }
    double r = std::round(v);
    if (!(r >= -9.2e18 && r <= 9.2e18)) return out_of_range(out, f.result_type);
    out.push_i64(static_cast<int64_t>(r));
    return eval_status::success();
}

size_t heap_bytes(const std::byte* s) {
    const quantile_sketch* q = as<percentile_state>(s).sketch;
    return q ? sizeof(*q) + q->heap_bytes() : 0;
}

int64_t row_count(const std::byte* s, const aggregate_function&) {
    const quantile_sketch* q = as<percentile_state>(s).sketch;
    return q ? q->count() : 0;
}

} // namespace

aggregate_function make_approx_percentile(std::span<const columnar::data_type> args) {
    const auto& x = args[0];
    bool ok_x = x.is_numeric() || x.id == type_id::interval;
    if (!ok_x || !args[1].is_numeric()) throw_no_form("approx_percentile", args);
    aggregate_function f;
    f.name = "approx_percentile";
    f.arg_types.assign(args.begin(), args.end());
    f.result_type = x.is_numeric() ? columnar::data_type(type_id::float64) : x;
    f.retractable = true;
    set_state<percentile_state>(f);
    f.init = init;
    f.destroy = destroy;
    f.update = update;
    f.merge = merge;
    f.finalize = finalize;
    f.heap_bytes = heap_bytes;
    f.row_count = row_count;
    return f;
}

} // namespace spate::agg::detail
