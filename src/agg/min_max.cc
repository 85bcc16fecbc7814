// min and max for every type. Append-only input keeps the current extreme in the state (a
// string in a buffer the state owns, regrown only when a longer string wins); changelog input
// keeps a multiset of every value, so that retracting the current extreme finds the next one.

#include "agg/functions_internal.h"
#include "agg/hash_internal.h"
#include "agg/value_multiset.h"

#include <cstdlib>
#include <string>

namespace spate::agg::detail {
namespace {

using columnar::column;
using columnar::data_type;
using columnar::physical_type;

bool is_max_fn(const aggregate_function& f) {
    return f.name == "max";
}

// --- append-only, fixed-width values ---------------------------------------------------------

/// The extreme so far as an order key.
struct key_state {
    uint64_t key;
    bool has;
};

void key_init(std::byte* s, const aggregate_function&) {
    new (s) key_state{0, false};
}

template <bool Max>
void key_update_impl(std::byte* const* states, const column& c, const uint32_t* rows,
                     const columnar::change* changes, size_t n) {
    for_each_row(states, &c, rows, changes, n, [&c](std::byte* s, uint32_t r, int64_t sign) {
        assert(sign > 0 && "retraction into an append-only min/max");
        (void)sign;
        auto& st = as<key_state>(s);
        uint64_t k = order_key(c, r);
        if (!st.has || (Max ? k > st.key : k < st.key)) st = {k, true};
    });
}

void key_update(std::byte* const* states, const column* const* args, const uint32_t* rows,
                const columnar::change* changes, size_t n, const aggregate_function& f) {
    if (is_max_fn(f))
        key_update_impl<true>(states, *args[0], rows, changes, n);
    else
        key_update_impl<false>(states, *args[0], rows, changes, n);
}

void key_merge(std::byte* dst, const std::byte* src, const aggregate_function& f) {
    auto& d = as<key_state>(dst);
    const auto& s = as<key_state>(src);
    if (!s.has) return;
    if (!d.has || (is_max_fn(f) ? s.key > d.key : s.key < d.key)) d = s;
}

eval_status key_finalize(const std::byte* s, column& out, const aggregate_function&) {
    const auto& st = as<key_state>(s);
    if (st.has)
        push_order_key(out, st.key);
    else
        out.push_null();
    return eval_status::success();
}

// --- append-only strings ---------------------------------------------------------------------

/// The extreme string so far, in a malloc'ed buffer.
struct str_state {
    char* data;
    uint32_t len;
    uint32_t cap;
    bool has;

    std::string_view view() const { return {data, len}; }
    void assign(std::string_view v) {
        if (v.size() > cap) {
            uint32_t c = static_cast<uint32_t>(std::max<size_t>(v.size(), 16));
            char* p = static_cast<char*>(std::realloc(data, c));
            if (!p) throw std::bad_alloc();
            data = p;
            cap = c;
        }
        if (!v.empty()) std::memcpy(data, v.data(), v.size());
        len = static_cast<uint32_t>(v.size());
        has = true;
    }
};

void str_init(std::byte* s, const aggregate_function&) {
    new (s) str_state{nullptr, 0, 0, false};
}

void str_destroy(std::byte* s) {
    std::free(as<str_state>(s).data);
}

bool better(bool max, std::string_view candidate, const str_state& st) {
    if (!st.has) return true;
    int c = candidate.compare(st.view());
    return max ? c > 0 : c < 0;
}

void str_update(std::byte* const* states, const column* const* args, const uint32_t* rows,
                const columnar::change* changes, size_t n, const aggregate_function& f) {
    const columnar::string_ref* v = args[0]->strs();
    bool max = is_max_fn(f);
    for_each_row(states, args[0], rows, changes, n,
                 [v, max](std::byte* s, uint32_t r, int64_t sign) {
                     assert(sign > 0 && "retraction into an append-only min/max");
                     (void)sign;
                     auto& st = as<str_state>(s);
                     if (better(max, v[r].view(), st)) st.assign(v[r].view());
                 });
}

void str_merge(std::byte* dst, const std::byte* src, const aggregate_function& f) {
    const auto& s = as<str_state>(src);
    auto& d = as<str_state>(dst);
    if (s.has && better(is_max_fn(f), s.view(), d)) d.assign(s.view());
}

eval_status str_finalize(const std::byte* s, column& out, const aggregate_function&) {
    const auto& st = as<str_state>(s);
    if (st.has)
        out.push_string(st.view());
    else
        out.push_null();
    return eval_status::success();
}

size_t str_heap(const std::byte* s) {
    return as<str_state>(s).cap;
}

// --- changelog: a multiset of every value ----------------------------------------------------

/// Every value with its count, and the extreme cached until it is retracted.
struct ordered_values {
    explicit ordered_values(bool strings) : set(strings) {}
    value_multiset set;
    bool stale = false; ///< the cached extreme was retracted: recompute at finalize
    bool has = false;
    int64_t rows = 0; ///< values counted, with multiplicity
    uint64_t best_key = 0;
    std::string best_str;

