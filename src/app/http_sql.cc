// The SQL routes of the HTTP API: /health, POST /api/sql, GET /api/views/{name} and its
// change stream.

#include "app/http_json_internal.h"
#include "app/http_routes.h"
#include "app/http_routes_internal.h"
#include "app/sql_session.h"
#include "broker/broker.h"
#include "http/event_stream.h"
#include "runtime/invoke.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "stream/engine.h"
#include "stream/view_changes.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include <deque>
#include <variant>

namespace spate::app {

namespace asio = boost::asio;
using json = nlohmann::ordered_json;

namespace {

/// What running a request's statements gave: the last statement's result (with every
/// statement's notices), or the error that stopped them.
struct sql_outcome {
    bool ok = false;
    stream::statement_result result;
    std::string sqlstate;
    std::string message;
};

/// A POST /api/sql body, decoded.
struct sql_request {
    std::string sql;
    std::vector<columnar::value> params;
};

columnar::value param_value(const nlohmann::json& p) {
    using columnar::value;
    if (p.is_null()) return value::null();
    if (p.is_boolean()) return value::boolean(p.get<bool>());
    if (p.is_number_integer()) return value::int64(p.get<int64_t>());
    if (p.is_number_unsigned()) return value::float64(double(p.get<uint64_t>()));
    if (p.is_number_float()) return value::float64(p.get<double>());
    if (p.is_string()) return value::string(p.get<std::string>());
    return value::string(p.dump());
}

/// The body as SQL text (text/plain, or no JSON media type) or as {"sql": .., "params": [..]}
/// (application/json); a 400 when the JSON is not that.
std::variant<sql_request, http::response> parse_sql_request(const http::request& req) {
    sql_request out;
    if (req.media_type() != "application/json") {
        out.sql = req.body;
    } else {
        auto body = nlohmann::json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object())
            return http::json_error(400, "INVALID_REQUEST",
                                    "the body is not a JSON object {\"sql\": \"...\"}");
        auto sql = body.find("sql");
        if (sql == body.end() || !sql->is_string())
            return http::json_error(400, "INVALID_REQUEST",
                                    "the body has no \"sql\" string member");
        out.sql = sql->get<std::string>();
        if (auto params = body.find("params"); params != body.end() && !params->is_null()) {
            if (!params->is_array())
                return http::json_error(400, "INVALID_REQUEST", "\"params\" is not an array");
            for (const auto& p : *params)
                out.params.push_back(param_value(p));
        }
    }
    if (out.sql.find_first_not_of(" \t\r\n;") == std::string::npos)
        return http::json_error(400, "INVALID_REQUEST", "the request has no SQL statement");
    return out;
}

/// Runs `statements` one after another on the engine's home shard, as one psql session would
/// (each takes effect before the next; the first error stops the rest).
asio::awaitable<sql_outcome> run_statements(const http_parts& parts,
                                            std::vector<std::string> statements,
                                            std::vector<columnar::value> params) {
    stream::engine* engine = &parts.engine;
    relation_directory* relations = &parts.relations;
    auto op = runtime::invoke_on(parts.broker.executor(engine->home()),
                                 [engine, relations, statements = std::move(statements),
                                  params = std::move(params)]() -> asio::awaitable<sql_outcome> {
                                     sql_outcome out;
                                     std::vector<std::string> notices;
                                     for (size_t i = 0; i < statements.size(); ++i) {
                                         try {
                                             auto run = engine->execute(statements[i], params);
                                             out.result = co_await std::move(run);
                                         } catch (const sql::sql_error& e) {
                                             out.sqlstate = e.sqlstate;
                                             out.message = statements.size() > 1
                                                               ? fmt::format("statement {}: {}",
                                                                             i + 1, e.what())
                                                               : std::string(e.what());
                                         } catch (const std::exception& e) {
                                             out.sqlstate = "XX000";
                                             out.message = e.what();
                                         }
                                         publish_relations(*engine, *relations);
                                         if (!out.sqlstate.empty()) co_return out;
                                         for (auto& n : out.result.notices)
                                             notices.push_back(std::move(n));
                                     }
                                     out.result.notices = std::move(notices);
                                     out.ok = true;
                                     co_return out;
                                 });
    co_return co_await std::move(op);
}

/// The statements of `sql`, or a 400 naming the lexical error.
std::variant<std::vector<std::string>, http::response> split_sql(const std::string& sql,
                                                                 size_t params) {
    std::vector<std::string> out;
    try {
        for (auto s : sql::split_statements(sql))
            if (s.find_first_not_of(" \t\r\n;") != std::string_view::npos) out.emplace_back(s);
    } catch (const sql::sql_error& e) {
        return http::json_error(400, e.sqlstate, e.what());
    }
    if (out.empty()) return http::json_error(400, "42601", "the request has no SQL statement");
    if (params > 0 && out.size() > 1)
        return http::json_error(400, "42601",
                                "parameters are allowed only with a single statement");
    return out;
}

http::response outcome_response(const sql_outcome& o, unsigned error_status) {
    if (o.ok) return json_ok(statement_json(o.result));
    unsigned status = o.sqlstate.starts_with("XX") ? 500 : error_status;
    return http::json_error(status, o.sqlstate, o.message);
}

asio::awaitable<http::response> post_sql(const http_parts& parts, const http::request& req) {
    auto parsed = parse_sql_request(req);
    if (auto* r = std::get_if<http::response>(&parsed)) co_return std::move(*r);
    auto& body = std::get<sql_request>(parsed);
    auto split = split_sql(body.sql, body.params.size());
    if (auto* r = std::get_if<http::response>(&split)) co_return std::move(*r);
    auto op = run_statements(parts, std::move(std::get<std::vector<std::string>>(split)),
                             std::move(body.params));
    sql_outcome o = co_await std::move(op);
    co_return outcome_response(o, 400);
}

asio::awaitable<http::response> get_health(const http_parts& parts) {
    if (parts.sql_ready.load()) co_return http::response::json(200, R"({"status":"ok"})");
    co_return http::response::json(503, R"({"status":"starting"})");
}

/// Whether `name` is a materialized view of the catalog.
bool is_view(const http_parts& parts, std::string_view name) {
    for (const auto& r : parts.relations.get())
        if (r.name == name) return r.kind == 'm';
    return false;
}

http::response no_such_view(std::string_view name) {
    return http::json_error(404, "42P01",
                            fmt::format("materialized view \"{}\" does not exist", name));
}

asio::awaitable<sql_outcome> select_view(const http_parts& parts, std::string_view name) {
    std::vector<std::string> statements{"SELECT * FROM " + quote_ident(name)};
    auto op = run_statements(parts, std::move(statements), {});
    co_return co_await std::move(op);
}

asio::awaitable<http::response> get_view(const http_parts& parts, const http::request& req) {
    std::string name(req.capture("name").value_or(""));
    if (!is_view(parts, name)) co_return no_such_view(name);
    auto op = select_view(parts, name);
    sql_outcome o = co_await std::move(op);
    co_return outcome_response(o, o.sqlstate == "42P01" ? 404 : 400);
}

/// The body of the event a change stream sends instead of its snapshot when it cannot.
std::string stream_error(const http::response& r) {
    return r.body;
}

} // namespace

