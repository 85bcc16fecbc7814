// Expressions: one function per precedence level, lowest first (Postgres' order).

#include "sql/parser_internal.h"

#include <charconv>

#include <fmt/format.h>

namespace spate::sql {

namespace {

expr_ptr make_binary(binary_op op, expr_ptr l, expr_ptr r, source_pos pos) {
    auto b = std::make_unique<binary_expr>(pos);
    b->op = op;
    b->left = std::move(l);
    b->right = std::move(r);
    return b;
}

expr_ptr make_string(std::string text, source_pos pos) {
    auto l = std::make_unique<literal_expr>(pos);
    l->lit = literal_kind::string;
    l->text = std::move(text);
    return l;
}

function_arg positional(expr_ptr e) {
    return function_arg{std::string(), std::move(e)};
}

bool is_interval_field(const token& t) {
    return t.is("year") || t.is("month") || t.is("day") || t.is("hour") || t.is("minute") ||
           t.is("second");
}

} // namespace

expr_ptr make_integer_literal(int64_t value, source_pos pos) {
    auto l = std::make_unique<literal_expr>(pos);
    l->lit = literal_kind::integer;
    l->int_value = value;
    l->text = std::to_string(value);
    return l;
}

expr_ptr parser::parse_expr() {
    return parse_or();
}

expr_ptr parser::parse_or() {
    depth_guard g(*this);
    expr_ptr left = parse_and();
    while (at_kw("or")) {
        source_pos pos = advance().pos;
        g.bump();
        left = make_binary(binary_op::or_, std::move(left), parse_and(), pos);
    }
    return left;
}

expr_ptr parser::parse_and() {
    depth_guard g(*this, false);
    expr_ptr left = parse_not();
    while (at_kw("and")) {
        source_pos pos = advance().pos;
        g.bump();
        left = make_binary(binary_op::and_, std::move(left), parse_not(), pos);
    }
    return left;
}

expr_ptr parser::parse_not() {
    if (!at_kw("not")) return parse_is();
    depth_guard g(*this);
    source_pos pos = advance().pos;
    auto u = std::make_unique<unary_expr>(pos);
    u->op = unary_op::not_;
    u->operand = parse_not();
    return u;
}

expr_ptr parser::parse_is() {
    depth_guard g(*this, false);
    expr_ptr left = parse_comparison();
    while (at_kw("is")) {
        source_pos pos = advance().pos;
        g.bump();
        bool negated = accept_kw("not");
        if (accept_kw("distinct")) {
            expect_kw("from");
            left =
                make_binary(negated ? binary_op::is_not_distinct_from : binary_op::is_distinct_from,
                            std::move(left), parse_comparison(), pos);
            continue;
        }
        auto e = std::make_unique<is_expr>(pos);
        e->negated = negated;
        if (accept_kw("null"))
            e->test = is_test_kind::null;
        else if (accept_kw("true"))
            e->test = is_test_kind::true_;
        else if (accept_kw("false"))
            e->test = is_test_kind::false_;
        else if (accept_kw("unknown"))
            e->test = is_test_kind::unknown;
        else
            fail("NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS");
        e->operand = std::move(left);
        left = std::move(e);
        // As in Postgres' grammar, a tighter operator may follow: x IS NULL = false is
        // (x IS NULL) = false.
        if (at_operator_above_is()) left = parse_comparison(std::move(left));
    }
    return left;
}

expr_ptr parser::continue_after_in(expr_ptr in) {
    switch (cur().kind) {
    case token_kind::tilde:
    case token_kind::tilde_star:
    case token_kind::not_tilde:
    case token_kind::not_tilde_star:
    case token_kind::hash_arrow:
    case token_kind::hash_double_arrow:
    case token_kind::concat:
    case token_kind::arrow:
    case token_kind::double_arrow:
    case token_kind::plus:
    case token_kind::minus:
    case token_kind::star:
    case token_kind::slash:
    case token_kind::percent:
    case token_kind::caret:
    case token_kind::double_colon:
    case token_kind::lbracket: return parse_other_op(std::move(in));
    default: return in;
    }
}

bool parser::at_operator_above_is() const {
    switch (cur().kind) {
    case token_kind::eq:
    case token_kind::ne:
    case token_kind::lt:
    case token_kind::le:
    case token_kind::gt:
    case token_kind::ge:
    case token_kind::tilde:
    case token_kind::tilde_star:
    case token_kind::not_tilde:
    case token_kind::not_tilde_star:
    case token_kind::hash_arrow:
    case token_kind::hash_double_arrow:
    case token_kind::concat:
    case token_kind::arrow:
    case token_kind::double_arrow:
    case token_kind::plus:
    case token_kind::minus:
    case token_kind::star:
    case token_kind::slash:
    case token_kind::percent:
    case token_kind::caret:
    case token_kind::double_colon:
    case token_kind::lbracket: return true;
    case token_kind::word:
        if (at_kw("like") || at_kw("ilike") || at_kw("between") || at_kw("in")) return true;
        return at_kw("not") &&
               (peek().is("like") || peek().is("ilike") || peek().is("between") || peek().is("in"));
    default: return false;
    }
}

expr_ptr parser::parse_comparison(expr_ptr seed) {
    expr_ptr left = parse_pattern(std::move(seed));
    binary_op op;
    switch (cur().kind) {
    case token_kind::eq: op = binary_op::eq; break;
    case token_kind::ne: op = binary_op::ne; break;
    case token_kind::lt: op = binary_op::lt; break;
    case token_kind::le: op = binary_op::le; break;
    case token_kind::gt: op = binary_op::gt; break;
    case token_kind::ge: op = binary_op::ge; break;
    default: return left;
    }
    source_pos pos = advance().pos;
    return make_binary(op, std::move(left), parse_pattern(), pos);
}

expr_ptr parser::parse_pattern(expr_ptr seed) {
    expr_ptr left = parse_other_op(std::move(seed));
    bool negated = false;
    const token* op = &cur();
    if (at_kw("not") &&
        (peek().is("like") || peek().is("ilike") || peek().is("between") || peek().is("in"))) {
        advance();
        negated = true;
        op = &cur();
    }
    source_pos pos = op->pos;
    if (accept_kw("like") || accept_kw("ilike")) {
        bool ilike = op->is("ilike");
        binary_op bop = ilike ? (negated ? binary_op::not_ilike : binary_op::ilike)
                              : (negated ? binary_op::not_like : binary_op::like);
        auto b = std::make_unique<binary_expr>(pos);
        b->op = bop;
        b->left = std::move(left);
        b->right = parse_other_op();
        if (accept_kw("escape")) b->escape = parse_other_op();
        return b;
    }
    if (accept_kw("between")) {
        auto b = std::make_unique<between_expr>(pos);
        b->negated = negated;
        if (accept_kw("symmetric"))
            b->symmetric = true;
        else
            accept_kw("asymmetric");
        b->operand = std::move(left);
        b->low = parse_other_op();
        expect_kw("and");
        b->high = parse_other_op();
        return b;
    }
    if (accept_kw("in")) {
        expect(token_kind::lparen, "\"(\" after IN");
        query_ptr sub;
        if (at_kw("select") || at_kw("with") || at_kw("values")) {
            sub = parse_query();
        } else if (at_parenthesised_query()) {
            sub = try_query_before_rparen();
        }
        if (sub) {
            auto e = std::make_unique<in_subquery_expr>(pos);
            e->negated = negated;
            e->operand = std::move(left);
            e->subquery = std::move(sub);
            expect(token_kind::rparen, "\")\"");
            return continue_after_in(std::move(e));
        }
        auto e = std::make_unique<in_list_expr>(pos);
        e->negated = negated;
        e->operand = std::move(left);
        e->list = parse_expr_list();
        expect(token_kind::rparen, "\",\" or \")\"");
        return continue_after_in(std::move(e));
    }
    return left;
}

expr_ptr parser::parse_other_op(expr_ptr seed) {
    depth_guard g(*this, false);
    expr_ptr left = parse_additive(std::move(seed));
    for (;;) {
        binary_op op;
        if (at(token_kind::concat))
            op = binary_op::concat;
        else if (at(token_kind::arrow))
            op = binary_op::json_get;
        else if (at(token_kind::double_arrow))
            op = binary_op::json_get_text;
        else if (at(token_kind::hash_arrow))
            op = binary_op::json_path;
        else if (at(token_kind::hash_double_arrow))
            op = binary_op::json_path_text;
        else if (at(token_kind::tilde))
            op = binary_op::regex_match;
        else if (at(token_kind::tilde_star))
            op = binary_op::regex_imatch;
        else if (at(token_kind::not_tilde))
            op = binary_op::not_regex_match;
        else if (at(token_kind::not_tilde_star))
            op = binary_op::not_regex_imatch;
        else
            return left;
        source_pos pos = advance().pos;
        g.bump();
        left = make_binary(op, std::move(left), parse_additive(), pos);
    }
}

expr_ptr parser::parse_additive(expr_ptr seed) {
    depth_guard g(*this, false);
    expr_ptr left = parse_multiplicative(std::move(seed));
    for (;;) {
        binary_op op;
        if (at(token_kind::plus))
            op = binary_op::add;
        else if (at(token_kind::minus))
            op = binary_op::sub;
        else
            return left;
        source_pos pos = advance().pos;
        g.bump();
        left = make_binary(op, std::move(left), parse_multiplicative(), pos);
    }
}

expr_ptr parser::parse_multiplicative(expr_ptr seed) {
    depth_guard g(*this, false);
    expr_ptr left = parse_power(std::move(seed));
    for (;;) {
        binary_op op;
        if (at(token_kind::star))
            op = binary_op::mul;
        else if (at(token_kind::slash))
            op = binary_op::div;
        else if (at(token_kind::percent))
            op = binary_op::mod;
        else
            return left;
        source_pos pos = advance().pos;
        g.bump();
        left = make_binary(op, std::move(left), parse_power(), pos);
    }
}

expr_ptr parser::parse_power(expr_ptr seed) {
    depth_guard g(*this, false);
    expr_ptr left = parse_unary(std::move(seed));
    while (at(token_kind::caret)) {
        source_pos pos = advance().pos;
        g.bump();
        left = make_binary(binary_op::pow, std::move(left), parse_unary(), pos);
    }
    return left;
}

expr_ptr parser::parse_unary(expr_ptr seed) {
    if (seed || (!at(token_kind::minus) && !at(token_kind::plus))) {
        return parse_postfix(std::move(seed));
    }
    depth_guard g(*this);
    bool minus = at(token_kind::minus);
    source_pos pos = advance().pos;
    auto u = std::make_unique<unary_expr>(pos);
    u->op = minus ? unary_op::minus : unary_op::plus;
    u->operand = parse_unary();
    return u;
}

expr_ptr parser::parse_postfix(expr_ptr seed) {
    depth_guard g(*this, false);
    expr_ptr e = seed ? std::move(seed) : parse_primary();
    for (;;) {
        if (at(token_kind::double_colon)) {
            source_pos pos = advance().pos;
            g.bump();
            auto c = std::make_unique<cast_expr>(pos);
            c->operand = std::move(e);
            c->type = parse_type();
            e = std::move(c);
        } else if (at(token_kind::lbracket)) {
            source_pos pos = advance().pos;
            g.bump();
            auto s = std::make_unique<subscript_expr>(pos);
            s->operand = std::move(e);
            s->index = parse_expr();
            expect(token_kind::rbracket, "\"]\"");
            e = std::move(s);
        } else {
            return e;
        }
    }
}

expr_ptr parser::parse_primary() {
    const token& t = cur();
    source_pos pos = t.pos;
    switch (t.kind) {
    case token_kind::integer: {
        auto l = std::make_unique<literal_expr>(pos);
        l->text = advance().text;
        int64_t v = 0;
        auto [p, ec] = std::from_chars(l->text.data(), l->text.data() + l->text.size(), v);
        if (ec == std::errc() && p == l->text.data() + l->text.size()) {
            l->lit = literal_kind::integer;
            l->int_value = v;
        } else {
            l->lit = literal_kind::numeric;
        }
        return l;
    }
    case token_kind::number: {
        auto l = std::make_unique<literal_expr>(pos);
        l->lit = literal_kind::numeric;
        l->text = advance().text;
        return l;
    }
    case token_kind::string: return make_string(advance().text, pos);
    case token_kind::parameter: {
        auto p = std::make_unique<parameter_expr>(pos);
        const std::string& digits = advance().text;
        uint32_t v = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec != std::errc() || end != digits.data() + digits.size() || v == 0) {
            throw syntax_error(fmt::format("invalid parameter number ${}", digits), pos);
        }
        p->index = v;
        return p;
    }
    case token_kind::lparen: {
        if (peek().is("select") || peek().is("with") || peek().is("values")) {
            advance();
            auto s = std::make_unique<subquery_expr>(pos);
            s->subquery = parse_query();
            expect(token_kind::rparen, "\")\"");
            return s;
        }
        advance();
        if (at_parenthesised_query()) {
            if (query_ptr q = try_query_before_rparen()) {
                advance();
                auto s = std::make_unique<subquery_expr>(pos);
                s->subquery = std::move(q);
                return s;
            }
        }
        expr_ptr e = parse_expr();
        expect(token_kind::rparen, "\")\"");
        return e;
    }
    case token_kind::quoted_ident: return parse_name_or_call();
    case token_kind::word: return parse_word_primary();
    default: fail("an expression");
    }
}

