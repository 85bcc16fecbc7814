#include "pgwire/server.h"

#include "pgwire/connection.h"

namespace spate::pgwire {

namespace asio = boost::asio;
using asio::ip::tcp;

server::server(runtime::shard_set& shards, std::string listen, handler_factory factory,
               relation_lister relations)
    : _listen(std::move(listen)), _factory(std::move(factory)), _relations(std::move(relations)),
      _listener(shards) {}

server::~server() = default;

result<void> server::open() {
    return _listener.open(_listen, "postgres");
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

} // namespace spate::pgwire
