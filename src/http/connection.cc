#include "http/connection.h"

#include "http/event_stream.h"
#include "http/query.h"
#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>

namespace spate::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

using beast_request = bhttp::request<bhttp::string_body>;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

request to_request(beast_request&& in) {
    request r;
    r.method = std::string(in.method_string());
    r.target = std::string(in.target());
    r.path = r.target.substr(0, r.target.find('?'));
    for (const auto& f : in)
        r.headers.emplace_back(lower(f.name_string()), std::string(f.value()));
    r.body = std::move(in.body());
    return r;
}

/// What to do with a request: call a route, or answer at once.
struct dispatch {
    const route* r = nullptr;
    response immediate;
};

/// Routes `req` (filling its query and captures), or says what to answer instead.
dispatch route_request(const router& routes, request& req) {
    dispatch d;
    auto q = req.target.find('?');
    if (q != std::string::npos) {
        auto query = parse_query(std::string_view(req.target).substr(q + 1));
        if (!query) {
            d.immediate =
                json_error(400, "INVALID_REQUEST", "the query string has a malformed %-escape");
            return d;
        }
        req.query = std::move(*query);
    }
    auto m = routes.match(req.method, req.path);
    if (m.found) {
        d.r = m.found;
        req.captures = std::move(m.captures);
        return d;
    }
    if (m.bad_escape) {
        d.immediate = json_error(400, "INVALID_REQUEST", "the path has a malformed %-escape");
        return d;
    }
    if (!m.allow.empty()) {
        d.immediate = json_error(
            405, "INVALID_REQUEST",
            fmt::format("{} is not allowed on {} (allowed: {})", req.method, req.path, m.allow));
        d.immediate.headers.emplace_back("Allow", m.allow);
        return d;
    }
    if (req.method == "GET") {
        if (auto a = routes.find_asset(req.path)) {
            d.immediate.status = 200;
            d.immediate.content_type = std::string(a->content_type);
            d.immediate.body = std::string(a->body);
            return d;
        }
    }
    d.immediate =
        json_error(404, "NOT_FOUND", fmt::format("no route for {} {}", req.method, req.path));
    return d;
}

bool is_quiet_end(const boost::system::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
           ec == beast::error::timeout || ec == asio::error::bad_descriptor ||
           ec == bhttp::error::partial_message;
}

bool expects_continue(const beast_request& r) {
    auto it = r.find(bhttp::field::expect);
    return it != r.end() && lower(it->value()) == "100-continue";
}

} // namespace

connection::connection(server& owner, tcp::socket socket)
    : _server(owner), _stream(std::move(socket)) {}

void connection::start() {
    auto self = shared_from_this();
    asio::co_spawn(_stream.get_executor(), run(self), asio::detached);
}

void connection::close() {
    _closed = true;
    if (_events) _events->mark_closed();
    shutdown();
}

void connection::shutdown() {
    boost::system::error_code ec;
    _stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    _stream.socket().close(ec);
}

asio::awaitable<void> connection::run(std::shared_ptr<connection> self) {
    (void)self; // keeps the connection alive while it runs
    for (;;) {
        bool more = false;
        try {
            more = co_await serve_one();
        } catch (const std::exception& e) {
            spdlog::warn("http: connection failed: {}", e.what());
        }
        if (!more || _closed) break;
    }
    shutdown();
}

asio::awaitable<bool> connection::serve_one() {
    const auto& opts = _server.options();
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(opts.max_body_bytes);
    parser.header_limit(opts.max_header_bytes);
    _stream.expires_after(opts.idle_timeout);
    auto [ec, n] = co_await bhttp::async_read_header(_stream, _buffer, parser, use_tuple);
    (void)n;
    if (ec) co_return co_await read_failed(ec);
    if (expects_continue(parser.get())) {
        static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [wec, wn] = co_await asio::async_write(_stream, asio::buffer(go_on), use_tuple);
        (void)wn;
        if (wec) co_return false;
    }
    if (!parser.is_done()) {
        auto [bec, bn] = co_await bhttp::async_read(_stream, _buffer, parser, use_tuple);
        (void)bn;
        if (bec) co_return co_await read_failed(bec);
    }
    const auto started = std::chrono::steady_clock::now();
    bool keep_alive = parser.get().keep_alive();
    request req = to_request(parser.release());
    dispatch d = route_request(_server.routes(), req);
    if (d.r && d.r->stream) {
        co_await serve_stream(*d.r, req);
        co_return false;
    }
    response resp;
    if (d.r) {
        auto op = call(*d.r, req);
        resp = co_await std::move(op);
    } else {
        resp = std::move(d.immediate);
    }
    keep_alive = keep_alive && !_server.stopping() && !_closed;
    auto op = write(std::move(resp), keep_alive);
    bool written = co_await std::move(op);
    if (d.r)
        d.r->latency.record(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count());
    co_return written&& keep_alive;
}

