// Planning a query: FROM (a source, a view, a window table function, a subquery), WHERE,
// GROUP BY with aggregates and HAVING, the SELECT list, DISTINCT, and for bounded queries
// ORDER BY, LIMIT and OFFSET.

#include "expr/function_registry.h"
#include "files/read_options.h"
#include "plan/binder_internal.h"
#include "plan/expr_rewrite.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

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
        check_rank_limits(d, q.pos);
        return d;
    }

private:
    /// Every ROW_NUMBER() must have met its rank filter (WHERE rownum <= N) in a continuous
    /// query; a bounded one numbers every row.
    void check_rank_limits(dataflow& d, sql::source_pos pos) {
        for (auto& st : d.steps) {
            if (auto* r = std::get_if<rank_step>(&st); r && r->config.limit == 0) {
                if (_opt.continuous)
                    fail("0A000",
                         "ROW_NUMBER() in a materialized view or sink needs a rank filter in the "
                         "enclosing query, such as WHERE rownum <= 10",
                         pos,
                         "Without one every row would be kept and renumbered as others "
                         "arrive.");
                r->config.limit = std::numeric_limits<int64_t>::max();
            }
            if (auto* j = std::get_if<join_step>(&st)) {
                auto right = std::make_shared<dataflow>(*j->right);
                check_rank_limits(*right, pos);
                j->right = std::move(right);
            }
        }
    }

    scope plan_query(const ast::query& q, dataflow& d, bool top) {
        // WITH: each name is visible to the CTEs after it and to the body.
        size_t visible_ctes = _ctes.size();
        for (const auto& c : q.with) {
            if (!c.column_aliases.empty())
                fail("0A000", "column names after a WITH query's name are not supported yet", c.pos,
                     "Name the columns with AS inside the query.");
            _ctes.push_back(&c);
        }
        struct restore {
            std::vector<const ast::cte*>& v;
            size_t n;
            ~restore() { v.resize(n); }
        } restore_ctes{_ctes, visible_ctes};
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

    /// Where the WHERE clause's conjuncts may be used by a join in FROM: an inner join that is
    /// not on the NULL-padded side of an outer join may take those it can evaluate as part of
    /// its ON condition (as keys, bounds or filters pushed to one input).
    struct join_context {
        std::vector<const ast::expr*>* where;
        bool nullable;
    };

    static void split_ast_conjuncts(const ast::expr* e, std::vector<const ast::expr*>& out) {
        if (!e) return;
        if (e->kind == ast::expr_kind::binary) {
            const auto& b = e->as<ast::binary_expr>();
            if (b.op == ast::binary_op::and_) {
                split_ast_conjuncts(b.left.get(), out);
                split_ast_conjuncts(b.right.get(), out);
                return;
            }
        }
        out.push_back(e);
    }

    /// FROM: sets the dataflow's input (or appends a subquery's steps or joins) and returns its
    /// scope. Joins may take conjuncts of `where` (those left are for the WHERE step).
    scope plan_from(const ast::select_core& core, dataflow& d,
                    std::vector<const ast::expr*>& where) {
        if (core.from.empty()) {
            d.input = input_kind::none;
            return {};
        }
        join_context ctx{&where, false};
        scope s = plan_table(*core.from[0], d, ctx);
        // FROM a, b, c: cross joins, whose keys come from WHERE.
        for (size_t i = 1; i < core.from.size(); ++i)
            s = plan_join(d, std::move(s), *core.from[i], ast::join_type::cross, nullptr, {}, ctx,
                          core.from[i]->pos);
        return s;
    }

    const ast::cte* find_cte(const std::string& name) const {
        for (size_t i = _ctes.size(); i-- > 0;)
            if (_ctes[i]->name == name) return _ctes[i];
        return nullptr;
    }

    scope plan_relation(const ast::qualified_name& name, const std::string& alias,
                        sql::source_pos pos, dataflow& d) {
        const std::string& n = name.back();
        if (!d.steps.empty() || d.input != input_kind::none || d.source || !d.view_name.empty())
            fail("XX000", "a relation planned into a dataflow that has an input", pos);
        scope s;
        std::string q = alias.empty() ? n : alias;
        if (const ast::cte* cte = name.size() == 1 ? find_cte(n) : nullptr) {
            if (std::find(_ctes_busy.begin(), _ctes_busy.end(), cte) != _ctes_busy.end())
                fail("0A000", fmt::format("WITH query \"{}\" refers to itself", n), pos,
                     "WITH RECURSIVE is not supported.");
            _ctes_busy.push_back(cte);
            scope inner = plan_query(*cte->subquery, d, false);
            _ctes_busy.pop_back();
            for (auto& c : inner.columns)
                c.qualifier = q;
            return inner;
        }
        d.relations.push_back(n);
        if (auto src = _cat.find_source(n)) {
            d.input = input_kind::source;
            d.source = src;
            uint32_t i = 0;
            for (const auto& c : src->columns) {
                s.columns.push_back({c.name, q, c.type, i++, false, c.not_null});
                d.input_schema.push_back(c);
            }
            s.rowtime = src->watermark_column;
            s.origin_partition = i;
            s.columns.push_back({"_partition", q, columnar::type_id::int64, i++, true, true});
            s.origin_offset = i;
            s.columns.push_back({"_offset", q, columnar::type_id::int64, i++, true, true});
            d.input_schema.push_back({"_partition", columnar::type_id::int64, true, true});
            d.input_schema.push_back({"_offset", columnar::type_id::int64, true, true});
            return s;
        }
        if (auto view = _cat.find_view(n)) {
            if (_opt.continuous && view->flow) {
                // A continuous query over a view runs the view's own dataflow in its pipeline.
                const dataflow& v = *view->flow;
                d.input = v.input;
                d.source = v.source;
                d.input_schema = v.input_schema;
                d.steps = v.steps;
                d.windowed = v.windowed;
                for (const auto& r : v.relations)
                    d.relations.push_back(r);
                uint32_t i = 0;
                for (size_t k = 0; k < v.output.size(); ++k) {
                    const auto& c = v.output[k];
                    const auto& shown = k < view->columns.size() ? view->columns[k] : c;
                    s.columns.push_back({shown.name, q, c.type, i++, c.hidden, c.not_null});
                }
                for (const auto& c : s.columns) {
                    if (c.hidden && c.name == "_partition") s.origin_partition = c.index;
                    if (c.hidden && c.name == "_offset") s.origin_offset = c.index;
                }
                s.changelog = v.changelog;
                return s;
            }
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
        return plan_table(t, d, join_context{nullptr, false});
    }

    scope plan_table(const ast::table_ref& t, dataflow& d, join_context ctx) {
        switch (t.kind) {
        case ast::table_ref_kind::named: {
            const auto& n = t.as<ast::named_table_ref>();
            if (n.system_time_as_of)
                fail("0A000",
                     "FOR SYSTEM_TIME AS OF is only supported on the right of a JOIN (a lookup "
                     "join)",
                     t.pos);
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
            if (auto split = as_split_table(t)) {
                // FROM unnest(...) alone: over one row without columns.
                d.input = input_kind::none;
                return plan_unnest(*split, scope{}, d, unnest_column_name(t), t.alias);
            }
            if (is_file_function(lower(t.as<ast::function_table_ref>().name.back())))
                return plan_file_function(t, d);
            return plan_window_function(t.as<ast::function_table_ref>(), d);
        case ast::table_ref_kind::file:
            return plan_file(t, "", t.as<ast::file_table_ref>().path, {}, d);
        case ast::table_ref_kind::join: {
            const auto& j = t.as<ast::join_table_ref>();
            bool left_nullable = j.type == ast::join_type::right || j.type == ast::join_type::full;
            join_context left_ctx{ctx.where, ctx.nullable || left_nullable};
            scope left = plan_table(*j.left, d, left_ctx);
            scope out = plan_join(d, std::move(left), *j.right, j.type, j.condition.get(),
                                  j.using_columns, ctx, t.pos);
            if (!t.alias.empty())
                for (auto& c : out.columns)
                    c.qualifier = t.alias;
            return out;
        }
        }
        fail("XX000", "unknown FROM item", t.pos);
    }

    static bool is_origin(const scope& s, const scope_column& c) {
        return (s.origin_partition && c.index == *s.origin_partition) ||
               (s.origin_offset && c.index == *s.origin_offset);
    }

    /// The columns of `side` a join carries on: all but the hidden origin columns.
    static std::vector<uint32_t> join_keep(const scope& side) {
        std::vector<uint32_t> keep;
        for (const auto& c : side.columns)
            if (!is_origin(side, c)) keep.push_back(c.index);
        return keep;
    }

    /// Appends a step computing `extra` columns after all of `side`'s columns to `flow` (when
    /// there are any) and returns the index of each.
    static std::vector<uint32_t> add_columns(dataflow& flow, scope& side,
                                             const std::vector<bound_expr_ptr>& extra) {
        std::vector<uint32_t> at;
        if (extra.empty()) return at;
        std::vector<bound_expr_ptr> proj;
        for (const auto& c : side.columns)
            proj.push_back(expr::make_column_ref(c.index, c.type, c.name));
        for (const auto& e : extra) {
            at.push_back(uint32_t(proj.size()));
            side.columns.push_back({"?key?", "", e->type, uint32_t(proj.size()), true, false});
            proj.push_back(e);
        }
        flow.steps.push_back(stateless_step{nullptr, std::move(proj)});
        return at;
    }

    /// Where input column `col` of a join's input (keeping `keep`, starting at output column
    /// `base`) is in the joined row, if it is kept.
    static std::optional<uint32_t> out_index(const std::vector<uint32_t>& keep,
                                             std::optional<uint32_t> col, uint32_t base) {
        if (!col) return std::nullopt;
        for (uint32_t i = 0; i < keep.size(); ++i)
            if (keep[i] == *col) return base + i;
        return std::nullopt;
    }

    /// Bounds a join's state by the event-time conditions found in its ON clause. A left row
    /// can go once no right row still to come can match it: the condition says right_time <=
    /// left_column + d, and the right watermark has passed that; the same the other way round.
    /// `bounds` are keyed by (left, right) output columns; the times are the inputs' watermark
    /// columns or window ends. Both inputs must be bounded for the state to be.
    void bound_by_time(const std::map<std::pair<uint32_t, uint32_t>, time_bound>& bounds,
                       const scope& left, const scope& right, const std::vector<uint32_t>& lkeep,
                       const std::vector<uint32_t>& rkeep, uint32_t lw, const scope& out,
                       exec::join_config& jc, join_step& js) {
        auto lt = out_index(lkeep, left.rowtime, 0), lwe = out_index(lkeep, left.window_end, 0);
        auto rt = out_index(rkeep, right.rowtime, lw), rwe = out_index(rkeep, right.window_end, lw);
        auto left_time = [&](uint32_t c) { return c == lt || c == lwe; };
        auto right_time = [&](uint32_t c) { return c == rt || c == rwe; };
        // (the column a side's rows expire by, ms after it, the other side's time column)
        struct expiry {
            uint32_t column, other_time;
            int64_t after;
        };
        std::optional<expiry> lexp, rexp;
        for (const auto& [cols, b] : bounds) {
            // left_col - right_time >= min: right_time <= left_col - min.
            if (b.min_diff && right_time(cols.second) && (!lexp || -*b.min_diff < lexp->after))
                lexp = expiry{cols.first, cols.second, -*b.min_diff};
            // left_time - right_col <= max: left_time <= right_col + max.
            if (b.max_diff && left_time(cols.first) && (!rexp || *b.max_diff < rexp->after))
                rexp = expiry{cols.second, cols.first, *b.max_diff};
        }
        if (!lexp || !rexp) return;
        // Each side's lateness goes by its own time column; its rows expire by `column`.
        jc.left.time = lkeep[rexp->other_time];
        jc.right.time = rkeep[lexp->other_time - lw];
        jc.left.expire_after_ms = lexp->after;
        jc.right.expire_after_ms = rexp->after;
        if (lkeep[lexp->column] != *jc.left.time) jc.left.expire_column = lkeep[lexp->column];
        if (rkeep[rexp->column - lw] != *jc.right.time)
            jc.right.expire_column = rkeep[rexp->column - lw];
        js.bounded_state = true;
        js.state_note = fmt::format(
            "rows within the time bound, a left row dropped once the right watermark passes its "
            "{} + {} ms, a right row once the left watermark passes its {} + {} ms",
            out.columns[lexp->column].name, lexp->after, out.columns[rexp->column].name,
            rexp->after);
    }

    /// left JOIN right: plans the right input as a dataflow of its own, splits the condition
    /// into equality keys, bounds on the two inputs' event times and the rest, and appends the
    /// join step to `d`.
    scope plan_join(dataflow& d, scope left, const ast::table_ref& right_ref, ast::join_type type,
                    const ast::expr* on, const std::vector<std::string>& using_columns,
                    join_context ctx, sql::source_pos pos) {
        if (auto split = as_split_table(right_ref)) {
            // FROM t, unnest(...): each row of t with each piece (a lateral cross join).
            if (type != ast::join_type::cross && type != ast::join_type::inner)
                fail("0A000", "only a cross or inner join with unnest(...) is supported",
                     right_ref.pos);
            if (!using_columns.empty())
                fail("0A000", "a join with unnest(...) takes no USING", right_ref.pos);
            scope out = plan_unnest(*split, std::move(left), d, unnest_column_name(right_ref),
                                    right_ref.alias);
            if (on) {
                auto cond = _exprs.bind(*on, out);
                check_boolean(cond, "JOIN/ON", on->pos);
                d.steps.push_back(stateless_step{cond, {}});
            }
            return out;
        }
        auto rd = std::make_shared<dataflow>();
        bool left_preserved = type == ast::join_type::left || type == ast::join_type::full;
        bool right_preserved = type == ast::join_type::right || type == ast::join_type::full;
        bool lookup = false;
        scope right;
        if (right_ref.kind == ast::table_ref_kind::named &&
            right_ref.as<ast::named_table_ref>().system_time_as_of) {
            if (type != ast::join_type::inner && type != ast::join_type::left)
                fail("0A000", "a lookup join (FOR SYSTEM_TIME AS OF) must be an inner or left join",
                     right_ref.pos);
            lookup = true;
            right = plan_relation(right_ref.as<ast::named_table_ref>().name, right_ref.alias,
                                  right_ref.pos, *rd);
        } else {
            join_context right_ctx{ctx.where, ctx.nullable || left_preserved};
            right = plan_table(right_ref, *rd, right_ctx);
        }
        if (_opt.continuous && (d.input == input_kind::none || rd->input == input_kind::none))
            fail("0A000", "both inputs of a join in a materialized view or sink need a FROM", pos);

        // The joined row: the left input's columns, then the right's.
        scope out;
        std::vector<uint32_t> lkeep = join_keep(left), rkeep = join_keep(right);
        auto add_side = [&](const scope& side, const std::vector<uint32_t>& keep, bool nullable) {
            for (uint32_t k : keep) {
                scope_column c = side.columns[k];
                c.index = out.width();
                if (nullable) c.not_null = false;
                c.rank_flow = nullptr;
                out.columns.push_back(c);
            }
        };
        add_side(left, lkeep, right_preserved);
        const uint32_t lw = out.width();
        add_side(right, rkeep, left_preserved);
        if ((out.window_end = out_index(lkeep, left.window_end, 0)))
            out.window_start = out_index(lkeep, left.window_start, 0);
        else if ((out.window_end = out_index(rkeep, right.window_end, lw)))
            out.window_start = out_index(rkeep, right.window_start, lw);
        out.rowtime = out_index(lkeep, left.rowtime, 0);

        // The condition's conjuncts: ON, USING, and for inner joins the WHERE conjuncts that
        // can be evaluated here.
        std::vector<bound_expr_ptr> conjuncts;
        if (on) {
            auto b = _exprs.bind(*on, out);
            check_boolean(b, "JOIN/ON", on->pos);
            split_conjuncts(b, conjuncts);
        }
        std::vector<std::pair<uint32_t, uint32_t>> using_pairs; // output columns
        for (const auto& name : using_columns) {
            auto find = [&](uint32_t from, uint32_t to) -> uint32_t {
                std::optional<uint32_t> at;
                for (uint32_t i = from; i < to; ++i)
                    if (!out.columns[i].hidden && out.columns[i].name == name) {
                        if (at)
                            fail("42702",
                                 fmt::format("common column name \"{}\" appears more than once "
                                             "in one table",
                                             name),
                                 pos);
                        at = i;
                    }
                if (!at)
                    fail("42703",
                         fmt::format("column \"{}\" specified in USING clause does not exist in "
                                     "{} table",
                                     name, from == 0 ? "left" : "right"),
                         pos);
                return *at;
            };
            uint32_t l = find(0, lw), r = find(lw, out.width());
            using_pairs.push_back({l, r});
            const auto& lc = out.columns[l];
            const auto& rc = out.columns[r];
            conjuncts.push_back(expr::make_call("=", {expr::make_column_ref(l, lc.type, lc.name),
                                                      expr::make_column_ref(r, rc.type, rc.name)}));
        }
        bool inner = type == ast::join_type::inner || type == ast::join_type::cross;
        if (inner && !ctx.nullable && ctx.where) {
            auto& w = *ctx.where;
            for (size_t i = 0; i < w.size();) {
                bound_expr_ptr b;
                try {
                    if (!expr_binder::contains_aggregate(*w[i])) b = _exprs.bind(*w[i], out);
                } catch (const sql::sql_error&) {
                    // It reads a relation joined later: WHERE or a later join evaluates it.
                }
                if (!b || (b->type.id != columnar::type_id::boolean &&
                           b->type.id != columnar::type_id::null)) {
                    ++i;
                    continue;
                }
                split_conjuncts(b, conjuncts);
                w.erase(w.begin() + long(i));
            }
        }

        // Equality keys, filters that only read one input (pushed into it where that keeps
        // the result), event-time bounds, and the rest (checked on each pair).
        std::vector<bound_expr_ptr> lkeys, rkeys, residual, lfilters, rfilters;
        std::map<std::pair<uint32_t, uint32_t>, time_bound> bounds;
        std::vector<uint32_t> to_left(out.width(), 0), to_right(out.width(), 0);
        for (uint32_t i = 0; i < lw; ++i)
            to_left[i] = lkeep[i];
        for (uint32_t i = lw; i < out.width(); ++i)
            to_right[i] = rkeep[i - lw];
        for (const auto& c : conjuncts) {
            if (auto p = as_equi_pair(c, lw)) {
                auto t = expr::common_type(p->left->type, p->right->type, "JOIN");
                lkeys.push_back(expr::coerce(remap_columns(p->left, to_left), t));
                rkeys.push_back(expr::coerce(remap_columns(p->right, to_right), t));
                continue;
            }
            int sides = sides_read(*c, lw);
            if (sides == 1 && !left_preserved && !lookup) {
                lfilters.push_back(remap_columns(c, to_left));
                continue;
            }
            if (sides == 2 && !right_preserved) {
                rfilters.push_back(remap_columns(c, to_right));
                continue;
            }
            if (auto t = as_time_bound(c, lw)) {
                auto& b = bounds[{t->left_column, t->right_column}];
                b.left_column = t->left_column;
                b.right_column = t->right_column;
                if (t->min_diff)
                    b.min_diff = std::max(b.min_diff.value_or(*t->min_diff), *t->min_diff);
                if (t->max_diff)
                    b.max_diff = std::min(b.max_diff.value_or(*t->max_diff), *t->max_diff);
            }
            residual.push_back(c);
        }
        if (!lfilters.empty()) d.steps.push_back(stateless_step{conjunction(lfilters), {}});
        if (!rfilters.empty()) rd->steps.push_back(stateless_step{conjunction(rfilters), {}});

        exec::join_config jc;
        jc.kind = type == ast::join_type::left    ? exec::join_kind::left
                  : type == ast::join_type::right ? exec::join_kind::right
                  : type == ast::join_type::full  ? exec::join_kind::full
                                                  : exec::join_kind::inner;
        jc.lookup = lookup;
        // Keys that are not plain columns of their input are computed in a step before it.
        auto place_keys = [](dataflow& flow, scope& side, const std::vector<bound_expr_ptr>& keys) {
            std::vector<uint32_t> at(keys.size());
            std::vector<bound_expr_ptr> extra;
            std::vector<size_t> extra_of;
            for (size_t k = 0; k < keys.size(); ++k) {
                if (keys[k]->kind == expr::expr_kind::column_ref) {
                    at[k] = keys[k]->column_index;
                    continue;
                }
                extra_of.push_back(k);
                extra.push_back(keys[k]);
            }
            auto placed = add_columns(flow, side, extra);
            for (size_t i = 0; i < placed.size(); ++i)
                at[extra_of[i]] = placed[i];
            return at;
        };
        jc.left.keys = place_keys(d, left, lkeys);
        jc.right.keys = place_keys(*rd, right, rkeys);
        jc.left.keep = lkeep;
        jc.right.keep = rkeep;
        for (const auto& c : left.columns)
            jc.left.types.push_back(c.type);
        for (const auto& c : right.columns)
            jc.right.types.push_back(c.type);
        jc.left.changelog = left.changelog;
        jc.right.changelog = right.changelog;
        jc.residual = conjunction(residual);

        // State bounded by the watermarks: equal window ends, or an interval between the two
        // inputs' event times.
        join_step js;
        js.state_note = lookup ? "the right input's current rows, by key"
                               : "every row of both inputs, by key (no bound on event time in "
                                 "the condition)";
        bool append_only = !left.changelog && !right.changelog && !lookup;
        if (append_only) {
            std::optional<uint32_t> lwe = out_index(lkeep, left.window_end, 0);
            std::optional<uint32_t> rwe = out_index(rkeep, right.window_end, lw);
            for (size_t k = 0; k < lkeys.size() && lwe && rwe; ++k) {
                const auto& l = *lkeys[k];
                const auto& r = *rkeys[k];
                if (l.kind == expr::expr_kind::column_ref &&
                    r.kind == expr::expr_kind::column_ref && l.column_index == *left.window_end &&
                    r.column_index == *right.window_end) {
                    jc.left.time = *left.window_end;
                    jc.right.time = *right.window_end;
                    js.bounded_state = true;
                    js.state_note = "the rows of open windows, dropped when both inputs' "
                                    "watermarks pass the window's end";
                }
            }
            if (!js.bounded_state)
                bound_by_time(bounds, left, right, lkeep, rkeep, lw, out, jc, js);
        }
        js.config = std::move(jc);
        bool changelog = exec::join_emits_changelog(js.config);
        d.windowed = d.windowed || rd->windowed;
        for (const auto& r : rd->relations)
            d.relations.push_back(r);
        js.right = std::move(rd);
        d.steps.push_back(std::move(js));
        out.changelog = changelog;

        if (using_pairs.empty()) return out;
        // USING: each named column once (from the side that is not NULL-padded, or both
        // coalesced for FULL), then the others in order.
        scope merged;
        std::vector<bound_expr_ptr> proj;
        std::vector<uint8_t> taken(out.width(), 0);
        for (auto [l, r] : using_pairs) {
            const auto& lc = out.columns[l];
            const auto& rc = out.columns[r];
            auto lref = expr::make_column_ref(l, lc.type, lc.name);
            auto rref = expr::make_column_ref(r, rc.type, rc.name);
            bound_expr_ptr e = type == ast::join_type::right  ? rref
                               : type == ast::join_type::full ? expr::make_coalesce({lref, rref})
                                                              : lref;
            merged.columns.push_back({lc.name, "", e->type, uint32_t(proj.size()), false,
                                      type != ast::join_type::full && lc.not_null});
            proj.push_back(std::move(e));
            taken[l] = taken[r] = 1;
        }
        for (const auto& c : out.columns) {
            if (taken[c.index]) continue;
            scope_column m = c;
            m.index = uint32_t(proj.size());
            if (out.window_end && c.index == *out.window_end) merged.window_end = m.index;
            if (out.window_start && c.index == *out.window_start) merged.window_start = m.index;
            if (out.rowtime && c.index == *out.rowtime) merged.rowtime = m.index;
            merged.columns.push_back(m);
            proj.push_back(expr::make_column_ref(c.index, c.type, c.name));
        }
        merged.changelog = out.changelog;
        d.steps.push_back(stateless_step{nullptr, std::move(proj)});
        return merged;
    }

    /// read_csv / read_json / read_text(path, name => value, ...).
    scope plan_file_function(const ast::table_ref& t, dataflow& d) {
        const auto& f = t.as<ast::function_table_ref>();
        std::string name = lower(f.name.back());
        std::string path;
        std::vector<file_arg> args;
        scope none;
        for (size_t i = 0; i < f.args.size(); ++i) {
            const auto& a = f.args[i];
            if (a.kind != ast::table_arg_kind::value)
                fail("42601", fmt::format("{} takes a path and named options", name), a.pos);
            auto b = _exprs.bind(*a.value, none);
            if (b->kind != expr::expr_kind::constant)
                fail("22023", fmt::format("the arguments of {} must be constants", name), a.pos);
            if (i == 0 && a.name.empty()) {
                if (b->constant.is_null() || !b->type.is_string())
                    fail("22023",
                         fmt::format("the first argument of {} is the path, a string", name),
                         a.pos);
                path = b->constant.as_string();
                continue;
            }
            if (a.name.empty())
                fail("42601",
                     fmt::format("{}'s options are named: {}(path, header => true)", name, name),
                     a.pos);
            args.push_back({lower(a.name), b->constant, a.pos});
        }
        if (path.empty()) fail("42601", fmt::format("{} needs a path", name), f.pos);
        return plan_file(t, name, path, args, d);
    }

    /// A file table as the dataflow's input.
    scope plan_file(const ast::table_ref& t, const std::string& function, const std::string& path,
                    const std::vector<file_arg>& args, dataflow& d) {
        if (_opt.continuous)
            fail("0A000", "a materialized view or sink cannot read files", t.pos,
                 "Load the file into a topic (COPY topic FROM 'file' or spate produce) and "
                 "read it through a source.");
        auto table = open_file_table(function, path, args, t.pos);
        d.input = input_kind::file;
        d.file = table;
        // The qualifier: the alias, else the file name without folders and extensions.
        std::string q = t.alias;
        if (q.empty()) {
            q = path.substr(
                path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
            q = q.substr(0, q.find('.'));
        }
        scope s;
        uint32_t i = 0;
        for (const auto& c : table->columns) {
            std::string n = i < t.column_aliases.size() ? t.column_aliases[i] : c.name;
            s.columns.push_back({n, q, c.type, i, false, false});
            d.input_schema.push_back({n, c.type, false, false});
            d.file_columns.push_back(i);
            ++i;
        }
        return s;
    }

    /// The string and separator of a set-returning split: `unnest(string_to_array(s, sep))`
    /// (also string_split, str_split, regexp_split_to_array) or `regexp_split_to_table(s, p)`;
    /// null when `e` is no such call. Throws for an unnest of anything else.
    struct split_call {
        const ast::expr* text = nullptr;
        const ast::expr* separator = nullptr;
        bool regex = false;
    };
    static std::optional<split_call> as_split_call(const ast::expr& e) {
        if (e.kind != ast::expr_kind::function_call) return std::nullopt;
        const auto& f = e.as<ast::function_call_expr>();
        std::string name = lower(f.name.back());
        if (name != "unnest" && name != "regexp_split_to_table") return std::nullopt;
        if (f.star || f.distinct || f.over || !f.over_name.empty())
            fail("42601", fmt::format("{} is not an aggregate or window function", name), f.pos);
        if (name == "regexp_split_to_table") {
            if (f.args.size() != 2)
                fail("42883", "regexp_split_to_table takes a string and a pattern", f.pos);
            return split_call{f.args[0].value.get(), f.args[1].value.get(), true};
        }
        if (f.args.size() != 1) fail("0A000", "unnest takes one array", f.pos);
        return as_split_call_args("unnest", *f.args[0].value, f.pos);
    }

    /// The split a FROM item calls for (UNNEST(...) or regexp_split_to_table(...)), if any.
    static std::optional<split_call> as_split_table(const ast::table_ref& t) {
        if (t.kind != ast::table_ref_kind::function) return std::nullopt;
        const auto& f = t.as<ast::function_table_ref>();
        std::string name = lower(f.name.back());
        if (name != "unnest" && name != "regexp_split_to_table") return std::nullopt;
        for (const auto& a : f.args)
            if (a.kind != ast::table_arg_kind::value || !a.name.empty())
                fail("42601", fmt::format("{} takes plain values", name), a.pos);
        if (name == "unnest") {
            if (f.args.size() != 1) fail("0A000", "unnest takes one array", f.pos);
            return as_split_call_args("unnest", *f.args[0].value, f.pos);
        }
        if (f.args.size() != 2)
            fail("42883", "regexp_split_to_table takes a string and a pattern", f.pos);
        return split_call{f.args[0].value.get(), f.args[1].value.get(), true};
    }
    static split_call as_split_call_args(const char*, const ast::expr& a, sql::source_pos pos) {
        if (a.kind == ast::expr_kind::function_call) {
            const auto& inner = a.as<ast::function_call_expr>();
            std::string in = lower(inner.name.back());
            bool plain = in == "string_to_array" || in == "string_split" || in == "str_split";
            if ((plain || in == "regexp_split_to_array") && inner.args.size() == 2)
                return split_call{inner.args[0].value.get(), inner.args[1].value.get(), !plain};
        }
        fail("0A000", "unnest is supported over a split string only", pos,
             "Arrays are not a type of their own yet: write unnest(string_to_array(text, "
             "separator)) or regexp_split_to_table(text, pattern).");
    }
    /// The name of an unnest's column: the alias's first column name, else the alias, else
    /// the function's name.
    static std::string unnest_column_name(const ast::table_ref& t) {
        if (!t.column_aliases.empty()) return t.column_aliases[0];
        if (!t.alias.empty()) return t.alias;
        return lower(t.as<ast::function_table_ref>().name.back());
    }

    /// Appends an unnest step for `call` bound over `in` and returns `in` with the piece column
    /// (named `name`) after its columns.
    scope plan_unnest(const split_call& call, scope in, dataflow& d, const std::string& name,
                      const std::string& qualifier) {
        auto text = _exprs.bind(*call.text, in);
        auto sep = _exprs.bind(*call.separator, in);
        auto want_text = [&](bound_expr_ptr& b, const ast::expr& at, const char* what) {
            if (b->type.id == columnar::type_id::null) {
                b = expr::make_constant(columnar::value::null(columnar::type_id::varchar));
                return;
            }
            if (!b->type.is_string())
                fail("42883",
                     fmt::format("the {} to split must be text, not {}", what, b->type.to_string()),
                     at.pos);
        };
        want_text(text, *call.text, "string");
        want_text(sep, *call.separator, call.regex ? "pattern" : "separator");
        d.steps.push_back(unnest_step{text, sep, call.regex});
        in.columns.push_back(
            {name, qualifier, columnar::type_id::varchar, in.width(), false, false});
        return in;
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
        if (core.where && expr_binder::contains_aggregate(*core.where))
            fail("42803", "aggregate functions are not allowed in WHERE", core.where->pos);
        std::vector<const ast::expr*> where_parts;
        split_ast_conjuncts(core.where.get(), where_parts);
        scope in = plan_from(core, d, where_parts);
        bound_expr_ptr where;
        if (!where_parts.empty()) {
            std::vector<bound_expr_ptr> parts;
            for (const auto* w : where_parts) {
                auto b = _exprs.bind(*w, in);
                check_boolean(b, "WHERE", w->pos);
                parts.push_back(std::move(b));
            }
            where = conjunction(parts);
            apply_rank_filters(parts, in);
        }
        auto items = expand_items(core, in);
        bool aggregating = !core.group_by.empty() || core.having;
        for (const auto& it : items)
            if (it.e && expr_binder::contains_aggregate(*it.e)) aggregating = true;
        if (aggregating && has_window_call(items))
            fail("0A000",
                 "ROW_NUMBER() over the result of GROUP BY is not supported in the same SELECT",
                 core.pos,
                 "Rank in an enclosing query: SELECT ... FROM (SELECT ... GROUP BY ...).");
        if (has_window_call(items)) {
            plan_row_number(items, in, where, d);
            where = nullptr;
        }

        // A set-returning unnest in the SELECT list: the rows are repeated first, and the item
        // reads the piece column.
        std::optional<uint32_t> unnest_item, unnest_column;
        for (size_t i = 0; i < items.size(); ++i) {
            if (!items[i].e) continue;
            auto split = as_split_call(*items[i].e);
            if (!split) continue;
            if (aggregating)
                fail("0A000",
                     "unnest in the SELECT list of a query with GROUP BY or aggregates "
                     "is not supported",
                     items[i].e->pos,
                     "Unnest in FROM: SELECT w, count(*) FROM t, "
                     "unnest(string_to_array(t.line, ' ')) AS w GROUP BY w.");
            if (unnest_item)
                fail("0A000", "only one unnest per SELECT list is supported", items[i].e->pos);
            if (where) {
                d.steps.push_back(stateless_step{where, {}});
                where = nullptr;
            }
            in = plan_unnest(*split, std::move(in), d, "?unnest?", "");
            in.columns.back().hidden = true;
            unnest_item = uint32_t(i);
            unnest_column = in.columns.back().index;
        }
        // The items point into the scope's columns, which just moved.
        if (unnest_item) items = expand_items(core, in);

        scope out;
        std::vector<bound_expr_ptr> proj;
        bound_expr_ptr having;
        if (!aggregating && in.session_window)
            fail("42803",
                 "a SESSION window's rows must be grouped by window_start and window_end: "
                 "sessions exist only once rows are merged",
                 core.items.empty() ? core.pos : core.items[0].pos);
        if (!aggregating) {
            for (size_t ii = 0; ii < items.size(); ++ii) {
                const auto& it = items[ii];
                bound_expr_ptr b =
                    unnest_item == ii
                        ? expr::make_column_ref(*unnest_column, columnar::type_id::varchar, it.name)
                    : it.e
                        ? _exprs.bind(*it.e, in)
                        : expr::make_column_ref(it.column->index, it.column->type, it.column->name);
                scope_column col{it.name, "",
                                 b->type, uint32_t(proj.size()),
                                 false,   it.column ? it.column->not_null : false};
                if (b->kind == expr::expr_kind::column_ref) {
                    // A column passed on keeps what it means: window bound, event time, rank.
                    uint32_t from = b->column_index;
                    const auto& src = in.columns[from];
                    col.not_null = src.not_null;
                    col.rank_flow = src.rank_flow;
                    col.rank_step = src.rank_step;
                    if (in.window_start && from == *in.window_start) out.window_start = col.index;
                    if (in.window_end && from == *in.window_end) out.window_end = col.index;
                    if (in.rowtime && from == *in.rowtime) out.rowtime = col.index;
                }
                out.columns.push_back(col);
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
                if (windowed && b->kind == expr::expr_kind::column_ref) {
                    if (b->column_index == *end_key) out.window_end = uint32_t(proj.size());
                    if (start_key && b->column_index == *start_key)
                        out.window_start = uint32_t(proj.size());
                }
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

    static const ast::function_call_expr* window_call(const ast::expr* e) {
        if (!e || e->kind != ast::expr_kind::function_call) return nullptr;
        const auto& f = e->as<ast::function_call_expr>();
        return f.over || !f.over_name.empty() ? &f : nullptr;
    }

    static bool has_window_call(const std::vector<item>& items) {
        for (const auto& it : items)
            if (window_call(it.e)) return true;
        return false;
    }

    /// WHERE conjuncts that bound a ROW_NUMBER() column from above (rownum <= N, rownum < N,
    /// rownum = N) set its rank step's limit: only that many rows per partition are kept.
    static void apply_rank_filters(const std::vector<bound_expr_ptr>& parts, const scope& in) {
        for (const auto& p : parts) {
            if (p->kind != expr::expr_kind::call || !p->function || p->args.size() != 2) continue;
            std::string op = p->function->name;
            const auto* col = p->args[0].get();
            const auto* k = p->args[1].get();
            if (col->kind == expr::expr_kind::constant) {
                std::swap(col, k);
                op = op == ">=" ? "<=" : op == ">" ? "<" : op;
            }
            if (col->kind != expr::expr_kind::column_ref || k->kind != expr::expr_kind::constant ||
                k->constant.is_null() || !k->type.is_integer() ||
                col->column_index >= in.columns.size())
                continue;
            const auto& c = in.columns[col->column_index];
            if (!c.rank_flow) continue;
            int64_t v = k->constant.as_i64();
            int64_t n = op == "<=" ? v : op == "<" ? v - 1 : op == "=" ? v : 0;
            if (op != "<=" && op != "<" && op != "=") continue;
            auto& r = std::get<rank_step>(c.rank_flow->steps[c.rank_step]);
            n = std::max<int64_t>(n, 1);
            r.config.limit = r.config.limit == 0 ? n : std::min(r.config.limit, n);
        }
    }

    /// A select list with ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...): WHERE, then a
    /// rank step that appends the row number to `in`'s columns, which the item then reads.
    void plan_row_number(std::vector<item>& items, scope& in, const bound_expr_ptr& where,
                         dataflow& d) {
        const ast::function_call_expr* call = nullptr;
        item* call_item = nullptr;
        for (auto& it : items) {
            const auto* f = window_call(it.e);
            if (!f) continue;
            if (call) fail("0A000", "only one window function per SELECT is supported", f->pos);
            call = f;
            call_item = &it;
        }
        std::string name = lower(call->name.back());
        if (name != "row_number")
            fail("0A000", fmt::format("window function {} is not supported yet", name), call->pos,
                 "ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) is, for top-N and "
                 "deduplication.");
        if (!call->args.empty() || call->star)
            fail("42883", "row_number() takes no arguments", call->pos);
        if (!call->over)
            fail("0A000", "named windows (OVER name) are not supported yet", call->pos);
        if (!call->over->base_name.empty())
            fail("0A000", "named windows are not supported yet", call->over->pos);
        // Star items point into in.columns, which grows: remember their positions.
        std::vector<std::optional<uint32_t>> star_at;
        for (const auto& it : items)
            star_at.push_back(it.column ? std::optional<uint32_t>(it.column->index) : std::nullopt);
        if (where) d.steps.push_back(stateless_step{where, {}});
        std::vector<bound_expr_ptr> extra;
        auto column_of = [&](const ast::expr& e) {
            auto b = _exprs.bind(e, in);
            if (b->kind == expr::expr_kind::column_ref) return b->column_index;
            extra.push_back(b);
            return uint32_t(in.width() + extra.size() - 1);
        };
        exec::rank_config cfg;
        for (const auto& p : call->over->partition_by)
            cfg.partition_keys.push_back(column_of(*p));
        for (const auto& o : call->over->order_by) {
            auto k = sort_key_for(o, column_of(*o.value));
            cfg.order.push_back({k.column, k.descending, k.nulls_first});
        }
        add_columns(d, in, extra);
        for (const auto& c : in.columns)
            cfg.types.push_back(c.type);
        for (size_t k = 0; k < cfg.partition_keys.size(); ++k)
            if (in.window_end && cfg.partition_keys[k] == *in.window_end && !in.changelog)
                cfg.window_end_key = k;
        cfg.changelog_input = in.changelog;
        cfg.emit_row_number = true;
        cfg.limit = 0; // set by the enclosing query's filter
        d.steps.push_back(rank_step{std::move(cfg)});
        scope_column rn{"row_number", "", columnar::type_id::int64, in.width(), false, true};
        rn.rank_flow = &d;
        rn.rank_step = d.steps.size() - 1;
        bool windowed = std::get<rank_step>(d.steps.back()).config.window_end_key.has_value();
        in.columns.push_back(rn);
        in.changelog = !windowed;
        in.origin_partition.reset();
        in.origin_offset.reset();
        for (size_t i = 0; i < items.size(); ++i)
            if (star_at[i]) items[i].column = &in.columns[*star_at[i]];
        call_item->e = nullptr;
        call_item->column = &in.columns.back();
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
    /// WITH queries visible now, innermost last; those being planned (no recursion).
    std::vector<const ast::cte*> _ctes;
    std::vector<const ast::cte*> _ctes_busy;
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
    d.continuous = opt.continuous;
    prune_before_window(d);
    prune_join_columns(d);
    prune_file_columns(d);
    return d;
}

} // namespace spate::plan
