#include "expr/binder_support.h"

#include "expr/evaluator.h"
#include "expr/function_registry.h"
#include "expr/functions_internal.h"
#include "expr/like.h"

#include "columnar/text_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <climits>

namespace spate::expr {

using columnar::data_type;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_literal_string(const bound_expr& e) {
    return e.kind == expr_kind::constant && e.type.id == type_id::varchar && !e.typed &&
           !e.constant.is_null();
}
bool is_untyped(const bound_expr& e) {
    return e.type.id == type_id::null || is_literal_string(e);
}

std::string arg_type_name(const bound_expr& e) {
    return is_literal_string(e) ? "unknown" : type_name(e.type);
}

int numeric_rank(type_id t) {
    switch (t) {
    case type_id::int32: return 1;
    case type_id::int64: return 2;
    case type_id::decimal: return 3;
    case type_id::float64: return 4;
    default: return 0;
    }
}

// Integer digits a type needs when it becomes a decimal.
int int_digits(data_type t) {
    switch (t.id) {
    case type_id::int32: return 10;
    case type_id::int64: return 18;
    case type_id::decimal: return t.precision - t.scale;
    default: return 18;
    }
}

// Scale of a decimal literal's text ("12.50" -> 2).
int literal_scale(std::string_view s) {
    size_t dot = s.find('.');
    if (dot == std::string_view::npos) return 0;
    size_t n = 0;
    for (size_t i = dot + 1; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i)
        ++n;
    return static_cast<int>(std::min<size_t>(n, 18));
}

bound_expr_ptr try_fold(const bound_expr_ptr& e);

// Whether a literal string reads as a value of type p ('1 hour' as an interval, not as a
// timestamp).
bool literal_converts(const bound_expr& a, type_id p) {
    data_type t = p;
    if (p == type_id::decimal)
        t = data_type::decimal(18, static_cast<uint8_t>(literal_scale(a.constant.as_string())));
    auto lit = make_constant(a.constant);
    auto e = std::make_shared<bound_expr>();
    e->kind = expr_kind::cast;
    e->type = t;
    e->args = {lit};
    return try_fold(e)->kind == expr_kind::constant;
}

// The cost of passing `a` as a parameter of type `p` (-1: not without an explicit cast).
int implicit_cost(const bound_expr& a, type_id p, bool any_as_text) {
    type_id t = a.type.id;
    if (any_as_text) return t == type_id::varchar ? 0 : 1;
    if (t == p) return 0;
    if (t == type_id::null) return 1;
    if (is_literal_string(a)) {
        if (!cast_kernel(a.type, data_type(p))) return -1;
        // A literal that reads as the parameter's type is preferred by far.
        return literal_converts(a, p) ? 2 : 12;
    }
    int from = numeric_rank(t), to = numeric_rank(p);
    if (from && to && to > from) return to - from;
    return -1;
}

// The exact type an argument of type `a` becomes for parameter `p`.
data_type param_type(const bound_expr& a, type_id p, bool any_as_text) {
    if (any_as_text) return type_id::varchar;
    if (p != type_id::decimal) return p;
    if (a.type.id == type_id::decimal) return a.type;
    if (is_literal_string(a))
        return data_type::decimal(18, static_cast<uint8_t>(literal_scale(a.constant.as_string())));
    if (a.type.id == type_id::null) return data_type::decimal(18, 0);
    return data_type::decimal(static_cast<uint8_t>(int_digits(a.type)), 0);
}

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
        prev.swap(cur);
    }
    return prev[b.size()];
}

[[noreturn]] void no_match(std::string_view name, const std::vector<bound_expr_ptr>& args,
                           bool known, bool is_operator) {
    std::string hint =
        "No function matches the given name and argument types. You might need to add explicit "
        "type casts.";
    if (is_operator) {
        std::string msg;
        if (args.size() == 1)
            msg = fmt::format("operator does not exist: {} {}", name, arg_type_name(*args[0]));
        else
            msg = fmt::format("operator does not exist: {} {} {}", arg_type_name(*args[0]), name,
                              arg_type_name(*args[1]));
        throw bind_error(std::string(sqlstate::undefined_function), msg,
                         "No operator matches the given name and argument types. You might need "
                         "to add explicit type casts.");
    }
    std::string types;
    for (size_t i = 0; i < args.size(); ++i)
        types += (i ? ", " : "") + arg_type_name(*args[i]);
    if (!known) {
        std::vector<std::string> similar;
        for (const auto& n : function_registry::instance().names()) {
            size_t limit = name.size() <= 4 ? 1 : 2;
            if (edit_distance(name, n) <= limit) similar.push_back(n);
        }
        if (!similar.empty()) {
            hint = "Perhaps you meant ";
            for (size_t i = 0; i < similar.size(); ++i)
                hint += (i ? ", " : "") + similar[i];
            hint += "?";
        }
    }
    throw bind_error(std::string(sqlstate::undefined_function),
                     fmt::format("function {}({}) does not exist", name, types), hint);
}

