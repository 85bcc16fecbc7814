// Nexmark bids produced at a steady rate with event time = wall time, for the latency case of
// bench/sql_bench_run: each bid's dateTime (and record timestamp) is the wall clock (UTC ms)
// when it is handed to librdkafka. Prints one JSON line of what it did at the end. Exit status
// 0 when every record was acknowledged, 1 otherwise, 2 for bad usage.

#include "nexmark/generator.h"
#include "nexmark/json_writer.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Delivery outcomes, counted by the callback on the thread that polls (main).
struct delivery {
    uint64_t ok = 0;
    uint64_t failed = 0;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* d = static_cast<delivery*>(opaque);
    if (m->err)
        ++d->failed;
    else
        ++d->ok;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Nexmark bids at a steady rate, event time = wall time"};
    std::string brokers, topic;
    double rate = 10'000, seconds = 20;
    int linger_ms = 1;
    app.add_option("--brokers", brokers, "bootstrap.servers")->required();
    app.add_option("--topic", topic, "topic to produce to")->required();
    app.add_option("--rate", rate, "bids per second")->capture_default_str();
    app.add_option("--seconds", seconds, "how long")->capture_default_str();
    app.add_option("--linger-ms", linger_ms, "linger.ms")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (rate <= 0 || seconds <= 0) {
        fmt::print(stderr, "--rate and --seconds must be positive\n");
        return 2;
    }
    delivery d;
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const char* k, const std::string& v) {
        if (rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            fmt::print(stderr, "{}={}: {}\n", k, v, errstr);
            std::exit(2);
        }
    };
    set("bootstrap.servers", brokers);
    set("linger.ms", std::to_string(linger_ms));
    set("acks", "1");
    set("partitioner", "murmur2_random");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &d);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fmt::print(stderr, "cannot create a producer: {}\n", errstr);
        return 1;
    }
    spate::nexmark::generator_config cfg;
    spate::nexmark::generator gen(cfg);
    std::string value, key;
    auto start = std::chrono::steady_clock::now();
    auto total = static_cast<uint64_t>(rate * seconds);
    uint64_t sent = 0, errors = 0;
    while (sent < total) {
        auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(double(sent) / rate));
        auto now = std::chrono::steady_clock::now();
        if (due > now) {
            rd_kafka_poll(rk, 0);
            std::this_thread::sleep_until(due);
        }
        // Everything due by now goes out together (the sleep's granularity is ~0.1 ms).
        auto behind = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
        auto upto = std::min(total, static_cast<uint64_t>(behind.count() * rate) + 1);
        for (; sent < upto; ++sent) {
            const spate::nexmark::event* e = &gen.next();
            while (e->kind != spate::nexmark::event_kind::bid)
                e = &gen.next();
            spate::nexmark::bid b = e->b;
            b.date_time_ms = now_ms();
            value.clear();
            spate::nexmark::append_json(b, value);
            key = std::to_string(b.auction);
            auto err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                                         RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                         RD_KAFKA_V_KEY(key.data(), key.size()),
                                         RD_KAFKA_V_VALUE(value.data(), value.size()),
                                         RD_KAFKA_V_TIMESTAMP(b.date_time_ms), RD_KAFKA_V_END);
            if (err) ++errors;
        }
    }
    rd_kafka_flush(rk, 30'000);
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print("{{\"sent\": {}, \"acked\": {}, \"failed\": {}, \"seconds\": {:.3f}}}\n", sent, d.ok,
               d.failed + errors, took);
    rd_kafka_destroy(rk);
    return d.ok == sent ? 0 : 1;
}
