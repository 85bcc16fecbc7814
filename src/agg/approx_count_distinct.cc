// approx_count_distinct(x): a HyperLogLog sketch per group (hyperloglog.h).

#include "agg/functions_internal.h"
#include "agg/hash_internal.h"
#include "agg/hyperloglog.h"

#include <cmath>

namespace spate::agg::detail {
namespace {

using columnar::column;

/// The sketch, made at the first value.
struct hll_state {
    hyperloglog* sketch;
};

void init(std::byte* s, const aggregate_function&) {
    new (s) hll_state{nullptr};
}

void destroy(std::byte* s) {
    delete as<hll_state>(s).sketch;
}

hyperloglog& sketch_of(std::byte* s) {
    auto& st = as<hll_state>(s);
    if (!st.sketch) st.sketch = new hyperloglog();
    return *st.sketch;
}

void update(std::byte* const* states, const column* const* args, const uint32_t* rows,
            const columnar::change* changes, size_t n, const aggregate_function&) {
    const column& c = *args[0];
    bool strings = c.physical() == columnar::physical_type::str;
    for_each_row(states, &c, rows, changes, n,
                 [&c, strings](std::byte* s, uint32_t r, int64_t sign) {
                     assert(sign > 0 && "approx_count_distinct cannot retract");
                     (void)sign;
                     uint64_t h = strings ? hash_bytes(c.strs()[r].view())
                                          : mix64(order_key(c, r) ^ 0x5bd1e9955bd1e995ULL);
                     sketch_of(s).add(h);
                 });
}

void merge(std::byte* dst, const std::byte* src, const aggregate_function&) {
    const hyperloglog* s = as<hll_state>(src).sketch;
    if (s) sketch_of(dst).merge(*s);
}

eval_status finalize(const std::byte* s, column& out, const aggregate_function&) {
    const hyperloglog* h = as<hll_state>(s).sketch;
    out.push_i64(h ? static_cast<int64_t>(std::llround(h->estimate())) : 0);
    return eval_status::success();
}

size_t heap_bytes(const std::byte* s) {
    const hyperloglog* h = as<hll_state>(s).sketch;
    return h ? sizeof(*h) + h->heap_bytes() : 0;
}

} // namespace

aggregate_function make_approx_count_distinct(const columnar::data_type& arg) {
    aggregate_function f;
    f.name = "approx_count_distinct";
    f.arg_types = {arg};
    f.result_type = columnar::type_id::int64;
    f.retractable = false;
    set_state<hll_state>(f);
    f.init = init;
    f.destroy = destroy;
    f.update = update;
    f.merge = merge;
    f.finalize = finalize;
    f.heap_bytes = heap_bytes;
    return f;
}

} // namespace spate::agg::detail
