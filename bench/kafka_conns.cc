// kafka_conns: how a Kafka broker copes with many producer connections. Opens --connections TCP
// connections to one broker and keeps every one of them busy in a closed loop: send a Produce
// request (v8, one record batch of --records values of --size bytes for partition
// connection % --partitions, the given acks), wait for its response, send the next. After
// --warmup seconds it counts, for --seconds, the acknowledged records and each request's
// latency (write -> whole response read). librdkafka cannot open a thousand connections from
// one process at a sensible cost (each client has its own threads), so this tool speaks the
// protocol itself, with spate's Kafka codec and batch builder; every response is decoded and
// any error code ends the run.
//
//   kafka_conns --brokers 127.0.0.1:9092 --topic t --partitions 10 --connections 100
//               [--records 100] [--size 100] [--acks 1] [--seconds 5] [--warmup 1]
//
// The topic must exist with at least --partitions partitions. Prints one JSON line:
// {"ok", "connections", "requests", "msgs_per_s", "mb_per_s", "latency_us": {...}, "client":
// {cpu, rss}} or {"ok": false, "error"}. One thread runs every connection (Boost.Asio).

#include "peer_load.h"

#include "kafka/generated/headers.h"
#include "kafka/generated/produce.h"
#include "kafka/protocol/wire.h"
#include "model/batch_builder.h"

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using peer_load::json;
using peer_load::load_error;

constexpr int16_t produce_version = 8; // the last version before flexible encoding
constexpr int16_t header_version = 1;  // request header v1 goes with Produce v8

struct options {
    std::string brokers = "127.0.0.1:9092";
    std::string topic;
    int partitions = 1;
    int connections = 1;
    int records = 100;
    size_t size = 100;
    int acks = 1;
    double seconds = 5;
    double warmup = 1;
};

// What the run counts; touched only by the io thread.
struct tally {
    bool measuring = false;
    bool stopping = false;
    uint64_t requests = 0;
    uint64_t records = 0;
    std::vector<double> latency_us;
    std::string error; // the first failure; ends the run
};

// The whole Produce request for one partition, size prefix included; only the correlation id
// (bytes 8-11) changes from one send to the next.
std::vector<std::byte> produce_frame(const options& opt, int32_t partition) {
    spate::model::batch_builder batch;
    std::string value(opt.size, 'x');
    for (int i = 0; i < opt.records; ++i)
        batch.add(std::nullopt, value, spate::model::timestamp_ms{1'700'000'000'000 + i});
    spate::kafka::produce_request_data req;
    req.acks = static_cast<int16_t>(opt.acks);
    req.timeout_ms = 30'000;
    auto& topic = req.topic_data.emplace_back();
    topic.name = opt.topic;
    auto& part = topic.partition_data.emplace_back();
    part.index = partition;
    part.records = batch.build();

    spate::kafka::request_header_data header;
    header.request_api_key = spate::kafka::produce_request_data::api_key;
    header.request_api_version = produce_version;
    header.client_id = "kafka_conns";
    std::vector<std::byte> frame(4);
    spate::kafka::writer w(frame);
    header.encode(w, header_version);
    req.encode(w, produce_version);
    uint32_t body = static_cast<uint32_t>(frame.size() - 4);
    for (int i = 0; i < 4; ++i)
        frame[i] = static_cast<std::byte>(body >> (24 - 8 * i));
    return frame;
}

std::chrono::nanoseconds to_duration(double seconds) {
    return std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9));
}

uint32_t read_be32(const std::byte* p) {
    return (std::to_integer<uint32_t>(p[0]) << 24) | (std::to_integer<uint32_t>(p[1]) << 16) |
           (std::to_integer<uint32_t>(p[2]) << 8) | std::to_integer<uint32_t>(p[3]);
}

// One producer connection in its closed loop. Owned by the io thread; kept alive by the
// handlers it has outstanding.
class connection : public std::enable_shared_from_this<connection> {
public:
    connection(asio::io_context& io, tally& t, std::vector<std::byte> frame, int records)
        : _socket(io), _tally(t), _frame(std::move(frame)), _records(records) {}

    void start(const tcp::resolver::results_type& endpoints) {
        asio::async_connect(_socket, endpoints,
                            [self = shared_from_this()](boost::system::error_code ec, auto&&) {
                                if (ec) return self->fail("connect: " + ec.message());
                                self->_socket.set_option(tcp::no_delay(true));
                                self->send();
                            });
    }

    void close() {
        boost::system::error_code ignored;
        _socket.close(ignored);
    }

private:
    void send() {
        if (_tally.stopping) return;
        ++_correlation;
        for (int i = 0; i < 4; ++i)
            _frame[8 + i] =
                static_cast<std::byte>(static_cast<uint32_t>(_correlation) >> (24 - 8 * i));
        _sent_ns = peer_load::now_ns();
        asio::async_write(_socket, asio::buffer(_frame),
                          [self = shared_from_this()](boost::system::error_code ec, size_t) {
                              if (ec) return self->fail("write: " + ec.message());
                              self->read_size();
                          });
    }

    void read_size() {
        asio::async_read(_socket, asio::buffer(_size_bytes),
                         [self = shared_from_this()](boost::system::error_code ec, size_t) {
                             if (ec) return self->fail("read: " + ec.message());
                             uint32_t n = read_be32(self->_size_bytes.data());
                             if (n < 4 || n > (64u << 20))
                                 return self->fail(
                                     fmt::format("response size {} makes no sense", n));
                             self->_response.resize(n);
                             self->read_body();
                         });
    }

