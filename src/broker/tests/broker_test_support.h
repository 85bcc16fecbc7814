#pragma once

// What the broker's tests share: a broker started in-process on two shards with its own data
// directory, and a blocking client that speaks the generated codec over TCP.

#include "base/endian.h"
#include "broker/broker.h"
#include "kafka/generated/apis.h"
#include "kafka/generated/messages.h"
#include "runtime/shard_set.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace spate::broker::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

class temp_dir {
public:
    temp_dir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "spate-broker-XXXXXX").string();
        _path = ::mkdtemp(tmpl.data());
    }
    ~temp_dir() { std::filesystem::remove_all(_path); }
    const std::filesystem::path& path() const { return _path; }

private:
    std::filesystem::path _path;
};

/// A broker on two shards, as `spate server` runs one, stopped at the end of the test.
class running_broker {
public:
    running_broker() : _shards(2), _blocking(1) {
        broker_config config;
        config.data_dir = _dir.path();
        config.kafka_addr = {"127.0.0.1", 0};
        _broker = std::make_unique<kafka_broker>(config, _shards, _blocking);
        auto r = _broker->open();
        if (!r) throw std::runtime_error(r.err().to_string());
        _broker->start();
        _shards.start();
    }
    ~running_broker() {
        auto stopped = asio::co_spawn(_shards.executor(0), _broker->stop(), asio::use_future);
        stopped.wait();
        _shards.stop();
        _blocking.join();
    }
    uint16_t port() const { return _broker->bound_address().port; }
    kafka_broker& broker() { return *_broker; }
    /// Runs `a` on shard 0 and waits for its value.
    template <typename T>
    T run(asio::awaitable<T> a) {
        return asio::co_spawn(_shards.executor(0), std::move(a), asio::use_future).get();
    }

private:
    temp_dir _dir;
    runtime::shard_set _shards;
    asio::thread_pool _blocking;
    std::unique_ptr<kafka_broker> _broker;
};

/// One blocking client connection.
class client {
public:
    explicit client(uint16_t port) : _socket(_io) {
        _socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }

    /// Sends `request` in `version` and returns the response body (after its header), or an
    /// error saying what went wrong.
    template <typename Request>
    result<std::vector<std::byte>> call(const Request& request, int16_t version) {
        std::vector<std::byte> frame(4);
        kafka::writer w(frame);
        kafka::request_header_data header;
        header.request_api_key = Request::api_key;
        header.request_api_version = version;
        header.correlation_id = ++_correlation;
        header.client_id = "broker-test";
        header.encode(w, *kafka::request_header_version(Request::api_key, version));
        request.encode(w, version);
        store_be<uint32_t>(frame.data(), static_cast<uint32_t>(frame.size() - 4));
        boost::system::error_code ec;
        asio::write(_socket, asio::buffer(frame), ec);
        if (ec) return error::make(errc::unknown_server_error, "write: {}", ec.message());
        std::array<std::byte, 4> size;
        asio::read(_socket, asio::buffer(size), ec);
        if (ec)
            return error::make(errc::unknown_server_error, "connection closed: {}", ec.message());
        std::vector<std::byte> body(load_be<uint32_t>(size.data()));
        asio::read(_socket, asio::buffer(body), ec);
        if (ec) return error::make(errc::unknown_server_error, "short response: {}", ec.message());
        kafka::reader rd(body);
        kafka::response_header_data response_header;
        if (auto r = response_header.decode(
                rd, *kafka::response_header_version(Request::api_key, version));
            !r)
            return std::move(r).err();
        if (response_header.correlation_id != _correlation)
            return error::make(errc::unknown_server_error, "correlation id {} for request {}",
                               response_header.correlation_id, _correlation);
        return std::vector<std::byte>(body.begin() + static_cast<ptrdiff_t>(rd.position()),
                                      body.end());
    }

private:
    asio::io_context _io;
    tcp::socket _socket;
    int32_t _correlation = 0;
};

} // namespace spate::broker::testing
