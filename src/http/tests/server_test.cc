#include "http/event_stream.h"
#include "http/server.h"
#include "runtime/shard_set.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <stdexcept>
#include <thread>

namespace spate::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

/// A blocking client on the test thread speaking raw HTTP/1.1.
class client {
public:
    struct reply {
        unsigned status = 0;
        std::map<std::string, std::string> headers; ///< names in lower case
        std::string body;
    };

    explicit client(uint16_t port) : _socket(_io) {
        _socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }

    void send(std::string_view raw) { asio::write(_socket, asio::buffer(raw)); }

    /// The head up to the blank line; throws when the server closes first.
    std::string read_head() {
        size_t n = asio::read_until(_socket, asio::dynamic_buffer(_pending), "\r\n\r\n");
        std::string head = _pending.substr(0, n);
        _pending.erase(0, n);
        return head;
    }

    reply read_reply() {
        reply r;
        std::string head = read_head();
        r.status = unsigned(std::stoi(head.substr(9, 3)));
        size_t pos = head.find("\r\n") + 2;
        while (pos < head.size() - 2) {
            size_t end = head.find("\r\n", pos);
            std::string line = head.substr(pos, end - pos);
            auto colon = line.find(':');
            std::string name = line.substr(0, colon);
            for (auto& c : name)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
            pos = end + 2;
        }
        size_t length = std::stoul(r.headers.at("content-length"));
        if (_pending.size() < length)
            asio::read(_socket, asio::dynamic_buffer(_pending),
                       asio::transfer_exactly(length - _pending.size()));
        r.body = _pending.substr(0, length);
        _pending.erase(0, length);
        return r;
    }

    /// Text up to and including `marker` (an event's blank line).
    std::string read_until(std::string_view marker) {
        size_t n = asio::read_until(_socket, asio::dynamic_buffer(_pending), marker);
        std::string out = _pending.substr(0, n);
        _pending.erase(0, n);
        return out;
    }

    /// True when the server closes the connection within the socket's patience.
    bool closed_by_server() {
        std::array<char, 256> scratch;
        boost::system::error_code ec;
        for (;;) {
            _socket.read_some(asio::buffer(scratch), ec);
            if (ec) return ec == asio::error::eof || ec == asio::error::connection_reset;
        }
    }

    void close() { _socket.close(); }

private:
    asio::io_context _io;
    tcp::socket _socket;
    std::string _pending;
};

class http_server : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = std::make_shared<router>();
        r->add("GET", "/echo/{word}", [](const request& req) -> asio::awaitable<response> {
            std::string body = std::string(req.capture("word").value_or("?")) + "|" +
                               std::string(req.query_param("q").value_or("-"));
            co_return response::text(200, body);
        });
        r->add("POST", "/echo/{word}", [](const request& req) -> asio::awaitable<response> {
            co_return response::text(200, "posted " + std::to_string(req.body.size()));
        });
        r->add("GET", "/boom", [](const request&) -> asio::awaitable<response> {
            throw std::runtime_error("kaput");
            co_return response{};
        });
        r->add_stream("GET", "/events",
                      [this](const request&, event_stream& s) -> asio::awaitable<void> {
                          ++_streams_started;
                          bool open = co_await s.send("greeting", "line one\nline two");
                          while (open) {
                              open = co_await s.wait(s.keepalive_interval());
                              if (open) open = co_await s.keepalive();
                          }
                          ++_streams_ended;
                      });
        r->set_assets([](std::string_view path) -> std::optional<asset> {
            if (path == "/index.html") return asset{"text/html", "<h1>console</h1>"};
            return std::nullopt;
        });
        _router = r;
        server_options o;
        o.listen = "127.0.0.1:0";
        o.max_body_bytes = 1024;
        o.keepalive_interval = 20ms;
        _server = std::make_unique<server>(_shards, o, _router);
        ASSERT_TRUE(_server->open());
        _shards.start();
        _server->start();
    }

    void TearDown() override {
        stop_server();
        _shards.stop();
    }

    void stop_server() {
        if (!_server || _stopped) return;
        _stopped = true;
        auto f = asio::co_spawn(_shards.executor(0), _server->stop(), asio::use_future);
        f.get();
    }

    bool wait_for(const std::atomic<int>& v, int want) {
        for (int i = 0; i < 500 && v.load() != want; ++i)
            std::this_thread::sleep_for(10ms);
        return v.load() == want;
    }

    uint16_t port() const { return _server->bound_port(); }

    runtime::shard_set _shards{2};
    std::shared_ptr<router> _router;
    std::unique_ptr<server> _server;
    bool _stopped = false;
    std::atomic<int> _streams_started{0};
    std::atomic<int> _streams_ended{0};
};