bool is_operator_name(std::string_view n) {
    return !n.empty() && !std::isalpha(static_cast<unsigned char>(n[0])) && n[0] != '_';
}

// A literal that does not read as the type it must take: Postgres reports it at once.
[[noreturn]] void literal_failure(const bound_expr_ptr& cast) {
    evaluator ev(cast);
    columnar::batch one;
    one.rows = 1;
    row_errors errors;
    ev.evaluate(one, errors);
    const row_error* e = errors.first();
    throw bind_error(e ? e->sqlstate : std::string(sqlstate::invalid_text),
                     e ? e->message : "invalid literal");
}

struct resolved {
    const function_overload* f = nullptr;
    std::vector<bound_expr_ptr> args;
};

resolved resolve(const std::string& name, std::vector<bound_expr_ptr> args) {
    auto overloads = function_registry::instance().lookup(name);
    const function_overload* best = nullptr;
    int best_cost = INT_MAX;
    // Postgres: when one of two arguments is an untyped literal, first assume it has the type
    // of the other (so ts - '2024-01-01' is timestamp - timestamp, not timestamp - interval).
    if (args.size() == 2 && is_untyped(*args[0]) != is_untyped(*args[1])) {
        type_id known = is_untyped(*args[0]) ? args[1]->type.id : args[0]->type.id;
        for (const function_overload* f : overloads)
            if (!f->variadic && !f->any_as_text && f->params.size() == 2 && f->params[0] == known &&
                f->params[1] == known && implicit_cost(*args[0], known, false) >= 0 &&
                implicit_cost(*args[1], known, false) >= 0 &&
                implicit_cost(*args[0], known, false) + implicit_cost(*args[1], known, false) <
                    10) {
                best = f;
                best_cost = 0;
                break;
            }
    }
    for (const function_overload* f : overloads) {
        if (best_cost == 0) break;
        size_t np = f->params.size();
        if (f->variadic ? args.size() + 1 < np : args.size() != np) continue;
        int cost = 0;
        for (size_t i = 0; i < args.size() && cost >= 0; ++i) {
            type_id p = f->params[std::min(i, np - 1)];
            int c = implicit_cost(*args[i], p, f->any_as_text);
            cost = c < 0 ? -1 : cost + c;
        }
        if (cost >= 0 && cost < best_cost) best = f, best_cost = cost;
    }
    if (!best) no_match(name, args, !overloads.empty(), is_operator_name(name));
    for (size_t i = 0; i < args.size(); ++i) {
        type_id p = best->params[std::min(i, best->params.size() - 1)];
        bool literal = is_literal_string(*args[i]);
        // concat and concat_ws print a boolean in its output form, t or f (concat(true) is
        // 't'), where the cast to text, and so ||, gives 'true'.
        if (best->any_as_text && args[i]->type.id == type_id::boolean &&
            (name == "concat" || name == "concat_ws"))
            args[i] = make_case({args[i], make_not(args[i])},
                                {make_constant(columnar::value::string("t")),
                                 make_constant(columnar::value::string("f"))},
                                nullptr);
        args[i] = coerce(args[i], param_type(*args[i], p, best->any_as_text));
        if (literal && args[i]->kind != expr_kind::constant) literal_failure(args[i]);
    }
    return {best, std::move(args)};
}

// Arithmetic and comparison on two decimals work on equal scales.
bool aligns_decimal_scales(std::string_view name) {
    static constexpr std::string_view ops[] = {"+", "-",  "%", "=",  "<>",
                                               "<", "<=", ">", ">=", "mod"};
    return std::find(std::begin(ops), std::end(ops), name) != std::end(ops);
}

std::shared_ptr<bound_expr> node(expr_kind k, data_type t, std::vector<bound_expr_ptr> args) {
    auto e = std::make_shared<bound_expr>();
    e->kind = k;
    e->type = t;
    e->args = std::move(args);
    return e;
}

// Evaluates a constant expression once; nullptr when it fails (left for run time).
bound_expr_ptr try_fold(const bound_expr_ptr& e) {
    if (!e->is_constant_foldable()) return e;
    evaluator ev(e);
    columnar::batch one;
    one.rows = 1;
    row_errors errors;
    auto c = ev.evaluate(one, errors);
    if (!errors.empty()) return e;
    return make_typed_constant(columnar::value_at(*c, 0));
}

