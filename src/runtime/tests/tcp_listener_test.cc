#include "runtime/shard_set.h"
#include "runtime/tcp_listener.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace spate::runtime {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

/// A connection for the tests: holds its socket and remembers where it was made and closed.
struct test_connection : closable {
    test_connection(unsigned shard, tcp::socket s) : made_on(shard), socket(std::move(s)) {}
    void close() override {
        closed_on = static_cast<int>(shard_set::current().value_or(999));
        ++closes;
        boost::system::error_code ec;
        socket.close(ec);
    }
    unsigned made_on;
    int ran_on = -1;
    std::atomic<int> closed_on{-1};
    std::atomic<int> closes{0};
    tcp::socket socket;
};

/// Collects the connections a listener makes (from any shard).
struct collector {
    std::mutex mu;
    std::vector<std::shared_ptr<test_connection>> made;

    connection_factory factory() {
        return [this](unsigned shard, tcp::socket s) -> std::shared_ptr<closable> {
            auto c = std::make_shared<test_connection>(shard, std::move(s));
            c->ran_on = static_cast<int>(shard_set::current().value_or(999));
            std::lock_guard lock(mu);
            made.push_back(c);
            return c;
        };
    }
    size_t count() {
        std::lock_guard lock(mu);
        return made.size();
    }
    bool wait_for(size_t n) {
        for (int i = 0; i < 500 && count() < n; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return count() >= n;
    }
};

void stop_on_shard_0(shard_set& shards, tcp_listener& l) {
    asio::co_spawn(shards.executor(0), l.stop(), asio::use_future).get();
}

/// True when the peer closed `s` (a read ends with EOF or a reset) within a few seconds.
bool closed_by_peer(tcp::socket& s) {
    char byte;
    boost::system::error_code ec;
    s.non_blocking(false);
    ::timeval tv{5, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    asio::read(s, asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
}

TEST(tcp_listener, hands_connections_to_every_shard_in_turn_and_closes_them_on_stop) {
    shard_set shards(3);
    tcp_listener l(shards);
    auto r = l.open("127.0.0.1:0", "test");
    ASSERT_TRUE(r) << r.err().to_string();
    ASSERT_NE(l.bound_port(), 0);
    EXPECT_EQ(l.bound_address(), "127.0.0.1:" + std::to_string(l.bound_port()));
    collector got;
    l.start(got.factory());
    shards.start();

    asio::io_context client_io;
    std::vector<tcp::socket> clients;
    for (size_t i = 0; i < 7; ++i) {
        clients.emplace_back(client_io);
        clients.back().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), l.bound_port()));
        ASSERT_TRUE(got.wait_for(i + 1)) << "connection " << i << " was never served";
    }
    {
        std::lock_guard lock(got.mu);
        for (size_t i = 0; i < got.made.size(); ++i) {
            EXPECT_EQ(got.made[i]->made_on, i % 3) << "connection " << i;
            EXPECT_EQ(got.made[i]->ran_on, static_cast<int>(i % 3)) << "connection " << i;
            EXPECT_EQ(got.made[i]->socket.get_executor(), shards.executor(i % 3))
                << "the socket belongs to its shard's loop";
            EXPECT_TRUE(got.made[i]->socket.is_open());
            EXPECT_EQ(got.made[i]->closes.load(), 0);
        }
    }
    EXPECT_FALSE(l.stopping());
    stop_on_shard_0(shards, l);
    EXPECT_TRUE(l.stopping());
    {
        std::lock_guard lock(got.mu);
        for (size_t i = 0; i < got.made.size(); ++i) {
            EXPECT_EQ(got.made[i]->closes.load(), 1) << "connection " << i;
            EXPECT_EQ(got.made[i]->closed_on.load(), static_cast<int>(i % 3)) << "connection " << i;
        }
    }
    for (auto& c : clients)
        EXPECT_TRUE(closed_by_peer(c));
    // No longer accepting.
    tcp::socket late(client_io);
    boost::system::error_code ec;
    late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), l.bound_port()), ec);
    EXPECT_TRUE(ec) << "connected after stop()";
    // A second stop() is harmless and closes nothing twice.
    stop_on_shard_0(shards, l);
    std::lock_guard lock(got.mu);
    for (auto& c : got.made)
        EXPECT_EQ(c->closes.load(), 1);
    shards.stop();
}