TEST_F(http_server, routes_with_captures_and_query_over_keep_alive) {
    client c(port());
    c.send("GET /echo/hello%20there?q=a+b%21 HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_reply();
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "hello there|a b!");
    EXPECT_EQ(r.headers["content-type"], "text/plain; charset=utf-8");
    // The same connection serves the next request, and two pipelined ones.
    c.send("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde");
    r = c.read_reply();
    EXPECT_EQ(r.body, "posted 5");
    c.send("GET /echo/a HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/b?q=2 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_reply().body, "a|-");
    EXPECT_EQ(c.read_reply().body, "b|2");
    // Latency was recorded for the route.
    EXPECT_EQ(_router->routes()[0]->latency.count(), 3u);
}

TEST_F(http_server, connection_close_is_honoured) {
    client c(port());
    c.send("GET /echo/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto r = c.read_reply();
    EXPECT_EQ(r.body, "a|-");
    EXPECT_EQ(r.headers["connection"], "close");
    EXPECT_TRUE(c.closed_by_server());
}

TEST_F(http_server, unknown_path_is_404_and_wrong_method_405_with_allow) {
    client c(port());
    c.send("GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_reply();
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_NE(r.body.find("\"code\":\"NOT_FOUND\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("/api/nothing"), std::string::npos) << r.body;

    c.send("DELETE /echo/a HTTP/1.1\r\nHost: x\r\n\r\n");
    r = c.read_reply();
    EXPECT_EQ(r.status, 405u);
    EXPECT_EQ(r.headers["allow"], "GET, POST");
    EXPECT_NE(r.body.find("\"error\""), std::string::npos) << r.body;

    c.send("GET /echo/a%zz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_reply().status, 400u);
    c.send("GET /echo/a?q=%2 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_reply().status, 400u);
    // The connection survived all of them.
    c.send("GET /echo/ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_reply().body, "ok|-");
}

TEST_F(http_server, too_large_body_is_413_and_closes) {
    client c(port());
    std::string body(4096, 'x');
    c.send("POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + body);
    auto r = c.read_reply();
    EXPECT_EQ(r.status, 413u);
    EXPECT_NE(r.body.find("1024 bytes"), std::string::npos) << r.body;
    EXPECT_TRUE(c.closed_by_server());

    // A body at the limit is fine.
    client c2(port());
    c2.send("POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" +
            std::string(1024, 'y'));
    EXPECT_EQ(c2.read_reply().body, "posted 1024");
}

TEST_F(http_server, chunked_body_over_the_limit_is_413) {
    client c(port());
    std::string chunk(800, 'z');
    c.send("POST /echo/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk +
           "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(c.read_reply().status, 413u);
}

TEST_F(http_server, malformed_requests_are_400) {
    client c(port());
    c.send("THIS IS NOT HTTP\r\n\r\n");
    auto r = c.read_reply();
    EXPECT_EQ(r.status, 400u);
    EXPECT_NE(r.body.find("INVALID_REQUEST"), std::string::npos) << r.body;
    EXPECT_TRUE(c.closed_by_server());

    client c2(port());
    c2.send("POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    EXPECT_EQ(c2.read_reply().status, 400u);
}

TEST_F(http_server, a_throwing_handler_is_500) {
    client c(port());
    c.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_reply();
    EXPECT_EQ(r.status, 500u);
    EXPECT_NE(r.body.find("kaput"), std::string::npos) << r.body;
}

TEST_F(http_server, expect_continue_gets_100_first) {
    client c(port());
    c.send("POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_EQ(c.read_head().substr(0, 12), "HTTP/1.1 100");
    c.send("abc");
    EXPECT_EQ(c.read_reply().body, "posted 3");
}

TEST_F(http_server, assets_serve_index_for_unknown_non_api_paths) {
    client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_reply();
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.headers["content-type"], "text/html");
    EXPECT_EQ(r.body, "<h1>console</h1>");
    c.send("GET /pipelines/x HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_reply().body, "<h1>console</h1>");
    c.send("GET /api/x HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_reply().status, 404u);
    c.send("POST /whatever HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(c.read_reply().status, 404u);
}

TEST_F(http_server, event_stream_delivers_events_and_keepalives) {
    client c(port());
    c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string head = c.read_head();
    EXPECT_EQ(head.substr(0, 12), "HTTP/1.1 200");
    EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
    EXPECT_EQ(c.read_until("\n\n"), "event: greeting\ndata: line one\ndata: line two\n\n");
    EXPECT_EQ(c.read_until("\n\n"), ": keepalive\n\n");
    EXPECT_EQ(c.read_until("\n\n"), ": keepalive\n\n");
}

TEST_F(http_server, event_stream_handler_learns_the_client_left) {
    {
        client c(port());
        c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
        c.read_head();
        c.read_until("\n\n");
        ASSERT_EQ(_streams_started.load(), 1);
        c.close();
    }
    EXPECT_TRUE(wait_for(_streams_ended, 1)) << "the handler never saw the client go";
}

TEST_F(http_server, stopping_the_server_ends_event_streams) {
    client c(port());
    c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_head();
    c.read_until("\n\n");
    stop_server();
    EXPECT_TRUE(wait_for(_streams_ended, 1));
    EXPECT_TRUE(c.closed_by_server());
}

TEST(http_server_open, refuses_a_bad_address) {
    runtime::shard_set shards(1);
    server_options o;
    o.listen = "nonsense";
    server s(shards, o, std::make_shared<router>());
    auto r = s.open();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::invalid_config);
    o.listen = "not-an-ip:80";
    server s2(shards, o, std::make_shared<router>());
    EXPECT_FALSE(s2.open());
}

} // namespace
} // namespace spate::http