data_type common_of(std::vector<bound_expr_ptr>& args, std::string_view context) {
    data_type t = type_id::null;
    bool any_typed = false;
    for (const auto& a : args)
        if (!is_untyped(*a)) {
            t = any_typed ? common_type(t, a->type, context) : a->type;
            any_typed = true;
        }
    if (!any_typed) {
        bool any_string = std::any_of(args.begin(), args.end(),
                                      [](const auto& a) { return is_literal_string(*a); });
        t = any_string ? data_type(type_id::varchar) : data_type(type_id::null);
    }
    for (auto& a : args) {
        bool literal = is_literal_string(*a);
        a = coerce(a, t);
        if (literal && a->kind != expr_kind::constant) literal_failure(a);
    }
    return t;
}

const function_overload* equality_for(data_type t) {
    type_id id = t.id == type_id::null ? type_id::boolean : t.id;
    for (const function_overload* f : function_registry::instance().lookup("="))
        if (f->params[0] == id && f->params[1] == id) return f;
    throw bind_error(
        std::string(sqlstate::undefined_function),
        fmt::format("could not identify an equality operator for type {}", type_name(t)));
}

bound_expr_ptr as_boolean(bound_expr_ptr e, std::string_view what) {
    if (e->type.id == type_id::boolean) return e;
    if (is_untyped(*e)) return coerce(std::move(e), type_id::boolean);
    throw bind_error(
        std::string(sqlstate::datatype_mismatch),
        fmt::format("argument of {} must be type boolean, not type {}", what, type_name(e->type)));
}

bound_expr_ptr as_string(bound_expr_ptr e, std::string_view op) {
    if (e->type.id == type_id::varchar) return e;
    if (e->type.id == type_id::null) return coerce(std::move(e), type_id::varchar);
    throw bind_error(std::string(sqlstate::undefined_function),
                     fmt::format("operator does not exist: {} {} text", type_name(e->type), op),
                     "No operator matches the given name and argument types. You might need to "
                     "add explicit type casts.");
}

} // namespace

bound_expr_ptr coerce(bound_expr_ptr e, data_type target) {
    if (e->type == target) return e;
    if (e->kind == expr_kind::constant && e->constant.is_null())
        return make_typed_constant(columnar::value::null(target));
    return make_cast(std::move(e), target);
}

bound_expr_ptr make_cast(bound_expr_ptr e, data_type target) {
    // An explicit cast gives even a quoted literal its type: '1'::varchar = 1 is an error.
    if (e->type == target) return is_literal_string(*e) ? make_typed_constant(e->constant) : e;
    if (e->kind == expr_kind::constant && e->constant.is_null())
        return make_typed_constant(columnar::value::null(target));
    if (!cast_kernel(e->type, target)) {
        std::string hint;
        if (e->type.is_integer() && target.id == type_id::timestamp)
            hint = "Use to_timestamp_ms(bigint) for milliseconds since the epoch or "
                   "to_timestamp(double precision) for seconds.";
        throw bind_error(
            std::string(sqlstate::cannot_coerce),
            fmt::format("cannot cast type {} to {}", type_name(e->type), type_name(target)), hint);
    }
    auto c = node(expr_kind::cast, target, {std::move(e)});
    return try_fold(c);
}

data_type common_type(data_type a, data_type b, std::string_view context) {
    if (a == b) return a;
    if (a.id == type_id::null) return b;
    if (b.id == type_id::null) return a;
    int ra = numeric_rank(a.id), rb = numeric_rank(b.id);
    if (ra && rb) {
        if (a.id == type_id::float64 || b.id == type_id::float64) return type_id::float64;
        if (a.id == type_id::decimal || b.id == type_id::decimal) {
            int scale = std::max(a.id == type_id::decimal ? a.scale : 0,
                                 b.id == type_id::decimal ? b.scale : 0);
            int digits = std::max(int_digits(a), int_digits(b));
            return data_type::decimal(static_cast<uint8_t>(std::min(18, digits + scale)),
                                      static_cast<uint8_t>(scale));
        }
        return ra > rb ? a : b;
    }
    throw bind_error(
        std::string(sqlstate::datatype_mismatch),
        fmt::format("{} types {} and {} cannot be matched", context, type_name(a), type_name(b)));
}

