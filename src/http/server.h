#pragma once

#include "base/result.h"
#include "http/router.h"
#include "runtime/tcp_listener.h"

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace spate::runtime {
class shard_set;
}

namespace spate::http {

/// How the HTTP listener behaves.
struct server_options {
    /// "host:port" (IPv6 in brackets); port 0 picks a free one.
    std::string listen = "127.0.0.1:8080";
    /// Largest request body accepted; a larger one is answered 413 and the connection closed.
    uint64_t max_body_bytes = uint64_t{16} << 20;
    /// Largest request head (request line and headers); larger: 431.
    uint32_t max_header_bytes = 64 << 10;
    /// How often event streams should send a keepalive comment (event_stream tells handlers).
    std::chrono::milliseconds keepalive_interval{15'000};
    /// A connection that sends no complete request for this long is closed.
    std::chrono::milliseconds idle_timeout{120'000};
};

/// The HTTP/1.1 listener: accepts on shard 0 and hands each connection to the shards in
/// turn, where it stays, serving its requests one after another (keep-alive) through the
/// router. Parse errors answer 400, oversized bodies 413, unknown paths 404 and known paths
/// with another method 405 (with Allow), all with JSON error bodies.
///
/// Created, opened and started on the main thread (or shard 0) before or while the shards
/// run; stop() runs on shard 0; the object outlives the shards' loops. The router is shared
/// read-only by every shard.
class server {
public:
    server(runtime::shard_set& shards, server_options options, std::shared_ptr<const router> r);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Binds the listener: INVALID_CONFIG for an address that is not host:port, else an
    /// error naming the address and the step that failed.
    result<void> open();
    /// The bound address as "host:port" (the real port when 0 was asked for).
    std::string bound_address() const { return _listener.bound_address(); }
    uint16_t bound_port() const { return _listener.bound_port(); }
    /// Starts accepting; after open(). Callable from any thread.
    void start();
    /// Stops accepting and closes every connection (event streams end). Runs on shard 0.
    boost::asio::awaitable<void> stop();

    // For connections:
    const router& routes() const { return *_router; }
    const server_options& options() const { return _options; }
    bool stopping() const { return _listener.stopping(); }

private:
    server_options _options;
    std::shared_ptr<const router> _router;
    runtime::tcp_listener _listener;
};

} // namespace spate::http
