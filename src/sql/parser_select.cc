// Queries: WITH, set operations, SELECT, VALUES, ORDER BY / LIMIT / OFFSET / FETCH, FROM.

#include "sql/parser_internal.h"

namespace spate::sql {

bool parser::at_query_start() const {
    return at_kw("select") || at_kw("with") || at_kw("values") || at_parenthesised_query();
}

bool parser::at_parenthesised_query() const {
    size_t n = 0;
    while (peek(n).kind == token_kind::lparen)
        ++n;
    if (n == 0) return false;
    const token& t = peek(n);
    return t.is("select") || t.is("with") || t.is("values");
}

query_ptr parser::try_query_before_rparen() {
    size_t saved = _i;
    int depth = _depth;
    try {
        query_ptr q = parse_query();
        if (at(token_kind::rparen)) return q;
    } catch (const too_complex_error&) {
        throw;
    } catch (const sql_error&) {
    }
    _i = saved;
    _depth = depth;
    return nullptr;
}

query_ptr parser::parse_query() {
    depth_guard g(*this);
    auto q = std::make_unique<query>();
    q->pos = cur().pos;
    if (accept_kw("with")) {
        if (at_kw("recursive"))
            throw not_supported_error("WITH RECURSIVE is not supported", cur().pos);
        do {
            cte c;
            c.pos = cur().pos;
            c.name = parse_identifier("a name for the WITH query");
            if (at(token_kind::lparen)) c.column_aliases = parse_identifier_list();
            expect_kw("as");
            expect(token_kind::lparen, "\"(\"");
            if (!at_query_start()) fail("a query");
            c.subquery = parse_query();
            expect(token_kind::rparen, "\")\"");
            q->with.push_back(std::move(c));
        } while (accept(token_kind::comma));
    }
    q->body = parse_set_expr();
    if (accept_kw("order")) {
        expect_kw("by");
        q->order_by = parse_order_by_list();
    }
    bool seen_limit = false;
    bool seen_offset = false;
    for (;;) {
        if (!seen_limit && at_kw("limit")) {
            advance();
            seen_limit = true;
            if (!accept_kw("all")) q->limit = parse_expr();
        } else if (!seen_offset && at_kw("offset")) {
            advance();
            seen_offset = true;
            q->offset = parse_expr();
            if (!accept_kw("rows")) accept_kw("row");
        } else if (!seen_limit && at_kw("fetch")) {
            advance();
            seen_limit = true;
            if (!accept_kw("first") && !accept_kw("next")) fail("FIRST or NEXT");
            if (at_kw("row") || at_kw("rows")) {
                q->limit = make_integer_literal(1, cur().pos);
            } else {
                q->limit = parse_other_op();
            }
            if (!accept_kw("rows") && !accept_kw("row")) fail("ROWS");
            expect_kw("only");
        } else {
            break;
        }
    }
    return q;
}

query_body_ptr parser::parse_set_expr() {
    depth_guard g(*this);
    query_body_ptr left = parse_set_term();
    while (at_kw("union") || at_kw("except")) {
        source_pos pos = cur().pos;
        set_op op = advance().is("union") ? set_op::union_ : set_op::except;
        g.bump();
        auto s = std::make_unique<set_operation_body>(pos);
        s->op = op;
        if (accept_kw("all"))
            s->all = true;
        else
            accept_kw("distinct");
        s->left = std::move(left);
        s->right = parse_set_term();
        left = std::move(s);
    }
    return left;
}

query_body_ptr parser::parse_set_term() {
    depth_guard g(*this, false);
    query_body_ptr left = parse_set_primary();
    while (at_kw("intersect")) {
        source_pos pos = advance().pos;
        g.bump();
        auto s = std::make_unique<set_operation_body>(pos);
        s->op = set_op::intersect;
        if (accept_kw("all"))
            s->all = true;
        else
            accept_kw("distinct");
        s->left = std::move(left);
        s->right = parse_set_primary();
        left = std::move(s);
    }
    return left;
}

query_body_ptr parser::parse_set_primary() {
    if (at_kw("select")) return parse_select_core();
    if (at_kw("values")) return parse_values();
    if (at(token_kind::lparen)) {
        source_pos pos = advance().pos;
        if (!at_query_start()) fail("a query");
        query_ptr q = parse_query();
        expect(token_kind::rparen, "\")\"");
        if (q->with.empty() && q->order_by.empty() && !q->limit && !q->offset) {
            return std::move(q->body);
        }
        auto n = std::make_unique<nested_query_body>(pos);
        n->subquery = std::move(q);
        return n;
    }
    fail("SELECT, VALUES or \"(\"");
}

query_body_ptr parser::parse_values() {
    auto v = std::make_unique<values_body>(advance().pos);
    do {
        expect(token_kind::lparen, "\"(\" starting a VALUES row");
        v->rows.push_back(parse_expr_list());
        expect(token_kind::rparen, "\",\" or \")\"");
    } while (accept(token_kind::comma));
    return v;
}

query_body_ptr parser::parse_select_core() {
    auto s = std::make_unique<select_core>(advance().pos);
    if (accept_kw("distinct")) {
        s->distinct = true;
        if (accept_kw("on")) {
            expect(token_kind::lparen, "\"(\" after DISTINCT ON");
            s->distinct_on = parse_expr_list();
            expect(token_kind::rparen, "\",\" or \")\"");
        }
    } else {
        accept_kw("all");
    }
    do {
        select_item item;
        item.pos = cur().pos;
        if (at(token_kind::star)) {
            item.value = std::make_unique<star_expr>(advance().pos);
        } else {
            item.value = parse_expr();
            if (accept_kw("as")) {
                item.alias = parse_label();
            } else if (at_identifier()) {
                item.alias = advance().text;
            }
        }
        s->items.push_back(std::move(item));
    } while (accept(token_kind::comma));
    if (accept_kw("from")) {
        do {
            s->from.push_back(parse_table_ref());
        } while (accept(token_kind::comma));
    }
    if (accept_kw("where")) s->where = parse_expr();
    if (accept_kw("group")) {
        expect_kw("by");
        s->group_by = parse_expr_list();
    }
    if (accept_kw("having")) s->having = parse_expr();
    for (;;) {
        if (s->windows.empty() && accept_kw("window")) {
            do {
                named_window w;
                w.pos = cur().pos;
                w.name = parse_identifier("a window name");
                expect_kw("as");
                std::unique_ptr<window_spec> spec = parse_window_spec_parens();
                w.spec = std::move(*spec);
                s->windows.push_back(std::move(w));
            } while (accept(token_kind::comma));
        } else if (!s->qualify && accept_kw("qualify")) {
            s->qualify = parse_expr();
        } else {
            break;
        }
    }
    return s;
}

table_ref_ptr parser::parse_table_ref() {
    depth_guard g(*this);
    table_ref_ptr left = parse_table_primary();
    for (;;) {
        source_pos pos = cur().pos;
        join_type type;
        if (accept_kw("cross")) {
            expect_kw("join");
            type = join_type::cross;
        } else if (accept_kw("join")) {
            type = join_type::inner;
        } else if (accept_kw("inner")) {
            expect_kw("join");
            type = join_type::inner;
        } else if (at_kw("left") || at_kw("right") || at_kw("full")) {
            const token& t = advance();
            type = t.is("left")    ? join_type::left
                   : t.is("right") ? join_type::right
                                   : join_type::full;
            accept_kw("outer");
            expect_kw("join");
        } else if (at_kw("natural")) {
            throw not_supported_error("NATURAL JOIN is not supported", cur().pos,
                                      "Name the join columns with USING (...).");
        } else {
            return left;
        }
        g.bump();
        auto j = std::make_unique<join_table_ref>(pos);
        j->type = type;
        j->left = std::move(left);
        j->right = parse_table_primary();
        if (type != join_type::cross) {
            if (accept_kw("on")) {
                j->condition = parse_expr();
            } else if (accept_kw("using")) {
                j->using_columns = parse_identifier_list();
            } else {
                fail("ON or USING");
            }
        }
        left = std::move(j);
    }
}

table_ref_ptr parser::parse_table_primary() {
    depth_guard g(*this);
    source_pos pos = cur().pos;
    table_ref_ptr t;
    query_ptr sub;
    if (at_parenthesised_query()) {
        if (peek().kind == token_kind::lparen) {
            advance();
            sub = try_query_before_rparen();
            if (!sub) --_i; // back to the "(" for the parenthesised FROM item below
        } else {
            advance();
            sub = parse_query();
        }
    }
    if (sub) {
        auto s = std::make_unique<subquery_table_ref>(pos);
        s->subquery = std::move(sub);
        expect(token_kind::rparen, "\")\"");
        t = std::move(s);
    } else if (at(token_kind::lparen)) {
        advance();
        t = parse_table_ref();
        expect(token_kind::rparen, "\")\"");
        if (t->kind == table_ref_kind::join || !t->alias.empty()) {
            // A parenthesised join keeps its own alias, if any.
            if (t->alias.empty()) parse_table_alias(*t);
            return t;
        }
    } else if (at(token_kind::string)) {
        auto f = std::make_unique<file_table_ref>(pos);
        f->path = advance().text;
        t = std::move(f);
    } else if (at_kw("table") && peek().kind == token_kind::lparen) {
        // Flink's FROM TABLE(f(...)).
        advance();
        advance();
        source_pos fpos = cur().pos;
        qualified_name name = parse_qualified_name("a table function");
        if (!at(token_kind::lparen)) fail("\"(\" after the table function's name");
        auto f = std::make_unique<function_table_ref>(fpos);
        f->name = std::move(name);
        advance();
        if (!at(token_kind::rparen)) {
            do {
                f->args.push_back(parse_table_arg());
            } while (accept(token_kind::comma));
        }
        expect(token_kind::rparen, "\",\" or \")\"");
        expect(token_kind::rparen, "\")\"");
        t = std::move(f);
    } else {
        qualified_name name = parse_qualified_name("a table name");
        if (accept(token_kind::lparen)) {
            auto f = std::make_unique<function_table_ref>(pos);
            f->name = std::move(name);
            if (!at(token_kind::rparen)) {
                do {
                    f->args.push_back(parse_table_arg());
                } while (accept(token_kind::comma));
            }
            expect(token_kind::rparen, "\",\" or \")\"");
            t = std::move(f);
        } else {
            auto n = std::make_unique<named_table_ref>(pos);
            n->name = std::move(name);
            if (accept_kw("for")) {
                if (!accept_kw("system_time")) fail("SYSTEM_TIME");
                expect_kw("as");
                expect_kw("of");
                n->system_time_as_of = parse_other_op();
            }
            t = std::move(n);
        }
    }
    parse_table_alias(*t);
    return t;
}

void parser::parse_table_alias(table_ref& t) {
    if (accept_kw("as")) {
        t.alias = parse_identifier("an alias");
    } else if (at_identifier()) {
        t.alias = advance().text;
    } else {
        return;
    }
    if (at(token_kind::lparen)) t.column_aliases = parse_identifier_list();
}

table_arg parser::parse_table_arg() {
    table_arg a;
    a.pos = cur().pos;
    if ((at(token_kind::word) || at(token_kind::quoted_ident)) &&
        peek().kind == token_kind::fat_arrow) {
        a.name = advance().text;
        advance();
    }
    if (at_kw("table")) {
        advance();
        a.kind = table_arg_kind::table;
        a.table_name = parse_qualified_name("a table name after TABLE");
    } else if (at_kw("descriptor") && peek().kind == token_kind::lparen) {
        advance();
        a.kind = table_arg_kind::descriptor;
        a.columns = parse_identifier_list();
    } else {
        a.kind = table_arg_kind::value;
        a.value = parse_expr();
    }
    return a;
}

} // namespace spate::sql
