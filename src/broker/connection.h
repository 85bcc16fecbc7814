#pragma once

#include "runtime/closable.h"
#include "runtime/event.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace spate::broker {

class kafka_broker;
class shard_state;

/// One client's TCP connection to the Kafka listener: reads size-prefixed requests, serves
/// each in a coroutine of its own and writes the responses back in request order, as Kafka
/// requires. Requests are read ahead of their responses (so a producer's pipelined requests
/// share fsyncs), but only up to broker_config's in-flight limits (bytes, requests, and
/// requests other than Produce): past them the connection stops reading, which bounds its
/// memory and pushes back on the client. A malformed frame, an
/// unknown API or an oversized request closes this connection only.
///
/// Owned by its shard: created, run and closed on that shard's thread.
class connection : public runtime::closable, public std::enable_shared_from_this<connection> {
public:
    connection(kafka_broker& broker, shard_state& shard, boost::asio::ip::tcp::socket socket);
    ~connection();

    /// Starts reading and writing; the connection keeps itself alive until it closes.
    void start();
    /// Closes the socket; requests being served finish and their responses are dropped.
    void close(std::string_view why);
    /// close() without a reason (nothing logged): for the listener on shutdown.
    void close() override { close(""); }
    const std::string& peer() const { return _peer; }
    /// True when nothing is in flight and the client has sent nothing since `since`.
    bool idle_since(std::chrono::steady_clock::time_point since) const {
        return _slots.empty() && _last_read < since;
    }

private:
    /// A request read off the socket and its response, once served.
    struct slot {
        std::vector<std::byte> response; ///< size-prefixed response frame
        size_t request_bytes = 0;
        bool other = false; ///< not a Produce: counted against max_inflight_other_requests
        bool done = false;
        bool respond = true;
        bool close_after = false;
    };

    boost::asio::awaitable<void> read_loop();
    boost::asio::awaitable<void> write_loop();
    boost::asio::awaitable<void> serve(std::shared_ptr<slot> s, std::vector<std::byte> frame);

    kafka_broker& _broker;
    shard_state& _shard;
    boost::asio::ip::tcp::socket _socket;
    std::string _peer;
    std::deque<std::shared_ptr<slot>> _slots;
    int64_t _inflight_bytes = 0;
    int32_t _inflight_other = 0;
    std::chrono::steady_clock::time_point _last_read = std::chrono::steady_clock::now();
    runtime::event _response_ready;
    runtime::event _space_freed;
    bool _closed = false;
};

} // namespace spate::broker