expr_ptr parser::parse_word_primary() {
    const token& t = cur();
    source_pos pos = t.pos;
    const std::string& w = t.text;
    if (w == "null" || w == "true" || w == "false") {
        auto l = std::make_unique<literal_expr>(pos);
        l->lit = w == "null" ? literal_kind::null : literal_kind::boolean;
        l->bool_value = w == "true";
        advance();
        return l;
    }
    if (w == "not") {
        // NOT as an operand of a tighter operator, as Postgres' grammar allows: a = NOT b,
        // - NOT b. It takes what NOT takes: a = NOT b = c is a = (NOT (b = c)).
        return parse_not();
    }
    if (w == "case") {
        advance();
        return parse_case(pos);
    }
    if (w == "cast") {
        advance();
        expect(token_kind::lparen, "\"(\" after CAST");
        auto c = std::make_unique<cast_expr>(pos);
        c->operand = parse_expr();
        expect_kw("as");
        c->type = parse_type();
        expect(token_kind::rparen, "\")\"");
        return c;
    }
    if (w == "exists" && peek().kind == token_kind::lparen) {
        advance();
        advance();
        if (!at_query_start()) fail("a query after EXISTS (");
        auto e = std::make_unique<exists_expr>(pos);
        e->subquery = parse_query();
        expect(token_kind::rparen, "\")\"");
        return e;
    }
    if (w == "array" && peek().kind == token_kind::lbracket) {
        advance();
        advance();
        auto a = std::make_unique<array_expr>(pos);
        if (!at(token_kind::rbracket)) a->elements = parse_expr_list();
        expect(token_kind::rbracket, "\",\" or \"]\"");
        return a;
    }
    if ((w == "interval" || w == "timestamp" || w == "timestamptz" || w == "date" || w == "time") &&
        peek().kind == token_kind::string) {
        return parse_typed_literal(pos);
    }
    if (w == "current_date" || w == "current_timestamp" || w == "localtimestamp" ||
        w == "current_time" || w == "localtime") {
        advance();
        auto f = std::make_unique<function_call_expr>(pos);
        f->name = {t.text};
        return f;
    }
    if ((w == "extract" || w == "substring" || w == "position" || w == "trim") &&
        peek().kind == token_kind::lparen) {
        std::string word = w;
        advance();
        advance();
        return parse_special_form(word, pos);
    }
    if ((w == "left" || w == "right") && peek().kind == token_kind::lparen) {
        std::string word = w;
        advance();
        return parse_function_call({word}, pos);
    }
    if (is_reserved_word(w)) fail_reserved("an expression");
    return parse_name_or_call();
}

