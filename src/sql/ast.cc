// Canonical SQL printing of the syntax tree. Operators are fully parenthesised so that the
// printed text re-parses to the same tree whatever the precedence.

#include "sql/ast.h"

#include "sql/parser_internal.h"

#include <array>

#include <fmt/format.h>

namespace spate::sql {

namespace {

// Non-reserved words that still change how the parser reads a name in some position; quoted
// when printed as identifiers so that the output never depends on that position.
constexpr std::array contextual_words = {
    "array",    "date",      "descriptor",  "escape",    "exists",    "extract",   "filter",
    "first",    "following", "interval",    "last",      "nulls",     "over",      "partition",
    "position", "preceding", "range",       "rows",      "row",       "substring", "system_time",
    "time",     "timestamp", "timestamptz", "trim",      "unbounded", "unknown",   "values",
    "current",  "of",        "recursive",   "watermark", "asc",       "desc",
};

bool is_plain_word(std::string_view s) {
    if (s.empty()) return false;
    if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) {
            return false;
        }
    }
    return true;
}

std::string quote_string(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    out += '\'';
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::string name_sql(const qualified_name& n) {
    std::string out;
    for (size_t i = 0; i < n.size(); ++i) {
        if (i) out += '.';
        out += quote_identifier(n[i]);
    }
    return out;
}

std::string identifier_list(const std::vector<std::string>& names) {
    std::string out = "(";
    for (size_t i = 0; i < names.size(); ++i) {
        if (i) out += ", ";
        out += quote_identifier(names[i]);
    }
    return out + ")";
}

/// The printer: appends to one string. Recursion is bounded by the parser's depth limit.
class printer {
public:
    std::string out;

    void expr(const sql::expr& e);
    void query(const sql::query& q);
    void body(const query_body& b);
    void table(const table_ref& t);
    void order_by(const std::vector<order_item>& items);
    void window(const window_spec& w);
    void exprs(const std::vector<expr_ptr>& list) {
        for (size_t i = 0; i < list.size(); ++i) {
            if (i) out += ", ";
            expr(*list[i]);
        }
    }

private:
    void literal(const literal_expr& l);
    void call(const function_call_expr& f);
    void bound(const frame_bound& b);
    void select(const select_core& s);
    void alias(const table_ref& t);
};

void printer::literal(const literal_expr& l) {
    switch (l.lit) {
    case literal_kind::null: out += "NULL"; break;
    case literal_kind::boolean: out += l.bool_value ? "TRUE" : "FALSE"; break;
    case literal_kind::integer: out += std::to_string(l.int_value); break;
    case literal_kind::numeric: out += l.text; break;
    case literal_kind::string: out += quote_string(l.text); break;
    }
}

void printer::expr(const sql::expr& e) {
    switch (e.kind) {
    case expr_kind::literal: literal(e.as<literal_expr>()); break;
    case expr_kind::typed_literal: {
        const auto& t = e.as<typed_literal_expr>();
        out += upper(t.type.name) + " " + quote_string(t.value);
        if (!t.leading_field.empty()) out += " " + upper(t.leading_field);
        if (!t.trailing_field.empty()) out += " TO " + upper(t.trailing_field);
        break;
    }
    case expr_kind::column_ref: out += name_sql(e.as<column_ref_expr>().names); break;
    case expr_kind::star: {
        const auto& s = e.as<star_expr>();
        if (!s.qualifier.empty()) out += name_sql(s.qualifier) + ".";
        out += "*";
        break;
    }
    case expr_kind::parameter: out += fmt::format("${}", e.as<parameter_expr>().index); break;
    case expr_kind::unary: {
        const auto& u = e.as<unary_expr>();
        out += u.op == unary_op::minus ? "(- " : u.op == unary_op::plus ? "(+ " : "(NOT ";
        expr(*u.operand);
        out += ")";
        break;
    }
    case expr_kind::binary: {
        const auto& b = e.as<binary_expr>();
        out += "(";
        expr(*b.left);
        out += fmt::format(" {} ", binary_op_sql(b.op));
        expr(*b.right);
        if (b.escape) {
            out += " ESCAPE ";
            expr(*b.escape);
        }
        out += ")";
        break;
    }
    case expr_kind::is_test: {
        const auto& i = e.as<is_expr>();
        out += "(";
        expr(*i.operand);
        out += i.negated ? " IS NOT " : " IS ";
        out += i.test == is_test_kind::null     ? "NULL"
               : i.test == is_test_kind::true_  ? "TRUE"
               : i.test == is_test_kind::false_ ? "FALSE"
                                                : "UNKNOWN";
        out += ")";
        break;
    }
    case expr_kind::between: {
        const auto& b = e.as<between_expr>();
        out += "(";
        expr(*b.operand);
        out += b.negated ? " NOT BETWEEN " : " BETWEEN ";
        if (b.symmetric) out += "SYMMETRIC ";
        expr(*b.low);
        out += " AND ";
        expr(*b.high);
        out += ")";
        break;
    }
    case expr_kind::in_list: {
        const auto& i = e.as<in_list_expr>();
        out += "(";
        expr(*i.operand);
        out += i.negated ? " NOT IN (" : " IN (";
        exprs(i.list);
        out += "))";
        break;
    }
    case expr_kind::in_subquery: {
        const auto& i = e.as<in_subquery_expr>();
        out += "(";
        expr(*i.operand);
        out += i.negated ? " NOT IN (" : " IN (";
        query(*i.subquery);
        out += "))";
        break;
    }
    case expr_kind::exists:
        out += "EXISTS (";
        query(*e.as<exists_expr>().subquery);
        out += ")";
        break;
    case expr_kind::subquery:
        out += "(";
        query(*e.as<subquery_expr>().subquery);
        out += ")";
        break;
    case expr_kind::case_when: {
        const auto& c = e.as<case_expr>();
        out += "CASE";
        if (c.operand) {
            out += " ";
            expr(*c.operand);
        }
        for (const when_clause& w : c.whens) {
            out += " WHEN ";
            expr(*w.condition);
            out += " THEN ";
            expr(*w.result);
        }
        if (c.else_result) {
            out += " ELSE ";
            expr(*c.else_result);
        }
        out += " END";
        break;
    }
    case expr_kind::cast: {
        const auto& c = e.as<cast_expr>();
        out += "CAST(";
        expr(*c.operand);
        out += " AS " + to_sql(c.type) + ")";
        break;
    }
    case expr_kind::function_call: call(e.as<function_call_expr>()); break;
    case expr_kind::array:
        out += "ARRAY[";
        exprs(e.as<array_expr>().elements);
        out += "]";
        break;
    case expr_kind::subscript: {
        const auto& s = e.as<subscript_expr>();
        expr(*s.operand);
        out += "[";
        expr(*s.index);
        out += "]";
        break;
    }
    }
}

void printer::call(const function_call_expr& f) {
    if (f.name.size() == 1 && f.args.empty() && !f.star && !f.distinct && !f.filter && !f.over &&
        f.over_name.empty() && f.order_by.empty() &&
        (f.name[0] == "current_date" || f.name[0] == "current_timestamp" ||
         f.name[0] == "current_time" || f.name[0] == "localtimestamp" ||
         f.name[0] == "localtime")) {
        out += upper(f.name[0]);
        return;
    }
    out += name_sql(f.name) + "(";
    if (f.star) out += "*";
    if (f.distinct) out += "DISTINCT ";
    for (size_t i = 0; i < f.args.size(); ++i) {
        if (i) out += ", ";
        if (!f.args[i].name.empty()) out += quote_identifier(f.args[i].name) + " => ";
        expr(*f.args[i].value);
    }
    if (!f.order_by.empty()) {
        out += " ORDER BY ";
        order_by(f.order_by);
    }
    out += ")";
    if (f.filter) {
        out += " FILTER (WHERE ";
        expr(*f.filter);
        out += ")";
    }
    if (!f.over_name.empty()) out += " OVER " + quote_identifier(f.over_name);
    if (f.over) {
        out += " OVER (";
        window(*f.over);
        out += ")";
    }
}

void printer::order_by(const std::vector<order_item>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        expr(*items[i].value);
        if (items[i].descending) out += " DESC";
        if (items[i].nulls == nulls_order::first) out += " NULLS FIRST";
        if (items[i].nulls == nulls_order::last) out += " NULLS LAST";
    }
}

