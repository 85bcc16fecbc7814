#include "stream/engine.h"

#include "broker/broker.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "stream/pipeline.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>

namespace spate::stream {

namespace asio = boost::asio;

engine::engine(broker::kafka_broker& broker, std::filesystem::path data_dir)
    : _broker(broker), _catalog(data_dir / "sql"), _sql_dir(data_dir / "sql") {}

engine::~engine() = default;

asio::awaitable<result<void>> engine::start() {
    auto saved = _catalog.load();
    if (!saved) co_return std::move(saved).err();
    _replaying = true;
    size_t n = 0;
    for (const auto& [kind, sql] : *saved) {
        try {
            auto op = execute(sql, {});
            co_await std::move(op);
            ++n;
        } catch (const sql::sql_error& e) {
            // A definition that no longer plans (say, its source was edited by hand) is left
            // out, loudly, rather than stopping the server.
            spdlog::error("sql: cannot re-create saved {} ({}): {}", object_kind_name(kind),
                          e.what(), sql);
        }
    }
    _replaying = false;
    if (n) spdlog::info("sql: re-created {} saved object(s)", n);
    asio::co_spawn(co_await asio::this_coro::executor, save_progress_loop(), asio::detached);
    co_return spate::ok();
}

asio::awaitable<void> engine::save_progress_loop() {
    _progress_timer = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor);
    while (!_stopping) {
        _progress_timer->expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await _progress_timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (_stopping) break;
        for (const auto& [name, o] : _catalog.objects())
            if (o->running) save_progress(name, *o->running);
        for (const auto& [name, p] : _validators)
            save_progress(name, *p);
    }
}

asio::awaitable<void> engine::stop() {
    _stopping = true;
    if (_progress_timer) _progress_timer->cancel();
    for (const auto& [name, o] : _catalog.objects()) {
        if (!o->running) continue;
        auto op = o->running->stop();
        co_await std::move(op);
        save_progress(name, *o->running);
    }
    std::vector<std::string> sources;
    for (const auto& [name, v] : _validators)
        sources.push_back(name);
    for (const auto& name : sources) {
        auto op = stop_validation(name);
        co_await std::move(op);
    }
}

namespace {

std::filesystem::path progress_file(const std::filesystem::path& sql_dir,
                                    const std::string& source) {
    return sql_dir / "progress" / (source + ".json");
}

std::vector<int64_t> load_progress(const std::filesystem::path& file) {
    std::vector<int64_t> out;
    std::ifstream in(file);
    if (!in) return out;
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("next_offsets") || !j["next_offsets"].is_array()) {
        spdlog::warn("sql: ignoring malformed {}", file.string());
        return out;
    }
    for (const auto& v : j["next_offsets"])
        out.push_back(v.is_number_integer() ? v.get<int64_t>() : -1);
    return out;
}

void write_progress(const std::filesystem::path& file, const std::vector<int64_t>& offsets) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    nlohmann::json j;
    j["next_offsets"] = offsets;
    auto tmp = file;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump() << "\n";
        if (!out) {
            spdlog::warn("sql: cannot write {}", tmp.string());
            return;
        }
    }
    std::filesystem::rename(tmp, file, ec);
    if (ec) spdlog::warn("sql: cannot write {}: {}", file.string(), ec.message());
}

} // namespace

asio::awaitable<void> engine::start_validation(std::shared_ptr<const plan::source_def> def) {
    plan::dataflow flow;
    flow.input = plan::input_kind::source;
    flow.source = def;
    for (const auto& c : def->columns)
        flow.output.push_back(c);
    pipeline_output out;
    out.what = pipeline_output::kind::validate;
    for (const auto& t : {def->dead_letter_topic, def->late_topic}) {
        const auto* topic = _broker.ctl().topics()->find(t);
        out.letter_topics[t] = topic ? topic->partitions : std::vector<broker::partition_ref>{};
    }
    auto p = std::make_shared<pipeline>(_broker, def->name + " (validation)", std::move(flow),
                                        std::move(out));
    _validators[def->name] = p;
    auto started = p->start(saved_progress(def->name));
    co_await std::move(started);
}

asio::awaitable<void> engine::stop_validation(const std::string& source) {
    auto it = _validators.find(source);
    if (it == _validators.end()) co_return;
    auto p = it->second;
    _validators.erase(it);
    auto stopped = p->stop();
    co_await std::move(stopped);
    save_progress(source, *p);
}

std::vector<int64_t> engine::saved_progress(const std::string& name) const {
    return load_progress(progress_file(_sql_dir, name));
}

void engine::save_progress(const std::string& name, const pipeline& p) const {
    write_progress(progress_file(_sql_dir, name), p.positions());
}

void engine::forget_progress(const std::string& name) const {
    std::error_code ec;
    std::filesystem::remove(progress_file(_sql_dir, name), ec);
}