expr_ptr parser::parse_name_or_call() {
    source_pos pos = cur().pos;
    qualified_name name;
    name.push_back(advance().text);
    while (at(token_kind::dot)) {
        advance();
        if (at(token_kind::star)) {
            advance();
            if (name.size() > 2) fail_at(_tokens[_i - 1], "a qualifier of at most 2 parts");
            auto s = std::make_unique<star_expr>(pos);
            s->qualifier = std::move(name);
            return s;
        }
        name.push_back(parse_label());
    }
    if (at(token_kind::lparen)) return parse_function_call(std::move(name), pos);
    if (name.size() > 3) fail_at(_tokens[_i - 1], "a column name of at most 3 parts");
    auto c = std::make_unique<column_ref_expr>(pos);
    c->names = std::move(name);
    return c;
}

expr_ptr parser::parse_function_call(qualified_name name, source_pos pos) {
    depth_guard g(*this);
    expect(token_kind::lparen, "\"(\"");
    auto f = std::make_unique<function_call_expr>(pos);
    f->name = std::move(name);
    if (at(token_kind::star)) {
        advance();
        f->star = true;
    } else if (!at(token_kind::rparen)) {
        if (accept_kw("distinct"))
            f->distinct = true;
        else
            accept_kw("all");
        do {
            if ((at(token_kind::word) || at(token_kind::quoted_ident)) &&
                peek().kind == token_kind::fat_arrow) {
                std::string arg_name = advance().text;
                advance();
                f->args.push_back(function_arg{std::move(arg_name), parse_expr()});
            } else {
                f->args.push_back(positional(parse_expr()));
            }
        } while (accept(token_kind::comma));
        if (accept_kw("order")) {
            expect_kw("by");
            f->order_by = parse_order_by_list();
        }
    }
    expect(token_kind::rparen, "\",\" or \")\"");
    if (at_kw("filter") && peek().kind == token_kind::lparen) {
        advance();
        advance();
        expect_kw("where");
        f->filter = parse_expr();
        expect(token_kind::rparen, "\")\"");
    }
    if (at_kw("over")) {
        advance();
        if (at(token_kind::lparen)) {
            f->over = parse_window_spec_parens();
        } else {
            f->over_name = parse_identifier("a window name or \"(\" after OVER");
        }
    }
    return f;
}