void printer::bound(const frame_bound& b) {
    switch (b.kind) {
    case frame_bound_kind::unbounded_preceding: out += "UNBOUNDED PRECEDING"; break;
    case frame_bound_kind::unbounded_following: out += "UNBOUNDED FOLLOWING"; break;
    case frame_bound_kind::current_row: out += "CURRENT ROW"; break;
    case frame_bound_kind::preceding:
        expr(*b.offset);
        out += " PRECEDING";
        break;
    case frame_bound_kind::following:
        expr(*b.offset);
        out += " FOLLOWING";
        break;
    }
}

void printer::window(const window_spec& w) {
    std::string sep;
    if (!w.base_name.empty()) {
        out += quote_identifier(w.base_name);
        sep = " ";
    }
    if (!w.partition_by.empty()) {
        out += sep + "PARTITION BY ";
        exprs(w.partition_by);
        sep = " ";
    }
    if (!w.order_by.empty()) {
        out += sep + "ORDER BY ";
        order_by(w.order_by);
        sep = " ";
    }
    if (w.frame) {
        out += sep + (w.frame->unit == frame_unit::rows ? "ROWS BETWEEN " : "RANGE BETWEEN ");
        bound(w.frame->start);
        out += " AND ";
        bound(w.frame->end);
    }
}

