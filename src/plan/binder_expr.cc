// Binding expressions: names to columns, literals to typed constants, operators and calls to
// resolved functions, aggregate calls to the aggregate's outputs.

#include "base/ascii.h"
#include "columnar/text_format.h"
#include "plan/binder_internal.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace spate::plan::detail {

using expr::bound_expr_ptr;
namespace ast = sql;

void fail(std::string_view sqlstate, std::string message, sql::source_pos pos, std::string hint) {
    throw sql::sql_error(std::string(sqlstate), std::move(message), pos, std::move(hint));
}

namespace {

std::string joined(const sql::qualified_name& n) {
    std::string s;
    for (size_t i = 0; i < n.size(); ++i) {
        if (i) s += '.';
        s += n[i];
    }
    return s;
}

const char* binary_symbol(ast::binary_op op) {
    switch (op) {
    case ast::binary_op::add: return "+";
    case ast::binary_op::sub: return "-";
    case ast::binary_op::mul: return "*";
    case ast::binary_op::div: return "/";
    case ast::binary_op::mod: return "%";
    case ast::binary_op::pow: return "power";
    case ast::binary_op::concat: return "||";
    case ast::binary_op::eq: return "=";
    case ast::binary_op::ne: return "<>";
    case ast::binary_op::lt: return "<";
    case ast::binary_op::le: return "<=";
    case ast::binary_op::gt: return ">";
    case ast::binary_op::ge: return ">=";
    case ast::binary_op::json_get: return "->";
    case ast::binary_op::json_get_text: return "->>";
    case ast::binary_op::json_path: return "#>";
    case ast::binary_op::json_path_text: return "#>>";
    case ast::binary_op::regex_match:
    case ast::binary_op::not_regex_match: return "~";
    case ast::binary_op::regex_imatch:
    case ast::binary_op::not_regex_imatch: return "~*";
    default: return "";
    }
}

} // namespace

int64_t constant_interval_ms(const bound_expr_ptr& e, sql::source_pos pos, std::string_view what) {
    if (e->kind != expr::expr_kind::constant || e->constant.is_null())
        fail("42804", fmt::format("{} must be a constant interval", what), pos,
             "Write it as INTERVAL '10' SECOND.");
    if (e->type.id == columnar::type_id::interval) return e->constant.as_i64();
    if (e->type.id == columnar::type_id::varchar) {
        std::string why;
        if (auto ms = columnar::parse_interval(e->constant.as_string(), &why)) return *ms;
        fail("22007",
             fmt::format("{}: invalid interval \"{}\": {}", what, e->constant.as_string(), why),
             pos);
    }
    fail("42804", fmt::format("{} must be an interval, not {}", what, e->type.to_string()), pos);
}

bool expr_binder::contains_aggregate(const sql::expr& e) {
    using K = ast::expr_kind;
    switch (e.kind) {
    case K::function_call: {
        const auto& f = e.as<ast::function_call_expr>();
        if (!f.over && f.over_name.empty() && f.name.size() == 1 &&
            agg::is_aggregate_name(f.name.back()))
            return true;
        for (const auto& a : f.args)
            if (a.value && contains_aggregate(*a.value)) return true;
        return false;
    }
    case K::unary: return contains_aggregate(*e.as<ast::unary_expr>().operand);
    case K::binary: {
        const auto& b = e.as<ast::binary_expr>();
        return contains_aggregate(*b.left) || contains_aggregate(*b.right) ||
               (b.escape && contains_aggregate(*b.escape));
    }
    case K::is_test: return contains_aggregate(*e.as<ast::is_expr>().operand);
    case K::between: {
        const auto& b = e.as<ast::between_expr>();
        return contains_aggregate(*b.operand) || contains_aggregate(*b.low) ||
               contains_aggregate(*b.high);
    }
    case K::in_list: {
        const auto& b = e.as<ast::in_list_expr>();
        if (contains_aggregate(*b.operand)) return true;
        for (const auto& x : b.list)
            if (contains_aggregate(*x)) return true;
        return false;
    }
    case K::case_when: {
        const auto& c = e.as<ast::case_expr>();
        if (c.operand && contains_aggregate(*c.operand)) return true;
        for (const auto& w : c.whens)
            if (contains_aggregate(*w.condition) || contains_aggregate(*w.result)) return true;
        return c.else_result && contains_aggregate(*c.else_result);
    }
    case K::cast: return contains_aggregate(*e.as<ast::cast_expr>().operand);
    case K::subscript: return contains_aggregate(*e.as<ast::subscript_expr>().operand);
    default: return false;
    }
}