namespace {

/// A change stream's subscription and the change batches it delivered that the handler has
/// not sent yet. Lives on the connection's shard, shared by the handler and the coroutine
/// that takes changes from the subscription (which may outlive the handler briefly).
struct change_pump {
    std::unique_ptr<stream::view_subscription> sub;
    std::deque<stream::view_changes> pending;
    bool ended = false;
    http::event_stream* events = nullptr; ///< null once the handler has returned
};

/// Moves change batches from the subscription to `p->pending` until the stream ends, waking
/// the handler for each.
asio::awaitable<void> pump_changes(std::shared_ptr<change_pump> p) {
    for (;;) {
        auto op = p->sub->next();
        std::optional<stream::view_changes> c = co_await std::move(op);
        if (!c) break;
        p->pending.push_back(std::move(*c));
        if (p->events) p->events->wake();
    }
    p->ended = true;
    if (p->events) p->events->wake();
}

using subscribe_outcome = std::variant<std::unique_ptr<stream::view_subscription>, http::response>;

/// Subscribes to view `name` on the engine's home shard, with changes delivered on `home`.
asio::awaitable<subscribe_outcome> subscribe(const http_parts& parts, std::string name,
                                             asio::any_io_executor home) {
    stream::engine* engine = &parts.engine;
    auto op = runtime::invoke_on(
        parts.broker.executor(engine->home()),
        [engine, name = std::move(name), home]() -> asio::awaitable<subscribe_outcome> {
            try {
                auto sub = engine->subscribe_view(name, home);
                co_return co_await std::move(sub);
            } catch (const sql::sql_error& e) {
                co_return http::json_error(e.sqlstate == "42P01" ? 404 : 400, e.sqlstate, e.what());
            }
        });
    co_return co_await std::move(op);
}

/// Every pending change batch as one "changes" event body, emptying `pending`.
std::string take_changes(std::deque<stream::view_changes>& pending, size_t width) {
    json changes = json::array();
    for (const auto& batch : pending)
        for (size_t row = 0; row < batch.rows.rows; ++row)
            changes.push_back({{"kind", stream::change_kind_name(batch.kinds[row])},
                               {"row", row_json(batch.rows, row, width)}});
    pending.clear();
    return dump(json{{"changes", std::move(changes)}});
}

const char* end_reason_name(stream::end_reason r) {
    switch (r) {
    case stream::end_reason::dropped: return "dropped";
    case stream::end_reason::too_slow: return "too_slow";
    case stream::end_reason::cancelled: return "cancelled";
    case stream::end_reason::none: break;
    }
    return "ended";
}

} // namespace

