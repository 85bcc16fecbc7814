#pragma once

#include "base/result.h"
#include "runtime/closable.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spate::runtime {

class shard_set;

/// Makes the object serving one accepted socket. Called on the shard the connection is given
/// to (`shard`), possibly on several shards at once, so it must be safe to call concurrently.
/// It starts the connection and returns it (or nullptr to drop the socket); the listener keeps
/// only a weak reference, so the connection keeps itself alive while it runs.
using connection_factory =
    std::function<std::shared_ptr<closable>(unsigned shard, boost::asio::ip::tcp::socket socket)>;

/// A TCP listener for a server on spate's shards: accepts on shard 0 and hands each socket to
/// the shards in turn (round robin), where the factory makes its connection, which stays on
/// that shard. It tracks every connection it made, per shard, to close them on stop().
///
/// Created, opened and started on the main thread (or shard 0), before or while the shards
/// run; the accept loop and stop() run on shard 0; each shard's list of connections is touched
/// only on that shard. The object must outlive the shards' loops.
class tcp_listener {
public:
    explicit tcp_listener(shard_set& shards);
    ~tcp_listener();
    tcp_listener(const tcp_listener&) = delete;
    tcp_listener& operator=(const tcp_listener&) = delete;

    /// Binds to `listen`, "host:port" (an IP address or localhost; IPv6 in brackets, as in
    /// "[::1]:5432"; port 0 picks a free one) with SO_REUSEADDR and listens. `name` says what
    /// the listener is for ("postgres") in messages. INVALID_CONFIG when `listen` is not such
    /// an address, else UNKNOWN_SERVER_ERROR naming the address, the failed step and why
    /// ("postgres listener on 127.0.0.1:5432: bind failed: Address already in use").
    /// Call once, before start().
    result<void> open(std::string_view listen, std::string_view name);
    /// The bound address as "host:port" ("[v6]:port"), with the real port; after open().
    std::string bound_address() const;
    /// The bound IP address, without brackets; after open().
    const std::string& bound_host() const { return _bound_host; }
    uint16_t bound_port() const { return _bound_port; }

    /// Starts accepting; after a successful open(). Callable from any thread.
    void start(connection_factory factory);
    /// Stops accepting, then closes every tracked connection on its shard and returns once all
    /// shards have done so. Sockets handed over but not yet adopted are closed unserved. Runs
    /// on shard 0; idempotent.
    boost::asio::awaitable<void> stop();
    /// True once stop() began. Any thread.
    bool stopping() const { return _stopping.load(std::memory_order_relaxed); }

private:
    boost::asio::awaitable<void> accept_loop();
    /// Hands an accepted socket to `shard` (on shard 0).
    void hand_over(unsigned shard, boost::asio::ip::tcp::socket socket);
    /// Makes and tracks the connection of `socket` (on `shard`).
    void serve(unsigned shard, boost::asio::ip::tcp::socket socket);

    shard_set& _shards;
    std::string _name;
    std::string _listen;
    connection_factory _factory;
    std::optional<boost::asio::ip::tcp::acceptor> _acceptor;
    std::string _bound_host;
    uint16_t _bound_port = 0;
    unsigned _next_shard = 0;           ///< on shard 0
    std::atomic<bool> _stopping{false}; ///< read by shards adopting a connection
    /// Per shard, its connections; each list is touched only on its shard.
    std::vector<std::vector<std::weak_ptr<closable>>> _connections;
};

/// "host:port" or "[v6]:port" split in two ("localhost" stays as given); nullopt when it is
/// neither (an IPv6 address without brackets, a port that is not 0..65535). An empty host
/// means every address (0.0.0.0).
std::optional<std::pair<std::string, uint16_t>> split_host_port(std::string_view s);

} // namespace spate::runtime
