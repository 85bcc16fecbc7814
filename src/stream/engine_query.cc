// SELECT as a bounded query, EXPLAIN, SHOW, DESCRIBE, and describing a statement unrun.

#include "broker/broker.h"
#include "columnar/value.h"
#include "exec/row_table.h"
#include "plan/binder.h"
#include "runtime/invoke.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "stream/bounded_graph.h"
#include "stream/chain.h"
#include "stream/engine.h"
#include "stream/pipeline.h"
#include "stream/record_walk.h"
#include "stream/result_rows.h"
#include "stream/source_stage.h"

#include <fmt/format.h>

namespace spate::stream {

namespace asio = boost::asio;

namespace {

/// Result rows built value by value (SHOW, DESCRIBE, EXPLAIN).
struct table_builder {
    std::vector<plan::column_info> columns;
    columnar::batch rows;

    explicit table_builder(std::vector<std::string> names) {
        std::vector<columnar::data_type> types;
        for (auto& n : names) {
            columns.push_back({std::move(n), columnar::type_id::varchar, false, false});
            types.push_back(columnar::type_id::varchar);
        }
        rows = columnar::batch::with_types(types);
    }
    void add(std::vector<std::string> values) {
        for (size_t i = 0; i < values.size(); ++i)
            rows.columns[i]->push_string(values[i]);
        rows.rows++;
    }
    statement_result done(std::string tag) {
        statement_result r;
        r.returns_rows = true;
        r.columns = std::move(columns);
        r.rows = std::move(rows);
        r.tag = tag.empty() ? fmt::format("SELECT {}", r.rows.rows) : tag;
        return r;
    }
};

std::vector<plan::column_info> visible(const std::vector<plan::column_info>& cols) {
    std::vector<plan::column_info> v;
    for (const auto& c : cols)
        if (!c.hidden) v.push_back(c);
    return v;
}

} // namespace

asio::awaitable<statement_result> engine::select(const sql::query& q,
                                                 const std::vector<columnar::value>& params,
                                                 std::shared_ptr<query_control> control) {
    plan::bind_options opt;
    opt.params = params;
    plan::dataflow d = plan::plan_query(q, _catalog, opt);
    auto op = run_bounded(d, std::move(control));
    co_return co_await std::move(op);
}

asio::awaitable<statement_result> engine::run_bounded(const plan::dataflow& d,
                                                      std::shared_ptr<query_control> control) {
    if (plan::reads_files(d)) {
        auto op = run_parallel(d, std::move(control));
        co_return co_await std::move(op);
    }
    bounded_graph g(d);
    statement_result r;
    for (size_t leaf = 0; leaf < g.leaf_count(); ++leaf) {
        const auto& f = g.leaf_flow(leaf);
        exec::output* entry = g.leaf_entry(leaf);
        switch (f.input) {
        case plan::input_kind::file: // run_parallel's
            throw sql::sql_error("XX000", "a query over files reached the one-thread runner", {});
        case plan::input_kind::none: {
            columnar::batch one;
            one.rows = 1;
            entry->push(std::move(one));
            break;
        }
        case plan::input_kind::view: {
            auto rows = view_rows(f.view_name);
            auto parts = co_await std::move(rows);
            for (auto& p : parts)
                entry->push(std::move(p));
            break;
        }
        case plan::input_kind::source: {
            auto read = read_source_to_end(f.source, entry, g.letters(leaf));
            co_await std::move(read);
            break;
        }
        }
    }
    g.finish();
    for (size_t leaf = 0; leaf < g.leaf_count(); ++leaf) {
        auto& letters = g.letters(leaf);
        const auto& src = g.leaf_flow(leaf).source;
        if (letters.invalid_count() && src)
            r.notices.push_back(fmt::format("{} record(s) of source {} are invalid and were "
                                            "skipped; its pipelines write them to topic {}",
                                            letters.invalid_count(), src->name,
                                            src->dead_letter_topic));
        if (letters.late_count())
            r.notices.push_back(
                fmt::format("{} row(s) were behind the watermark", letters.late_count()));
        // A query fails on the first row an expression could not compute, as in Postgres.
        if (!letters.first_error_state().empty())
            throw sql::sql_error(letters.first_error_state(), letters.first_error(), {});
    }
    r.rows = finish_rows(d, g.take());
    r.columns = visible(d.output);
    r.returns_rows = true;
    r.tag = fmt::format("SELECT {}", r.rows.rows);
    co_return r;
}

asio::awaitable<std::vector<columnar::batch>> engine::view_rows(std::string name) {
    auto it = _catalog.objects().find(name);
    if (it == _catalog.objects().end() || !it->second->running)
        throw sql::sql_error("42P01", fmt::format("materialized view \"{}\" is not running", name),
                             {});
    auto snap = it->second->running->snapshot();
    auto parts = co_await std::move(snap);
    std::vector<columnar::batch> out;
    for (auto& p : parts) {
        if (p.rows == 0) continue;
        p.changes.clear();
        out.push_back(std::move(p));
    }
    co_return out;
}

asio::awaitable<void> engine::read_source_to_end(std::shared_ptr<const plan::source_def> def,
                                                 exec::output* entry, dead_letters& letters) {
    const auto& source = *def;
    const auto* t = _broker.ctl().topics()->find(source.topic);
    if (!t)
        throw sql::sql_error("42P01",
                             fmt::format("the topic \"{}\" of source \"{}\" does not exist",
                                         source.topic, source.name),
                             {});
    for (int32_t i = 0; i < int32_t(t->partitions.size()); ++i) {
        auto ref = t->partitions[size_t(i)];
        source_stage stage(def, i);
        // The partition's current end, read on its shard; then chunks up to it.
        auto bounds_op = runtime::invoke_on(_broker.executor(ref.shard), [log = ref.log] {
            return std::pair<int64_t, int64_t>(log->log_start_offset().value(),
                                               log->high_watermark().value());
        });
        auto [from, end] = co_await std::move(bounds_op);
        std::vector<raw_record> records;
        std::vector<std::vector<std::byte>> scratch;
        while (from < end) {
            auto read_op = runtime::invoke_on(_broker.executor(ref.shard), [log = ref.log, from] {
                auto r = log->read_bytes(model::offset(from), 4 << 20);
                return r ? std::pair(std::move(r).value(), std::string())
                         : std::pair(std::vector<std::byte>(), r.err().message);
            });
            auto chunk = co_await std::move(read_op);
            if (!chunk.second.empty())
                throw sql::sql_error(
                    "58030", fmt::format("reading {}: {}", ref.log->name(), chunk.second), {});
            auto* bytes = &chunk.first;
            if (bytes->empty()) break;
            records.clear();
            scratch.clear();
            auto next = walk_records(*bytes, from, records, scratch);
            if (!next)
                throw sql::sql_error(
                    "XX001", fmt::format("reading {}: {}", ref.log->name(), next.err().message),
                    {});
            from = *next;
            while (!records.empty() && records.back().offset >= end)
                records.pop_back();
            columnar::batch b = stage.process(records, letters);
            if (b.rows) entry->push(std::move(b));
        }
    }
}

statement_description engine::describe(const std::string& text) {
    auto stmt = sql::parse_statement(text);
    statement_description out;
    if (stmt->kind == sql::statement_kind::query) {
        plan::bind_options opt;
        auto d = plan::plan_query(*stmt->as<sql::query_statement>().body, _catalog, opt);
        out.returns_rows = true;
        out.columns = visible(d.output);
        return out;
    }
    if (stmt->kind == sql::statement_kind::show || stmt->kind == sql::statement_kind::describe ||
        stmt->kind == sql::statement_kind::explain) {
        // Their columns are known from running them; they change nothing.
        auto r = stmt->kind == sql::statement_kind::explain ? explain(*stmt, {}) : show(*stmt);
        out.returns_rows = true;
        out.columns = r.columns;
    }
    return out;
}

statement_result engine::show_progress() {
    std::erase_if(_running, [](const auto& w) { return w.expired(); });
    statement_result r;
    r.returns_rows = true;
    std::vector<columnar::data_type> types;
    for (auto [n, t] : {std::pair{"session", columnar::type_id::int64},
                        {"elapsed_ms", columnar::type_id::int64},
                        {"bytes_done", columnar::type_id::int64},
                        {"bytes_total", columnar::type_id::int64},
                        {"query", columnar::type_id::varchar}}) {
        r.columns.push_back({n, t, false, false});
        types.push_back(t);
    }
    r.rows = columnar::batch::with_types(types);
    const auto now = std::chrono::steady_clock::now();
    for (const auto& w : _running) {
        auto c = w.lock();
        if (!c) continue;
        r.rows.columns[0]->push_i64(c->session);
        r.rows.columns[1]->push_i64(
            std::chrono::duration_cast<std::chrono::milliseconds>(now - c->started).count());
        r.rows.columns[2]->push_i64(int64_t(c->bytes_done.load()));
        r.rows.columns[3]->push_i64(int64_t(c->bytes_total.load()));
        r.rows.columns[4]->push_string(c->text);
        r.rows.rows++;
    }
    r.tag = fmt::format("SELECT {}", r.rows.rows);
    return r;
}

statement_result engine::show(const sql::statement& s) const {
    if (s.kind == sql::statement_kind::describe ||
        (s.kind == sql::statement_kind::show &&
         s.as<sql::show_statement>().what == sql::show_kind::columns)) {
        const auto& name = s.kind == sql::statement_kind::describe
                               ? s.as<sql::describe_statement>().name.back()
                               : s.as<sql::show_statement>().name.back();
        std::vector<plan::column_info> cols;
        if (auto src = _catalog.find_source(name))
            cols = src->columns;
        else if (auto it = _catalog.objects().find(name); it != _catalog.objects().end())
            cols = it->second->shape.columns;
        else
            throw sql::sql_error("42P01", fmt::format("relation \"{}\" does not exist", name),
                                 s.pos);
        table_builder t({"name", "type", "nullable"});
        for (const auto& c : cols)
            t.add({c.name, c.type.to_string(), c.not_null ? "NO" : "YES"});
        return t.done("");
    }
    const auto& sh = s.as<sql::show_statement>();
    if (sh.what == sql::show_kind::variable)
        throw sql::sql_error(
            "42704", fmt::format("unrecognized configuration parameter \"{}\"", sh.variable),
            s.pos);
    if (sh.what == sql::show_kind::create) {
        const std::string& name = sh.name.back();
        std::string sqltext;
        if (auto src = _catalog.find_source(name))
            sqltext = src->sql;
        else if (auto it = _catalog.objects().find(name); it != _catalog.objects().end())
            sqltext = it->second->sql;
        else
            throw sql::sql_error("42P01", fmt::format("relation \"{}\" does not exist", name),
                                 s.pos);
        table_builder t({"name", "create_sql"});
        t.add({name, sqltext});
        return t.done("");
    }
    table_builder t({"name", "kind", "topic", "detail"});
    bool sources = sh.what == sql::show_kind::sources || sh.what == sql::show_kind::all ||
                   sh.what == sql::show_kind::tables;
    bool views = sh.what == sql::show_kind::views ||
                 sh.what == sql::show_kind::materialized_views || sh.what == sql::show_kind::all ||
                 sh.what == sql::show_kind::tables;
    bool sinks = sh.what == sql::show_kind::sinks || sh.what == sql::show_kind::all;
    if (sources)
        for (const auto& [name, src] : _catalog.sources())
            t.add({name, "source", src->topic,
                   fmt::format("format {}, dead letters to {}, late events to {}", src->format,
                               src->dead_letter_topic, src->late_topic)});
    for (const auto& [name, o] : _catalog.objects()) {
        if (o->kind == object_kind::view && views)
            t.add({name, "materialized view", "",
                   o->flow.windowed ? "windowed" : "updates in place"});
        if (o->kind == object_kind::sink && sinks)
            t.add({name, "sink", o->topic,
                   o->flow.changelog ? "changelog (JSON with _change)" : "insert-only JSON"});
    }
    return t.done("");
}

asio::awaitable<statement_result> engine::show_pipelines() {
    std::vector<std::pair<std::string, std::shared_ptr<pipeline>>> all;
    for (const auto& [name, o] : _catalog.objects())
        if (o->running) all.emplace_back(name, o->running);
    for (const auto& [name, p] : _validators)
        all.emplace_back(p->name(), p);
    std::vector<plan::column_info> cols;
    std::vector<columnar::data_type> types;
    for (const char* n : {"name", "kind"}) {
        cols.push_back({n, columnar::type_id::varchar, false, false});
        types.push_back(columnar::type_id::varchar);
    }
    for (const char* n :
         {"records_in", "invalid", "late", "rows_out", "state_bytes", "result_rows"}) {
        cols.push_back({n, columnar::type_id::int64, false, false});
        types.push_back(columnar::type_id::int64);
    }
    statement_result r;
    r.returns_rows = true;
    r.columns = cols;
    r.rows = columnar::batch::with_types(types);
    for (const auto& [name, p] : all) {
        auto op = p->stats();
        auto st = co_await std::move(op);
        auto kind = p->output().what == pipeline_output::kind::view   ? "materialized view"
                    : p->output().what == pipeline_output::kind::sink ? "sink"
                                                                      : "source validation";
        r.rows.columns[0]->push_string(name);
        r.rows.columns[1]->push_string(kind);
        int c = 2;
        for (int64_t v : {int64_t(st.records_in), int64_t(st.invalid), int64_t(st.late),
                          int64_t(st.rows_out), int64_t(st.state_bytes), int64_t(st.result_rows)})
            r.rows.columns[size_t(c++)]->push_i64(v);
        r.rows.rows++;
    }
    r.tag = fmt::format("SELECT {}", r.rows.rows);
    co_return r;
}

asio::awaitable<statement_result> engine::show_operators() {
    statement_result r;
    r.returns_rows = true;
    std::vector<columnar::data_type> types;
    for (auto [n, t] : {std::pair{"name", columnar::type_id::varchar},
                        {"stage", columnar::type_id::int64},
                        {"position", columnar::type_id::int64},
                        {"operator", columnar::type_id::varchar},
                        {"state_bytes", columnar::type_id::int64}}) {
        r.columns.push_back({n, t, false, false});
        types.push_back(t);
    }
    r.rows = columnar::batch::with_types(types);
    for (const auto& [name, o] : _catalog.objects()) {
        if (!o->running) continue;
        auto op = o->running->operators();
        auto ops = co_await std::move(op);
        for (const auto& x : ops) {
            r.rows.columns[0]->push_string(name);
            r.rows.columns[1]->push_i64(int64_t(x.segment));
            r.rows.columns[2]->push_i64(int64_t(x.position));
            r.rows.columns[3]->push_string(x.description);
            r.rows.columns[4]->push_i64(int64_t(x.state_bytes));
            r.rows.rows++;
        }
    }
    r.tag = fmt::format("SELECT {}", r.rows.rows);
    co_return r;
}

statement_result engine::explain(const sql::statement& s,
                                 const std::vector<columnar::value>& params) {
    const auto& e = s.as<sql::explain_statement>();
    const sql::statement& target = *e.target;
    plan::bind_options opt;
    opt.params = params;
    const sql::query* q = nullptr;
    sql::query_ptr from_query;
    switch (target.kind) {
    case sql::statement_kind::query: q = target.as<sql::query_statement>().body.get(); break;
    case sql::statement_kind::create_materialized_view:
        q = target.as<sql::create_view_statement>().body.get();
        opt.continuous = true;
        break;
    case sql::statement_kind::create_sink: {
        const auto& cs = target.as<sql::create_sink_statement>();
        if (cs.body)
            q = cs.body.get();
        else {
            from_query = sql::parse_query("SELECT * FROM " + sql::quote_identifier(cs.from.back()));
            q = from_query.get();
        }
        opt.continuous = true;
        break;
    }
    default:
        throw sql::sql_error(
            "0A000", "EXPLAIN takes a query, CREATE MATERIALIZED VIEW or CREATE SINK", target.pos);
    }
    auto d = plan::plan_query(*q, _catalog, opt);
    table_builder t({"QUERY PLAN"});
    for (auto& line : plan::explain(d))
        t.add({line});
    return t.done("EXPLAIN");
}

} // namespace spate::stream
