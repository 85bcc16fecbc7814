#include "expr/bound_expr.h"

#include "expr/function_registry.h"

#include <fmt/format.h>

namespace spate::expr {

namespace {

std::string constant_text(const columnar::value& v) {
    if (v.is_null()) return "NULL";
    std::string s = v.to_string();
    switch (v.type.id) {
    case columnar::type_id::varchar:
    case columnar::type_id::json: {
        std::string q = "'";
        for (char c : s) {
            if (c == '\'') q += '\'';
            q += c;
        }
        q += '\'';
        if (v.type.id == columnar::type_id::json) q += "::json";
        return q;
    }
    case columnar::type_id::boolean: return v.as_bool() ? "true" : "false";
    case columnar::type_id::timestamp: return fmt::format("TIMESTAMP '{}'", s);
    case columnar::type_id::interval: return fmt::format("INTERVAL '{}'", s);
    default: return s;
    }
}

std::string join_args(const bound_expr& e, size_t from = 0) {
    std::string out;
    for (size_t i = from; i < e.args.size(); ++i) {
        if (i > from) out += ", ";
        out += e.args[i]->to_string();
    }
    return out;
}

bool is_alpha_name(const std::string& n) {
    return !n.empty() && (std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_');
}

} // namespace

std::string bound_expr::to_string() const {
    const char* neg = negated ? "NOT " : "";
    switch (kind) {
    case expr_kind::constant: return constant_text(constant);
    case expr_kind::column_ref:
        return column_name.empty() ? fmt::format("${}", column_index + 1) : column_name;
    case expr_kind::call:
        if (function->is_operator && !is_alpha_name(function->name)) {
            if (args.size() == 1)
                return fmt::format("({}{})", function->name, args[0]->to_string());
            return fmt::format("({} {} {})", args[0]->to_string(), function->name,
                               args[1]->to_string());
        }
        return fmt::format("{}({})", function->name, join_args(*this));
    case expr_kind::cast:
        return fmt::format("CAST({} AS {})", args[0]->to_string(), type.to_string());
    case expr_kind::and_:
        return fmt::format("({} AND {})", args[0]->to_string(), args[1]->to_string());
    case expr_kind::or_:
        return fmt::format("({} OR {})", args[0]->to_string(), args[1]->to_string());
    case expr_kind::not_: return fmt::format("(NOT {})", args[0]->to_string());
    case expr_kind::case_: {
        std::string out = "CASE";
        size_t pairs = (args.size() - (has_else ? 1 : 0)) / 2;
        for (size_t i = 0; i < pairs; ++i)
            out += fmt::format(" WHEN {} THEN {}", args[2 * i]->to_string(),
                               args[2 * i + 1]->to_string());
        if (has_else) out += fmt::format(" ELSE {}", args.back()->to_string());
        return out + " END";
    }
    case expr_kind::coalesce: return fmt::format("COALESCE({})", join_args(*this));
    case expr_kind::nullif:
        return fmt::format("NULLIF({}, {})", args[0]->to_string(), args[1]->to_string());
    case expr_kind::is_null: return fmt::format("({} IS {}NULL)", args[0]->to_string(), neg);
    case expr_kind::is_true: return fmt::format("({} IS {}TRUE)", args[0]->to_string(), neg);
    case expr_kind::is_false: return fmt::format("({} IS {}FALSE)", args[0]->to_string(), neg);
    case expr_kind::is_distinct_from:
        return fmt::format("({} IS {}DISTINCT FROM {})", args[0]->to_string(), neg,
                           args[1]->to_string());
    case expr_kind::in_list:
        return fmt::format("({} {}IN ({}))", args[0]->to_string(), neg, join_args(*this, 1));
    case expr_kind::like: {
        std::string out = fmt::format("({} {}{} {}", args[0]->to_string(), neg,
                                      case_insensitive ? "ILIKE" : "LIKE", args[1]->to_string());
        if (args.size() > 2) out += fmt::format(" ESCAPE {}", args[2]->to_string());
        return out + ")";
    }
    }
    return "?";
}

bool bound_expr::equals(const bound_expr& o) const {
    if (this == &o) return true;
    if (kind != o.kind || type != o.type || negated != o.negated ||
        case_insensitive != o.case_insensitive || has_else != o.has_else ||
        function != o.function || args.size() != o.args.size())
        return false;
    if (kind == expr_kind::constant && !(constant == o.constant)) return false;
    if (kind == expr_kind::column_ref && column_index != o.column_index) return false;
    for (size_t i = 0; i < args.size(); ++i)
        if (!args[i]->equals(*o.args[i])) return false;
    return true;
}

bool bound_expr::is_constant_foldable() const {
    if (kind == expr_kind::column_ref) return false;
    if (kind == expr_kind::call && !function->deterministic) return false;
    for (const auto& a : args)
        if (!a->is_constant_foldable()) return false;
    return true;
}

bound_expr_ptr make_constant(columnar::value v) {
    auto e = std::make_shared<bound_expr>();
    e->kind = expr_kind::constant;
    e->type = v.type;
    e->constant = std::move(v);
    return e;
}

bound_expr_ptr make_typed_constant(columnar::value v) {
    auto e = std::const_pointer_cast<bound_expr>(make_constant(std::move(v)));
    e->typed = true;
    return e;
}

bound_expr_ptr make_column_ref(uint32_t index, columnar::data_type type, std::string name) {
    auto e = std::make_shared<bound_expr>();
    e->kind = expr_kind::column_ref;
    e->type = type;
    e->column_index = index;
    e->column_name = std::move(name);
    return e;
}

} // namespace spate::expr