std::unique_ptr<window_spec> parser::parse_window_spec_parens() {
    auto spec = std::make_unique<window_spec>();
    spec->pos = cur().pos;
    expect(token_kind::lparen, "\"(\"");
    parse_window_spec_body(*spec);
    expect(token_kind::rparen, "\")\"");
    return spec;
}

void parser::parse_window_spec_body(window_spec& spec) {
    if (at_identifier() && !at_kw("partition") && !at_kw("order") && !at_kw("rows") &&
        !at_kw("range")) {
        spec.base_name = advance().text;
    }
    if (accept_kw("partition")) {
        expect_kw("by");
        spec.partition_by = parse_expr_list();
    }
    if (accept_kw("order")) {
        expect_kw("by");
        spec.order_by = parse_order_by_list();
    }
    if (at_kw("rows") || at_kw("range")) {
        window_frame frame;
        frame.unit = advance().is("rows") ? frame_unit::rows : frame_unit::range;
        if (accept_kw("between")) {
            frame.start = parse_frame_bound();
            expect_kw("and");
            frame.end = parse_frame_bound();
        } else {
            frame.start = parse_frame_bound();
            frame.end.kind = frame_bound_kind::current_row;
        }
        spec.frame = std::move(frame);
    }
}

frame_bound parser::parse_frame_bound() {
    frame_bound b;
    if (accept_kw("unbounded")) {
        if (accept_kw("preceding"))
            b.kind = frame_bound_kind::unbounded_preceding;
        else if (accept_kw("following"))
            b.kind = frame_bound_kind::unbounded_following;
        else
            fail("PRECEDING or FOLLOWING");
        return b;
    }
    if (at_kw("current") && peek().is("row")) {
        advance();
        advance();
        b.kind = frame_bound_kind::current_row;
        return b;
    }
    b.offset = parse_other_op();
    if (accept_kw("preceding"))
        b.kind = frame_bound_kind::preceding;
    else if (accept_kw("following"))
        b.kind = frame_bound_kind::following;
    else
        fail("PRECEDING or FOLLOWING");
    return b;
}