    bool beats(bool max, uint64_t k, std::string_view s) const {
        if (!has) return true;
        if (set.strings()) {
            int c = s.compare(best_str);
            return max ? c > 0 : c < 0;
        }
        return max ? k > best_key : k < best_key;
    }
    bool is_best(uint64_t k, std::string_view s) const {
        return has && (set.strings() ? s == best_str : k == best_key);
    }
    void add(bool max, uint64_t k, std::string_view s, int64_t sign) {
        int64_t now = set.strings() ? set.add_string(s, sign) : set.add_key(k, sign);
        rows += sign;
        if (sign > 0) {
            if (!stale && beats(max, k, s)) {
                has = true;
                best_key = k;
                best_str.assign(s);
            }
        } else if (now == 0 && is_best(k, s)) {
            stale = true;
        }
    }
    void refresh(bool max) {
        if (!stale) return;
        stale = false;
        has = false;
        set.for_each([&](uint64_t k, std::string_view s, int64_t) {
            if (beats(max, k, s)) {
                has = true;
                best_key = k;
                best_str.assign(s);
            }
        });
    }
};

/// Pointer to the values, made at the first update.
struct multi_state {
    ordered_values* values;
};

void multi_init(std::byte* s, const aggregate_function&) {
    new (s) multi_state{nullptr};
}

void multi_destroy(std::byte* s) {
    delete as<multi_state>(s).values;
}

ordered_values& values_of(std::byte* s, bool strings) {
    auto& st = as<multi_state>(s);
    if (!st.values) st.values = new ordered_values(strings);
    return *st.values;
}

void multi_update(std::byte* const* states, const column* const* args, const uint32_t* rows,
                  const columnar::change* changes, size_t n, const aggregate_function& f) {
    const column& c = *args[0];
    bool strings = c.physical() == physical_type::str;
    bool max = is_max_fn(f);
    for_each_row(states, &c, rows, changes, n,
                 [&c, strings, max](std::byte* s, uint32_t r, int64_t sign) {
                     ordered_values& v = values_of(s, strings);
                     if (strings)
                         v.add(max, 0, c.strs()[r].view(), sign);
                     else
                         v.add(max, order_key(c, r), {}, sign);
                 });
}

void multi_merge(std::byte* dst, const std::byte* src, const aggregate_function& f) {
    const ordered_values* s = as<multi_state>(src).values;
    if (!s) return;
    ordered_values& d = values_of(dst, s->set.strings());
    bool max = is_max_fn(f);
    s->set.for_each(
        [&](uint64_t k, std::string_view str, int64_t count) { d.add(max, k, str, count); });
}

eval_status multi_finalize(const std::byte* s, column& out, const aggregate_function& f) {
    ordered_values* v = as<multi_state>(s).values;
    if (v) v->refresh(is_max_fn(f));
    if (!v || !v->has)
        out.push_null();
    else if (v->set.strings())
        out.push_string(v->best_str);
    else
        push_order_key(out, v->best_key);
    return eval_status::success();
}

size_t multi_heap(const std::byte* s) {
    const ordered_values* v = as<multi_state>(s).values;
    return v ? sizeof(*v) + v->set.heap_bytes() + v->best_str.capacity() : 0;
}

int64_t multi_rows(const std::byte* s, const aggregate_function&) {
    const ordered_values* v = as<multi_state>(s).values;
    return v ? v->rows : 0;
}

} // namespace

aggregate_function make_min_max(bool is_max, const data_type& arg, input_kind input) {
    const char* name = is_max ? "max" : "min";
    if (arg.id == columnar::type_id::json) throw_no_form(name, std::span(&arg, 1));
    aggregate_function f;
    f.name = name;
    f.arg_types = {arg};
    f.result_type = arg;
    bool strings = arg.physical() == physical_type::str;
    if (input == input_kind::changelog) {
        f.retractable = true;
        set_state<multi_state>(f);
        f.init = multi_init;
        f.destroy = multi_destroy;
        f.update = multi_update;
        f.merge = multi_merge;
        f.finalize = multi_finalize;
        f.heap_bytes = multi_heap;
        f.row_count = multi_rows;
    } else if (strings) {
        set_state<str_state>(f);
        f.init = str_init;
        f.destroy = str_destroy;
        f.update = str_update;
        f.merge = str_merge;
        f.finalize = str_finalize;
        f.heap_bytes = str_heap;
    } else {
        set_state<key_state>(f);
        f.init = key_init;
        f.update = key_update;
        f.merge = key_merge;
        f.finalize = key_finalize;
    }
    return f;
}

} // namespace spate::agg::detail