void printer::query(const sql::query& q) {
    if (!q.with.empty()) {
        out += "WITH ";
        for (size_t i = 0; i < q.with.size(); ++i) {
            if (i) out += ", ";
            out += quote_identifier(q.with[i].name);
            if (!q.with[i].column_aliases.empty()) {
                out += " " + identifier_list(q.with[i].column_aliases);
            }
            out += " AS (";
            query(*q.with[i].subquery);
            out += ")";
        }
        out += " ";
    }
    body(*q.body);
    if (!q.order_by.empty()) {
        out += " ORDER BY ";
        order_by(q.order_by);
    }
    if (q.limit) {
        out += " LIMIT ";
        expr(*q.limit);
    }
    if (q.offset) {
        out += " OFFSET ";
        expr(*q.offset);
    }
}

void printer::body(const query_body& b) {
    switch (b.kind) {
    case query_body_kind::select: select(b.as<select_core>()); break;
    case query_body_kind::values: {
        const auto& v = b.as<values_body>();
        out += "VALUES ";
        for (size_t i = 0; i < v.rows.size(); ++i) {
            if (i) out += ", ";
            out += "(";
            exprs(v.rows[i]);
            out += ")";
        }
        break;
    }
    case query_body_kind::set_operation: {
        const auto& s = b.as<set_operation_body>();
        auto side = [&](const query_body& child) {
            bool parens = child.kind == query_body_kind::set_operation;
            if (parens) out += "(";
            body(child);
            if (parens) out += ")";
        };
        side(*s.left);
        out += s.op == set_op::union_      ? " UNION "
               : s.op == set_op::intersect ? " INTERSECT "
                                           : " EXCEPT ";
        if (s.all) out += "ALL ";
        side(*s.right);
        break;
    }
    case query_body_kind::nested:
        out += "(";
        query(*b.as<nested_query_body>().subquery);
        out += ")";
        break;
    }
}

void printer::select(const select_core& s) {
    out += "SELECT ";
    if (s.distinct) {
        out += "DISTINCT ";
        if (!s.distinct_on.empty()) {
            out += "ON (";
            exprs(s.distinct_on);
            out += ") ";
        }
    }
    for (size_t i = 0; i < s.items.size(); ++i) {
        if (i) out += ", ";
        expr(*s.items[i].value);
        if (!s.items[i].alias.empty()) out += " AS " + quote_identifier(s.items[i].alias);
    }
    if (!s.from.empty()) {
        out += " FROM ";
        for (size_t i = 0; i < s.from.size(); ++i) {
            if (i) out += ", ";
            table(*s.from[i]);
        }
    }
    if (s.where) {
        out += " WHERE ";
        expr(*s.where);
    }
    if (!s.group_by.empty()) {
        out += " GROUP BY ";
        exprs(s.group_by);
    }
    if (s.having) {
        out += " HAVING ";
        expr(*s.having);
    }
    if (!s.windows.empty()) {
        out += " WINDOW ";
        for (size_t i = 0; i < s.windows.size(); ++i) {
            if (i) out += ", ";
            out += quote_identifier(s.windows[i].name) + " AS (";
            window(s.windows[i].spec);
            out += ")";
        }
    }
    if (s.qualify) {
        out += " QUALIFY ";
        expr(*s.qualify);
    }
}

void printer::alias(const table_ref& t) {
    if (t.alias.empty()) return;
    out += " AS " + quote_identifier(t.alias);
    if (!t.column_aliases.empty()) out += " " + identifier_list(t.column_aliases);
}