bound_expr_ptr make_call(std::string_view name_in, std::vector<bound_expr_ptr> args) {
    std::string name = lower(name_in);
    if (name == "greatest" || name == "least") {
        if (args.empty()) no_match(name, args, true, false);
        common_of(args, name == "greatest" ? "GREATEST" : "LEAST");
    }
    resolved r = resolve(name, std::move(args));
    if (r.args.size() == 2 && r.args[0]->type.id == type_id::decimal &&
        r.args[1]->type.id == type_id::decimal && r.args[0]->type != r.args[1]->type &&
        aligns_decimal_scales(name)) {
        data_type t = common_type(r.args[0]->type, r.args[1]->type);
        r.args[0] = coerce(r.args[0], t);
        r.args[1] = coerce(r.args[1], t);
    }
    std::vector<data_type> types;
    for (const auto& a : r.args)
        types.push_back(a->type);
    data_type result = r.f->result_type(types);
    if (r.f->prepare) r.f->prepare(r.args); // a bad constant (regex) fails here
    auto e = node(expr_kind::call, result, std::move(r.args));
    e->function = r.f;
    return try_fold(e);
}

bound_expr_ptr make_number_literal(std::string_view text) {
    auto bad = [&](std::string_view state, std::string msg) {
        throw bind_error(std::string(state), std::move(msg));
    };
    size_t digits = 0, after_point = 0;
    bool point = false, exponent = false, ok = !text.empty();
    for (size_t i = 0; i < text.size() && ok; ++i) {
        char ch = text[i];
        if (std::isdigit(static_cast<unsigned char>(ch))) {
            ++digits;
            if (point) ++after_point;
        } else if (ch == '.' && !point && !exponent) {
            point = true;
        } else if ((ch == 'e' || ch == 'E') && digits && !exponent) {
            exponent = true;
            if (i + 1 < text.size() && (text[i + 1] == '+' || text[i + 1] == '-')) ++i;
            ok = i + 1 < text.size();
        } else {
            ok = false;
        }
    }
    if (!ok || !digits)
        bad(sqlstate::invalid_text,
            fmt::format("invalid input syntax for type numeric: \"{}\"", text));
    if (exponent) {
        double d = std::strtod(std::string(text).c_str(), nullptr);
        return make_constant(columnar::value::float64(d));
    }
    if (!point) {
        int64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc() && end == text.data() + text.size())
            return make_constant(v <= INT32_MAX ? columnar::value::int64(v, type_id::int32)
                                                : columnar::value::int64(v));
    }
    // Significant digits: leading zeros do not count.
    size_t lead = 0;
    while (lead < text.size() && (text[lead] == '0' || text[lead] == '.'))
        ++lead;
    size_t significant = 0;
    for (size_t i = lead; i < text.size(); ++i)
        significant += std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    size_t integer_digits = significant > after_point ? significant - after_point : 0;
    if (integer_digits + after_point > 18 || after_point > 18)
        bad(sqlstate::numeric_out_of_range,
            fmt::format("numeric literal {} has more than 18 digits", text));
    auto v = columnar::parse_decimal(text, static_cast<int>(after_point));
    if (!v)
        bad(sqlstate::numeric_out_of_range,
            fmt::format("numeric literal {} has more than 18 digits", text));
    int p = static_cast<int>(std::max<size_t>(integer_digits + after_point, after_point));
    return make_constant(
        columnar::value::int64(*v, data_type::decimal(static_cast<uint8_t>(std::max(p, 1)),
                                                      static_cast<uint8_t>(after_point))));
}

bound_expr_ptr make_and(bound_expr_ptr a, bound_expr_ptr b) {
    return node(expr_kind::and_, type_id::boolean,
                {as_boolean(std::move(a), "AND"), as_boolean(std::move(b), "AND")});
}
bound_expr_ptr make_or(bound_expr_ptr a, bound_expr_ptr b) {
    return node(expr_kind::or_, type_id::boolean,
                {as_boolean(std::move(a), "OR"), as_boolean(std::move(b), "OR")});
}
bound_expr_ptr make_not(bound_expr_ptr a) {
    return node(expr_kind::not_, type_id::boolean, {as_boolean(std::move(a), "NOT")});
}

bound_expr_ptr make_case(std::vector<bound_expr_ptr> whens, std::vector<bound_expr_ptr> thens,
                         bound_expr_ptr else_expr) {
    std::vector<bound_expr_ptr> values = thens;
    if (else_expr) values.push_back(else_expr);
    data_type t = common_of(values, "CASE");
    std::vector<bound_expr_ptr> args;
    for (size_t i = 0; i < whens.size(); ++i) {
        args.push_back(as_boolean(whens[i], "CASE/WHEN"));
        args.push_back(values[i]);
    }
    if (else_expr) args.push_back(values.back());
    auto e = node(expr_kind::case_, t, std::move(args));
    e->has_else = else_expr != nullptr;
    return e;
}