    void read_body() {
        asio::async_read(_socket, asio::buffer(_response),
                         [self = shared_from_this()](boost::system::error_code ec, size_t) {
                             if (ec) return self->fail("read: " + ec.message());
                             self->on_response();
                         });
    }

    void on_response() {
        double us = static_cast<double>(peer_load::now_ns() - _sent_ns) / 1000.0;
        if (static_cast<int32_t>(read_be32(_response.data())) != _correlation)
            return fail("response with another correlation id");
        spate::kafka::reader rd(std::span<const std::byte>(_response).subspan(4));
        spate::kafka::produce_response_data resp;
        if (auto r = resp.decode(rd, produce_version); !r)
            return fail("undecodable Produce response: " + r.err().message);
        for (const auto& t : resp.responses)
            for (const auto& p : t.partition_responses)
                if (p.error_code != 0)
                    return fail(
                        fmt::format("partition {} answered error code {}", p.index, p.error_code));
        if (_tally.measuring) {
            ++_tally.requests;
            _tally.records += static_cast<uint64_t>(_records);
            _tally.latency_us.push_back(us);
        }
        send();
    }

    void fail(const std::string& what) {
        if (_tally.stopping) return; // closing sockets at the end is not a failure
        if (_tally.error.empty()) _tally.error = what;
        _tally.stopping = true;
    }

    tcp::socket _socket;
    tally& _tally;
    std::vector<std::byte> _frame;
    int _records;
    int32_t _correlation = 0;
    int64_t _sent_ns = 0;
    std::array<std::byte, 4> _size_bytes{};
    std::vector<std::byte> _response;
};

json run(const options& opt) {
    auto colon = opt.brokers.rfind(':');
    if (colon == std::string::npos) throw load_error("--brokers expects host:port");
    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto endpoints =
        resolver.resolve(opt.brokers.substr(0, colon), opt.brokers.substr(colon + 1), ec);
    if (ec) throw load_error(fmt::format("cannot resolve {}: {}", opt.brokers, ec.message()));

    tally t;
    t.latency_us.reserve(1 << 20);
    std::vector<std::vector<std::byte>> frames;
    for (int p = 0; p < opt.partitions; ++p)
        frames.push_back(produce_frame(opt, p));
    std::vector<std::shared_ptr<connection>> conns;
    for (int i = 0; i < opt.connections; ++i) {
        conns.push_back(
            std::make_shared<connection>(io, t, frames[i % opt.partitions], opt.records));
        conns.back()->start(endpoints);
    }

    double cpu0 = self_cpu_seconds();
    asio::steady_timer timer(io);
    int64_t measure_start = 0;
    int64_t measure_end = 0;
    timer.expires_after(to_duration(opt.warmup));
    timer.async_wait([&](boost::system::error_code) {
        t.measuring = true;
        measure_start = peer_load::now_ns();
        timer.expires_after(to_duration(opt.seconds));
        timer.async_wait([&](boost::system::error_code) {
            t.measuring = false;
            t.stopping = true;
            measure_end = peer_load::now_ns();
            for (auto& c : conns)
                c->close();
        });
    });
    // Ends early on a failure: a poll loop instead of io.run() so that a failed connection
    // stops the others.
    while (!io.stopped()) {
        io.run_one();
        if (!t.error.empty() && measure_end == 0) {
            measure_end = peer_load::now_ns();
            for (auto& c : conns)
                c->close();
            timer.cancel();
        }
    }
    if (!t.error.empty()) throw load_error(t.error);
    double seconds = static_cast<double>(measure_end - measure_start) / 1e9;
    json out = {{"ok", true},
                {"connections", opt.connections},
                {"partitions", opt.partitions},
                {"records_per_request", opt.records},
                {"size", opt.size},
                {"acks", opt.acks},
                {"requests", t.requests}};
    peer_load::put_rates(out, t.records, opt.size, seconds);
    out["latency_us"] = peer_load::distribution_us(std::move(t.latency_us));
    out["client"] = peer_load::tool_usage(cpu0);
    return out;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "kafka_conns: many producer connections to one Kafka broker, each in a closed loop"};
    options opt;
    app.add_option("--brokers", opt.brokers, "host:port")->capture_default_str();
    app.add_option("--topic", opt.topic, "an existing topic")->required();
    app.add_option("--partitions", opt.partitions, "partitions to spread the connections over")
        ->check(CLI::Range(1, 100'000))
        ->capture_default_str();
    app.add_option("--connections", opt.connections, "TCP connections")
        ->check(CLI::Range(1, 100'000))
        ->capture_default_str();
    app.add_option("--records", opt.records, "records per request")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    app.add_option("--size", opt.size, "value bytes")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    app.add_option("--acks", opt.acks, "0 is not supported (no response to wait for)")
        ->check(CLI::IsMember({-1, 1}))
        ->capture_default_str();
    app.add_option("--seconds", opt.seconds, "measured seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--warmup", opt.warmup, "unmeasured seconds first")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    try {
        std::printf("%s\n", run(opt).dump().c_str());
        return 0;
    } catch (const std::exception& e) {
        std::printf("%s\n", json{{"ok", false}, {"error", e.what()}}.dump().c_str());
        return 1;
    }
}