std::string expr_binder::default_name(const sql::expr& e) {
    switch (e.kind) {
    case ast::expr_kind::column_ref: return e.as<ast::column_ref_expr>().names.back();
    case ast::expr_kind::function_call: return e.as<ast::function_call_expr>().name.back();
    case ast::expr_kind::cast: return default_name(*e.as<ast::cast_expr>().operand);
    case ast::expr_kind::case_when: return "case";
    default: return "?column?";
    }
}

bound_expr_ptr expr_binder::bind(const sql::expr& e, const scope& s, agg_context* agg) {
    try {
        return bind_node(e, s, agg);
    } catch (const expr::bind_error& err) {
        fail(err.sqlstate, err.message, e.pos, err.hint);
    } catch (const agg::bind_error& err) {
        fail(err.sqlstate, err.message, e.pos, err.hint);
    }
}

bound_expr_ptr expr_binder::bind_column(const ast::column_ref_expr& c, const scope& s) {
    const std::string& name = c.names.back();
    std::string qualifier = c.names.size() >= 2 ? c.names[c.names.size() - 2] : std::string();
    const scope_column* found = nullptr;
    for (const auto& col : s.columns) {
        if (col.hidden || col.name != name) continue;
        if (!qualifier.empty() && col.qualifier != qualifier) continue;
        if (found)
            fail("42702", fmt::format("column reference \"{}\" is ambiguous", joined(c.names)),
                 c.pos);
        found = &col;
    }
    if (!found) {
        // A column named with capitals (a CSV header, a JSON key) is found by its name in any
        // case when no column has the name exactly and only one matches so.
        const scope_column* folded = nullptr;
        bool ambiguous = false;
        for (const auto& col : s.columns) {
            if (col.hidden || !equals_folded(col.name, name)) continue;
            if (!qualifier.empty() && col.qualifier != qualifier) continue;
            if (folded) ambiguous = true;
            folded = &col;
        }
        if (!ambiguous) found = folded;
    }
    if (!found && !qualifier.empty()) {
        bool known = false;
        for (const auto& col : s.columns)
            known = known || col.qualifier == qualifier;
        if (!known)
            fail("42P01", fmt::format("missing FROM-clause entry for table \"{}\"", qualifier),
                 c.pos);
    }
    if (!found) {
        std::vector<std::string> names;
        for (const auto& col : s.columns)
            if (!col.hidden) names.push_back(col.name);
        std::string hint;
        if (auto close = closest_name(name, names))
            hint = fmt::format("Perhaps you meant to reference the column \"{}\".", *close);
        else if (!names.empty()) {
            hint = "Columns here: ";
            for (size_t i = 0; i < names.size() && i < 12; ++i)
                hint += (i ? ", " : "") + names[i];
            hint += ".";
        }
        fail("42703", fmt::format("column \"{}\" does not exist", joined(c.names)), c.pos, hint);
    }
    return expr::make_column_ref(found->index, found->type, found->name);
}

bound_expr_ptr expr_binder::bind_literal(const ast::literal_expr& l) {
    using columnar::value;
    switch (l.lit) {
    case ast::literal_kind::null: return expr::make_constant(value::null());
    case ast::literal_kind::boolean: return expr::make_constant(value::boolean(l.bool_value));
    case ast::literal_kind::integer:
        if (l.int_value >= std::numeric_limits<int32_t>::min() &&
            l.int_value <= std::numeric_limits<int32_t>::max())
            return expr::make_constant(value::int64(l.int_value, columnar::type_id::int32));
        return expr::make_constant(value::int64(l.int_value));
    case ast::literal_kind::numeric: {
        const std::string& t = l.text;
        if (t.find_first_of("eE") == std::string::npos) {
            auto dot = t.find('.');
            int scale = dot == std::string::npos ? 0 : int(t.size() - dot - 1);
            int digits = 0;
            for (char ch : t)
                if (ch >= '0' && ch <= '9') ++digits;
            if (digits <= 18) {
                if (auto v = columnar::parse_decimal(t, scale)) {
                    int precision = std::max(digits, scale);
                    return expr::make_constant(
                        value::int64(*v, columnar::data_type::decimal(
                                             uint8_t(std::max(precision, 1)), uint8_t(scale))));
                }
            }
        }
        double d = 0;
        auto r = std::from_chars(t.data(), t.data() + t.size(), d);
        if (r.ec != std::errc())
            fail("22003", fmt::format("numeric literal {} is out of range", t), l.pos);
        return expr::make_constant(value::float64(d));
    }
    case ast::literal_kind::string: return expr::make_constant(value::string(l.text));
    }
    fail("XX000", "unknown literal", l.pos);
}