bound_expr_ptr make_coalesce(std::vector<bound_expr_ptr> args) {
    data_type t = common_of(args, "COALESCE");
    return node(expr_kind::coalesce, t, std::move(args));
}

bound_expr_ptr make_nullif(bound_expr_ptr a, bound_expr_ptr b) {
    std::vector<bound_expr_ptr> args{std::move(a), std::move(b)};
    data_type t = common_of(args, "NULLIF");
    auto e = node(expr_kind::nullif, t, std::move(args));
    e->function = equality_for(t);
    return e;
}

bound_expr_ptr make_is_null(bound_expr_ptr a, bool negated) {
    auto e = node(expr_kind::is_null, type_id::boolean, {std::move(a)});
    e->negated = negated;
    return e;
}

bound_expr_ptr make_is_bool(bound_expr_ptr a, bool want_true, bool negated) {
    auto e = node(want_true ? expr_kind::is_true : expr_kind::is_false, type_id::boolean,
                  {as_boolean(std::move(a), want_true ? "IS TRUE" : "IS FALSE")});
    e->negated = negated;
    return e;
}

bound_expr_ptr make_is_distinct_from(bound_expr_ptr a, bound_expr_ptr b, bool negated) {
    std::vector<bound_expr_ptr> args{std::move(a), std::move(b)};
    data_type t = common_of(args, "IS DISTINCT FROM");
    auto e = node(expr_kind::is_distinct_from, type_id::boolean, std::move(args));
    e->function = equality_for(t);
    e->negated = negated;
    return e;
}

bound_expr_ptr make_in_list(bound_expr_ptr a, std::vector<bound_expr_ptr> list, bool negated) {
    std::vector<bound_expr_ptr> args{std::move(a)};
    for (auto& x : list)
        args.push_back(std::move(x));
    data_type t = common_of(args, "IN");
    auto e = node(expr_kind::in_list, type_id::boolean, std::move(args));
    e->function = equality_for(t);
    e->negated = negated;
    return e;
}

bound_expr_ptr make_like(bound_expr_ptr s, bound_expr_ptr pattern, bound_expr_ptr escape,
                         bool case_insensitive, bool negated) {
    const char* op = case_insensitive ? "~~*" : "~~";
    std::vector<bound_expr_ptr> args{as_string(std::move(s), op),
                                     as_string(std::move(pattern), op)};
    if (escape) args.push_back(as_string(std::move(escape), op));
    const bound_expr& p = *args[1];
    const bound_expr* esc = args.size() > 2 ? args[2].get() : nullptr;
    if (p.kind == expr_kind::constant && !p.constant.is_null() &&
        (!esc || (esc->kind == expr_kind::constant && !esc->constant.is_null()))) {
        std::string why;
        if (!like_matcher::compile(p.constant.as_string(), esc ? esc->constant.as_string() : "\\",
                                   case_insensitive, &why))
            throw bind_error(std::string(sqlstate::invalid_escape), why);
    }
    auto e = node(expr_kind::like, type_id::boolean, std::move(args));
    e->case_insensitive = case_insensitive;
    e->negated = negated;
    return e;
}

std::vector<std::string> function_names() {
    return function_registry::instance().names();
}

std::vector<std::string> function_signatures() {
    std::vector<std::string> out;
    for (const auto& f : function_registry::instance().all()) {
        if (!f->doc.empty()) {
            out.push_back(f->doc);
            continue;
        }
        std::string params;
        for (size_t i = 0; i < f->params.size(); ++i) {
            params += (i ? ", " : "") +
                      (f->any_as_text ? std::string("any") : type_name(data_type(f->params[i])));
            if (f->variadic && i + 1 == f->params.size()) params += "...";
        }
        std::string result =
            f->result_rule
                ? std::string(f->result.id == type_id::null ? "numeric" : type_name(f->result))
                : type_name(f->result);
        if (f->is_operator && f->params.size() == 2)
            out.push_back(fmt::format("{} {} {} -> {}", type_name(data_type(f->params[0])), f->name,
                                      type_name(data_type(f->params[1])), result));
        else if (f->is_operator)
            out.push_back(fmt::format("{} {} -> {}", f->name, params, result));
        else
            out.push_back(fmt::format("{}({}) -> {}", f->name, params, result));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace spate::expr
