// CREATE SOURCE, CREATE MATERIALIZED VIEW, CREATE SINK and DROP.

#include "broker/broker.h"
#include "plan/binder.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "stream/engine.h"
#include "stream/pipeline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

namespace spate::stream {

namespace asio = boost::asio;

namespace {

[[noreturn]] void fail(std::string state, std::string msg, sql::source_pos pos,
                       std::string hint = {}) {
    throw sql::sql_error(std::move(state), std::move(msg), pos, std::move(hint));
}

std::vector<broker::partition_ref> partitions_of(broker::kafka_broker& b,
                                                 const std::string& topic) {
    const auto* t = b.ctl().topics()->find(topic);
    return t ? t->partitions : std::vector<broker::partition_ref>{};
}

} // namespace

result<void> engine::ensure_topic(const std::string& topic, int32_t partitions) {
    if (_broker.ctl().topics()->find(topic)) return spate::ok();
    auto r = _broker.ctl().create_topic(topic, partitions, {});
    if (!r) return r;
    spdlog::info("sql: created topic {} ({} partition(s))", topic, partitions);
    return spate::ok();
}

asio::awaitable<statement_result> engine::create_source(const sql::statement& s,
                                                        std::string_view text) {
    const auto& cs = s.as<sql::create_source_statement>();
    const std::string& name = cs.name.back();
    statement_result r;
    r.tag = "CREATE SOURCE";
    if (auto k = _catalog.kind_of(name)) {
        if (cs.if_not_exists) {
            r.notices.push_back(
                fmt::format("{} \"{}\" already exists, skipping", object_kind_name(*k), name));
            co_return r;
        }
        fail("42P07", fmt::format("relation \"{}\" already exists", name), s.pos);
    }
    auto def = std::make_shared<plan::source_def>(plan::plan_source(cs, text));
    int32_t parts = _broker.config().default_partitions;
    for (const auto& [topic, n] :
         {std::pair{def->topic, parts}, std::pair{def->dead_letter_topic, 1},
          std::pair{def->late_topic, 1}}) {
        if (auto e = ensure_topic(topic, n); !e)
            fail("42P17", fmt::format("cannot create topic {}: {}", topic, e.err().message), s.pos);
    }
    _catalog.add_source(def);
    if (!_replaying) {
        if (auto e = _catalog.save(); !e) {
            _catalog.remove(name);
            fail("58030", e.err().message, s.pos);
        }
    }
    if (!_replaying) forget_progress(name);
    auto validating = start_validation(def);
    co_await std::move(validating);
    co_return r;
}

asio::awaitable<statement_result> engine::create_continuous(const sql::statement& s,
                                                            std::string_view text) {
    bool is_view = s.kind == sql::statement_kind::create_materialized_view;
    std::string name;
    bool if_not_exists = false;
    const sql::query* q = nullptr;
    sql::query_ptr from_query;
    std::vector<std::string> aliases;
    const std::vector<sql::with_option>* options = nullptr;
    if (is_view) {
        const auto& cv = s.as<sql::create_view_statement>();
        name = cv.name.back();
        if_not_exists = cv.if_not_exists;
        q = cv.body.get();
        aliases = cv.column_aliases;
        options = &cv.options;
    } else {
        const auto& cs = s.as<sql::create_sink_statement>();
        name = cs.name.back();
        if_not_exists = cs.if_not_exists;
        options = &cs.options;
        if (cs.body) {
            q = cs.body.get();
        } else {
            from_query = sql::parse_query("SELECT * FROM " + sql::quote_identifier(cs.from.back()));
            q = from_query.get();
        }
    }
    statement_result r;
    r.tag = is_view ? "CREATE MATERIALIZED VIEW" : "CREATE SINK";
    if (auto k = _catalog.kind_of(name)) {
        if (if_not_exists) {
            r.notices.push_back(
                fmt::format("{} \"{}\" already exists, skipping", object_kind_name(*k), name));
            co_return r;
        }
        fail("42P07", fmt::format("relation \"{}\" already exists", name), s.pos);
    }
    std::string topic = name;
    bool early = false;
    bool bounded_state = false;
    std::optional<sql::source_pos> emit_pos, state_pos;
    for (const auto& o : *options) {
        if (o.key == "state") {
            if (o.value != "bounded" && o.value != "unbounded")
                fail("22023",
                     fmt::format("state '{}' is not known: use 'bounded' or 'unbounded'", o.value),
                     o.pos,
                     "'bounded' refuses a query whose state could grow without limit; "
                     "'unbounded' (the default) accepts it with a warning.");
            bounded_state = o.value == "bounded";
            state_pos = o.pos;
            continue;
        }
        if (o.key == "emit") {
            if (o.value != "early" && o.value != "final")
                fail("22023",
                     fmt::format("emit '{}' is not known: use 'final' or 'early'", o.value), o.pos,
                     "'final' sends each window once it closes; 'early' also sends its "
                     "changes while it is open.");
            early = o.value == "early";
            emit_pos = o.pos;
        } else if (!is_view && o.key == "topic")
            topic = o.value;
        else if (!is_view && o.key == "format") {
            if (o.value != "json")
                fail("22023", fmt::format("sink format '{}' is not supported: use 'json'", o.value),
                     o.pos);
        } else
            fail("22023",
                 fmt::format("unknown option '{}' for a {}", o.key,
                             is_view ? "materialized view" : "sink"),
                 o.pos,
                 is_view ? "A materialized view takes emit and state."
                         : "A sink takes topic, format, emit and state.");
    }
    plan::bind_options opt;
    opt.continuous = true;
    plan::dataflow flow = plan::plan_query(*q, _catalog, opt);
    if (early) {
        bool any = false;
        for (auto& st : flow.steps) {
            auto* a = std::get_if<plan::aggregate_step>(&st);
            if (!a) continue;
            if (a->session)
                fail("0A000", "emit = 'early' is not supported over SESSION windows yet",
                     *emit_pos);
            if (a->config.window_end_key) {
                a->config.early_updates = true;
                any = true;
            }
        }
        if (!any)
            fail("22023", "emit = 'early' needs a windowed aggregate (TUMBLE or HOP with GROUP BY)",
                 *emit_pos, "Without a window, results are sent as they change already.");
        flow.changelog = true;
    }
    if (flow.input == plan::input_kind::none)
        fail("0A000", "a materialized view or sink needs a source in FROM", q->pos);
    const auto sources = plan::sources_of(flow);
    for (const auto& src : sources) {
        if (!is_view && topic == src->topic)
            fail("42P17",
                 fmt::format("sink \"{}\" would write to topic \"{}\", which its source \"{}\" "
                             "reads",
                             name, topic, src->name),
                 s.pos, "Give the sink a topic of its own: WITH (topic = '...').");
        if (flow.windowed && !src->watermark)
            fail("42P17",
                 fmt::format("source \"{}\" has no WATERMARK, so its windows would never close",
                             src->name),
                 q->pos, "Declare one: WATERMARK FOR ts AS ts - INTERVAL '5' SECOND.");
    }
    // State that grows with every key ever seen: refused when asked, else a warning.
    for (const auto& why : plan::unbounded_state(flow)) {
        if (bounded_state)
            fail("54000",
                 fmt::format("{} \"{}\" would keep unbounded state: {}",
                             is_view ? "materialized view" : "sink", name, why),
                 *state_pos,
                 "Bound it with a window, or a condition on both inputs' event times such as "
                 "a.ts BETWEEN b.ts - INTERVAL '1' HOUR AND b.ts.");
        if (!_replaying) r.notices.push_back(fmt::format("unbounded state in {}: {}", name, why));
    }
    plan::relation_shape shape;
    shape.name = name;
    size_t vi = 0;
    std::set<std::string> names;
    for (const auto& c : flow.output) {
        if (c.hidden) continue;
        plan::column_info col = c;
        if (vi < aliases.size()) col.name = aliases[vi];
        ++vi;
        if (!names.insert(col.name).second)
            fail("42701", fmt::format("column \"{}\" specified more than once", col.name), q->pos,
                 "Give the columns distinct names with AS.");
        shape.columns.push_back(col);
    }
    if (aliases.size() > vi)
        fail("42601",
             fmt::format("{} has {} columns but {} names were given", name, vi, aliases.size()),
             s.pos);
    pipeline_output out;
    out.what = is_view ? pipeline_output::kind::view : pipeline_output::kind::sink;
    for (const auto& c : shape.columns)
        out.column_names.push_back(c.name);
    if (!is_view) {
        if (auto e = ensure_topic(topic, 1); !e)
            fail("42P17", fmt::format("cannot create topic {}: {}", topic, e.err().message), s.pos);
        out.topic = topic;
        out.topic_partitions = partitions_of(_broker, topic);
    }
    for (const auto& src : sources)
        for (const auto& t : {src->dead_letter_topic, src->late_topic})
            out.letter_topics[t] = partitions_of(_broker, t);
    auto obj = std::make_shared<continuous_object>();
    obj->kind = is_view ? object_kind::view : object_kind::sink;
    obj->name = name;
    obj->sql = std::string(text);
    obj->flow = flow;
    shape.flow = std::make_shared<const plan::dataflow>(flow);
    obj->shape = shape;
    obj->topic = is_view ? std::string() : topic;
    obj->running = std::make_shared<pipeline>(_broker, name, std::move(flow), std::move(out));
    _catalog.add(obj);
    if (!_replaying) {
        if (auto e = _catalog.save(); !e) {
            _catalog.remove(name);
            fail("58030", e.err().message, s.pos);
        }
    }
    // A view or sink re-created at start knows where it was; a new one starts afresh.
    if (!_replaying) forget_progress(name);
    auto started = obj->running->start(_replaying ? saved_progress(name) : std::vector<int64_t>{});
    co_await std::move(started);
    co_return r;
}

asio::awaitable<statement_result> engine::drop(const sql::statement& s) {
    const auto& d = s.as<sql::drop_statement>();
    statement_result r;
    object_kind want = object_kind::source;
    switch (d.object) {
    case sql::object_kind::source:
        want = object_kind::source;
        r.tag = "DROP SOURCE";
        break;
    case sql::object_kind::materialized_view:
        want = object_kind::view;
        r.tag = "DROP MATERIALIZED VIEW";
        break;
    case sql::object_kind::sink:
        want = object_kind::sink;
        r.tag = "DROP SINK";
        break;
    case sql::object_kind::view:
        fail("0A000", "DROP VIEW: spate has only materialized views", s.pos,
             "Use DROP MATERIALIZED VIEW.");
    case sql::object_kind::table:
        fail("0A000", "DROP TABLE: spate has no tables yet", s.pos, "Use DROP SOURCE.");
    }
    std::vector<std::string> to_drop;
    for (const auto& qn : d.names) {
        const std::string& name = qn.back();
        auto k = _catalog.kind_of(name);
        if (!k) {
            if (d.if_exists) {
                r.notices.push_back(fmt::format("{} \"{}\" does not exist, skipping",
                                                object_kind_name(want), name));
                continue;
            }
            fail("42P01", fmt::format("{} \"{}\" does not exist", object_kind_name(want), name),
                 s.pos);
        }
        if (*k != want)
            fail("42809",
                 fmt::format("\"{}\" is a {}, not a {}", name, object_kind_name(*k),
                             object_kind_name(want)),
                 s.pos,
                 fmt::format("Use DROP {}.", *k == object_kind::source ? "SOURCE"
                                             : *k == object_kind::sink ? "SINK"
                                                                       : "MATERIALIZED VIEW"));
        auto deps = _catalog.dependents(name);
        if (!deps.empty() && !d.cascade)
            fail("2BP01",
                 fmt::format("cannot drop {} \"{}\" because other objects depend on it: {}",
                             object_kind_name(*k), name, fmt::join(deps, ", ")),
                 s.pos, "Use DROP ... CASCADE to drop the dependent objects too.");
        for (auto& dep : deps)
            to_drop.push_back(dep);
        to_drop.push_back(name);
    }
    for (const auto& name : to_drop) {
        if (!_catalog.kind_of(name)) continue;
        auto it = _catalog.objects().find(name);
        if (it != _catalog.objects().end() && it->second->running) {
            auto p = it->second->running;
            auto stopped = p->stop();
            co_await std::move(stopped);
        }
        if (_catalog.kind_of(name) == object_kind::source) {
            auto stopped = stop_validation(name);
            co_await std::move(stopped);
        }
        forget_progress(name);
        _catalog.remove(name);
    }
    if (auto e = _catalog.save(); !e) fail("58030", e.err().message, s.pos);
    co_return r;
}

} // namespace spate::stream
