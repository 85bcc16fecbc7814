// The HTTP routes that watch spate run: GET /metrics (Prometheus) and GET /api/pipelines.

#include "app/http_json_internal.h"
#include "app/http_routes_internal.h"
#include "app/metrics_text.h"
#include "broker/broker.h"
#include "runtime/invoke.h"
#include "stream/engine.h"
#include "stream/pipeline_info.h"

namespace spate::app {

namespace asio = boost::asio;
using json = nlohmann::ordered_json;

namespace {

/// Every route's request latency, as one histogram family labelled by method and route.
void write_http_latencies(const http::router& routes, metrics_writer& out) {
    out.family("spate_http_request_duration_seconds", "histogram",
               "Time from a request read to its response written, by route");
    for (const auto& r : routes.routes())
        if (r->plain && r->latency.count() > 0)
            out.histogram("spate_http_request_duration_seconds",
                          {{"method", r->method}, {"route", r->pattern}}, r->latency);
}

asio::awaitable<http::response> get_metrics(const http_parts& parts, const http::router& routes) {
    broker::kafka_broker* broker = &parts.broker;
    stream::engine* engine = &parts.engine;
    const http::router* r = &routes;
    auto op = runtime::invoke_on(parts.broker.executor(engine->home()),
                                 [broker, engine, r]() -> asio::awaitable<std::string> {
                                     auto text =
                                         render_metrics(*broker, *engine, [r](metrics_writer& out) {
                                             write_http_latencies(*r, out);
                                         });
                                     co_return co_await std::move(text);
                                 });
    std::string text = co_await std::move(op);
    http::response out;
    out.status = 200;
    out.content_type = "text/plain; version=0.0.4; charset=utf-8";
    out.body = std::move(text);
    co_return out;
}

json pipeline_json(const stream::pipeline_info& p) {
    json operators = json::array();
    for (const auto& o : p.graph.operators)
        operators.push_back({{"id", o.id},
                             {"segment", o.segment},
                             {"kind", o.kind},
                             {"description", o.description},
                             {"rows_in", o.rows_in},
                             {"rows_out", o.rows_out},
                             {"state_bytes", o.state_bytes}});
    json edges = json::array();
    for (const auto& [from, to] : p.graph.edges)
        edges.push_back({from, to});
    json watermark = nullptr;
    if (p.graph.watermark_ms) watermark = *p.graph.watermark_ms;
    return {{"name", p.name},
            {"kind", p.kind},
            {"sql", p.sql},
            {"records_in", p.records_in},
            {"rows_out", p.rows_out},
            {"invalid", p.invalid},
            {"late", p.late},
            {"state_bytes", p.state_bytes},
            {"watermark_ms", watermark},
            {"operators", std::move(operators)},
            {"edges", std::move(edges)}};
}

/// Views and sinks (a source's own validation pipeline is left out unless ?validations=true).
asio::awaitable<http::response> get_pipelines(const http_parts& parts, const http::request& req) {
    stream::engine* engine = &parts.engine;
    auto op = runtime::invoke_on(parts.broker.executor(engine->home()),
                                 [engine]() -> asio::awaitable<std::vector<stream::pipeline_info>> {
                                     auto infos = engine->pipelines_info();
                                     co_return co_await std::move(infos);
                                 });
    std::vector<stream::pipeline_info> infos = co_await std::move(op);
    bool validations = req.query_param("validations").value_or("") == "true";
    json pipelines = json::array();
    for (const auto& p : infos)
        if (validations || p.kind != "validation") pipelines.push_back(pipeline_json(p));
    co_return json_ok(json{{"pipelines", std::move(pipelines)}});
}

} // namespace

void register_observe_routes(http::router& r, const http_parts& parts) {
    const http_parts* p = &parts;
    const http::router* routes = &r;
    r.add("GET", "/metrics",
          [p, routes](const http::request&) { return get_metrics(*p, *routes); });
    r.add("GET", "/api/pipelines",
          [p](const http::request& req) { return get_pipelines(*p, req); });
}

} // namespace spate::app