bound_expr_ptr expr_binder::bind_typed_literal(const ast::typed_literal_expr& l) {
    using columnar::value;
    const std::string& t = l.type.name;
    if (t == "timestamp" || t == "timestamptz" || t == "date") {
        auto ms = columnar::parse_timestamp(l.value);
        if (!ms)
            fail("22007", fmt::format("invalid input syntax for type timestamp: \"{}\"", l.value),
                 l.pos, "Write timestamps as 'YYYY-MM-DD HH:MM:SS[.fff]'.");
        return expr::make_constant(value::int64(*ms, columnar::type_id::timestamp));
    }
    if (t == "interval") {
        std::string why;
        std::optional<int64_t> ms;
        if (!l.leading_field.empty() && l.trailing_field.empty()) {
            auto unit = columnar::interval_unit_ms(l.leading_field);
            if (!unit)
                fail("0A000",
                     fmt::format("intervals in {} have no fixed length; use days or smaller units",
                                 l.leading_field),
                     l.pos);
            double v = 0;
            auto r = std::from_chars(l.value.data(), l.value.data() + l.value.size(), v);
            if (r.ec == std::errc() && r.ptr == l.value.data() + l.value.size())
                ms = static_cast<int64_t>(v * double(*unit));
            else
                ms = columnar::parse_interval(l.value, &why);
        } else {
            ms = columnar::parse_interval(l.value, &why);
        }
        if (!ms)
            fail("22007",
                 fmt::format("invalid input syntax for type interval: \"{}\": {}", l.value, why),
                 l.pos);
        return expr::make_constant(value::int64(*ms, columnar::type_id::interval));
    }
    auto type = resolve_type(l.type);
    return expr::make_cast(expr::make_constant(value::string(l.value)), type);
}

bound_expr_ptr expr_binder::bind_aggregate(const ast::function_call_expr& f, const scope& s,
                                           agg_context& agg) {
    if (f.over || !f.over_name.empty())
        fail("0A000", "window functions (OVER) are not supported yet", f.pos);
    if (!f.order_by.empty())
        fail("0A000", fmt::format("ORDER BY inside {}(...) is not supported yet", f.name.back()),
             f.order_by[0].pos);
    std::vector<bound_expr_ptr> args;
    std::vector<columnar::data_type> types;
    for (const auto& a : f.args) {
        if (contains_aggregate(*a.value))
            fail("42803", "aggregate function calls cannot be nested", a.value->pos);
        args.push_back(bind(*a.value, s, nullptr));
        types.push_back(args.back()->type);
    }
    bound_expr_ptr filter;
    if (f.filter) {
        if (contains_aggregate(*f.filter))
            fail("42803", "aggregate functions are not allowed in FILTER", f.filter->pos);
        filter = bind(*f.filter, s, nullptr);
        if (filter->type.id != columnar::type_id::boolean &&
            filter->type.id != columnar::type_id::null)
            fail("42804",
                 fmt::format("argument of FILTER must be type boolean, not type {}",
                             filter->type.to_string()),
                 f.filter->pos);
    }
    const std::string& name = f.name.back();
    agg::aggregate_function fn = agg::resolve_aggregate(
        name, types, f.distinct,
        agg.append_only ? agg::input_kind::append_only : agg::input_kind::changelog);
    if (!agg.append_only && !fn.retractable)
        fail("0A000",
             fmt::format("{} cannot take retractions, and its input here is a changelog (the "
                         "result of an aggregate without a window)",
                         name),
             f.pos);
    // The same call twice is computed once.
    for (size_t i = 0; i < agg.calls.size(); ++i) {
        const auto& c = agg.calls[i];
        if (c.name != name || c.fn->distinct != fn.distinct || c.args.size() != args.size())
            continue;
        bool same =
            (c.filter == nullptr) == (filter == nullptr) && (!filter || c.filter->equals(*filter));
        for (size_t k = 0; same && k < args.size(); ++k)
            same = c.args[k]->equals(*args[k]);
        if (same)
            return expr::make_column_ref(uint32_t(agg.keys.size() + i), c.fn->result_type, name);
    }
    auto result_type = fn.result_type;
    agg.calls.push_back({std::make_shared<const agg::aggregate_function>(std::move(fn)),
                         std::move(args), std::move(filter), name});
    return expr::make_column_ref(uint32_t(agg.keys.size() + agg.calls.size() - 1), result_type,
                                 name);
}

