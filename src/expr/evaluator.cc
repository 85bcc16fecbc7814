#include "expr/evaluator.h"

#include "expr/function_registry.h"
#include "expr/functions_internal.h"
#include "expr/like.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <numeric>

namespace spate::expr {

using columnar::batch;
using columnar::column;
using columnar::column_ptr;
using columnar::data_type;
using columnar::physical_type;

struct compiled_node;
using node_fn = column_ptr (*)(const compiled_node&, const batch&, row_errors&);

/// One step of a compiled expression: the function that evaluates this node for a whole batch,
/// its children, and what it prepared at compile time.
struct compiled_node {
    node_fn fn = nullptr;
    const bound_expr* e = nullptr;
    std::vector<std::unique_ptr<compiled_node>> children;
    kernel_fn kernel = nullptr; ///< call: the function; cast: the conversion; =: for nullif etc.
    bool strict = true;
    std::vector<data_type> arg_types;
    std::shared_ptr<const void> state;
    std::optional<like_matcher> like;   ///< like with a constant pattern
    std::vector<uint32_t> used_columns; ///< input columns read below this node, sorted
    mutable column_ptr constant_cache;
};

namespace {

column_ptr new_column(data_type t, size_t rows) {
    auto c = std::make_shared<column>(t, rows);
    c->resize(rows);
    return c;
}

column_ptr all_null(data_type t, size_t rows) {
    auto c = new_column(t, rows);
    if (rows) std::memset(c->validity_for_write(), 0, rows);
    return c;
}

// Zeroes the value slots of NULL rows (the column invariant) after a kernel ran over them.
void zero_null_slots(column& c) {
    const uint8_t* v = c.validity();
    if (!v) return;
    size_t n = c.size();
    switch (c.physical()) {
    case physical_type::boolean: {
        uint8_t* d = c.bools();
        for (size_t i = 0; i < n; ++i)
            d[i] = v[i] ? d[i] : 0;
        break;
    }
    case physical_type::i64: {
        int64_t* d = c.i64();
        for (size_t i = 0; i < n; ++i)
            d[i] = v[i] ? d[i] : 0;
        break;
    }
    case physical_type::f64: {
        double* d = c.f64();
        for (size_t i = 0; i < n; ++i)
            d[i] = v[i] ? d[i] : 0.0;
        break;
    }
    case physical_type::str: {
        columnar::string_ref* d = c.strs();
        for (size_t i = 0; i < n; ++i)
            if (!v[i]) d[i] = {};
        break;
    }
    }
}

// Runs `k` over `args` into a fresh column of type `t`; strict: NULL in any argument gives NULL.
column_ptr run_kernel(kernel_fn k, bool strict, data_type t, std::span<const column_ptr> args,
                      std::span<const data_type> arg_types, size_t rows, const void* state,
                      row_errors& errors) {
    auto out = new_column(t, rows);
    if (strict) {
        for (const auto& a : args) {
            const uint8_t* av = a->validity();
            if (!av) continue;
            uint8_t* ov = out->validity_for_write();
            for (size_t i = 0; i < rows; ++i)
                ov[i] &= av[i];
        }
    }
    const column* raw[16];
    std::vector<const column*> many;
    std::span<const column* const> arg_span;
    if (args.size() <= 16) {
        for (size_t i = 0; i < args.size(); ++i)
            raw[i] = args[i].get();
        arg_span = {raw, args.size()};
    } else {
        for (const auto& a : args)
            many.push_back(a.get());
        arg_span = many;
    }
    kernel_call call;
    call.args = arg_span;
    call.arg_types = arg_types;
    call.rows = rows;
    call.valid = strict ? out->validity() : nullptr;
    call.state = state;
    call.errors = &errors;
    call.out = out.get();
    k(call);
    zero_null_slots(*out);
    return out;
}

column_ptr eval_children_and_run(const compiled_node& n, const batch& in, row_errors& errors) {
    column_ptr small[8];
    std::vector<column_ptr> many;
    std::span<column_ptr> args;
    if (n.children.size() <= 8) {
        args = {small, n.children.size()};
    } else {
        many.resize(n.children.size());
        args = many;
    }
    for (size_t i = 0; i < n.children.size(); ++i)
        args[i] = n.children[i]->fn(*n.children[i], in, errors);
    return run_kernel(n.kernel, n.strict, n.e->type, args, n.arg_types, in.rows, n.state.get(),
                      errors);
}

column_ptr eval_constant(const compiled_node& n, const batch& in, row_errors&) {
    if (n.constant_cache && n.constant_cache->size() == in.rows) return n.constant_cache;
    const columnar::value& v = n.e->constant;
    auto c = new_column(n.e->type, in.rows);
    if (v.is_null()) {
        if (in.rows) std::memset(c->validity_for_write(), 0, in.rows);
    } else {
        switch (c->physical()) {
        case physical_type::boolean:
            if (in.rows) std::memset(c->bools(), v.as_bool() ? 1 : 0, in.rows);
            break;
        case physical_type::i64: std::fill_n(c->i64(), in.rows, v.as_i64()); break;
        case physical_type::f64: std::fill_n(c->f64(), in.rows, v.as_f64()); break;
        case physical_type::str: {
            columnar::string_ref r = c->heap().add(v.as_string());
            std::fill_n(c->strs(), in.rows, r);
            break;
        }
        }
    }
    n.constant_cache = c;
    return c;
}

column_ptr eval_column(const compiled_node& n, const batch& in, row_errors&) {
    assert(n.e->column_index < in.columns.size() && in.columns[n.e->column_index]);
    return in.columns[n.e->column_index];
}

// Evaluates `n` over the rows `rows` of `in` only; errors are reported with in's row numbers.
// Only the columns `n` reads are gathered.
column_ptr eval_subset(const compiled_node& n, const batch& in, std::span<const uint32_t> rows,
                       row_errors& errors) {
    if (rows.size() == in.rows) return n.fn(n, in, errors);
    batch sub;
    sub.rows = rows.size();
    sub.columns.resize(in.columns.size());
    for (uint32_t c : n.used_columns) {
        auto g = std::make_shared<column>(in.columns[c]->type(), rows.size());
        g->gather_from(*in.columns[c], rows);
        sub.columns[c] = std::move(g);
    }
    row_errors sub_errors;
    column_ptr c = n.fn(n, sub, sub_errors);
    errors.add_mapped(sub_errors, rows);
    return c;
}

// out[rows[k]] = src[k] (value and validity); out has the physical type of src.
void scatter(column& out, const column& src, std::span<const uint32_t> rows) {
    uint8_t* ov = out.validity_for_write();
    for (size_t k = 0; k < rows.size(); ++k)
        ov[rows[k]] = src.is_null(k) ? 0 : 1;
    switch (out.physical()) {
    case physical_type::boolean:
        for (size_t k = 0; k < rows.size(); ++k)
            out.bools()[rows[k]] = src.bools()[k];
        break;
    case physical_type::i64:
        for (size_t k = 0; k < rows.size(); ++k)
            out.i64()[rows[k]] = src.i64()[k];
        break;
    case physical_type::f64:
        for (size_t k = 0; k < rows.size(); ++k)
            out.f64()[rows[k]] = src.f64()[k];
        break;
    case physical_type::str:
        out.borrow_strings(src);
        for (size_t k = 0; k < rows.size(); ++k)
            out.strs()[rows[k]] = src.strs()[k];
        break;
    }
}

std::vector<uint32_t> all_rows(size_t n) {
    std::vector<uint32_t> r(n);
    std::iota(r.begin(), r.end(), 0u);
    return r;
}

// AND / OR: the right side only over rows the left side does not decide.
template <bool is_and>
column_ptr eval_logic(const compiled_node& n, const batch& in, row_errors& errors) {
    column_ptr l = n.children[0]->fn(*n.children[0], in, errors);
    const uint8_t* lb = l->bools();
    const uint8_t* lv = l->validity();
    // Undecided rows: AND where the left is TRUE or NULL, OR where it is FALSE or NULL.
    std::vector<uint32_t> todo(in.rows);
    size_t m = 0;
    for (size_t i = 0; i < in.rows; ++i) {
        bool decided = (!lv || lv[i]) && (is_and ? lb[i] == 0 : lb[i] != 0);
        todo[m] = static_cast<uint32_t>(i);
        m += !decided;
    }
    todo.resize(m);
    auto out = new_column(columnar::type_id::boolean, in.rows);
    uint8_t* ob = out->bools();
    // Decided rows keep the left value. (An empty batch's columns may have no buffers at all.)
    if (in.rows) std::memcpy(ob, lb, in.rows);
    if (todo.empty()) return out;
    column_ptr r = eval_subset(*n.children[1], in, todo, errors);
    const uint8_t* rb = r->bools();
    const uint8_t* rv = r->validity();
    if (!lv && !rv) { // the left is TRUE (AND) / FALSE (OR) on these rows: the right decides
        for (size_t k = 0; k < m; ++k)
            ob[todo[k]] = rb[k];
        return out;
    }
    uint8_t* ov = out->validity_for_write();
    for (size_t k = 0; k < m; ++k) {
        uint32_t i = todo[k];
        uint8_t lk = !lv || lv[i], rk = !rv || rv[k];
        // With a NULL left, only a deciding right value (FALSE for AND, TRUE for OR) is known.
        uint8_t deciding = rk & (is_and ? rb[k] ^ 1 : rb[k]);
        uint8_t known = (lk & rk) | deciding;
        ob[i] = known & rk & rb[k];
        ov[i] = known;
    }
    return out;
}

column_ptr eval_not(const compiled_node& n, const batch& in, row_errors& errors) {
    column_ptr a = n.children[0]->fn(*n.children[0], in, errors);
    auto out = new_column(columnar::type_id::boolean, in.rows);
    map1(a->bools(), out->bools(), in.rows, [](uint8_t b) { return uint8_t(b ^ 1); });
    if (a->has_nulls()) {
        std::memcpy(out->validity_for_write(), a->validity(), in.rows);
        zero_null_slots(*out);
    }
    return out;
}

column_ptr eval_case(const compiled_node& n, const batch& in, row_errors& errors) {
    auto out = all_null(n.e->type, in.rows);
    std::vector<uint32_t> remaining = all_rows(in.rows);
    size_t pairs = (n.children.size() - (n.e->has_else ? 1 : 0)) / 2;
    std::vector<uint32_t> taken, rest;
    for (size_t p = 0; p < pairs && !remaining.empty(); ++p) {
        column_ptr cond = eval_subset(*n.children[2 * p], in, remaining, errors);
        taken.clear();
        rest.clear();
        for (size_t k = 0; k < remaining.size(); ++k)
            (!cond->is_null(k) && cond->bools()[k] ? taken : rest).push_back(remaining[k]);
        if (!taken.empty()) {
            column_ptr v = eval_subset(*n.children[2 * p + 1], in, taken, errors);
            scatter(*out, *v, taken);
        }
        remaining.swap(rest);
    }
    if (n.e->has_else && !remaining.empty()) {
        column_ptr v = eval_subset(*n.children.back(), in, remaining, errors);
        scatter(*out, *v, remaining);
    }
    return out;
}

column_ptr eval_coalesce(const compiled_node& n, const batch& in, row_errors& errors) {
    auto out = all_null(n.e->type, in.rows);
    std::vector<uint32_t> remaining = all_rows(in.rows), rest;
    for (const auto& child : n.children) {
        if (remaining.empty()) break;
        column_ptr v = eval_subset(*child, in, remaining, errors);
        scatter(*out, *v, remaining);
        rest.clear();
        for (size_t k = 0; k < remaining.size(); ++k)
            if (v->is_null(k)) rest.push_back(remaining[k]);
        remaining.swap(rest);
    }
    return out;
}

// Row-wise a = b with the resolved `=` kernel (strict).
column_ptr equal_columns(const compiled_node& n, const column_ptr& a, const column_ptr& b,
                         size_t rows, row_errors& errors) {
    column_ptr args[2] = {a, b};
    data_type types[2] = {a->type(), b->type()};
    return run_kernel(n.kernel, true, columnar::type_id::boolean, args, types, rows, nullptr,
                      errors);
}

column_ptr eval_nullif(const compiled_node& n, const batch& in, row_errors& errors) {
    column_ptr a = n.children[0]->fn(*n.children[0], in, errors);
    column_ptr b = n.children[1]->fn(*n.children[1], in, errors);
    column_ptr eq = equal_columns(n, a, b, in.rows, errors);
    auto out = std::make_shared<column>(n.e->type, in.rows);
    std::vector<uint32_t> rows = all_rows(in.rows);
    out->gather_from(*a, rows);
    for (size_t i = 0; i < in.rows; ++i)
        if (!eq->is_null(i) && eq->bools()[i]) out->set_null(i);
    return out;
}

column_ptr eval_is(const compiled_node& n, const batch& in, row_errors& errors) {
    column_ptr a = n.children[0]->fn(*n.children[0], in, errors);
    auto out = new_column(columnar::type_id::boolean, in.rows);
    uint8_t* ob = out->bools();
    uint8_t neg = n.e->negated ? 1 : 0;
    for (size_t i = 0; i < in.rows; ++i) {
        bool null = a->is_null(i);
        bool r;
        switch (n.e->kind) {
        case expr_kind::is_null: r = null; break;
        case expr_kind::is_true: r = !null && a->bools()[i]; break;
        default: r = !null && !a->bools()[i]; break;
        }
        ob[i] = static_cast<uint8_t>(r) ^ neg;
    }
    return out;
}

column_ptr eval_distinct(const compiled_node& n, const batch& in, row_errors& errors) {
    column_ptr a = n.children[0]->fn(*n.children[0], in, errors);
    column_ptr b = n.children[1]->fn(*n.children[1], in, errors);
    column_ptr eq = equal_columns(n, a, b, in.rows, errors);
    auto out = new_column(columnar::type_id::boolean, in.rows);
    uint8_t neg = n.e->negated ? 1 : 0;
    for (size_t i = 0; i < in.rows; ++i) {
        bool an = a->is_null(i), bn = b->is_null(i);
        bool distinct = an != bn || (!an && !bn && !eq->bools()[i]);
        out->bools()[i] = static_cast<uint8_t>(distinct) ^ neg;
    }
    return out;
}

column_ptr eval_in(const compiled_node& n, const batch& in, row_errors& errors) {
    column_ptr a = n.children[0]->fn(*n.children[0], in, errors);
    std::vector<uint8_t> found(in.rows, 0), saw_null(in.rows, 0);
    for (size_t i = 0; i < in.rows; ++i)
        saw_null[i] = a->is_null(i);
    for (size_t k = 1; k < n.children.size(); ++k) {
        column_ptr b = n.children[k]->fn(*n.children[k], in, errors);
        column_ptr eq = equal_columns(n, a, b, in.rows, errors);
        const uint8_t* eb = eq->bools();
        for (size_t i = 0; i < in.rows; ++i) {
            found[i] |= eb[i]; // NULL rows hold 0
            saw_null[i] |= eq->is_null(i);
        }
    }
    auto out = new_column(columnar::type_id::boolean, in.rows);
    uint8_t neg = n.e->negated ? 1 : 0;
    for (size_t i = 0; i < in.rows; ++i) {
        if (found[i]) {
            out->bools()[i] = 1 ^ neg;
        } else if (saw_null[i]) {
            out->set_null(i);
        } else {
            out->bools()[i] = neg;
        }
    }
    return out;
}

column_ptr eval_like(const compiled_node& n, const batch& in, row_errors& errors) {
    column_ptr s = n.children[0]->fn(*n.children[0], in, errors);
    auto out = new_column(columnar::type_id::boolean, in.rows);
    uint8_t neg = n.e->negated ? 1 : 0;
    uint8_t* ob = out->bools();
    const columnar::string_ref* ss = s->strs();
    if (n.like) {
        const like_matcher& m = *n.like;
        for (size_t i = 0; i < in.rows; ++i)
            ob[i] = static_cast<uint8_t>(m.match(ss[i].view())) ^ neg;
        if (s->has_nulls()) {
            std::memcpy(out->validity_for_write(), s->validity(), in.rows);
            zero_null_slots(*out);
        }
        return out;
    }
    // A pattern computed per row: compiled per row.
    column_ptr p = n.children[1]->fn(*n.children[1], in, errors);
    column_ptr esc =
        n.children.size() > 2 ? n.children[2]->fn(*n.children[2], in, errors) : nullptr;
    for (size_t i = 0; i < in.rows; ++i) {
        if (s->is_null(i) || p->is_null(i) || (esc && esc->is_null(i))) {
            out->set_null(i);
            continue;
        }
        std::string why;
        auto m = like_matcher::compile(p->strs()[i].view(), esc ? esc->strs()[i].view() : "\\",
                                       n.e->case_insensitive, &why);
        if (!m) {
            errors.add(static_cast<uint32_t>(i), sqlstate::invalid_escape, why);
            out->set_null(i);
            continue;
        }
        ob[i] = static_cast<uint8_t>(m->match(ss[i].view())) ^ neg;
    }
    return out;
}

const function_overload* equality_of(const bound_expr& e) {
    return e.function;
}

std::unique_ptr<compiled_node> compile(const bound_expr& e) {
    auto n = std::make_unique<compiled_node>();
    n->e = &e;
    for (const auto& a : e.args) {
        n->children.push_back(compile(*a));
        n->arg_types.push_back(a->type);
        const auto& used = n->children.back()->used_columns;
        n->used_columns.insert(n->used_columns.end(), used.begin(), used.end());
    }
    if (e.kind == expr_kind::column_ref) n->used_columns.push_back(e.column_index);
    std::sort(n->used_columns.begin(), n->used_columns.end());
    n->used_columns.erase(std::unique(n->used_columns.begin(), n->used_columns.end()),
                          n->used_columns.end());
    switch (e.kind) {
    case expr_kind::constant: n->fn = eval_constant; break;
    case expr_kind::column_ref: n->fn = eval_column; break;
    case expr_kind::call:
        n->fn = eval_children_and_run;
        n->kernel = e.function->kernel;
        n->strict = e.function->strict;
        if (e.function->prepare) n->state = e.function->prepare(e.args);
        break;
    case expr_kind::cast:
        n->fn = eval_children_and_run;
        n->kernel = cast_kernel(e.args[0]->type, e.type);
        assert(n->kernel);
        break;
    case expr_kind::and_: n->fn = eval_logic<true>; break;
    case expr_kind::or_: n->fn = eval_logic<false>; break;
    case expr_kind::not_: n->fn = eval_not; break;
    case expr_kind::case_: n->fn = eval_case; break;
    case expr_kind::coalesce: n->fn = eval_coalesce; break;
    case expr_kind::nullif:
        n->fn = eval_nullif;
        n->kernel = equality_of(e)->kernel;
        break;
    case expr_kind::is_null:
    case expr_kind::is_true:
    case expr_kind::is_false: n->fn = eval_is; break;
    case expr_kind::is_distinct_from:
        n->fn = eval_distinct;
        n->kernel = equality_of(e)->kernel;
        break;
    case expr_kind::in_list:
        n->fn = eval_in;
        n->kernel = equality_of(e)->kernel;
        break;
    case expr_kind::like: {
        n->fn = eval_like;
        const bound_expr& p = *e.args[1];
        const bound_expr* esc = e.args.size() > 2 ? e.args[2].get() : nullptr;
        if (p.kind == expr_kind::constant && !p.constant.is_null() &&
            (!esc || (esc->kind == expr_kind::constant && !esc->constant.is_null()))) {
            std::string why;
            n->like = like_matcher::compile(p.constant.as_string(),
                                            esc ? esc->constant.as_string() : "\\",
                                            e.case_insensitive, &why);
        }
        break;
    }
    }
    return n;
}

} // namespace

evaluator::evaluator(bound_expr_ptr e) : _expr(std::move(e)), _root(compile(*_expr)) {}
evaluator::~evaluator() = default;
evaluator::evaluator(evaluator&&) noexcept = default;
evaluator& evaluator::operator=(evaluator&&) noexcept = default;

const data_type& evaluator::type() const {
    return _expr->type;
}

column_ptr evaluator::evaluate(const batch& in, row_errors& errors) const {
    return _root->fn(*_root, in, errors);
}

void evaluator::evaluate_predicate(const batch& in, row_errors& errors,
                                   std::vector<uint32_t>& selected_rows) const {
    selected_rows.clear();
    column_ptr c = evaluate(in, errors);
    const uint8_t* b = c->bools();
    const uint8_t* v = c->validity();
    selected_rows.resize(in.rows);
    size_t n = 0;
    for (size_t i = 0; i < in.rows; ++i) {
        selected_rows[n] = static_cast<uint32_t>(i);
        n += b[i] && (!v || v[i]);
    }
    selected_rows.resize(n);
}

} // namespace spate::expr