std::vector<order_item> parser::parse_order_by_list() {
    std::vector<order_item> out;
    do {
        order_item item;
        item.pos = cur().pos;
        item.value = parse_expr();
        if (accept_kw("desc"))
            item.descending = true;
        else
            accept_kw("asc");
        if (accept_kw("nulls")) {
            if (accept_kw("first"))
                item.nulls = nulls_order::first;
            else if (accept_kw("last"))
                item.nulls = nulls_order::last;
            else
                fail("FIRST or LAST after NULLS");
        }
        out.push_back(std::move(item));
    } while (accept(token_kind::comma));
    return out;
}

std::vector<expr_ptr> parser::parse_expr_list() {
    std::vector<expr_ptr> out;
    do {
        out.push_back(parse_expr());
    } while (accept(token_kind::comma));
    return out;
}

expr_ptr parser::parse_case(source_pos pos) {
    depth_guard g(*this);
    auto c = std::make_unique<case_expr>(pos);
    if (!at_kw("when")) c->operand = parse_expr();
    if (!at_kw("when")) fail("WHEN");
    while (accept_kw("when")) {
        when_clause w;
        w.condition = parse_expr();
        expect_kw("then");
        w.result = parse_expr();
        c->whens.push_back(std::move(w));
    }
    if (accept_kw("else")) c->else_result = parse_expr();
    if (!accept_kw("end")) fail(c->else_result ? "END" : "WHEN, ELSE or END");
    return c;
}