bound_expr_ptr expr_binder::bind_call(const ast::function_call_expr& f, const scope& s,
                                      agg_context* agg) {
    const std::string& name = f.name.back();
    if (f.name.size() > 1 && f.name[0] != "pg_catalog")
        fail("42883", fmt::format("function {} does not exist", joined(f.name)), f.pos);
    if (agg::is_aggregate_name(name) && !f.over && f.over_name.empty()) {
        if (!agg)
            fail("42803", fmt::format("aggregate function {} is not allowed here", name), f.pos,
                 "Aggregates belong in the SELECT list or HAVING of a query.");
        return bind_aggregate(f, s, *agg);
    }
    if (f.over || !f.over_name.empty())
        fail("0A000", fmt::format("window function {} (OVER) is not supported yet", name), f.pos);
    if (f.distinct || f.filter || f.star || !f.order_by.empty())
        fail("42809", fmt::format("{} is not an aggregate function", name), f.pos);
    if (name == "current_date" && f.args.empty())
        return expr::make_call("date_trunc", {expr::make_constant(columnar::value::string("day")),
                                              expr::make_call("now", {})});
    std::vector<bound_expr_ptr> args;
    for (const auto& a : f.args) {
        if (!a.name.empty())
            fail("42883", fmt::format("function {} does not take named arguments", name),
                 a.value->pos);
        args.push_back(bind(*a.value, s, agg));
    }
    return expr::make_call(name, std::move(args));
}

