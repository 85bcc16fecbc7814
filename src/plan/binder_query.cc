// Planning a query: FROM (a source, a view, a window table function, a subquery), WHERE,
// GROUP BY with aggregates and HAVING, the SELECT list, DISTINCT, and for bounded queries
// ORDER BY, LIMIT and OFFSET.

#include "plan/binder_internal.h"

#include <fmt/format.h>

#include <algorithm>

namespace spate::plan {

using namespace detail;
using expr::bound_expr_ptr;
namespace ast = sql;

namespace {

std::string lower(std::string s) {
    for (auto& c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

class query_planner {
public:
    query_planner(const catalog_reader& cat, const bind_options& opt)
        : _cat(cat), _opt(opt), _exprs(opt) {}

    dataflow plan(const ast::query& q) {
        dataflow d;
        scope out = plan_query(q, d, /*top=*/true);
        for (const auto& c : out.columns)
            d.output.push_back({c.name, c.type, c.not_null, c.hidden});
        d.changelog = out.changelog;
        return d;
    }

private:
    scope plan_query(const ast::query& q, dataflow& d, bool top) {
        if (!q.with.empty())
            fail("0A000", "WITH (common table expressions) is not supported yet", q.pos);
        if (q.body->kind != ast::query_body_kind::select) {
            if (q.body->kind == ast::query_body_kind::nested)
                return plan_query(*q.body->as<ast::nested_query_body>().subquery, d, top);
            fail("0A000",
                 "VALUES and set operations (UNION, INTERSECT, EXCEPT) are not supported yet",
                 q.body->pos);
        }
        const auto& core = q.body->as<ast::select_core>();
        bool has_tail = !q.order_by.empty() || q.limit || q.offset;
        if (has_tail && (!top || _opt.continuous))
            fail("0A000",
                 top ? "ORDER BY, LIMIT and OFFSET are not supported in a materialized view or "
                       "sink yet; use them when querying the view"
                     : "ORDER BY, LIMIT and OFFSET are not supported in a subquery yet",
                 q.order_by.empty() ? (q.limit ? q.limit->pos : q.offset->pos) : q.order_by[0].pos);
        std::vector<const ast::order_item*> order;
        for (const auto& o : q.order_by)
            order.push_back(&o);
        scope out = plan_select(core, d, top ? order : std::vector<const ast::order_item*>{});
        if (top) plan_tail(q, d);
        return out;
    }

    void plan_tail(const ast::query& q, dataflow& d) {
        auto constant_count = [&](const ast::expr& e, const char* what) -> int64_t {
            scope none;
            auto b = _exprs.bind(e, none);
            if (b->kind != expr::expr_kind::constant || !b->type.is_integer())
                fail("42804", fmt::format("argument of {} must be an integer constant", what),
                     e.pos);
            if (b->constant.is_null()) return -1;
            int64_t v = b->constant.as_i64();
            if (v < 0) fail("2201W", fmt::format("{} must not be negative", what), e.pos);
            return v;
        };
        if (q.limit) {
            int64_t v = constant_count(*q.limit, "LIMIT");
            if (v >= 0) d.limit = v;
        }
        if (q.offset) d.offset = std::max<int64_t>(0, constant_count(*q.offset, "OFFSET"));
    }

    /// FROM: sets the dataflow's input (or appends a subquery's steps) and returns its scope.
    scope plan_from(const ast::select_core& core, dataflow& d) {
        if (core.from.empty()) {
            d.input = input_kind::none;
            return {};
        }
        if (core.from.size() > 1)
            fail("0A000", "joins are not supported yet (comma-separated FROM items)",
                 core.from[1]->pos);
        return plan_table(*core.from[0], d);
    }

    scope plan_relation(const ast::qualified_name& name, const std::string& alias,
                        sql::source_pos pos, dataflow& d) {
        const std::string& n = name.back();
        if (!d.steps.empty() || d.input != input_kind::none || d.source || !d.view_name.empty())
            fail("0A000", "joins are not supported yet", pos);
        scope s;
        std::string q = alias.empty() ? n : alias;
        if (auto src = _cat.find_source(n)) {
            d.input = input_kind::source;
            d.source = src;
            uint32_t i = 0;
            for (const auto& c : src->columns) {
                s.columns.push_back({c.name, q, c.type, i++, false, c.not_null});
                d.input_schema.push_back(c);
            }
            s.origin_partition = i;
            s.columns.push_back({"_partition", q, columnar::type_id::int64, i++, true, true});
            s.origin_offset = i;
            s.columns.push_back({"_offset", q, columnar::type_id::int64, i++, true, true});
            d.input_schema.push_back({"_partition", columnar::type_id::int64, true, true});
            d.input_schema.push_back({"_offset", columnar::type_id::int64, true, true});
            return s;
        }
        if (auto view = _cat.find_view(n)) {
            d.input = input_kind::view;
            d.view_name = n;
            uint32_t i = 0;
            for (const auto& c : view->columns) {
                if (c.hidden) continue;
                s.columns.push_back({c.name, q, c.type, i++, false, c.not_null});
                d.input_schema.push_back(c);
            }
            return s;
        }
        std::string hint;
        if (auto close = closest_name(n, _cat.relation_names()))
            hint = fmt::format("Perhaps you meant \"{}\".", *close);
        else
            hint = "SHOW SOURCES and SHOW VIEWS list what exists.";
        fail("42P01", fmt::format("relation \"{}\" does not exist", n), pos, hint);
    }

    scope plan_table(const ast::table_ref& t, dataflow& d) {
        switch (t.kind) {
        case ast::table_ref_kind::named: {
            const auto& n = t.as<ast::named_table_ref>();
            if (n.system_time_as_of)
                fail("0A000", "FOR SYSTEM_TIME AS OF (temporal joins) is not supported yet", t.pos);
            return plan_relation(n.name, t.alias, t.pos, d);
        }
        case ast::table_ref_kind::subquery: {
            const auto& sq = t.as<ast::subquery_table_ref>();
            scope inner = plan_query(*sq.subquery, d, false);
            if (!t.alias.empty())
                for (auto& c : inner.columns)
                    c.qualifier = t.alias;
            return inner;
        }
        case ast::table_ref_kind::function:
            return plan_window_function(t.as<ast::function_table_ref>(), d);
        case ast::table_ref_kind::file:
            fail("0A000", "reading files in FROM is not supported yet", t.pos);
        case ast::table_ref_kind::join: fail("0A000", "joins are not supported yet", t.pos);
        }
        fail("XX000", "unknown FROM item", t.pos);
    }

    scope plan_window_function(const ast::function_table_ref& f, dataflow& d) {
        std::string name = lower(f.name.back());
        if (name != "tumble" && name != "hop" && name != "session")
            fail("42883", fmt::format("table function {} does not exist", f.name.back()), f.pos,
                 "The window table functions are TUMBLE, HOP and SESSION.");
        const ast::table_arg* data = nullptr;
        const ast::table_arg* timecol = nullptr;
        std::vector<const ast::table_arg*> values;
        const ast::table_arg *size = nullptr, *slide = nullptr, *offset = nullptr;
        for (const auto& a : f.args) {
            std::string an = lower(a.name);
            if (a.kind == ast::table_arg_kind::table || an == "data")
                data = &a;
            else if (a.kind == ast::table_arg_kind::descriptor || an == "timecol")
                timecol = &a;
            else if (an == "size" || an == "gap")
                size = &a;
            else if (an == "slide")
                slide = &a;
            else if (an == "offset")
                offset = &a;
            else if (an.empty())
                values.push_back(&a);
            else
                fail("42883", fmt::format("{} has no argument named {}", name, a.name), a.pos);
        }
        // Positional intervals: TUMBLE(data, timecol, size[, offset]);
        // HOP(data, timecol, slide, size[, offset]) (Flink's order).
        size_t vi = 0;
        if (name == "tumble" || name == "session") {
            if (!size && vi < values.size()) size = values[vi++];
        } else {
            if (!slide && vi < values.size()) slide = values[vi++];
            if (!size && vi < values.size()) size = values[vi++];
        }
        if (!offset && vi < values.size()) offset = values[vi++];
        if (vi < values.size())
            fail("42883", fmt::format("too many arguments for {}", name), values[vi]->pos);
        if (!data)
            fail("42601", fmt::format("{} needs its input as TABLE name", name), f.pos,
                 "Write TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND).");
        if (!timecol || timecol->columns.size() != 1)
            fail("42601", fmt::format("{} needs one time column as DESCRIPTOR(column)", name),
                 f.pos);
        if (!size)
            fail("42601", name == "session" ? "SESSION needs a gap" : name + " needs a window size",
                 f.pos);
        if (name == "session" && offset) fail("42601", "SESSION takes no offset", offset->pos);
        if (name == "hop" && !slide) fail("42601", "HOP needs a slide and a size", f.pos);

        scope s = data->kind == ast::table_arg_kind::table
                      ? plan_relation(data->table_name, f.alias, data->pos, d)
                      : fail_scope("42601", "the first argument must be TABLE name", data->pos);
        const std::string& tc = timecol->columns[0];
        const scope_column* time = nullptr;
        for (const auto& c : s.columns)
            if (!c.hidden && c.name == tc) time = &c;
        if (!time) {
            std::vector<std::string> names;
            for (const auto& c : s.columns)
                if (!c.hidden) names.push_back(c.name);
            auto close = closest_name(tc, names);
            fail("42703", fmt::format("column \"{}\" does not exist", tc), timecol->pos,
                 close ? fmt::format("Perhaps you meant \"{}\".", *close) : std::string());
        }
        if (time->type.id != columnar::type_id::timestamp)
            fail("42804",
                 fmt::format("the window's time column \"{}\" must be a timestamp, not {}", tc,
                             time->type.to_string()),
                 timecol->pos);
        scope none;
        int64_t size_ms =
            constant_interval_ms(_exprs.bind(*size->value, none), size->pos, "the window size");
        int64_t slide_ms =
            slide ? constant_interval_ms(_exprs.bind(*slide->value, none), slide->pos, "the slide")
                  : size_ms;
        int64_t offset_ms = offset ? constant_interval_ms(_exprs.bind(*offset->value, none),
                                                          offset->pos, "the offset")
                                   : 0;
        if (size_ms <= 0) fail("22023", "the window size must be positive", size->pos);
        if (slide_ms <= 0) fail("22023", "the slide must be positive", slide->pos);
        if (size_ms % slide_ms != 0)
            fail("22023", "HOP's size must be a whole multiple of its slide", size->pos);
        if (size_ms / slide_ms > 1000)
            fail("22023",
                 "HOP's size is more than 1000 slides: every row would be repeated that "
                 "many times",
                 size->pos);
        window_step ws{time->index, size_ms, slide_ms, offset_ms};
        ws.session = name == "session";
        d.steps.push_back(ws);
        d.windowed = true;
        std::string q = f.alias.empty() ? data->table_name.back() : f.alias;
        s.window_start = s.width();
        s.columns.push_back(
            {"window_start", q, columnar::type_id::timestamp, s.width(), false, true});
        s.window_end = s.width();
        s.columns.push_back(
            {"window_end", q, columnar::type_id::timestamp, s.width(), false, true});
        s.session_window = name == "session";
        return s;
    }

    [[noreturn]] static scope fail_scope(std::string_view state, std::string msg,
                                         sql::source_pos pos) {
        fail(state, std::move(msg), pos);
    }

    /// Expands the select list: `*` and `t.*` into columns; returns (expr, name) pairs.
    struct item {
        const ast::expr* e = nullptr; ///< null for a star-expanded column
        const scope_column* column = nullptr;
        std::string name;
    };
    std::vector<item> expand_items(const ast::select_core& core, const scope& in) {
        std::vector<item> items;
        for (const auto& it : core.items) {
            if (it.value->kind == ast::expr_kind::star) {
                const auto& st = it.value->as<ast::star_expr>();
                bool any = false;
                for (const auto& c : in.columns) {
                    if (c.hidden) continue;
                    if (!st.qualifier.empty() && c.qualifier != st.qualifier.back()) continue;
                    items.push_back({nullptr, &c, c.name});
                    any = true;
                }
                if (!any && !st.qualifier.empty())
                    fail("42P01",
                         fmt::format("missing FROM-clause entry for table \"{}\"",
                                     st.qualifier.back()),
                         it.pos);
                continue;
            }
            items.push_back({it.value.get(), nullptr,
                             it.alias.empty() ? expr_binder::default_name(*it.value) : it.alias});
        }
        return items;
    }

    /// Appends the hidden origin columns of `in` to a projection, so that rows keep saying
    /// where they came from up to the aggregate.
    void carry_origin(const scope& in, std::vector<bound_expr_ptr>& proj, scope& out) {
        if (!in.origin_partition) return;
        out.origin_partition = uint32_t(proj.size());
        proj.push_back(
            expr::make_column_ref(*in.origin_partition, columnar::type_id::int64, "_partition"));
        out.columns.push_back(
            {"_partition", "", columnar::type_id::int64, out.origin_partition.value(), true, true});
        out.origin_offset = uint32_t(proj.size());
        proj.push_back(
            expr::make_column_ref(*in.origin_offset, columnar::type_id::int64, "_offset"));
        out.columns.push_back(
            {"_offset", "", columnar::type_id::int64, out.origin_offset.value(), true, true});
    }

    /// A GROUP BY item: an output ordinal, an output alias or an input expression.
    bound_expr_ptr bind_group_item(const ast::expr& g, const std::vector<item>& items,
                                   const scope& in) {
        if (g.kind == ast::expr_kind::literal) {
            const auto& l = g.as<ast::literal_expr>();
            if (l.lit == ast::literal_kind::integer) {
                if (l.int_value < 1 || size_t(l.int_value) > items.size())
                    fail("42P10",
                         fmt::format("GROUP BY position {} is not in select list", l.int_value),
                         g.pos);
                const item& it = items[size_t(l.int_value - 1)];
                if (it.e && expr_binder::contains_aggregate(*it.e))
                    fail("42803", "aggregate functions are not allowed in GROUP BY", g.pos);
                return it.e ? _exprs.bind(*it.e, in)
                            : expr::make_column_ref(it.column->index, it.column->type,
                                                    it.column->name);
            }
        }
        if (expr_binder::contains_aggregate(g))
            fail("42803", "aggregate functions are not allowed in GROUP BY", g.pos);
        if (g.kind == ast::expr_kind::column_ref) {
            const auto& c = g.as<ast::column_ref_expr>();
            if (c.names.size() == 1) {
                bool in_input = false;
                for (const auto& col : in.columns)
                    if (!col.hidden && col.name == c.names[0]) in_input = true;
                if (!in_input)
                    for (const auto& it : items)
                        if (it.e && it.name == c.names[0] &&
                            !expr_binder::contains_aggregate(*it.e))
                            return _exprs.bind(*it.e, in);
            }
        }
        return _exprs.bind(g, in);
    }

    scope plan_select(const ast::select_core& core, dataflow& d,
                      const std::vector<const ast::order_item*>& order) {
        if (!core.windows.empty())
            fail("0A000", "the WINDOW clause is not supported yet", core.windows[0].pos);
        if (core.qualify) fail("0A000", "QUALIFY is not supported yet", core.qualify->pos);
        if (!core.distinct_on.empty())
            fail("0A000", "DISTINCT ON is not supported yet", core.distinct_on[0]->pos);
        scope in = plan_from(core, d);
        bound_expr_ptr where;
        if (core.where) {
            if (expr_binder::contains_aggregate(*core.where))
                fail("42803", "aggregate functions are not allowed in WHERE", core.where->pos);
            where = _exprs.bind(*core.where, in);
            check_boolean(where, "WHERE", core.where->pos);
        }
        auto items = expand_items(core, in);
        bool aggregating = !core.group_by.empty() || core.having;
        for (const auto& it : items)
            if (it.e && expr_binder::contains_aggregate(*it.e)) aggregating = true;

        scope out;
        std::vector<bound_expr_ptr> proj;
        bound_expr_ptr having;
        if (!aggregating && in.session_window)
            fail("42803",
                 "a SESSION window's rows must be grouped by window_start and window_end: "
                 "sessions exist only once rows are merged",
                 core.items.empty() ? core.pos : core.items[0].pos);
        if (!aggregating) {
            for (const auto& it : items) {
                bound_expr_ptr b = it.e ? _exprs.bind(*it.e, in)
                                        : expr::make_column_ref(it.column->index, it.column->type,
                                                                it.column->name);
                out.columns.push_back({it.name, "", b->type, uint32_t(proj.size()), false,
                                       it.column ? it.column->not_null : false});
                if (it.column && in.window_start && it.column->index == *in.window_start)
                    out.window_start = uint32_t(proj.size());
                if (it.column && in.window_end && it.column->index == *in.window_end)
                    out.window_end = uint32_t(proj.size());
                proj.push_back(std::move(b));
            }
            out.changelog = in.changelog;
            add_order_columns(order, items, in, nullptr, proj, out);
            carry_origin(in, proj, out);
            d.steps.push_back(stateless_step{where, std::move(proj)});
        } else {
            agg_context agg;
            agg.append_only = !in.changelog;
            for (const auto& g : core.group_by) {
                auto k = bind_group_item(*g, items, in);
                bool dup = false;
                for (const auto& e : agg.keys)
                    dup = dup || e->equals(*k);
                if (!dup) agg.keys.push_back(std::move(k));
            }
            // Windowed when a window bound is a key: make sure window_end is one.
            std::optional<size_t> end_key, start_key;
            for (size_t k = 0; k < agg.keys.size(); ++k) {
                const auto& e = agg.keys[k];
                if (e->kind != expr::expr_kind::column_ref) continue;
                if (in.window_end && e->column_index == *in.window_end) end_key = k;
                if (in.window_start && e->column_index == *in.window_start) start_key = k;
            }
            if (start_key && !end_key) {
                end_key = agg.keys.size();
                agg.keys.push_back(expr::make_column_ref(
                    *in.window_end, columnar::type_id::timestamp, "window_end"));
            }
            if (in.session_window && end_key && !start_key) {
                start_key = agg.keys.size();
                agg.keys.push_back(expr::make_column_ref(
                    *in.window_start, columnar::type_id::timestamp, "window_start"));
            }
            if (in.session_window && !end_key)
                fail("42803",
                     "a SESSION window's rows must be grouped by window_start and window_end",
                     core.group_by.empty() ? core.items[0].pos : core.group_by[0]->pos);
            bool windowed = end_key.has_value() && !in.changelog;
            if (end_key && in.changelog)
                fail("0A000",
                     "a windowed aggregate over a changelog (the result of an aggregate "
                     "without a window) is not supported",
                     core.group_by[0]->pos);
            std::vector<std::pair<bound_expr_ptr, std::string>> bound_items;
            for (const auto& it : items) {
                bound_expr_ptr b = it.e ? _exprs.bind(*it.e, in, &agg)
                                        : bind_star_column_after_agg(*it.column, agg);
                bound_items.push_back({std::move(b), it.name});
            }
            if (core.having) {
                having = _exprs.bind(*core.having, in, &agg);
                check_boolean(having, "HAVING", core.having->pos);
            }
            // Before the aggregate: keys, then each call's arguments and filter, then origin.
            std::vector<bound_expr_ptr> pre;
            scope pre_scope;
            exec::aggregate_config cfg;
            for (size_t k = 0; k < agg.keys.size(); ++k) {
                cfg.keys.push_back(uint32_t(pre.size()));
                cfg.key_types.push_back(agg.keys[k]->type);
                pre.push_back(agg.keys[k]);
            }
            for (auto& c : agg.calls) {
                exec::aggregate_call call;
                call.fn = c.fn;
                for (auto& a : c.args) {
                    call.args.push_back(uint32_t(pre.size()));
                    pre.push_back(expr::coerce(a, c.fn->arg_types.empty()
                                                      ? a->type
                                                      : c.fn->arg_types[call.args.size() - 1]));
                }
                if (c.filter) {
                    call.filter = uint32_t(pre.size());
                    pre.push_back(c.filter);
                }
                cfg.calls.push_back(std::move(call));
            }
            if (windowed && !in.session_window) cfg.window_end_key = *end_key;
            if (in.session_window)
                for (const auto& c : cfg.calls)
                    if (!c.fn->merge)
                        fail(
                            "0A000",
                            fmt::format("{}(DISTINCT ...) cannot be used over SESSION windows yet: "
                                        "sessions merge, and DISTINCT states cannot",
                                        c.fn->name),
                            core.items[0].pos);
            carry_origin(in, pre, pre_scope);
            d.steps.push_back(stateless_step{where, std::move(pre)});
            aggregate_step step;
            step.global = agg.keys.empty();
            step.config = std::move(cfg);
            if (in.session_window) {
                step.session = true;
                step.session_start_key = *start_key;
                step.session_end_key = *end_key;
            }
            d.steps.push_back(std::move(step));
            // After it: the SELECT list (and HAVING) over keys and results.
            for (auto& [b, name] : bound_items) {
                out.columns.push_back({name, "", b->type, uint32_t(proj.size()), false, false});
                proj.push_back(b);
            }
            if (!order.empty()) add_order_columns(order, items, in, &agg, proj, out);
            out.changelog = !windowed;
            d.steps.push_back(stateless_step{having, std::move(proj)});
        }
        if (core.distinct) {
            exec::aggregate_config cfg;
            for (const auto& c : out.columns) {
                if (c.hidden) continue;
                cfg.keys.push_back(c.index);
                cfg.key_types.push_back(c.type);
            }
            aggregate_step step;
            step.config = std::move(cfg);
            d.steps.push_back(std::move(step));
            scope distinct;
            for (const auto& c : out.columns) {
                if (c.hidden) continue;
                scope_column col = c;
                col.index = distinct.width();
                distinct.columns.push_back(col);
            }
            distinct.changelog = true;
            out = std::move(distinct);
            if (!order.empty()) bind_order_on_output(order, items, out, d);
        }
        return out;
    }

    bound_expr_ptr bind_star_column_after_agg(const scope_column& c, const agg_context& agg) {
        for (size_t k = 0; k < agg.keys.size(); ++k) {
            const auto& e = agg.keys[k];
            if (e->kind == expr::expr_kind::column_ref && e->column_index == c.index)
                return expr::make_column_ref(uint32_t(k), c.type, c.name);
        }
        fail("42803",
             fmt::format("column \"{}\" must appear in the GROUP BY clause or be used in an "
                         "aggregate function",
                         c.name),
             sql::source_pos{});
    }

    /// The sort key of ORDER BY item `o` on output column `column`. NULLs sort as larger than
    /// any value, as in Postgres: last ascending, first descending, unless said otherwise.
    static sort_key sort_key_for(const ast::order_item& o, uint32_t column) {
        sort_key k;
        k.column = column;
        k.descending = o.descending;
        k.nulls_first = o.nulls == ast::nulls_order::first ||
                        (o.nulls == ast::nulls_order::unspecified && o.descending);
        return k;
    }

    /// ORDER BY of a bounded query: each key is an output column (by position, name or equal
    /// expression) or, failing that, an extra hidden column computed in the same projection.
    void add_order_columns(const std::vector<const ast::order_item*>& order,
                           const std::vector<item>& items, const scope& in, agg_context* agg,
                           std::vector<bound_expr_ptr>& proj, scope& out) {
        if (order.empty()) return;
        _pending_order.clear();
        for (const auto* o : order) {
            const ast::expr& e = *o->value;
            std::optional<uint32_t> col;
            if (e.kind == ast::expr_kind::literal &&
                e.as<ast::literal_expr>().lit == ast::literal_kind::integer) {
                int64_t pos = e.as<ast::literal_expr>().int_value;
                if (pos < 1 || size_t(pos) > items.size())
                    fail("42P10", fmt::format("ORDER BY position {} is not in select list", pos),
                         e.pos);
                col = uint32_t(pos - 1);
            } else if (e.kind == ast::expr_kind::column_ref &&
                       e.as<ast::column_ref_expr>().names.size() == 1) {
                const std::string& n = e.as<ast::column_ref_expr>().names[0];
                for (size_t i = 0; i < items.size(); ++i)
                    if (items[i].name == n) {
                        if (col)
                            fail("42702", fmt::format("ORDER BY \"{}\" is ambiguous", n), e.pos);
                        col = uint32_t(i);
                    }
            }
            if (!col) {
                bound_expr_ptr b = _exprs.bind(e, in, agg);
                for (size_t i = 0; i < items.size() && !col; ++i)
                    if (proj[i]->equals(*b)) col = uint32_t(i);
                if (!col) {
                    col = uint32_t(proj.size());
                    out.columns.push_back(
                        {"?order?", "", b->type, uint32_t(proj.size()), true, false});
                    proj.push_back(std::move(b));
                }
            }
            _pending_order.push_back(sort_key_for(*o, *col));
        }
        _order_planned = true;
    }

    void bind_order_on_output(const std::vector<const ast::order_item*>& order,
                              const std::vector<item>& items, const scope& out, dataflow& d) {
        // After DISTINCT only output columns can be sorted on.
        _pending_order.clear();
        for (const auto* o : order) {
            const ast::expr& e = *o->value;
            std::optional<uint32_t> col;
            if (e.kind == ast::expr_kind::literal &&
                e.as<ast::literal_expr>().lit == ast::literal_kind::integer) {
                int64_t pos = e.as<ast::literal_expr>().int_value;
                if (pos >= 1 && size_t(pos) <= items.size()) col = uint32_t(pos - 1);
            } else if (e.kind == ast::expr_kind::column_ref) {
                const std::string& n = e.as<ast::column_ref_expr>().names.back();
                for (const auto& c : out.columns)
                    if (c.name == n) col = c.index;
            }
            if (!col)
                fail("42P10",
                     "for SELECT DISTINCT, ORDER BY expressions must appear in select list", e.pos);
            _pending_order.push_back(sort_key_for(*o, *col));
        }
        d.order_by = _pending_order;
        _order_planned = false;
    }

    static void check_boolean(const bound_expr_ptr& e, const char* clause, sql::source_pos pos) {
        if (e->type.id != columnar::type_id::boolean && e->type.id != columnar::type_id::null)
            fail("42804",
                 fmt::format("argument of {} must be type boolean, not type {}", clause,
                             e->type.to_string()),
                 pos);
    }

public:
    std::vector<sort_key> _pending_order;
    bool _order_planned = false;

private:
    const catalog_reader& _cat;
    const bind_options& _opt;
    expr_binder _exprs;
};

} // namespace

size_t dataflow::visible_columns() const {
    size_t n = 0;
    for (const auto& c : output)
        if (!c.hidden) ++n;
    return n;
}

dataflow plan_query(const sql::query& q, const catalog_reader& catalog, const bind_options& opt) {
    query_planner p(catalog, opt);
    dataflow d = p.plan(q);
    if (p._order_planned) d.order_by = p._pending_order;
    prune_before_window(d);
    return d;
}

} // namespace spate::plan