asio::awaitable<bool> connection::read_failed(boost::system::error_code ec) {
    if (is_quiet_end(ec) || _closed) co_return false;
    response r;
    bool body_too_large = ec == bhttp::error::body_limit;
    if (body_too_large)
        r = json_error(413, "MESSAGE_TOO_LARGE",
                       fmt::format("the request body is larger than the limit of {} bytes",
                                   _server.options().max_body_bytes));
    else if (ec == bhttp::error::header_limit)
        r = json_error(431, "INVALID_REQUEST",
                       fmt::format("the request head is larger than the limit of {} bytes",
                                   _server.options().max_header_bytes));
    else
        r = json_error(400, "INVALID_REQUEST", fmt::format("malformed request: {}", ec.message()));
    auto op = write(std::move(r), false);
    bool written = co_await std::move(op);
    if (written && body_too_large) co_await drain();
    co_return false;
}

asio::awaitable<response> connection::call(const route& r, const request& req) {
    std::string failure;
    try {
        auto op = r.plain(req);
        co_return co_await std::move(op);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    spdlog::warn("http: {} {} failed: {}", req.method, req.path, failure);
    co_return json_error(500, "UNKNOWN_SERVER_ERROR", failure);
}

asio::awaitable<bool> connection::write(response r, bool keep_alive) {
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(r.status), 11};
    out.set(bhttp::field::server, "spate");
    out.set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers)
        out.set(name, value);
    out.keep_alive(keep_alive);
    out.body() = std::move(r.body);
    out.prepare_payload();
    _stream.expires_after(_server.options().idle_timeout);
    auto [ec, n] = co_await bhttp::async_write(_stream, out, use_tuple);
    (void)n;
    co_return !ec;
}

asio::awaitable<void> connection::serve_stream(const route& r, const request& req) {
    static constexpr std::string_view head = "HTTP/1.1 200 OK\r\n"
                                             "Server: spate\r\n"
                                             "Content-Type: text/event-stream\r\n"
                                             "Cache-Control: no-cache\r\n"
                                             "X-Accel-Buffering: no\r\n"
                                             "Connection: close\r\n\r\n";
    _stream.expires_never();
    auto [ec, n] = co_await asio::async_write(_stream.socket(), asio::buffer(head), use_tuple);
    (void)n;
    if (ec || _closed) co_return;
    event_stream events(_stream.socket(), _server.options().keepalive_interval);
    _events = &events;
    asio::co_spawn(_stream.get_executor(), watch_close(shared_from_this()), asio::detached);
    std::string failure;
    try {
        auto op = r.stream(req, events);
        co_await std::move(op);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    _events = nullptr;
    if (!failure.empty()) spdlog::warn("http: {} {} failed: {}", req.method, req.path, failure);
}

asio::awaitable<void> connection::watch_close(std::shared_ptr<connection> self) {
    (void)self; // keeps the connection alive while it watches
    std::array<char, 512> scratch;
    for (;;) {
        auto [ec, n] = co_await _stream.socket().async_read_some(asio::buffer(scratch), use_tuple);
        (void)n;
        if (ec) break;
    }
    if (_events) _events->mark_closed();
}

asio::awaitable<void> connection::drain() {
    boost::system::error_code ec;
    _stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    _stream.expires_after(std::chrono::seconds(5));
    std::array<char, 16384> scratch;
    for (;;) {
        auto [rec, n] = co_await _stream.async_read_some(asio::buffer(scratch), use_tuple);
        (void)n;
        if (rec) break;
    }
}

} // namespace spate::http
