#include "http/event_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace spate::http {

namespace asio = boost::asio;

event_stream::event_stream(asio::ip::tcp::socket& socket, std::chrono::milliseconds keepalive)
    : _socket(socket), _timer(socket.get_executor()), _keepalive(keepalive) {}

asio::awaitable<bool> event_stream::write_buffer() {
    if (_closed) co_return false;
    auto [ec, n] = co_await asio::async_write(_socket, asio::buffer(_buffer),
                                              asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) mark_closed();
    co_return !_closed;
}

asio::awaitable<bool> event_stream::send(std::string_view event, std::string_view data) {
    _buffer.clear();
    if (!event.empty()) {
        _buffer += "event: ";
        _buffer += event;
        _buffer += '\n';
    }
    // Each line of the data is its own "data:" field; the client joins them with '\n'.
    for (;;) {
        auto nl = data.find('\n');
        auto line = data.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        _buffer += "data: ";
        _buffer += line;
        _buffer += '\n';
        if (nl == std::string_view::npos) break;
        data.remove_prefix(nl + 1);
    }
    _buffer += '\n';
    co_return co_await write_buffer();
}

asio::awaitable<bool> event_stream::keepalive() {
    _buffer = ": keepalive\n\n";
    co_return co_await write_buffer();
}

asio::awaitable<bool> event_stream::wait(std::chrono::milliseconds d) {
    if (_closed) co_return false;
    _timer.expires_after(d);
    auto [ec] = co_await _timer.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;
    co_return !_closed;
}

void event_stream::wake() {
    _timer.cancel();
}

void event_stream::mark_closed() {
    _closed = true;
    _timer.cancel();
}

} // namespace spate::http
