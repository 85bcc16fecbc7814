#include "http/server.h"

#include "http/connection.h"

namespace spate::http {

namespace asio = boost::asio;
using asio::ip::tcp;

server::server(runtime::shard_set& shards, server_options options, std::shared_ptr<const router> r)
    : _options(std::move(options)), _router(std::move(r)), _listener(shards) {}

server::~server() = default;

result<void> server::open() {
    return _listener.open(_options.listen, "http");
}

void server::start() {
    _listener.start([this](unsigned, tcp::socket socket) -> std::shared_ptr<runtime::closable> {
        auto c = std::make_shared<connection>(*this, std::move(socket));
        c->start();
        return c;
    });
}

asio::awaitable<void> server::stop() {
    return _listener.stop();
}

} // namespace spate::http
