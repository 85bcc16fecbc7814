#include "broker/connection.h"

#include "base/endian.h"
#include "broker/broker.h"
#include "broker/dispatch.h"
#include "broker/request_context.h"
#include "kafka/protocol/headers.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace spate::broker {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto as_awaitable = asio::as_tuple(asio::use_awaitable);
/// Bodies are read in pieces of at most this much, so a client that announces a large request
/// and sends little holds only what it sent.
constexpr size_t read_chunk = 256 * 1024;

std::string describe(const tcp::socket& s) {
    boost::system::error_code ec;
    auto ep = s.remote_endpoint(ec);
    if (ec) return "unknown peer";
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

} // namespace

connection::connection(kafka_broker& broker, shard_state& shard, tcp::socket socket)
    : _broker(broker), _shard(shard), _socket(std::move(socket)), _peer(describe(_socket)),
      _response_ready(_socket.get_executor()), _space_freed(_socket.get_executor()) {
    boost::system::error_code ec;
    _socket.set_option(tcp::no_delay(true), ec);
}

connection::~connection() = default;

void connection::start() {
    spdlog::debug("kafka: connection from {} on shard {}", _peer, _shard.id());
    auto self = shared_from_this();
    asio::co_spawn(
        _socket.get_executor(), [self]() { return self->read_loop(); }, asio::detached);
    asio::co_spawn(
        _socket.get_executor(), [self]() { return self->write_loop(); }, asio::detached);
}

void connection::close(std::string_view why) {
    if (_closed) return;
    _closed = true;
    if (!why.empty()) spdlog::info("kafka: closing connection from {}: {}", _peer, why);
    boost::system::error_code ec;
    _socket.shutdown(tcp::socket::shutdown_both, ec);
    _socket.close(ec);
    _response_ready.notify();
    _space_freed.notify();
}

asio::awaitable<void> connection::read_loop() {
    const auto& cfg = _broker.config();
    while (!_closed) {
        std::array<std::byte, 4> size_bytes;
        auto [ec, n] = co_await asio::async_read(_socket, asio::buffer(size_bytes), as_awaitable);
        if (ec) {
            // A client closing between requests is the normal end of a connection.
            close(ec == asio::error::eof ? "" : "read failed: " + ec.message());
            co_return;
        }
        _last_read = std::chrono::steady_clock::now();
        auto size = static_cast<int32_t>(load_be<uint32_t>(size_bytes.data()));
        if (size < 4 || size > cfg.socket_request_max_bytes) {
            // Kafka's InvalidReceiveException: the connection is closed without a response.
            close(fmt::format("request size {} is not between 4 and socket.request.max.bytes "
                              "({})",
                              size, cfg.socket_request_max_bytes));
            co_return;
        }
        // Backpressure: wait until the responses already owed leave room for this request.
        while (!_closed && !_slots.empty() &&
               (static_cast<int32_t>(_slots.size()) >= cfg.max_inflight_requests ||
                _inflight_bytes + size > cfg.max_inflight_bytes))
            co_await _space_freed.wait();
        if (_closed) co_return;

        std::vector<std::byte> frame;
        frame.reserve(std::min<size_t>(static_cast<size_t>(size), read_chunk));
        while (frame.size() < static_cast<size_t>(size)) {
            auto have = frame.size();
            auto want = std::min(static_cast<size_t>(size) - have, read_chunk);
            frame.resize(have + want);
            auto [rec, got] = co_await asio::async_read(
                _socket, asio::buffer(frame.data() + have, want), as_awaitable);
            _last_read = std::chrono::steady_clock::now();
            if (rec) {
                close(fmt::format("connection lost {} bytes into a {}-byte request", have + got,
                                  size));
                co_return;
            }
        }
        // A request other than Produce may bring a large response: those are bounded by count.
        bool produce = frame.size() >= 2 && load_be<int16_t>(frame.data()) == 0;
        while (!_closed && !produce && _inflight_other >= cfg.max_inflight_other_requests)
            co_await _space_freed.wait();
        if (_closed) co_return;
        auto s = std::make_shared<slot>();
        s->request_bytes = frame.size();
        s->other = !produce;
        _inflight_other += s->other ? 1 : 0;
        _inflight_bytes += static_cast<int64_t>(frame.size());
        _slots.push_back(s);
        // Served concurrently; started in arrival order, so work for one partition is queued
        // on its shard in the order the client sent it.
        auto self = shared_from_this();
        asio::co_spawn(
            _socket.get_executor(),
            [self, s, frame = std::move(frame)]() mutable {
                return self->serve(std::move(s), std::move(frame));
            },
            asio::detached);
    }
}

asio::awaitable<void> connection::serve(std::shared_ptr<slot> s, std::vector<std::byte> frame) {
    kafka::reader rd(frame);
    auto header = kafka::read_request_header(rd);
    if (!header) {
        close(fmt::format("unreadable request header: {}", header.err().message));
        co_return;
    }
    request_context ctx{_broker,
                        _shard,
                        header->data.request_api_key,
                        header->data.request_api_version,
                        header->data.correlation_id,
                        header->data.client_id,
                        _peer};
    const auto started = std::chrono::steady_clock::now();
    auto response = co_await dispatch(ctx, rd);
    if (auto* h = _broker.request_latency(ctx.api_key))
        h->record(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count());
    if (!response) {
        close(response.err().to_string());
        co_return;
    }
    s->response = std::move(response).value();
    // A response waiting to be sent counts against the connection's budget like its request.
    _inflight_bytes += static_cast<int64_t>(s->response.size());
    s->respond = ctx.respond;
    s->close_after = ctx.close_after;
    s->done = true;
    _response_ready.notify();
}

asio::awaitable<void> connection::write_loop() {
    auto self = shared_from_this();
    while (!_closed) {
        if (_slots.empty() || !_slots.front()->done) {
            co_await _response_ready.wait();
            continue;
        }
        auto s = std::move(_slots.front());
        _slots.pop_front();
        if (s->respond) {
            auto [ec, n] =
                co_await asio::async_write(_socket, asio::buffer(s->response), as_awaitable);
            if (ec) {
                close("write failed: " + ec.message());
                co_return;
            }
        }
        _inflight_bytes -= static_cast<int64_t>(s->request_bytes + s->response.size());
        _inflight_other -= s->other ? 1 : 0;
        s->response = {};
        _space_freed.notify();
        if (s->close_after) {
            close("a request without acknowledgement failed");
            co_return;
        }
    }
}

} // namespace spate::broker