expr_ptr parser::parse_typed_literal(source_pos pos) {
    auto l = std::make_unique<typed_literal_expr>(pos);
    const token& w = advance();
    l->type.name = w.text;
    l->type.pos = w.pos;
    l->value = advance().text;
    if (l->type.name == "interval" && is_interval_field(cur())) {
        l->leading_field = advance().text;
        if (accept_kw("to")) {
            if (!is_interval_field(cur())) fail("an interval field (YEAR ... SECOND)");
            l->trailing_field = advance().text;
        }
    }
    return l;
}

expr_ptr parser::parse_special_form(const std::string& word, source_pos pos) {
    depth_guard g(*this);
    auto f = std::make_unique<function_call_expr>(pos);
    if (word == "extract") {
        f->name = {"date_part"};
        if (!at(token_kind::word) && !at(token_kind::quoted_ident) && !at(token_kind::string)) {
            fail("a field name (YEAR, MONTH, EPOCH, ...)");
        }
        source_pos fpos = cur().pos;
        f->args.push_back(positional(make_string(advance().text, fpos)));
        expect_kw("from");
        f->args.push_back(positional(parse_expr()));
    } else if (word == "substring") {
        f->name = {"substring"};
        f->args.push_back(positional(parse_expr()));
        if (at_kw("from") || at_kw("for")) {
            bool has_from = accept_kw("from");
            expr_ptr from;
            if (has_from) from = parse_expr();
            expr_ptr len;
            if (accept_kw("for")) len = parse_expr();
            if (!from) {
                from = make_integer_literal(1, pos);
            }
            f->args.push_back(positional(std::move(from)));
            if (len) f->args.push_back(positional(std::move(len)));
        } else {
            while (accept(token_kind::comma))
                f->args.push_back(positional(parse_expr()));
        }
    } else if (word == "position") {
        f->name = {"strpos"};
        expr_ptr needle = parse_other_op();
        expect_kw("in");
        expr_ptr haystack = parse_other_op();
        f->args.push_back(positional(std::move(haystack)));
        f->args.push_back(positional(std::move(needle)));
    } else { // trim
        std::string name = "btrim";
        if (accept_kw("leading"))
            name = "ltrim";
        else if (accept_kw("trailing"))
            name = "rtrim";
        else
            accept_kw("both");
        f->name = {name};
        if (accept_kw("from")) {
            f->args.push_back(positional(parse_expr()));
        } else {
            expr_ptr first = parse_expr();
            if (accept_kw("from")) {
                f->args.push_back(positional(parse_expr()));
                f->args.push_back(positional(std::move(first)));
            } else {
                f->args.push_back(positional(std::move(first)));
                while (accept(token_kind::comma))
                    f->args.push_back(positional(parse_expr()));
            }
        }
    }
    expect(token_kind::rparen, "\")\"");
    return f;
}

type_name parser::parse_type() {
    type_name t;
    t.pos = cur().pos;
    if (at(token_kind::quoted_ident)) {
        t.name = advance().text;
    } else if (at(token_kind::word)) {
        std::string w = advance().text;
        if (w == "double") {
            accept_kw("precision");
            t.name = "double";
        } else if (w == "character" || w == "char") {
            t.name = accept_kw("varying") ? "varchar" : "char";
        } else if (w == "bool") {
            t.name = "boolean";
        } else if (w == "int2") {
            t.name = "smallint";
        } else if (w == "int" || w == "int4") {
            t.name = "integer";
        } else if (w == "int8") {
            t.name = "bigint";
        } else if (w == "float4") {
            t.name = "real";
        } else if (w == "float8" || w == "float") {
            t.name = "double";
        } else if (w == "numeric") {
            t.name = "decimal";
        } else if (w == "string") {
            t.name = "text";
        } else {
            t.name = w;
        }
    } else {
        fail("a type name");
    }
    if (at(token_kind::lparen)) {
        advance();
        do {
            if (!at(token_kind::integer)) fail("an integer type modifier");
            const std::string& digits = advance().text;
            int64_t v = 0;
            auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
            if (ec != std::errc() || end != digits.data() + digits.size()) {
                fail_at(_tokens[_i - 1], "a smaller type modifier");
            }
            t.params.push_back(v);
        } while (accept(token_kind::comma));
        expect(token_kind::rparen, "\",\" or \")\"");
    }
    if (t.name == "timestamp" || t.name == "time") {
        if (at_kw("with") && peek().is("time") && peek(2).is("zone")) {
            advance();
            advance();
            advance();
            t.name += "tz";
        } else if (at_kw("without") && peek().is("time") && peek(2).is("zone")) {
            advance();
            advance();
            advance();
        }
    }
    return t;
}

} // namespace spate::sql