TEST(tcp_listener, forgets_connections_that_ended) {
    shard_set shards(2);
    tcp_listener l(shards);
    ASSERT_TRUE(l.open("localhost:0", "test"));
    EXPECT_EQ(l.bound_host(), "127.0.0.1");
    std::atomic<int> made{0};
    std::atomic<int> closed{0};
    struct counted : closable {
        explicit counted(std::atomic<int>& c) : closed(c) {}
        void close() override { ++closed; }
        std::atomic<int>& closed;
    };
    // The factory keeps nothing alive, so stop() has nothing to close; nullptr drops the socket.
    l.start([&](unsigned, tcp::socket) -> std::shared_ptr<closable> {
        if (made++ % 2 == 0) return nullptr;
        return std::make_shared<counted>(closed);
    });
    shards.start();
    asio::io_context client_io;
    std::vector<tcp::socket> clients;
    for (int i = 0; i < 4; ++i) {
        clients.emplace_back(client_io);
        clients.back().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), l.bound_port()));
    }
    for (int i = 0; i < 500 && made < 4; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(made.load(), 4);
    EXPECT_TRUE(closed_by_peer(clients[0])) << "a socket the factory refused is closed";
    stop_on_shard_0(shards, l);
    EXPECT_EQ(closed.load(), 0);
    shards.stop();
}

TEST(tcp_listener, refuses_addresses_that_are_not_host_port) {
    shard_set shards(1);
    for (const char* bad :
         {"nonsense", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:80x", "::1:80", "[::1:80", ""}) {
        tcp_listener l(shards);
        auto r = l.open(bad, "postgres");
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.err().code, errc::invalid_config) << bad;
        EXPECT_EQ(r.err().message, fmt::format("postgres listener: \"{}\" is not host:port", bad));
    }
    tcp_listener l(shards);
    auto r = l.open("not-an-ip:80", "http");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::invalid_config);
    EXPECT_EQ(r.err().message, "http listener: \"not-an-ip\" is not an IP address");
}

TEST(tcp_listener, a_port_in_use_names_the_address_and_the_step) {
    shard_set shards(1);
    tcp_listener first(shards);
    ASSERT_TRUE(first.open("127.0.0.1:0", "kafka"));
    tcp_listener second(shards);
    auto taken = "127.0.0.1:" + std::to_string(first.bound_port());
    auto r = second.open(taken, "kafka");
    ASSERT_FALSE(r) << "two listeners bound one port";
    EXPECT_EQ(r.err().code, errc::unknown_server_error);
    EXPECT_NE(r.err().message.find("kafka listener on " + taken + ": bind failed: "),
              std::string::npos)
        << r.err().message;
    EXPECT_NE(r.err().message.find("in use"), std::string::npos) << r.err().message;
    // The failed listener can be stopped without having started.
    shards.start();
    stop_on_shard_0(shards, second);
    shards.stop();
}

TEST(tcp_listener, binds_ipv6_in_brackets) {
    shard_set shards(1);
    tcp_listener l(shards);
    auto r = l.open("[::1]:0", "test");
    if (!r) GTEST_SKIP() << "no IPv6 loopback here: " << r.err().to_string();
    EXPECT_EQ(l.bound_host(), "::1");
    EXPECT_EQ(l.bound_address(), "[::1]:" + std::to_string(l.bound_port()));
}

TEST(split_host_port, accepts_hosts_and_bracketed_v6) {
    using hp = std::pair<std::string, uint16_t>;
    EXPECT_EQ(split_host_port("127.0.0.1:8080"), (hp{"127.0.0.1", 8080}));
    EXPECT_EQ(split_host_port("[::1]:0"), (hp{"::1", 0}));
    EXPECT_EQ(split_host_port(":80"), (hp{"0.0.0.0", 80}));
    EXPECT_EQ(split_host_port("localhost:65535"), (hp{"localhost", 65535}));
    EXPECT_FALSE(split_host_port("localhost"));
    EXPECT_FALSE(split_host_port("host:99999"));
    EXPECT_FALSE(split_host_port("host:65536"));
    EXPECT_FALSE(split_host_port("host:"));
    EXPECT_FALSE(split_host_port("host:-1"));
    EXPECT_FALSE(split_host_port("::1:80"));
}

} // namespace
} // namespace spate::runtime
