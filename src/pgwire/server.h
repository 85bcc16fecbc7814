#pragma once

#include "base/result.h"
#include "pgwire/session_handler.h"
#include "runtime/tcp_listener.h"

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

namespace spate::runtime {
class shard_set;
}

namespace spate::pgwire {

/// The Postgres protocol listener: accepts on shard 0 and hands each connection to the shards
/// in turn, where it stays. Each connection gets its own session_handler from the factory
/// (called on the connection's shard) and answers psql's catalog queries from the relation
/// lister.
///
/// Created, opened and started on the main thread before the shards run (or on shard 0);
/// stop() runs on shard 0; the object outlives the shards' loops.
class server {
public:
    /// `listen` is "host:port": an IP address or localhost (IPv6 in brackets, "[::1]:5432");
    /// port 0 picks a free one.
    server(runtime::shard_set& shards, std::string listen, handler_factory factory,
           relation_lister relations);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Binds the listener; INVALID_CONFIG for an address that is not host:port, else an error
    /// naming the address and the failed step.
    result<void> open();
    /// The bound address as "host:port" (the real port when 0 was asked for).
    std::string bound_address() const { return _listener.bound_address(); }
    uint16_t bound_port() const { return _listener.bound_port(); }
    /// Starts accepting; after open().
    void start();
    /// Stops accepting and closes every connection (their handlers are destroyed on their
    /// shards). Runs on shard 0.
    boost::asio::awaitable<void> stop();

    // For connections:
    const handler_factory& factory() const { return _factory; }
    const relation_lister& relations() const { return _relations; }

private:
    std::string _listen;
    handler_factory _factory;
    relation_lister _relations;
    runtime::tcp_listener _listener;
};

} // namespace spate::pgwire
