#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace spate::http {

/// The sending side of one Server-Sent Events response (text/event-stream), handed to a
/// stream_handler once the headers are sent. Events go out in the order sent; the stream
/// learns that the client has gone from a failed write or from the connection's reader
/// seeing the socket close, and then every call returns false at once.
///
/// Owned by its connection, on the connection's shard; use it only there, one call at a
/// time. Arguments are views: with GCC 12, bind a temporary string to a named local before
/// `co_await stream.send(...)`.
class event_stream {
public:
    event_stream(boost::asio::ip::tcp::socket& socket, std::chrono::milliseconds keepalive);
    event_stream(const event_stream&) = delete;
    event_stream& operator=(const event_stream&) = delete;

    /// Sends one event: "event: <event>" (left out when empty) and one "data:" line per line
    /// of `data`. False when the client is gone (nothing more can be sent).
    boost::asio::awaitable<bool> send(std::string_view event, std::string_view data);
    /// Sends the comment ": keepalive", which clients ignore but proxies see as traffic.
    boost::asio::awaitable<bool> keepalive();
    /// Waits `d`, or less when wake() is called or the client goes. False when the client is
    /// gone or the server is stopping, true otherwise.
    boost::asio::awaitable<bool> wait(std::chrono::milliseconds d);
    /// Ends a wait() early (from the same shard), e.g. when new data is ready.
    void wake();

    /// False once the client is gone or the server stops.
    bool is_open() const { return !_closed; }
    /// How often handlers should send keepalive() when they have nothing else to send.
    std::chrono::milliseconds keepalive_interval() const { return _keepalive; }

    /// The connection says the socket is closed (client gone, server stopping).
    void mark_closed();

private:
    boost::asio::awaitable<bool> write_buffer();

    boost::asio::ip::tcp::socket& _socket;
    boost::asio::steady_timer _timer;
    std::chrono::milliseconds _keepalive;
    std::string _buffer;
    bool _closed = false;
};

} // namespace spate::http