asio::awaitable<statement_result> engine::execute(std::string sql,
                                                  std::vector<columnar::value> params,
                                                  std::shared_ptr<query_control> control) {
    auto stmt = sql::parse_statement(sql);
    if (control) {
        control->text = std::string(stmt->text(sql));
        std::erase_if(_running, [](const auto& w) { return w.expired(); });
        _running.push_back(control);
    }
    auto op = run(*stmt, stmt->text(sql), params, std::move(control));
    co_return co_await std::move(op);
}

asio::awaitable<statement_result> engine::run(const sql::statement& s, std::string_view text,
                                              const std::vector<columnar::value>& params,
                                              std::shared_ptr<query_control> control) {
    using K = sql::statement_kind;
    switch (s.kind) {
    case K::query: {
        auto op = select(*s.as<sql::query_statement>().body, params, std::move(control));
        co_return co_await std::move(op);
    }
    case K::create_source: {
        auto op = create_source(s, text);
        co_return co_await std::move(op);
    }
    case K::create_materialized_view:
    case K::create_sink: {
        auto op = create_continuous(s, text);
        co_return co_await std::move(op);
    }
    case K::drop: {
        auto op = drop(s);
        co_return co_await std::move(op);
    }
    case K::show:
        if (s.as<sql::show_statement>().what == sql::show_kind::variable &&
            s.as<sql::show_statement>().variable == "pipelines") {
            auto op = show_pipelines();
            co_return co_await std::move(op);
        }
        if (s.as<sql::show_statement>().what == sql::show_kind::variable &&
            s.as<sql::show_statement>().variable == "operators") {
            auto op = show_operators();
            co_return co_await std::move(op);
        }
        if (s.as<sql::show_statement>().what == sql::show_kind::variable &&
            s.as<sql::show_statement>().variable == "progress")
            co_return show_progress();
        co_return show(s);
    case K::describe: co_return show(s);
    case K::explain: co_return explain(s, params);
    case K::create_view:
        throw sql::sql_error("0A000",
                             "CREATE VIEW (a view that is not materialized) is not supported yet",
                             s.pos, "CREATE MATERIALIZED VIEW keeps the result up to date.");
    case K::create_table:
        throw sql::sql_error("0A000", "CREATE TABLE is not supported yet", s.pos,
                             "CREATE SOURCE reads a topic as a table.");
    case K::insert:
        throw sql::sql_error("0A000", "INSERT is not supported yet", s.pos,
                             "Produce records to the source's topic with a Kafka client.");
    case K::copy: {
        auto op = copy(s, params, std::move(control));
        co_return co_await std::move(op);
    }
    case K::session: {
        statement_result r;
        r.tag = "SET";
        co_return r;
    }
    }
    throw sql::sql_error("XX000", "unknown statement", s.pos);
}

asio::awaitable<std::vector<pipeline_info>> engine::pipelines_info() {
    std::vector<std::pair<std::shared_ptr<pipeline>, const continuous_object*>> all;
    for (const auto& [name, o] : _catalog.objects())
        if (o->running) all.emplace_back(o->running, o.get());
    for (const auto& [name, p] : _validators)
        all.emplace_back(p, nullptr);
    std::vector<pipeline_info> out;
    for (const auto& [p, object] : all) {
        auto st = p->stats();
        auto stats = co_await std::move(st);
        auto gi = p->graph_info();
        auto graph = co_await std::move(gi);
        pipeline_info info;
        info.name = p->name();
        info.kind = p->output().what == pipeline_output::kind::view   ? "view"
                    : p->output().what == pipeline_output::kind::sink ? "sink"
                                                                      : "validation";
        if (object) info.sql = object->sql;
        info.records_in = stats.records_in;
        info.rows_out =
            p->output().what == pipeline_output::kind::sink ? stats.rows_out : stats.output_rows;
        info.invalid = stats.invalid;
        info.late = stats.late;
        info.state_bytes = stats.state_bytes;
        info.graph = std::move(graph);
        out.push_back(std::move(info));
    }
    co_return out;
}

asio::awaitable<std::unique_ptr<view_subscription>>
engine::subscribe_view(std::string name, asio::any_io_executor home, size_t max_pending_rows) {
    auto it = _catalog.objects().find(name);
    if (it == _catalog.objects().end() || !it->second->running)
        throw sql::sql_error("42P01", fmt::format("materialized view \"{}\" does not exist", name),
                             {});
    if (it->second->kind != object_kind::view)
        throw sql::sql_error("42809",
                             fmt::format("\"{}\" is a sink, not a materialized view", name), {});
    auto p = it->second->running;
    auto op = p->subscribe(std::move(home), max_pending_rows, it->second->shape.columns);
    co_return co_await std::move(op);
}

std::vector<relation_summary> engine::relations() const {
    std::vector<relation_summary> out;
    for (const auto& [name, s] : _catalog.sources())
        out.push_back({name, object_kind::source, s->columns});
    for (const auto& [name, o] : _catalog.objects())
        out.push_back({name, o->kind, o->shape.columns});
    return out;
}

} // namespace spate::stream
