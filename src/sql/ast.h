#pragma once

// The syntax tree of spate's SQL, as produced by sql/parser.h and consumed by the binder.
//
// Every node is a tagged struct: a base (expr, table_ref, query_body, statement) carrying a
// `kind` and a source_pos, and one derived struct per kind. Children are owned through
// unique_ptr. Use `node.as<derived>()` after checking `kind` (it asserts the kind). Names are
// already folded: unquoted identifiers are lower case, quoted ones are kept as written.
// Nothing here is interpreted: literal text, type names and interval qualifiers are kept for
// the binder to check. Plain data; no thread ownership.

#include "sql/source_pos.h"

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spate::sql {

/// A possibly qualified name: {"t"}, {"schema", "t"}, {"db", "schema", "t"}.
using qualified_name = std::vector<std::string>;

/// A type as written, with a canonical lower-case name: boolean, smallint, integer, bigint,
/// real, double, decimal, varchar, char, text, timestamp, timestamptz, date, time, interval,
/// json, jsonb, or any other identifier as written (the binder decides what is supported).
/// `params` are the parenthesised numbers: varchar(10) -> {10}, decimal(10, 2) -> {10, 2}.
struct type_name {
    std::string name;
    std::vector<int64_t> params;
    source_pos pos;
};

/// Downcast helper shared by the node families.
template <typename Base, typename Kind>
struct tagged_node {
    Kind kind;
    source_pos pos;

    tagged_node(Kind k, source_pos p) : kind(k), pos(p) {}
    virtual ~tagged_node() = default;
    tagged_node(const tagged_node&) = delete;
    tagged_node& operator=(const tagged_node&) = delete;

    /// True when the node is a T.
    template <typename T>
    bool is() const {
        return T::matches(kind);
    }

    /// The node as its derived type; the kind must match (asserted).
    template <typename T>
    const T& as() const {
        assert(T::matches(kind));
        return static_cast<const T&>(*this);
    }
    template <typename T>
    T& as() {
        assert(T::matches(kind));
        return static_cast<T&>(*this);
    }
};

// ---------------------------------------------------------------------------------------------
// Expressions

enum class expr_kind : uint8_t {
    literal,       // literal_expr
    typed_literal, // typed_literal_expr: TIMESTAMP '...', INTERVAL '4' SECOND
    column_ref,    // column_ref_expr: a, t.a, s.t.a
    star,          // star_expr: * or t.*
    parameter,     // parameter_expr: $1
    unary,         // unary_expr
    binary,        // binary_expr
    is_test,       // is_expr: IS [NOT] NULL / TRUE / FALSE / UNKNOWN
    between,       // between_expr
    in_list,       // in_list_expr
    in_subquery,   // in_subquery_expr
    exists,        // exists_expr
    subquery,      // subquery_expr (scalar)
    case_when,     // case_expr
    cast,          // cast_expr: CAST(x AS t) and x::t
    function_call, // function_call_expr (also EXTRACT, SUBSTRING, POSITION, TRIM, CURRENT_*)
    array,         // array_expr: ARRAY[a, b]
    subscript,     // subscript_expr: x[i]
};

struct expr;
using expr_ptr = std::unique_ptr<expr>;
struct query;
using query_ptr = std::unique_ptr<query>;

/// Base of every expression node.
struct expr : tagged_node<expr, expr_kind> {
    using tagged_node::tagged_node;
};

template <expr_kind K>
struct expr_of : expr {
    static constexpr expr_kind static_kind = K;
    static bool matches(expr_kind k) { return k == K; }
    explicit expr_of(source_pos p) : expr(K, p) {}
};

enum class literal_kind : uint8_t {
    null,
    boolean,
    integer, // fits int64: int_value (text holds the digits too)
    numeric, // decimal point, exponent, or an integer too big for int64: text ("1.50", "1e10")
    string,  // text holds the unescaped value
};

struct literal_expr : expr_of<expr_kind::literal> {
    using expr_of::expr_of;
    literal_kind lit = literal_kind::null;
    bool bool_value = false;
    int64_t int_value = 0;
    std::string text;
};

/// `type 'text'`, e.g. TIMESTAMP '2024-01-01 00:00:00', DATE '2024-01-01', INTERVAL '4' SECOND,
/// INTERVAL '4 seconds', INTERVAL '1' DAY TO SECOND. `leading_field`/`trailing_field` are the
/// interval qualifiers in lower case (empty when absent); `trailing_field` only with TO.
struct typed_literal_expr : expr_of<expr_kind::typed_literal> {
    using expr_of::expr_of;
    type_name type;
    std::string value;
    std::string leading_field;
    std::string trailing_field;
};

/// A column: 1 to 3 name parts (column, table.column, schema.table.column).
struct column_ref_expr : expr_of<expr_kind::column_ref> {
    using expr_of::expr_of;
    qualified_name names;
};

/// `*` (qualifier empty) or `t.*` / `s.t.*`; in select lists and count(*) style arguments.
struct star_expr : expr_of<expr_kind::star> {
    using expr_of::expr_of;
    qualified_name qualifier;
};

/// $n, 1-based.
struct parameter_expr : expr_of<expr_kind::parameter> {
    using expr_of::expr_of;
    uint32_t index = 0;
};

enum class unary_op : uint8_t { minus, plus, not_ };

struct unary_expr : expr_of<expr_kind::unary> {
    using expr_of::expr_of;
    unary_op op = unary_op::minus;
    expr_ptr operand;
};

enum class binary_op : uint8_t {
    add,
    sub,
    mul,
    div,
    mod,
    pow,
    concat, // ||
    eq,
    ne, // <> and !=
    lt,
    le,
    gt,
    ge,
    and_,
    or_,
    like,
    not_like,
    ilike,
    not_ilike,
    json_get,         // ->
    json_get_text,    // ->>
    json_path,        // #>
    json_path_text,   // #>>
    regex_match,      // ~
    regex_imatch,     // ~*
    not_regex_match,  // !~
    not_regex_imatch, // !~*
    is_distinct_from,
    is_not_distinct_from,
};

/// `left op right`; for the LIKE family `escape` may hold the ESCAPE expression.
struct binary_expr : expr_of<expr_kind::binary> {
    using expr_of::expr_of;
    binary_op op = binary_op::add;
    expr_ptr left;
    expr_ptr right;
    expr_ptr escape;
};

enum class is_test_kind : uint8_t { null, true_, false_, unknown };

/// `operand IS [NOT] NULL|TRUE|FALSE|UNKNOWN`.
struct is_expr : expr_of<expr_kind::is_test> {
    using expr_of::expr_of;
    is_test_kind test = is_test_kind::null;
    bool negated = false;
    expr_ptr operand;
};

/// `operand [NOT] BETWEEN [SYMMETRIC] low AND high`.
struct between_expr : expr_of<expr_kind::between> {
    using expr_of::expr_of;
    bool negated = false;
    bool symmetric = false;
    expr_ptr operand;
    expr_ptr low;
    expr_ptr high;
};

/// `operand [NOT] IN (list...)`; the list is never empty.
struct in_list_expr : expr_of<expr_kind::in_list> {
    using expr_of::expr_of;
    bool negated = false;
    expr_ptr operand;
    std::vector<expr_ptr> list;
};

/// `operand [NOT] IN (subquery)`.
struct in_subquery_expr : expr_of<expr_kind::in_subquery> {
    using expr_of::expr_of;
    bool negated = false;
    expr_ptr operand;
    query_ptr subquery;
};

/// `EXISTS (subquery)`; NOT EXISTS is a unary not around it.
struct exists_expr : expr_of<expr_kind::exists> {
    using expr_of::expr_of;
    query_ptr subquery;
};

/// A scalar subquery `(SELECT ...)` used as a value.
struct subquery_expr : expr_of<expr_kind::subquery> {
    using expr_of::expr_of;
    query_ptr subquery;
};

struct when_clause {
    expr_ptr condition; // or the value compared with the operand
    expr_ptr result;
};

/// CASE [operand] WHEN ... THEN ... [ELSE ...] END; `operand` and `else_result` may be null.
struct case_expr : expr_of<expr_kind::case_when> {
    using expr_of::expr_of;
    expr_ptr operand;
    std::vector<when_clause> whens;
    expr_ptr else_result;
};

/// CAST(operand AS type) and operand::type (the same node; printed as CAST).
struct cast_expr : expr_of<expr_kind::cast> {
    using expr_of::expr_of;
    expr_ptr operand;
    type_name type;
};

enum class nulls_order : uint8_t { unspecified, first, last };

/// One ORDER BY item.
struct order_item {
    expr_ptr value;
    bool descending = false;
    nulls_order nulls = nulls_order::unspecified;
    source_pos pos;
};

enum class frame_unit : uint8_t { rows, range };
enum class frame_bound_kind : uint8_t {
    unbounded_preceding,
    preceding, // offset set
    current_row,
    following, // offset set
    unbounded_following,
};

struct frame_bound {
    frame_bound_kind kind = frame_bound_kind::current_row;
    expr_ptr offset;
};

/// ROWS|RANGE BETWEEN start AND end; a frame written with only a start has end = CURRENT ROW.
struct window_frame {
    frame_unit unit = frame_unit::rows;
    frame_bound start;
    frame_bound end;
};

/// The inside of OVER (...) or of a WINDOW clause entry. `base_name` is a window named in the
/// WINDOW clause that this one refines (OVER (w ORDER BY x)); empty if none.
struct window_spec {
    std::string base_name;
    std::vector<expr_ptr> partition_by;
    std::vector<order_item> order_by;
    std::optional<window_frame> frame;
    source_pos pos;
};

/// A function argument; `name` is set for named arguments (`name => value`).
struct function_arg {
    std::string name;
    expr_ptr value;
};

/// name(args) [FILTER (WHERE ...)] [OVER ...]. `star` for count(*) (args empty). `order_by` for
/// ordered aggregates (string_agg(x, ',' ORDER BY y)). Window: `over_name` for OVER w,
/// `over` for OVER (...), neither for a plain call.
/// Special forms are mapped to calls: EXTRACT(f FROM x) -> date_part('f', x);
/// SUBSTRING(x FROM a FOR b) -> substring(x, a, b); POSITION(a IN b) -> strpos(b, a);
/// TRIM([BOTH|LEADING|TRAILING] [c] FROM x) -> btrim|ltrim|rtrim(x [, c]);
/// CURRENT_TIMESTAMP -> current_timestamp(), CURRENT_DATE -> current_date(), NOW() -> now().
struct function_call_expr : expr_of<expr_kind::function_call> {
    using expr_of::expr_of;
    qualified_name name;
    std::vector<function_arg> args;
    bool distinct = false;
    bool star = false;
    std::vector<order_item> order_by;
    expr_ptr filter;
    std::string over_name;
    std::unique_ptr<window_spec> over;
};

/// ARRAY[elements...] (possibly empty).
struct array_expr : expr_of<expr_kind::array> {
    using expr_of::expr_of;
    std::vector<expr_ptr> elements;
};

/// operand[index].
struct subscript_expr : expr_of<expr_kind::subscript> {
    using expr_of::expr_of;
    expr_ptr operand;
    expr_ptr index;
};

// ---------------------------------------------------------------------------------------------
// Table references (FROM)

enum class table_ref_kind : uint8_t {
    named,    // named_table_ref
    subquery, // subquery_table_ref
    function, // function_table_ref: TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)
    file,     // file_table_ref: FROM 'data.csv'
    join,     // join_table_ref
};

struct table_ref;
using table_ref_ptr = std::unique_ptr<table_ref>;

/// Base of every FROM item; `alias` and `column_aliases` are empty when absent (joins never
/// carry them unless parenthesised with an alias).
struct table_ref : tagged_node<table_ref, table_ref_kind> {
    using tagged_node::tagged_node;
    std::string alias;
    std::vector<std::string> column_aliases;
};

template <table_ref_kind K>
struct table_ref_of : table_ref {
    static constexpr table_ref_kind static_kind = K;
    static bool matches(table_ref_kind k) { return k == K; }
    explicit table_ref_of(source_pos p) : table_ref(K, p) {}
};

/// A table, source or view by name; `system_time_as_of` for FOR SYSTEM_TIME AS OF expr.
struct named_table_ref : table_ref_of<table_ref_kind::named> {
    using table_ref_of::table_ref_of;
    qualified_name name;
    expr_ptr system_time_as_of;
};

struct subquery_table_ref : table_ref_of<table_ref_kind::subquery> {
    using table_ref_of::table_ref_of;
    query_ptr subquery;
};

enum class table_arg_kind : uint8_t {
    value,      // an expression: `value`
    table,      // TABLE name: `table_name`
    descriptor, // DESCRIPTOR(col, ...): `columns`
};

/// One argument of a table function; `name` is set for `name => ...`.
struct table_arg {
    table_arg_kind kind = table_arg_kind::value;
    std::string name;
    expr_ptr value;
    qualified_name table_name;
    std::vector<std::string> columns;
    source_pos pos;
};

/// A table-valued function call in FROM (also written FROM TABLE(f(...)) as in Flink).
struct function_table_ref : table_ref_of<table_ref_kind::function> {
    using table_ref_of::table_ref_of;
    qualified_name name;
    std::vector<table_arg> args;
};

/// FROM 'path': a file read as a table.
struct file_table_ref : table_ref_of<table_ref_kind::file> {
    using table_ref_of::table_ref_of;
    std::string path;
};

enum class join_type : uint8_t { inner, left, right, full, cross };

/// left JOIN right [ON condition | USING (columns)]; cross joins have neither.
struct join_table_ref : table_ref_of<table_ref_kind::join> {
    using table_ref_of::table_ref_of;
    join_type type = join_type::inner;
    table_ref_ptr left;
    table_ref_ptr right;
    expr_ptr condition;
    std::vector<std::string> using_columns;
};

// ---------------------------------------------------------------------------------------------
// Queries

enum class query_body_kind : uint8_t {
    select,        // select_core
    values,        // values_body
    set_operation, // set_operation_body
    nested,        // nested_query_body: a parenthesised query with its own ORDER BY/LIMIT/WITH
};

struct query_body;
using query_body_ptr = std::unique_ptr<query_body>;

struct query_body : tagged_node<query_body, query_body_kind> {
    using tagged_node::tagged_node;
};

template <query_body_kind K>
struct query_body_of : query_body {
    static constexpr query_body_kind static_kind = K;
    static bool matches(query_body_kind k) { return k == K; }
    explicit query_body_of(source_pos p) : query_body(K, p) {}
};

/// One select list entry: an expression (possibly a star_expr) and an alias (empty if none).
struct select_item {
    expr_ptr value;
    std::string alias;
    source_pos pos;
};

/// WINDOW name AS (spec).
struct named_window {
    std::string name;
    window_spec spec;
    source_pos pos;
};

/// SELECT [DISTINCT [ON (...)]] items FROM ... WHERE ... GROUP BY ... HAVING ... WINDOW ...
/// QUALIFY ...; absent clauses are empty/null. `from` is the comma-separated list.
struct select_core : query_body_of<query_body_kind::select> {
    using query_body_of::query_body_of;
    bool distinct = false;
    std::vector<expr_ptr> distinct_on;
    std::vector<select_item> items;
    std::vector<table_ref_ptr> from;
    expr_ptr where;
    std::vector<expr_ptr> group_by;
    expr_ptr having;
    std::vector<named_window> windows;
    expr_ptr qualify;
};

/// VALUES (row), (row), ...: every row non-empty (equal lengths are the binder's check).
struct values_body : query_body_of<query_body_kind::values> {
    using query_body_of::query_body_of;
    std::vector<std::vector<expr_ptr>> rows;
};

enum class set_op : uint8_t { union_, intersect, except };

/// left UNION|INTERSECT|EXCEPT [ALL] right.
struct set_operation_body : query_body_of<query_body_kind::set_operation> {
    using query_body_of::query_body_of;
    set_op op = set_op::union_;
    bool all = false;
    query_body_ptr left;
    query_body_ptr right;
};

struct nested_query_body : query_body_of<query_body_kind::nested> {
    using query_body_of::query_body_of;
    query_ptr subquery;
};

/// WITH name [(columns)] AS (query).
struct cte {
    std::string name;
    std::vector<std::string> column_aliases;
    query_ptr subquery;
    source_pos pos;
};

/// A whole query: [WITH ...] body [ORDER BY ...] [LIMIT n] [OFFSET n]. LIMIT ALL leaves `limit`
/// null; FETCH FIRST n ROWS ONLY sets `limit`.
struct query {
    std::vector<cte> with;
    query_body_ptr body;
    std::vector<order_item> order_by;
    expr_ptr limit;
    expr_ptr offset;
    source_pos pos;
};

// ---------------------------------------------------------------------------------------------
// Statements

enum class statement_kind : uint8_t {
    query,                    // query_statement
    create_source,            // create_source_statement
    create_table,             // create_source_statement (a table loaded from a file)
    create_view,              // create_view_statement
    create_materialized_view, // create_view_statement
    create_sink,              // create_sink_statement
    drop,                     // drop_statement
    show,                     // show_statement
    describe,                 // describe_statement
    explain,                  // explain_statement
    insert,                   // insert_statement
    copy,                     // copy_statement
    session,                  // session_statement: SET, RESET, BEGIN, COMMIT, ROLLBACK, ...
};

struct statement;
using statement_ptr = std::unique_ptr<statement>;

/// Base of every statement. `text_offset`/`text_length` delimit the statement's own text in
/// the parsed input (without the terminating ';'); text() extracts it.
struct statement : tagged_node<statement, statement_kind> {
    using tagged_node::tagged_node;
    uint32_t text_offset = 0;
    uint32_t text_length = 0;

    std::string_view text(std::string_view input) const {
        return input.substr(text_offset, text_length);
    }
};

template <statement_kind K>
struct statement_of : statement {
    static constexpr statement_kind static_kind = K;
    static bool matches(statement_kind k) { return k == K; }
    explicit statement_of(source_pos p) : statement(K, p) {}
};

struct query_statement : statement_of<statement_kind::query> {
    using statement_of::statement_of;
    query_ptr body;
};

enum class option_value_kind : uint8_t { string, number, boolean, identifier };

/// One `key = value` of a WITH (...) list. `key` is the identifier, dotted words joined with
/// '.', or the quoted string ('scan.startup.mode'); `value` is the string's content, the
/// number's text, "true"/"false", or the identifier (folded).
struct with_option {
    std::string key;
    option_value_kind kind = option_value_kind::string;
    std::string value;
    source_pos pos;
};

/// name type [NOT NULL | NULL] [CHECK (expr)] [PRIMARY KEY].
struct column_def {
    std::string name;
    type_name type;
    bool not_null = false;
    bool primary_key = false;
    expr_ptr check;
    source_pos pos;
};

/// WATERMARK FOR column AS expr.
struct watermark_def {
    std::string column;
    expr_ptr value;
    source_pos pos;
};

/// CREATE SOURCE|TABLE [IF NOT EXISTS] name (columns and constraints) [WITH (options)].
/// Kind is create_source or create_table. `checks` are table-level CHECK constraints;
/// `primary_key` lists the columns of PRIMARY KEY (...) (or of a column's PRIMARY KEY).
struct create_source_statement : statement {
    static bool matches(statement_kind k) {
        return k == statement_kind::create_source || k == statement_kind::create_table;
    }
    using statement::statement;
    bool if_not_exists = false;
    qualified_name name;
    std::vector<column_def> columns;
    std::vector<expr_ptr> checks;
    std::vector<watermark_def> watermarks;
    std::vector<std::string> primary_key;
    std::vector<with_option> options;
};

/// CREATE [MATERIALIZED] VIEW [IF NOT EXISTS] name [(columns)] [WITH (...)] AS query.
/// Kind is create_view or create_materialized_view.
struct create_view_statement : statement {
    static bool matches(statement_kind k) {
        return k == statement_kind::create_view || k == statement_kind::create_materialized_view;
    }
    using statement::statement;
    bool if_not_exists = false;
    qualified_name name;
    std::vector<std::string> column_aliases;
    std::vector<with_option> options;
    query_ptr body;
    /// Byte range of the query's text in the input (for showing the definition as written).
    uint32_t query_offset = 0;
    uint32_t query_length = 0;
};

/// CREATE SINK [IF NOT EXISTS] name (FROM relation | AS query) WITH (options); exactly one of
/// `from` (non-empty) and `body` (non-null) is set.
struct create_sink_statement : statement_of<statement_kind::create_sink> {
    using statement_of::statement_of;
    bool if_not_exists = false;
    qualified_name name;
    qualified_name from;
    query_ptr body;
    std::vector<with_option> options;
};

enum class object_kind : uint8_t { source, table, view, materialized_view, sink };

/// DROP kind [IF EXISTS] name [, ...] [CASCADE | RESTRICT].
struct drop_statement : statement_of<statement_kind::drop> {
    using statement_of::statement_of;
    object_kind object = object_kind::source;
    bool if_exists = false;
    bool cascade = false;
    std::vector<qualified_name> names;
};

enum class show_kind : uint8_t {
    sources,
    views,
    materialized_views,
    sinks,
    tables,
    all,
    columns,  // SHOW COLUMNS FROM name: `name`
    create,   // SHOW CREATE object name: `object`, `name`
    variable, // SHOW name (a session variable, handled by the protocol layer): `variable`
};

struct show_statement : statement_of<statement_kind::show> {
    using statement_of::statement_of;
    show_kind what = show_kind::all;
    object_kind object = object_kind::source;
    qualified_name name;
    std::string variable;
};

/// DESCRIBE name / DESC name.
struct describe_statement : statement_of<statement_kind::describe> {
    using statement_of::statement_of;
    qualified_name name;
};

/// EXPLAIN [ANALYZE] [VERBOSE] | EXPLAIN (option [value], ...) statement. `options` holds the
/// parenthesised ones as written (lower case), ANALYZE/VERBOSE also set the flags.
struct explain_statement : statement_of<statement_kind::explain> {
    using statement_of::statement_of;
    bool analyze = false;
    bool verbose = false;
    std::vector<with_option> options;
    statement_ptr target;
};

/// INSERT INTO name [(columns)] query (a VALUES list is a query with a values_body).
struct insert_statement : statement_of<statement_kind::insert> {
    using statement_of::statement_of;
    qualified_name table;
    std::vector<std::string> columns;
    query_ptr body;
};

/// COPY (query) TO 'file' | COPY name [(columns)] TO|FROM 'file', [WITH] (options).
struct copy_statement : statement_of<statement_kind::copy> {
    using statement_of::statement_of;
    bool to = false; // TO a file (export) or FROM a file (import)
    query_ptr body;  // COPY (query) TO
    qualified_name table;
    std::vector<std::string> columns;
    std::string file;
    std::vector<with_option> options;
};

enum class session_kind : uint8_t { set, reset, begin, commit, rollback };

/// A session or transaction command; the protocol layer handles it from `text` (the statement
/// as written). `name` is the variable of SET/RESET (folded; "all" for RESET ALL).
struct session_statement : statement_of<statement_kind::session> {
    using statement_of::statement_of;
    session_kind what = session_kind::set;
    std::string name;
    std::string text;
};

// ---------------------------------------------------------------------------------------------
// Printing (ast.cc)

/// Canonical SQL for an expression: fully parenthesised operators, quoted identifiers where
/// needed, special forms as their mapped calls. Re-parsing it gives the same tree.
std::string to_sql(const expr& e);
/// Canonical SQL for a query; re-parsing it gives the same tree.
std::string to_sql(const query& q);
/// The type as SQL: "varchar(10)", "timestamptz", "decimal(10, 2)".
std::string to_sql(const type_name& t);
/// An identifier, double-quoted when it is not a plain lower-case word or is a keyword.
std::string quote_identifier(std::string_view name);

const char* binary_op_sql(binary_op op);

} // namespace spate::sql
