// string_agg(x, sep): the non-NULL values joined by the separator. Append-only input joins in
// arrival order, each value after its own row's separator (Postgres); a changelog keeps a
// value -> count multiset and joins the values in byte order with the first separator seen, so
// that the result depends only on the rows present.

#include "agg/functions_internal.h"
#include "agg/value_multiset.h"

#include <algorithm>
#include <string>
#include <utility>

namespace spate::agg::detail {
namespace {

using columnar::column;

/// Append-only: the joined text so far.
struct joined {
    std::string text;
    std::string first_sep; ///< the separator of the first value's row, used when merging

    bool has = false;
};

/// Changelog: every value with its count, and the separator.
struct value_bag {
    value_bag() : set(true) {}
    value_multiset set;
    std::string sep;
    bool has_sep = false;
    int64_t rows = 0;
};

/// Pointer to `joined` or `value_bag` (by f.retractable), made at the first value.
struct string_agg_state {
    void* p;
};

void init(std::byte* s, const aggregate_function&) {
    new (s) string_agg_state{nullptr};
}

void destroy_joined(std::byte* s) {
    delete static_cast<joined*>(as<string_agg_state>(s).p);
}

void destroy_bag(std::byte* s) {
    delete static_cast<value_bag*>(as<string_agg_state>(s).p);
}

std::string_view sep_at(const column& sep, uint32_t r) {
    return sep.is_null(r) ? std::string_view() : sep.strs()[r].view();
}

void update_joined(std::byte* const* states, const column* const* args, const uint32_t* rows,
                   const columnar::change* changes, size_t n, const aggregate_function&) {
    const column& x = *args[0];
    const column& sep = *args[1];
    for_each_row(states, &x, rows, changes, n, [&](std::byte* s, uint32_t r, int64_t sign) {
        assert(sign > 0 && "retraction into an append-only string_agg");
        (void)sign;
        auto& st = as<string_agg_state>(s);
        if (!st.p) st.p = new joined();
        auto& j = *static_cast<joined*>(st.p);
        if (j.has)
            j.text.append(sep_at(sep, r));
        else
            j.first_sep.assign(sep_at(sep, r));
        j.text.append(x.strs()[r].view());
        j.has = true;
    });
}

void merge_joined(std::byte* dst, const std::byte* src, const aggregate_function&) {
    const auto* s = static_cast<const joined*>(as<string_agg_state>(src).p);
    if (!s || !s->has) return;
    auto& st = as<string_agg_state>(dst);
    if (!st.p) st.p = new joined();
    auto& d = *static_cast<joined*>(st.p);
    if (d.has)
        d.text.append(s->first_sep);
    else
        d.first_sep = s->first_sep;
    d.text.append(s->text);
    d.has = true;
}

eval_status finalize_joined(const std::byte* s, column& out, const aggregate_function&) {
    const auto* j = static_cast<const joined*>(as<string_agg_state>(s).p);
    if (j && j->has)
        out.push_string(j->text);
    else
        out.push_null();
    return eval_status::success();
}

size_t heap_joined(const std::byte* s) {
    const auto* j = static_cast<const joined*>(as<string_agg_state>(s).p);
    return j ? sizeof(joined) + j->text.capacity() : 0;
}

value_bag& bag_of(std::byte* s) {
    auto& st = as<string_agg_state>(s);
    if (!st.p) st.p = new value_bag();
    return *static_cast<value_bag*>(st.p);
}

void update_bag(std::byte* const* states, const column* const* args, const uint32_t* rows,
                const columnar::change* changes, size_t n, const aggregate_function&) {
    const column& x = *args[0];
    const column& sep = *args[1];
    for_each_row(states, &x, rows, changes, n, [&](std::byte* s, uint32_t r, int64_t sign) {
        value_bag& b = bag_of(s);
        if (!b.has_sep && !sep.is_null(r)) {
            b.sep.assign(sep.strs()[r].view());
            b.has_sep = true;
        }
        b.set.add_string(x.strs()[r].view(), sign);
        b.rows += sign;
    });
}

void merge_bag(std::byte* dst, const std::byte* src, const aggregate_function&) {
    const auto* s = static_cast<const value_bag*>(as<string_agg_state>(src).p);
    if (!s) return;
    value_bag& d = bag_of(dst);
    if (!d.has_sep && s->has_sep) {
        d.sep = s->sep;
        d.has_sep = true;
    }
    s->set.for_each([&d](uint64_t, std::string_view v, int64_t c) { d.set.add_string(v, c); });
    d.rows += s->rows;
}

eval_status finalize_bag(const std::byte* s, column& out, const aggregate_function&) {
    const auto* b = static_cast<const value_bag*>(as<string_agg_state>(s).p);
    if (!b || b->set.size() == 0) {
        out.push_null();
        return eval_status::success();
    }
    std::vector<std::pair<std::string_view, int64_t>> values;
    values.reserve(b->set.size());
    b->set.for_each(
        [&values](uint64_t, std::string_view v, int64_t c) { values.emplace_back(v, c); });
    std::sort(values.begin(), values.end());
    std::string text;
    bool first = true;
    for (auto& [v, c] : values) {
        for (int64_t i = 0; i < c; ++i) {
            if (!first) text.append(b->sep);
            text.append(v);
            first = false;
        }
    }
    out.push_string(text);
    return eval_status::success();
}

size_t heap_bag(const std::byte* s) {
    const auto* b = static_cast<const value_bag*>(as<string_agg_state>(s).p);
    return b ? sizeof(value_bag) + b->set.heap_bytes() + b->sep.capacity() : 0;
}

int64_t rows_bag(const std::byte* s, const aggregate_function&) {
    const auto* b = static_cast<const value_bag*>(as<string_agg_state>(s).p);
    return b ? b->rows : 0;
}

} // namespace

aggregate_function make_string_agg(std::span<const columnar::data_type> args, input_kind input) {
    if (args[0].id != columnar::type_id::varchar || args[1].id != columnar::type_id::varchar)
        throw_no_form("string_agg", args);
    aggregate_function f;
    f.name = "string_agg";
    f.arg_types.assign(args.begin(), args.end());
    f.result_type = columnar::type_id::varchar;
    f.retractable = input == input_kind::changelog;
    set_state<string_agg_state>(f);
    f.init = init;
    if (f.retractable) {
        f.destroy = destroy_bag;
        f.update = update_bag;
        f.merge = merge_bag;
        f.finalize = finalize_bag;
        f.heap_bytes = heap_bag;
        f.row_count = rows_bag;
    } else {
        f.destroy = destroy_joined;
        f.update = update_joined;
        f.merge = merge_joined;
        f.finalize = finalize_joined;
        f.heap_bytes = heap_joined;
    }
    return f;
}

} // namespace spate::agg::detail
