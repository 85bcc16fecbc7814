#pragma once

// Internal to the sql module: the recursive-descent parser shared by parser*.cc.

#include "sql/ast.h"
#include "sql/lexer.h"
#include "sql/sql_error.h"

#include <string>
#include <string_view>
#include <vector>

namespace spate::sql {

/// True for the words that can never be a bare identifier (close to Postgres' reserved list).
bool is_reserved_word(std::string_view word);

/// An integer literal node (for implied values such as FETCH FIRST ROW ONLY's 1).
expr_ptr make_integer_literal(int64_t value, source_pos pos);

/// One parse of one input: owns the tokens, a cursor and the nesting depth. Single-use, used by
/// one thread. Every parse_* method consumes what it recognises and throws sql_error otherwise.
class parser {
public:
    explicit parser(std::string_view sql);

    // Statements (parser_ddl.cc, parser.cc).
    std::vector<statement_ptr> parse_all();
    statement_ptr parse_statement();

    // Queries (parser_select.cc).
    query_ptr parse_query();

    // Expressions (parser_expr.cc).
    expr_ptr parse_expr();
    type_name parse_type();

    // Cursor.
    const token& cur() const { return _tokens[_i]; }
    const token& peek(size_t n = 1) const { return _tokens[std::min(_i + n, _tokens.size() - 1)]; }
    bool at(token_kind k) const { return cur().kind == k; }
    bool at_kw(std::string_view kw) const { return cur().is(kw); }
    bool at_end() const { return at(token_kind::end); }
    const token& advance() {
        const token& t = _tokens[_i];
        if (_i + 1 < _tokens.size()) ++_i;
        return t;
    }
    bool accept(token_kind k) {
        if (!at(k)) return false;
        advance();
        return true;
    }
    bool accept_kw(std::string_view kw) {
        if (!at_kw(kw)) return false;
        advance();
        return true;
    }
    void expect(token_kind k, std::string_view what);
    void expect_kw(std::string_view kw);
    /// Throws `syntax error at or near "X": expected <what>` for the current token.
    [[noreturn]] void fail(std::string_view what) const;
    [[noreturn]] void fail_at(const token& t, std::string_view what) const;
    /// As fail(), at a reserved word, with a hint to quote it.
    [[noreturn]] void fail_reserved(std::string_view what) const;

    /// True when the current token can be an identifier (quoted, or a non-reserved word).
    bool at_identifier() const;
    /// An identifier (quoted or non-reserved word); `what` names it in the error.
    std::string parse_identifier(std::string_view what = "an identifier");
    /// After AS: any word, also a reserved one.
    std::string parse_label();
    qualified_name parse_qualified_name(std::string_view what = "a name");
    std::vector<std::string> parse_identifier_list(); // ( a, b, ... )

    /// The byte just past the previous token.
    uint32_t prev_end() const;

    /// Guards recursion: raises the depth on construction, restores it on destruction.
    class depth_guard {
    public:
        /// `enter`: count this call as a level (false for functions that only loop).
        explicit depth_guard(parser& p, bool enter = true) : _p(p), _saved(p._depth) {
            if (enter) bump();
        }
        ~depth_guard() { _p._depth = _saved; }
        depth_guard(const depth_guard&) = delete;
        depth_guard& operator=(const depth_guard&) = delete;
        /// One more level (an operator chain grows the tree without recursion).
        void bump();

    private:
        parser& _p;
        int _saved;
    };

    // Expression levels (parser_expr.cc). `seed`, when given, is an already parsed leftmost
    // operand (the result of a postfix IS, which a tighter operator may follow).
    expr_ptr parse_or();
    expr_ptr parse_and();
    expr_ptr parse_not();
    expr_ptr parse_is();
    expr_ptr parse_comparison(expr_ptr seed = nullptr);
    expr_ptr parse_pattern(expr_ptr seed = nullptr);
    expr_ptr parse_other_op(expr_ptr seed = nullptr);
    expr_ptr parse_additive(expr_ptr seed = nullptr);
    expr_ptr parse_multiplicative(expr_ptr seed = nullptr);
    expr_ptr parse_power(expr_ptr seed = nullptr);
    expr_ptr parse_unary(expr_ptr seed = nullptr);
    expr_ptr parse_postfix(expr_ptr seed = nullptr);
    expr_ptr parse_primary();
    /// True at an operator that binds tighter than IS (it may follow `x IS NULL`).
    bool at_operator_above_is() const;
    /// After `x IN (...)`: a tighter operator may follow and take it as its left operand.
    expr_ptr continue_after_in(expr_ptr in);
    expr_ptr parse_word_primary();
    expr_ptr parse_name_or_call();
    expr_ptr parse_function_call(qualified_name name, source_pos pos);
    expr_ptr parse_special_form(const std::string& word, source_pos pos);
    expr_ptr parse_case(source_pos pos);
    expr_ptr parse_typed_literal(source_pos pos);
    std::unique_ptr<window_spec> parse_window_spec_parens();
    void parse_window_spec_body(window_spec& spec);
    frame_bound parse_frame_bound();
    std::vector<order_item> parse_order_by_list();
    std::vector<expr_ptr> parse_expr_list();

    // Query parts (parser_select.cc).
    query_body_ptr parse_set_expr();
    query_body_ptr parse_set_term();
    query_body_ptr parse_set_primary();
    query_body_ptr parse_select_core();
    query_body_ptr parse_values();
    table_ref_ptr parse_table_ref();
    table_ref_ptr parse_table_primary();
    void parse_table_alias(table_ref& t);
    table_arg parse_table_arg();
    bool at_query_start() const;
    /// For a "(" that may start a query or something else: `((SELECT 1) UNION (SELECT 2))`
    /// against `((SELECT 1) + 1)`. Parses a query if one reaches the current level's ")"
    /// (not consumed), else rewinds and returns null. Depth errors are not retried.
    query_ptr try_query_before_rparen();
    bool at_parenthesised_query() const;

    // Statements (parser_ddl.cc).
    statement_ptr parse_create();
    statement_ptr parse_create_source(statement_kind kind, source_pos pos);
    statement_ptr parse_create_view(statement_kind kind, source_pos pos);
    statement_ptr parse_create_sink(source_pos pos);
    statement_ptr parse_drop();
    statement_ptr parse_show();
    statement_ptr parse_describe();
    statement_ptr parse_explain();
    statement_ptr parse_insert();
    statement_ptr parse_copy();
    statement_ptr parse_session(session_kind kind);
    std::vector<with_option> parse_options(bool require_equals);
    object_kind parse_object_kind();

    std::string_view sql() const { return _sql; }

private:
    std::string_view _sql;
    std::vector<token> _tokens;
    size_t _i = 0;
    int _depth = 0;
};

} // namespace spate::sql
