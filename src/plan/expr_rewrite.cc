#include "plan/expr_rewrite.h"

#include "expr/binder_support.h"
#include "expr/function_registry.h"

namespace spate::plan::detail {

using expr::bound_expr_ptr;
using expr::expr_kind;

void collect_columns(const expr::bound_expr& e, std::vector<uint8_t>& used) {
    if (e.kind == expr_kind::column_ref && e.column_index < used.size()) used[e.column_index] = 1;
    for (const auto& a : e.args)
        collect_columns(*a, used);
}

bound_expr_ptr remap_columns(const bound_expr_ptr& e, const std::vector<uint32_t>& map) {
    if (e->kind == expr_kind::column_ref) {
        auto c = std::make_shared<expr::bound_expr>(*e);
        c->column_index = map[e->column_index];
        return c;
    }
    if (e->args.empty()) return e;
    auto c = std::make_shared<expr::bound_expr>(*e);
    for (auto& a : c->args)
        a = remap_columns(a, map);
    return c;
}

void split_conjuncts(const bound_expr_ptr& e, std::vector<bound_expr_ptr>& out) {
    if (!e) return;
    if (e->kind == expr_kind::and_) {
        for (const auto& a : e->args)
            split_conjuncts(a, out);
        return;
    }
    out.push_back(e);
}

bound_expr_ptr conjunction(const std::vector<bound_expr_ptr>& parts) {
    bound_expr_ptr out;
    for (const auto& p : parts)
        out = out ? expr::make_and(out, p) : p;
    return out;
}

namespace {

void sides_of(const expr::bound_expr& e, uint32_t left_width, int& sides) {
    if (e.kind == expr_kind::column_ref) sides |= e.column_index < left_width ? 1 : 2;
    for (const auto& a : e.args)
        sides_of(*a, left_width, sides);
}

bool is_call(const expr::bound_expr& e, std::string_view name) {
    return e.kind == expr_kind::call && e.function && e.function->name == name;
}

/// `column`, `column + k`, `column - k` or `k + column` with k a constant interval.
struct shifted_column {
    uint32_t column = 0;
    int64_t shift_ms = 0;
};

std::optional<int64_t> constant_interval(const expr::bound_expr& e) {
    if (e.kind != expr_kind::constant || e.type.id != columnar::type_id::interval ||
        e.constant.is_null())
        return std::nullopt;
    return e.constant.as_i64();
}

std::optional<shifted_column> as_shifted_column(const expr::bound_expr& e) {
    if (e.kind == expr_kind::column_ref && e.type.id == columnar::type_id::timestamp)
        return shifted_column{e.column_index, 0};
    if (e.args.size() != 2) return std::nullopt;
    const auto& a = *e.args[0];
    const auto& b = *e.args[1];
    if (is_call(e, "+") || is_call(e, "-")) {
        int sign = is_call(e, "+") ? 1 : -1;
        if (a.kind == expr_kind::column_ref && a.type.id == columnar::type_id::timestamp)
            if (auto k = constant_interval(b)) return shifted_column{a.column_index, sign * *k};
        if (sign == 1 && b.kind == expr_kind::column_ref &&
            b.type.id == columnar::type_id::timestamp)
            if (auto k = constant_interval(a)) return shifted_column{b.column_index, *k};
    }
    return std::nullopt;
}

} // namespace

int sides_read(const expr::bound_expr& e, uint32_t left_width) {
    int sides = 0;
    sides_of(e, left_width, sides);
    return sides;
}

std::optional<equi_pair> as_equi_pair(const bound_expr_ptr& c, uint32_t left_width) {
    if (!is_call(*c, "=") || c->args.size() != 2) return std::nullopt;
    int a = sides_read(*c->args[0], left_width);
    int b = sides_read(*c->args[1], left_width);
    if (a == 1 && b == 2) return equi_pair{c->args[0], c->args[1]};
    if (a == 2 && b == 1) return equi_pair{c->args[1], c->args[0]};
    return std::nullopt;
}

std::optional<time_bound> as_time_bound(const bound_expr_ptr& c, uint32_t left_width) {
    if (c->kind != expr_kind::call || !c->function || c->args.size() != 2) return std::nullopt;
    const std::string& op = c->function->name;
    bool greater = op == ">=" || op == ">";
    bool less = op == "<=" || op == "<";
    if (!greater && !less) return std::nullopt;
    auto x = as_shifted_column(*c->args[0]);
    auto y = as_shifted_column(*c->args[1]);
    if (!x || !y) return std::nullopt;
    bool x_left = x->column < left_width, y_left = y->column < left_width;
    if (x_left == y_left) return std::nullopt;
    if (!x_left) {
        // Written right OP left: turn it round.
        std::swap(x, y);
        std::swap(greater, less);
    }
    // left + xs OP right + ys  <=>  left - right OP ys - xs
    int64_t d = y->shift_ms - x->shift_ms;
    time_bound t;
    t.left_column = x->column;
    t.right_column = y->column;
    if (greater)
        t.min_diff = d;
    else
        t.max_diff = d;
    return t;
}

} // namespace spate::plan::detail
