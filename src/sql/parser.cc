#include "sql/parser.h"

#include "sql/parser_internal.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace spate::sql {

namespace {

// Postgres' reserved words, plus the join words and a few of spate's clause words (QUALIFY).
constexpr std::array reserved_words = {
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "between",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "inner",
    "intersect",
    "into",
    "is",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "primary",
    "qualify",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
};

} // namespace

bool is_reserved_word(std::string_view word) {
    return std::find(reserved_words.begin(), reserved_words.end(), word) != reserved_words.end();
}

parser::parser(std::string_view sql) : _sql(sql), _tokens(tokenize(sql)) {}

void parser::depth_guard::bump() {
    if (++_p._depth > max_nesting_depth) {
        throw too_complex_error(
            fmt::format("statement is nested too deeply (more than {} levels)", max_nesting_depth),
            _p.cur().pos);
    }
}

void parser::fail_at(const token& t, std::string_view what) const {
    if (t.kind == token_kind::end) {
        throw syntax_error(fmt::format("syntax error at end of input: expected {}", what), t.pos);
    }
    throw syntax_error(fmt::format("syntax error at or near \"{}\": expected {}", t.raw, what),
                       t.pos);
}

void parser::fail(std::string_view what) const {
    fail_at(cur(), what);
}

void parser::expect(token_kind k, std::string_view what) {
    if (!accept(k)) fail(what);
}

void parser::expect_kw(std::string_view kw) {
    if (!accept_kw(kw)) {
        std::string upper(kw);
        for (char& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        fail(upper);
    }
}

bool parser::at_identifier() const {
    return at(token_kind::quoted_ident) || (at(token_kind::word) && !is_reserved_word(cur().text));
}

void parser::fail_reserved(std::string_view what) const {
    const token& t = cur();
    throw syntax_error(
        fmt::format("syntax error at or near \"{}\": expected {}", t.raw, what), t.pos,
        fmt::format("\"{}\" is a reserved word; write it in double quotes to use it as a name.",
                    t.text));
}

std::string parser::parse_identifier(std::string_view what) {
    if (!at_identifier()) {
        if (at(token_kind::word)) fail_reserved(what);
        fail(what);
    }
    return advance().text;
}

std::string parser::parse_label() {
    if (!at(token_kind::quoted_ident) && !at(token_kind::word)) fail("a name");
    return advance().text;
}

qualified_name parser::parse_qualified_name(std::string_view what) {
    qualified_name name;
    name.push_back(parse_identifier(what));
    while (at(token_kind::dot)) {
        advance();
        name.push_back(parse_label());
    }
    if (name.size() > 3) fail_at(_tokens[_i - 1], "a name of at most 3 parts");
    return name;
}

std::vector<std::string> parser::parse_identifier_list() {
    expect(token_kind::lparen, "\"(\"");
    std::vector<std::string> out;
    do {
        out.push_back(parse_identifier("a column name"));
    } while (accept(token_kind::comma));
    expect(token_kind::rparen, "\",\" or \")\"");
    return out;
}

uint32_t parser::prev_end() const {
    if (_i == 0) return 0;
    const token& t = _tokens[_i - 1];
    return t.pos.offset + static_cast<uint32_t>(t.raw.size());
}

std::vector<statement_ptr> parser::parse_all() {
    std::vector<statement_ptr> out;
    for (;;) {
        while (accept(token_kind::semicolon)) {
        }
        if (at_end()) return out;
        out.push_back(parse_statement());
        if (!at_end() && !at(token_kind::semicolon)) fail("\";\" or the end of the statement");
    }
}

statement_ptr parser::parse_statement() {
    const token& first = cur();
    uint32_t begin = first.pos.offset;
    statement_ptr s;
    if (at_query_start()) {
        auto q = std::make_unique<query_statement>(first.pos);
        q->body = parse_query();
        s = std::move(q);
    } else if (at_kw("create")) {
        s = parse_create();
    } else if (at_kw("drop")) {
        s = parse_drop();
    } else if (at_kw("show")) {
        s = parse_show();
    } else if (at_kw("describe") || at_kw("desc")) {
        s = parse_describe();
    } else if (at_kw("explain")) {
        s = parse_explain();
    } else if (at_kw("insert")) {
        s = parse_insert();
    } else if (at_kw("copy")) {
        s = parse_copy();
    } else if (at_kw("set")) {
        s = parse_session(session_kind::set);
    } else if (at_kw("reset")) {
        s = parse_session(session_kind::reset);
    } else if (at_kw("begin") || at_kw("start")) {
        s = parse_session(session_kind::begin);
    } else if (at_kw("commit") || at_kw("end")) {
        s = parse_session(session_kind::commit);
    } else if (at_kw("rollback") || at_kw("abort")) {
        s = parse_session(session_kind::rollback);
    } else {
        fail("a statement (SELECT, CREATE, DROP, SHOW, EXPLAIN, INSERT, COPY, SET, ...)");
    }
    s->text_offset = begin;
    s->text_length = prev_end() - begin;
    return s;
}

std::vector<statement_ptr> parse_statements(std::string_view sql) {
    parser p(sql);
    return p.parse_all();
}

statement_ptr parse_statement(std::string_view sql) {
    parser p(sql);
    while (p.accept(token_kind::semicolon)) {
    }
    if (p.at_end()) p.fail("a statement");
    statement_ptr s = p.parse_statement();
    // A token right after a complete statement is a syntax error there; after a ';' it starts
    // a second statement.
    if (!p.at_end() && !p.at(token_kind::semicolon)) p.fail("\";\" or the end of the statement");
    while (p.accept(token_kind::semicolon)) {
    }
    if (!p.at_end()) {
        throw syntax_error("expected exactly one statement, found more", p.cur().pos);
    }
    return s;
}

expr_ptr parse_expression(std::string_view sql) {
    parser p(sql);
    expr_ptr e = p.parse_expr();
    if (!p.at_end()) p.fail("an operator or the end of the expression");
    return e;
}

query_ptr parse_query(std::string_view sql) {
    parser p(sql);
    if (!p.at_query_start()) p.fail("a query (SELECT, VALUES or WITH)");
    query_ptr q = p.parse_query();
    p.accept(token_kind::semicolon);
    if (!p.at_end()) p.fail("the end of the query");
    return q;
}

std::vector<std::string_view> split_statements(std::string_view sql) {
    lexer lx(sql);
    std::vector<std::string_view> out;
    int64_t begin = -1;
    uint32_t end = 0;
    for (;;) {
        token t = lx.next();
        if (t.kind == token_kind::end || t.kind == token_kind::semicolon) {
            if (begin >= 0) out.push_back(sql.substr(begin, end - begin));
            begin = -1;
            if (t.kind == token_kind::end) return out;
            continue;
        }
        if (begin < 0) begin = t.pos.offset;
        end = t.pos.offset + static_cast<uint32_t>(t.raw.size());
    }
}

} // namespace spate::sql
