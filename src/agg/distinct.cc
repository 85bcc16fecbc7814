// The DISTINCT forms (count(DISTINCT x), sum(DISTINCT x), ...): a value -> count multiset of the
// first argument in front of the plain aggregate, which sees a value when its count goes from 0
// to 1 and loses it when the count returns to 0. Retractable when the plain aggregate is.

#include "agg/functions_internal.h"
#include "agg/hash_internal.h"
#include "agg/value_multiset.h"

namespace spate::agg::detail {
namespace {

using columnar::column;

/// The distinct values with their counts, and the rows they stand for.
struct distinct_values {
    explicit distinct_values(bool strings) : set(strings) {}
    value_multiset set;
    int64_t rows = 0;
};

/// Header of the block; the plain aggregate's state follows at inner_offset.
struct distinct_state {
    distinct_values* values;
    void (*inner_destroy)(std::byte*);
    size_t (*inner_heap)(const std::byte*);
    uint32_t inner_offset;
};

uint32_t inner_offset(const aggregate_function& inner) {
    uint32_t a = std::max<uint32_t>(inner.state_align, alignof(distinct_state));
    return (static_cast<uint32_t>(sizeof(distinct_state)) + a - 1) / a * a;
}

void init(std::byte* s, const aggregate_function& f) {
    uint32_t off = inner_offset(*f.inner);
    new (s) distinct_state{nullptr, f.inner->destroy, f.inner->heap_bytes, off};
    f.inner->init(s + off, *f.inner);
}

void destroy(std::byte* s) {
    auto& st = as<distinct_state>(s);
    delete st.values;
    if (st.inner_destroy) st.inner_destroy(s + st.inner_offset);
}

void update(std::byte* const* states, const column* const* args, const uint32_t* rows,
            const columnar::change* changes, size_t n, const aggregate_function& f) {
    const column& c = *args[0];
    const aggregate_function& inner = *f.inner;
    bool strings = c.physical() == columnar::physical_type::str;
    for_each_row(states, &c, rows, changes, n, [&](std::byte* s, uint32_t r, int64_t sign) {
        auto& st = as<distinct_state>(s);
        if (!st.values) st.values = new distinct_values(strings);
        int64_t now = strings ? st.values->set.add_string(c.strs()[r].view(), sign)
                              : st.values->set.add_key(order_key(c, r), sign);
        st.values->rows += sign;
        if ((sign > 0 && now == sign) || (sign < 0 && now == 0)) {
            std::byte* inner_state = s + st.inner_offset;
            inner.update(&inner_state, args, &r, changes, 1, inner);
        }
    });
}

eval_status finalize(const std::byte* s, column& out, const aggregate_function& f) {
    return f.inner->finalize(s + as<distinct_state>(s).inner_offset, out, *f.inner);
}

size_t heap_bytes(const std::byte* s) {
    const auto& st = as<distinct_state>(s);
    size_t n = st.values ? sizeof(distinct_values) + st.values->set.heap_bytes() : 0;
    return n + (st.inner_heap ? st.inner_heap(s + st.inner_offset) : 0);
}

int64_t row_count(const std::byte* s, const aggregate_function&) {
    const auto& st = as<distinct_state>(s);
    return st.values ? st.values->rows : 0;
}

} // namespace

aggregate_function make_distinct(aggregate_function plain) {
    aggregate_function f;
    f.name = plain.name;
    f.arg_types = plain.arg_types;
    f.result_type = plain.result_type;
    f.distinct = true;
    f.retractable = plain.retractable;
    f.state_align = std::max<uint32_t>(plain.state_align, alignof(distinct_state));
    f.state_size = inner_offset(plain) + plain.state_size;
    f.init = init;
    f.destroy = destroy;
    f.update = update;
    f.finalize = finalize;
    f.heap_bytes = heap_bytes;
    f.row_count = row_count;
    f.inner = std::make_shared<const aggregate_function>(std::move(plain));
    return f;
}

} // namespace spate::agg::detail
