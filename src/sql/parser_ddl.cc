// Statements other than queries: CREATE, DROP, SHOW, DESCRIBE, EXPLAIN, INSERT, COPY, SET...

#include "sql/parser_internal.h"

namespace spate::sql {

namespace {

bool accept_if_not_exists(parser& p) {
    if (!p.at_kw("if")) return false;
    p.advance();
    p.expect_kw("not");
    p.expect_kw("exists");
    return true;
}

} // namespace

statement_ptr parser::parse_create() {
    source_pos pos = advance().pos;
    if (accept_kw("source")) return parse_create_source(statement_kind::create_source, pos);
    if (accept_kw("table")) return parse_create_source(statement_kind::create_table, pos);
    if (accept_kw("view")) return parse_create_view(statement_kind::create_view, pos);
    if (accept_kw("materialized")) {
        expect_kw("view");
        return parse_create_view(statement_kind::create_materialized_view, pos);
    }
    if (accept_kw("sink")) return parse_create_sink(pos);
    fail("SOURCE, TABLE, VIEW, MATERIALIZED VIEW or SINK after CREATE");
}

statement_ptr parser::parse_create_source(statement_kind kind, source_pos pos) {
    auto s = std::make_unique<create_source_statement>(kind, pos);
    s->if_not_exists = accept_if_not_exists(*this);
    s->name = parse_qualified_name(kind == statement_kind::create_source ? "a source name"
                                                                         : "a table name");
    if (accept(token_kind::lparen)) {
        do {
            source_pos epos = cur().pos;
            if (accept_kw("check")) {
                expect(token_kind::lparen, "\"(\" after CHECK");
                s->checks.push_back(parse_expr());
                expect(token_kind::rparen, "\")\"");
            } else if (at_kw("watermark") && peek().is("for")) {
                advance();
                advance();
                watermark_def w;
                w.pos = epos;
                w.column = parse_identifier("a column name");
                expect_kw("as");
                w.value = parse_expr();
                s->watermarks.push_back(std::move(w));
            } else if (accept_kw("primary")) {
                expect_kw("key");
                if (!s->primary_key.empty()) {
                    fail_at(_tokens[_i - 2], "one PRIMARY KEY only");
                }
                s->primary_key = parse_identifier_list();
            } else {
                column_def c;
                c.pos = epos;
                c.name = parse_identifier("a column definition or constraint");
                c.type = parse_type();
                for (;;) {
                    if (at_kw("not") && peek().is("null")) {
                        advance();
                        advance();
                        c.not_null = true;
                    } else if (accept_kw("null")) {
                        c.not_null = false;
                    } else if (accept_kw("check")) {
                        expect(token_kind::lparen, "\"(\" after CHECK");
                        c.check = parse_expr();
                        expect(token_kind::rparen, "\")\"");
                    } else if (at_kw("primary")) {
                        advance();
                        expect_kw("key");
                        if (!s->primary_key.empty())
                            fail_at(_tokens[_i - 2], "one PRIMARY KEY only");
                        c.primary_key = true;
                        s->primary_key.push_back(c.name);
                    } else {
                        break;
                    }
                }
                s->columns.push_back(std::move(c));
            }
        } while (accept(token_kind::comma));
        expect(token_kind::rparen, "\",\" or \")\"");
    }
    if (accept_kw("with")) s->options = parse_options(true);
    return s;
}

statement_ptr parser::parse_create_view(statement_kind kind, source_pos pos) {
    auto v = std::make_unique<create_view_statement>(kind, pos);
    v->if_not_exists = accept_if_not_exists(*this);
    v->name = parse_qualified_name("a view name");
    if (at(token_kind::lparen)) v->column_aliases = parse_identifier_list();
    if (accept_kw("with")) v->options = parse_options(true);
    expect_kw("as");
    if (!at_query_start()) fail("a query");
    v->query_offset = cur().pos.offset;
    v->body = parse_query();
    v->query_length = prev_end() - v->query_offset;
    return v;
}

statement_ptr parser::parse_create_sink(source_pos pos) {
    auto s = std::make_unique<create_sink_statement>(pos);
    s->if_not_exists = accept_if_not_exists(*this);
    s->name = parse_qualified_name("a sink name");
    bool options = false;
    for (;;) {
        if (s->from.empty() && !s->body && accept_kw("from")) {
            s->from = parse_qualified_name("the relation the sink reads");
        } else if (s->from.empty() && !s->body && accept_kw("as")) {
            if (!at_query_start()) fail("a query");
            s->body = parse_query();
        } else if (!options && accept_kw("with")) {
            s->options = parse_options(true);
            options = true;
        } else {
            break;
        }
    }
    if (s->from.empty() && !s->body) fail("FROM relation or AS query");
    if (!options) fail("WITH (options)");
    return s;
}

std::vector<with_option> parser::parse_options(bool require_equals) {
    std::vector<with_option> out;
    expect(token_kind::lparen, "\"(\"");
    do {
        with_option o;
        o.pos = cur().pos;
        if (at(token_kind::string)) {
            o.key = advance().text;
        } else {
            o.key = parse_label();
            while (accept(token_kind::dot)) {
                o.key += '.';
                o.key += parse_label();
            }
        }
        bool eq = accept(token_kind::eq);
        if (!eq && require_equals) fail("\"=\"");
        bool negative = false;
        if (!eq && (at(token_kind::comma) || at(token_kind::rparen))) {
            o.kind = option_value_kind::boolean;
            o.value = "true";
        } else if (at(token_kind::string)) {
            o.kind = option_value_kind::string;
            o.value = advance().text;
        } else if ((negative = accept(token_kind::minus)) || at(token_kind::integer) ||
                   at(token_kind::number)) {
            if (!at(token_kind::integer) && !at(token_kind::number)) fail("a number");
            o.kind = option_value_kind::number;
            o.value = (negative ? "-" : "") + advance().text;
        } else if (at_kw("true") || at_kw("false") || at_kw("on") || at_kw("off")) {
            o.kind = option_value_kind::boolean;
            const token& t = advance();
            o.value = (t.is("true") || t.is("on")) ? "true" : "false";
        } else if (at(token_kind::word) || at(token_kind::quoted_ident)) {
            o.kind = option_value_kind::identifier;
            o.value = advance().text;
        } else {
            fail("an option value (a string, number, boolean or name)");
        }
        out.push_back(std::move(o));
    } while (accept(token_kind::comma));
    expect(token_kind::rparen, "\",\" or \")\"");
    return out;
}

object_kind parser::parse_object_kind() {
    if (accept_kw("source")) return object_kind::source;
    if (accept_kw("table")) return object_kind::table;
    if (accept_kw("view")) return object_kind::view;
    if (accept_kw("sink")) return object_kind::sink;
    if (accept_kw("materialized")) {
        expect_kw("view");
        return object_kind::materialized_view;
    }
    fail("SOURCE, TABLE, VIEW, MATERIALIZED VIEW or SINK");
}

statement_ptr parser::parse_drop() {
    auto d = std::make_unique<drop_statement>(advance().pos);
    d->object = parse_object_kind();
    if (accept_kw("if")) {
        expect_kw("exists");
        d->if_exists = true;
    }
    do {
        d->names.push_back(parse_qualified_name());
    } while (accept(token_kind::comma));
    if (accept_kw("cascade"))
        d->cascade = true;
    else
        accept_kw("restrict");
    return d;
}

statement_ptr parser::parse_show() {
    auto s = std::make_unique<show_statement>(advance().pos);
    if (at_kw("sources") || at_kw("views") || at_kw("sinks") || at_kw("tables")) {
        const token& t = advance();
        s->what = t.is("sources") ? show_kind::sources
                  : t.is("views") ? show_kind::views
                  : t.is("sinks") ? show_kind::sinks
                                  : show_kind::tables;
    } else if (at_kw("materialized") && peek().is("views")) {
        advance();
        advance();
        s->what = show_kind::materialized_views;
    } else if (at_kw("all") &&
               (peek().kind == token_kind::end || peek().kind == token_kind::semicolon)) {
        advance();
        s->what = show_kind::all;
    } else if (at_kw("columns") && (peek().is("from") || peek().is("in"))) {
        advance();
        advance();
        s->what = show_kind::columns;
        s->name = parse_qualified_name();
    } else if (at_kw("create")) {
        advance();
        s->what = show_kind::create;
        s->object = parse_object_kind();
        s->name = parse_qualified_name();
    } else {
        s->what = show_kind::variable;
        if (!at(token_kind::word) && !at(token_kind::quoted_ident)) fail("what to show");
        while (at(token_kind::word) || at(token_kind::quoted_ident) || at(token_kind::dot)) {
            const token& t = advance();
            if (!s->variable.empty() && t.kind != token_kind::dot && s->variable.back() != '.') {
                s->variable += ' ';
            }
            s->variable += t.kind == token_kind::dot ? std::string(".") : t.text;
        }
    }
    return s;
}

statement_ptr parser::parse_describe() {
    auto d = std::make_unique<describe_statement>(advance().pos);
    d->name = parse_qualified_name();
    return d;
}

statement_ptr parser::parse_explain() {
    auto e = std::make_unique<explain_statement>(advance().pos);
    if (at(token_kind::lparen) && !at_parenthesised_query()) {
        e->options = parse_options(false);
        for (const with_option& o : e->options) {
            if (o.key == "analyze" || o.key == "analyse") e->analyze = o.value != "false";
            if (o.key == "verbose") e->verbose = o.value != "false";
        }
    } else {
        if (accept_kw("analyze") || accept_kw("analyse")) e->analyze = true;
        if (accept_kw("verbose")) e->verbose = true;
    }
    if (!at_query_start() && !at_kw("create") && !at_kw("insert")) {
        fail("a query or a CREATE or INSERT statement to explain");
    }
    e->target = parse_statement();
    return e;
}

statement_ptr parser::parse_insert() {
    auto i = std::make_unique<insert_statement>(advance().pos);
    expect_kw("into");
    i->table = parse_qualified_name("a table name");
    if (at(token_kind::lparen) && !at_parenthesised_query()) i->columns = parse_identifier_list();
    if (!at_query_start()) fail("a query or VALUES");
    i->body = parse_query();
    return i;
}

statement_ptr parser::parse_copy() {
    auto c = std::make_unique<copy_statement>(advance().pos);
    if (at(token_kind::lparen)) {
        advance();
        if (!at_query_start()) fail("a query");
        c->body = parse_query();
        expect(token_kind::rparen, "\")\"");
        expect_kw("to");
        c->to = true;
    } else {
        c->table = parse_qualified_name("a table name or \"(\" query \")\"");
        if (at(token_kind::lparen)) c->columns = parse_identifier_list();
        if (accept_kw("to"))
            c->to = true;
        else if (accept_kw("from"))
            c->to = false;
        else
            fail("TO or FROM");
    }
    if (!at(token_kind::string)) fail("a file name string");
    c->file = advance().text;
    accept_kw("with");
    if (at(token_kind::lparen)) c->options = parse_options(false);
    return c;
}

statement_ptr parser::parse_session(session_kind kind) {
    auto s = std::make_unique<session_statement>(cur().pos);
    s->what = kind;
    uint32_t begin = cur().pos.offset;
    advance();
    if (kind == session_kind::set || kind == session_kind::reset) {
        if (accept_kw("session") || accept_kw("local")) {
        }
        if (at(token_kind::word) || at(token_kind::quoted_ident)) {
            s->name = cur().text;
            while (peek().kind == token_kind::dot &&
                   (peek(2).kind == token_kind::word || peek(2).kind == token_kind::quoted_ident)) {
                advance();
                advance();
                s->name += '.';
                s->name += cur().text;
            }
        } else {
            fail("a setting name");
        }
    }
    while (!at_end() && !at(token_kind::semicolon))
        advance();
    s->text = std::string(_sql.substr(begin, prev_end() - begin));
    return s;
}

} // namespace spate::sql
