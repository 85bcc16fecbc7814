#pragma once

#include "http/message.h"
#include "http/router.h"
#include "runtime/closable.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>

namespace spate::http {

class server;
class event_stream;

/// One client connection of the HTTP server: reads requests one after another (HTTP/1.1
/// keep-alive), routes each and writes its response; an event-stream route takes the
/// connection over until its handler returns. Internal to the http module.
///
/// Owned by the shard it was handed to: every method runs on that shard's thread. Kept alive
/// by its own coroutines (shared_from_this); the server holds a weak reference to close it.
class connection : public runtime::closable, public std::enable_shared_from_this<connection> {
public:
    connection(server& owner, boost::asio::ip::tcp::socket socket);

    /// Starts serving; returns at once.
    void start();
    /// Closes the socket: the request being read or written fails, an event stream ends.
    void close() override;

private:
    boost::asio::awaitable<void> run(std::shared_ptr<connection> self);
    /// Reads and answers one request; false when the connection must close afterwards.
    boost::asio::awaitable<bool> serve_one();
    /// Answers a request that failed to read (413, 431, 400) or just ends (EOF, timeout).
    boost::asio::awaitable<bool> read_failed(boost::system::error_code ec);
    boost::asio::awaitable<response> call(const route& r, const request& req);
    boost::asio::awaitable<bool> write(response r, bool keep_alive);
    boost::asio::awaitable<void> serve_stream(const route& r, const request& req);
    /// Reads from an event stream's socket until it fails: then the client is gone.
    boost::asio::awaitable<void> watch_close(std::shared_ptr<connection> self);
    /// Reads and drops what the client still sends (after a 413) for a little while, so
    /// that closing does not reset the connection before the client reads the answer.
    boost::asio::awaitable<void> drain();
    void shutdown();

    server& _server;
    boost::beast::tcp_stream _stream;
    boost::beast::flat_buffer _buffer;
    event_stream* _events = nullptr; ///< the event stream being served, if any
    bool _closed = false;
};

} // namespace spate::http
