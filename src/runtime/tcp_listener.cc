#include "runtime/tcp_listener.h"

#include "runtime/invoke.h"
#include "runtime/shard_set.h"
#include "runtime/when_all.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <cassert>
#include <charconv>
#include <unistd.h>

namespace spate::runtime {

namespace asio = boost::asio;
using asio::ip::tcp;

std::optional<std::pair<std::string, uint16_t>> split_host_port(std::string_view s) {
    auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == s.size()) return std::nullopt;
    auto host = s.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string_view::npos)
        return std::nullopt; // an IPv6 address needs brackets
    auto port_text = s.substr(colon + 1);
    unsigned port = 0;
    auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (r.ec != std::errc{} || r.ptr != port_text.data() + port_text.size() || port > 65535)
        return std::nullopt;
    if (host.empty()) host = "0.0.0.0";
    return std::pair{std::string(host), static_cast<uint16_t>(port)};
}

tcp_listener::tcp_listener(shard_set& shards) : _shards(shards), _connections(shards.size()) {}

tcp_listener::~tcp_listener() = default;

result<void> tcp_listener::open(std::string_view listen, std::string_view name) {
    assert(!_acceptor);
    _name = name;
    _listen = listen;
    auto hp = split_host_port(listen);
    if (!hp)
        return error::make(errc::invalid_config, "{} listener: \"{}\" is not host:port", _name,
                           _listen);
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(hp->first == "localhost" ? "127.0.0.1" : hp->first, ec);
    if (ec)
        return error::make(errc::invalid_config, "{} listener: \"{}\" is not an IP address", _name,
                           hp->first);
    tcp::endpoint endpoint(addr, hp->second);
    _acceptor.emplace(_shards.context(0));
    auto fail = [&](std::string_view step) {
        auto e = error::make(errc::unknown_server_error, "{} listener on {}: {} failed: {}", _name,
                             _listen, step, ec.message());
        _acceptor.reset();
        return e;
    };
    if (_acceptor->open(endpoint.protocol(), ec)) return fail("open");
    if (_acceptor->set_option(tcp::acceptor::reuse_address(true), ec)) return fail("SO_REUSEADDR");
    if (_acceptor->bind(endpoint, ec)) return fail("bind");
    if (_acceptor->listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
    auto local = _acceptor->local_endpoint(ec);
    if (ec) return fail("getsockname");
    _bound_host = local.address().to_string();
    _bound_port = local.port();
    return ok();
}

std::string tcp_listener::bound_address() const {
    if (_bound_host.find(':') != std::string::npos)
        return "[" + _bound_host + "]:" + std::to_string(_bound_port);
    return _bound_host + ":" + std::to_string(_bound_port);
}

void tcp_listener::start(connection_factory factory) {
    assert(_acceptor && factory);
    _factory = std::move(factory);
    asio::co_spawn(_shards.executor(0), accept_loop(), asio::detached);
}

asio::awaitable<void> tcp_listener::accept_loop() {
    while (!_stopping) {
        auto [ec, socket] = co_await _acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
        if (_stopping) co_return;
        if (ec) {
            // Out of file descriptors and the like: say so, back off briefly, keep serving.
            spdlog::warn("{} listener: accept failed: {}", _name, ec.message());
            asio::steady_timer pause(_shards.executor(0), std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        hand_over(_next_shard++ % _shards.size(), std::move(socket));
    }
}

void tcp_listener::hand_over(unsigned shard, tcp::socket socket) {
    if (shard == 0) {
        serve(0, std::move(socket));
        return;
    }
    boost::system::error_code ec;
    auto peer = socket.remote_endpoint(ec);
    if (ec) return; // gone already
    // The socket moves to its shard as a plain descriptor; that shard's loop adopts it.
    auto fd = socket.release(ec);
    if (ec) return;
    asio::post(_shards.executor(shard), [this, shard, fd, protocol = peer.protocol()] {
        tcp::socket adopted(_shards.context(shard));
        boost::system::error_code aec;
        adopted.assign(protocol, fd, aec);
        if (aec) {
            spdlog::warn("{} listener: shard {} could not take a connection: {}", _name, shard,
                         aec.message());
            ::close(fd);
            return;
        }
        if (_stopping) return; // the socket closes here
        serve(shard, std::move(adopted));
    });
}

void tcp_listener::serve(unsigned shard, tcp::socket socket) {
    auto c = _factory(shard, std::move(socket));
    if (!c) return;
    auto& list = _connections[shard];
    std::erase_if(list, [](const std::weak_ptr<closable>& w) { return w.expired(); });
    list.push_back(std::move(c));
}

asio::awaitable<void> tcp_listener::stop() {
    _stopping = true;
    boost::system::error_code ec;
    if (_acceptor) _acceptor->close(ec);
    std::vector<asio::awaitable<bool>> closes;
    for (unsigned s = 0; s < _shards.size(); ++s) {
        auto* list = &_connections[s];
        closes.push_back(invoke_on(_shards.executor(s), [list] {
            // Closing may end a connection at once; take the list first.
            auto connections = std::move(*list);
            list->clear();
            for (const auto& w : connections)
                if (auto c = w.lock()) c->close();
            return true;
        }));
    }
    auto all = when_all(std::move(closes));
    co_await std::move(all);
}

} // namespace spate::runtime
