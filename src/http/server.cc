#include "http/server.h"

#include "http/connection.h"
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

#include <charconv>
#include <unistd.h>

namespace spate::http {

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

server::server(runtime::shard_set& shards, server_options options, std::shared_ptr<const router> r)
    : _shards(shards), _options(std::move(options)), _router(std::move(r)),
      _connections(shards.size()) {}

server::~server() = default;

result<void> server::open() {
    auto hp = split_host_port(_options.listen);
    if (!hp)
        return error::make(errc::invalid_config, "http listener: \"{}\" is not host:port",
                           _options.listen);
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(hp->first == "localhost" ? "127.0.0.1" : hp->first, ec);
    if (ec)
        return error::make(errc::invalid_config, "http listener: \"{}\" is not an IP address",
                           hp->first);
    tcp::endpoint endpoint(addr, hp->second);
    _acceptor.emplace(_shards.context(0));
    auto fail = [&](std::string_view step) {
        return error::make(errc::unknown_server_error, "http listener on {}: {} failed: {}",
                           _options.listen, step, ec.message());
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

std::string server::bound_address() const {
    if (_bound_host.find(':') != std::string::npos)
        return "[" + _bound_host + "]:" + std::to_string(_bound_port);
    return _bound_host + ":" + std::to_string(_bound_port);
}

void server::start() {
    asio::co_spawn(_shards.executor(0), accept_loop(), asio::detached);
}

void server::track(unsigned shard, const std::shared_ptr<connection>& c) {
    auto& list = _connections[shard];
    std::erase_if(list, [](const std::weak_ptr<connection>& w) { return w.expired(); });
    list.push_back(c);
}

asio::awaitable<void> server::accept_loop() {
    while (!_stopping) {
        auto [ec, socket] = co_await _acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
        if (_stopping) co_return;
        if (ec) {
            spdlog::warn("http: accept failed: {}", ec.message());
            asio::steady_timer pause(_shards.executor(0), std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        boost::system::error_code pec;
        auto peer = socket.remote_endpoint(pec);
        if (pec) continue;
        unsigned shard = _next_shard++ % _shards.size();
        if (shard == 0) {
            auto c = std::make_shared<connection>(*this, std::move(socket));
            track(0, c);
            c->start();
        } else {
            // The socket moves to its shard as a plain descriptor; that shard's loop adopts it.
            adopt(shard, socket.release(), peer);
        }
    }
}

void server::adopt(unsigned shard, tcp::socket::native_handle_type fd, tcp::endpoint peer) {
    asio::post(_shards.executor(shard), [this, shard, fd, peer] {
        tcp::socket socket(_shards.context(shard));
        boost::system::error_code ec;
        socket.assign(peer.protocol(), fd, ec);
        if (ec) {
            spdlog::warn("http: shard {} could not take a connection: {}", shard, ec.message());
            ::close(fd);
            return;
        }
        if (_stopping) return; // the socket closes here
        auto c = std::make_shared<connection>(*this, std::move(socket));
        track(shard, c);
        c->start();
    });
}

asio::awaitable<void> server::stop() {
    _stopping = true;
    boost::system::error_code ec;
    if (_acceptor) _acceptor->close(ec);
    std::vector<asio::awaitable<bool>> closes;
    for (unsigned s = 0; s < _shards.size(); ++s) {
        auto* list = &_connections[s];
        closes.push_back(runtime::invoke_on(_shards.executor(s), [list]() {
            for (const auto& w : *list)
                if (auto c = w.lock()) c->close();
            list->clear();
            return true;
        }));
    }
    auto all = runtime::when_all(std::move(closes));
    co_await std::move(all);
}

} // namespace spate::http