void printer::table(const table_ref& t) {
    switch (t.kind) {
    case table_ref_kind::named: {
        const auto& n = t.as<named_table_ref>();
        out += name_sql(n.name);
        if (n.system_time_as_of) {
            out += " FOR SYSTEM_TIME AS OF ";
            expr(*n.system_time_as_of);
        }
        break;
    }
    case table_ref_kind::subquery:
        out += "(";
        query(*t.as<subquery_table_ref>().subquery);
        out += ")";
        break;
    case table_ref_kind::function: {
        const auto& f = t.as<function_table_ref>();
        out += name_sql(f.name) + "(";
        for (size_t i = 0; i < f.args.size(); ++i) {
            const table_arg& a = f.args[i];
            if (i) out += ", ";
            if (!a.name.empty()) out += quote_identifier(a.name) + " => ";
            switch (a.kind) {
            case table_arg_kind::value: expr(*a.value); break;
            case table_arg_kind::table: out += "TABLE " + name_sql(a.table_name); break;
            case table_arg_kind::descriptor:
                out += "DESCRIPTOR" + identifier_list(a.columns);
                break;
            }
        }
        out += ")";
        break;
    }
    case table_ref_kind::file: out += quote_string(t.as<file_table_ref>().path); break;
    case table_ref_kind::join: {
        const auto& j = t.as<join_table_ref>();
        if (!j.alias.empty()) out += "(";
        table(*j.left);
        switch (j.type) {
        case join_type::inner: out += " JOIN "; break;
        case join_type::left: out += " LEFT JOIN "; break;
        case join_type::right: out += " RIGHT JOIN "; break;
        case join_type::full: out += " FULL JOIN "; break;
        case join_type::cross: out += " CROSS JOIN "; break;
        }
        bool parens = j.right->kind == table_ref_kind::join && j.right->alias.empty();
        if (parens) out += "(";
        table(*j.right);
        if (parens) out += ")";
        if (j.condition) {
            out += " ON ";
            expr(*j.condition);
        }
        if (!j.using_columns.empty()) out += " USING " + identifier_list(j.using_columns);
        if (!j.alias.empty()) out += ")";
        break;
    }
    }
    alias(t);
}

} // namespace

const char* binary_op_sql(binary_op op) {
    switch (op) {
    case binary_op::add: return "+";
    case binary_op::sub: return "-";
    case binary_op::mul: return "*";
    case binary_op::div: return "/";
    case binary_op::mod: return "%";
    case binary_op::pow: return "^";
    case binary_op::concat: return "||";
    case binary_op::eq: return "=";
    case binary_op::ne: return "<>";
    case binary_op::lt: return "<";
    case binary_op::le: return "<=";
    case binary_op::gt: return ">";
    case binary_op::ge: return ">=";
    case binary_op::and_: return "AND";
    case binary_op::or_: return "OR";
    case binary_op::like: return "LIKE";
    case binary_op::not_like: return "NOT LIKE";
    case binary_op::ilike: return "ILIKE";
    case binary_op::not_ilike: return "NOT ILIKE";
    case binary_op::json_get: return "->";
    case binary_op::json_get_text: return "->>";
    case binary_op::json_path: return "#>";
    case binary_op::json_path_text: return "#>>";
    case binary_op::regex_match: return "~";
    case binary_op::regex_imatch: return "~*";
    case binary_op::not_regex_match: return "!~";
    case binary_op::not_regex_imatch: return "!~*";
    case binary_op::is_distinct_from: return "IS DISTINCT FROM";
    case binary_op::is_not_distinct_from: return "IS NOT DISTINCT FROM";
    }
    return "?";
}

std::string quote_identifier(std::string_view name) {
    bool plain = is_plain_word(name) && !is_reserved_word(name);
    for (const char* w : contextual_words) {
        if (name == w) plain = false;
    }
    if (plain) return std::string(name);
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string to_sql(const type_name& t) {
    std::string out = is_plain_word(t.name) ? t.name : quote_identifier(t.name);
    if (!t.params.empty()) {
        out += "(";
        for (size_t i = 0; i < t.params.size(); ++i) {
            if (i) out += ", ";
            out += std::to_string(t.params[i]);
        }
        out += ")";
    }
    return out;
}

std::string to_sql(const expr& e) {
    printer p;
    p.expr(e);
    return std::move(p.out);
}

std::string to_sql(const query& q) {
    printer p;
    p.query(q);
    return std::move(p.out);
}

} // namespace spate::sql