asio::awaitable<void> stream_view_changes(const http_parts& parts, const http::request& req,
                                          http::event_stream& events) {
    std::string name(req.capture("name").value_or(""));
    if (!is_view(parts, name)) {
        std::string body = stream_error(no_such_view(name));
        auto sent = events.send("error", body);
        co_await std::move(sent);
        co_return;
    }
    auto home = co_await asio::this_coro::executor;
    auto op = subscribe(parts, name, home);
    subscribe_outcome subscribed = co_await std::move(op);
    if (auto* r = std::get_if<http::response>(&subscribed)) {
        std::string body = stream_error(*r);
        auto sent = events.send("error", body);
        co_await std::move(sent);
        co_return;
    }
    auto pump = std::make_shared<change_pump>();
    pump->sub = std::move(std::get<0>(subscribed));
    pump->events = &events;
    size_t width = pump->sub->columns().size();
    std::string snapshot = dump(rows_json(pump->sub->columns(), pump->sub->snapshot()));
    auto sent = events.send("snapshot", snapshot);
    bool open = co_await std::move(sent);
    asio::co_spawn(home, pump_changes(pump), asio::detached);
    while (open) {
        if (!pump->pending.empty()) {
            std::string changes = take_changes(pump->pending, width);
            auto send_changes = events.send("changes", changes);
            open = co_await std::move(send_changes);
            continue;
        }
        if (pump->ended) {
            std::string end = dump(json{{"reason", end_reason_name(pump->sub->reason())}});
            auto send_end = events.send("end", end);
            co_await std::move(send_end);
            break;
        }
        open = co_await events.wait(events.keepalive_interval());
        if (open && pump->pending.empty() && !pump->ended) open = co_await events.keepalive();
    }
    pump->events = nullptr;
    pump->sub->cancel();
}

void register_sql_routes(http::router& r, const http_parts& parts) {
    const http_parts* p = &parts;
    r.add("GET", "/health", [p](const http::request&) { return get_health(*p); });
    r.add("POST", "/api/sql", [p](const http::request& req) { return post_sql(*p, req); });
    r.add("GET", "/api/views/{name}", [p](const http::request& req) { return get_view(*p, req); });
    r.add_stream("GET", "/api/views/{name}/changes",
                 [p](const http::request& req, http::event_stream& events) {
                     return stream_view_changes(*p, req, events);
                 });
}

} // namespace spate::app