bound_expr_ptr expr_binder::bind_node(const sql::expr& e, const scope& s, agg_context* agg) {
    using K = ast::expr_kind;
    if (agg && e.kind != K::literal && e.kind != K::typed_literal && e.kind != K::parameter &&
        !contains_aggregate(e)) {
        // After GROUP BY: an expression of the input is allowed only as a grouping key.
        bound_expr_ptr b = bind(e, s, nullptr);
        for (size_t k = 0; k < agg->keys.size(); ++k)
            if (agg->keys[k]->equals(*b))
                return expr::make_column_ref(
                    uint32_t(k), b->type,
                    b->kind == expr::expr_kind::column_ref ? b->column_name : std::string());
        if (e.kind == K::column_ref)
            fail("42803",
                 fmt::format("column \"{}\" must appear in the GROUP BY clause or be used in an "
                             "aggregate function",
                             joined(e.as<ast::column_ref_expr>().names)),
                 e.pos);
        if (b->is_constant_foldable()) return b;
    }
    switch (e.kind) {
    case K::literal: return bind_literal(e.as<ast::literal_expr>());
    case K::typed_literal: return bind_typed_literal(e.as<ast::typed_literal_expr>());
    case K::column_ref: return bind_column(e.as<ast::column_ref_expr>(), s);
    case K::star: fail("42601", "* is only allowed in a SELECT list or count(*)", e.pos);
    case K::parameter: {
        uint32_t i = e.as<ast::parameter_expr>().index;
        if (i == 0) fail("42P02", "there is no parameter $0", e.pos);
        if (i > _opt.params.size()) return expr::make_constant(columnar::value::null());
        return expr::make_constant(_opt.params[i - 1]);
    }
    case K::unary: {
        const auto& u = e.as<ast::unary_expr>();
        auto x = bind(*u.operand, s, agg);
        if (u.op == ast::unary_op::not_) return expr::make_not(std::move(x));
        if (u.op == ast::unary_op::plus) return x;
        return expr::make_call("-", {std::move(x)});
    }
    case K::binary: {
        const auto& b = e.as<ast::binary_expr>();
        auto l = bind(*b.left, s, agg);
        auto r = bind(*b.right, s, agg);
        switch (b.op) {
        case ast::binary_op::and_: return expr::make_and(std::move(l), std::move(r));
        case ast::binary_op::or_: return expr::make_or(std::move(l), std::move(r));
        case ast::binary_op::like:
        case ast::binary_op::not_like:
        case ast::binary_op::ilike:
        case ast::binary_op::not_ilike: {
            bound_expr_ptr esc = b.escape ? bind(*b.escape, s, agg) : nullptr;
            bool ci = b.op == ast::binary_op::ilike || b.op == ast::binary_op::not_ilike;
            bool neg = b.op == ast::binary_op::not_like || b.op == ast::binary_op::not_ilike;
            return expr::make_like(std::move(l), std::move(r), std::move(esc), ci, neg);
        }
        case ast::binary_op::is_distinct_from:
            return expr::make_is_distinct_from(std::move(l), std::move(r), false);
        case ast::binary_op::is_not_distinct_from:
            return expr::make_is_distinct_from(std::move(l), std::move(r), true);
        case ast::binary_op::not_regex_match:
        case ast::binary_op::not_regex_imatch:
            return expr::make_not(
                expr::make_call(binary_symbol(b.op), {std::move(l), std::move(r)}));
        default: return expr::make_call(binary_symbol(b.op), {std::move(l), std::move(r)});
        }
    }
    case K::is_test: {
        const auto& t = e.as<ast::is_expr>();
        auto x = bind(*t.operand, s, agg);
        switch (t.test) {
        case ast::is_test_kind::null:
        case ast::is_test_kind::unknown: return expr::make_is_null(std::move(x), t.negated);
        case ast::is_test_kind::true_: return expr::make_is_bool(std::move(x), true, t.negated);
        case ast::is_test_kind::false_: return expr::make_is_bool(std::move(x), false, t.negated);
        }
        break;
    }
    case K::between: {
        const auto& b = e.as<ast::between_expr>();
        auto x = bind(*b.operand, s, agg);
        auto lo = bind(*b.low, s, agg);
        auto hi = bind(*b.high, s, agg);
        bound_expr_ptr r;
        if (b.symmetric) {
            auto both = [&](bound_expr_ptr a, bound_expr_ptr c) {
                return expr::make_and(expr::make_call(">=", {x, a}), expr::make_call("<=", {x, c}));
            };
            r = expr::make_or(both(lo, hi), both(hi, lo));
        } else {
            r = expr::make_and(expr::make_call(">=", {x, lo}), expr::make_call("<=", {x, hi}));
        }
        return b.negated ? expr::make_not(std::move(r)) : r;
    }
    case K::in_list: {
        const auto& in = e.as<ast::in_list_expr>();
        auto x = bind(*in.operand, s, agg);
        std::vector<bound_expr_ptr> list;
        for (const auto& v : in.list)
            list.push_back(bind(*v, s, agg));
        return expr::make_in_list(std::move(x), std::move(list), in.negated);
    }
    case K::in_subquery:
    case K::exists:
    case K::subquery: fail("0A000", "subqueries in expressions are not supported yet", e.pos);
    case K::case_when: {
        const auto& c = e.as<ast::case_expr>();
        std::vector<bound_expr_ptr> whens, thens;
        bound_expr_ptr operand = c.operand ? bind(*c.operand, s, agg) : nullptr;
        for (const auto& w : c.whens) {
            auto cond = bind(*w.condition, s, agg);
            if (operand) cond = expr::make_call("=", {operand, std::move(cond)});
            whens.push_back(std::move(cond));
            thens.push_back(bind(*w.result, s, agg));
        }
        bound_expr_ptr els = c.else_result ? bind(*c.else_result, s, agg) : nullptr;
        return expr::make_case(std::move(whens), std::move(thens), std::move(els));
    }
    case K::cast: {
        const auto& c = e.as<ast::cast_expr>();
        auto x = bind(*c.operand, s, agg);
        return expr::make_cast(std::move(x), resolve_type(c.type));
    }
    case K::function_call: {
        const auto& f = e.as<ast::function_call_expr>();
        const std::string& n = f.name.back();
        if (n == "coalesce" || n == "nullif" || n == "greatest" || n == "least") {
            std::vector<bound_expr_ptr> args;
            for (const auto& a : f.args)
                args.push_back(bind(*a.value, s, agg));
            if (n == "coalesce") return expr::make_coalesce(std::move(args));
            if (n == "nullif") {
                if (args.size() != 2) fail("42883", "nullif takes two arguments", f.pos);
                return expr::make_nullif(args[0], args[1]);
            }
            return expr::make_call(n, std::move(args));
        }
        return bind_call(f, s, agg);
    }
    case K::array: fail("0A000", "arrays are not supported yet", e.pos);
    case K::subscript: fail("0A000", "subscripts are not supported yet; use -> for JSON", e.pos);
    }
    fail("XX000", "unsupported expression", e.pos);
}

} // namespace spate::plan::detail
