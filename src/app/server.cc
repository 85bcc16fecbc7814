#include "app/server.h"

#include "app/sql_session.h"
#include "pgwire/server.h"
#include "stream/engine.h"

#include "broker/broker.h"
#include "group/coordinator.h"
#include "runtime/shard_set.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include <spdlog/spdlog.h>

#include <cstdio>
#include <future>

namespace spate::app {

namespace asio = boost::asio;

// The server's pieces, in the order they are built (and destroyed in reverse).
struct embedded_server::parts {
    explicit parts(const server_options& opts)
        : shards(opts.shards ? opts.shards : runtime::default_shard_count()), blocking(2),
          kafka(opts.broker, shards, blocking) {}

    runtime::shard_set shards;
    asio::thread_pool blocking;
    broker::kafka_broker kafka;
    std::unique_ptr<stream::engine> sql_engine;
    relation_directory relations;
    std::unique_ptr<pgwire::server> pg;
};

embedded_server::embedded_server(server_options opts) : _opts(std::move(opts)) {}

embedded_server::~embedded_server() {
    if (auto r = stop(); !r) spdlog::error("closing the log failed: {}", r.err().to_string());
}

result<void> embedded_server::start() {
    assert(!_parts);
    _parts = std::make_unique<parts>(_opts);
    auto& p = *_parts;
    if (auto r = p.kafka.open(); !r) {
        _parts.reset();
        return r;
    }
    p.sql_engine = std::make_unique<stream::engine>(p.kafka, _opts.broker.data_dir);
    p.sql_engine->set_query_memory_limit(_opts.query_memory_limit_mb << 20);
    p.pg =
        std::make_unique<pgwire::server>(p.shards, _opts.pg_addr.to_string(),
                                         sql_session_factory(p.kafka, *p.sql_engine, p.relations),
                                         [&relations = p.relations] { return relations.get(); });
    if (auto r = p.pg->open(); !r) {
        // Nothing runs yet: the broker closes its log as it is destroyed.
        _parts.reset();
        return r;
    }
    spdlog::info("kafka: advertising {} to clients; {} shards",
                 p.kafka.advertised_address().to_string(), p.shards.size());

    p.kafka.start();
    p.shards.start();
    _running = true;
    // The SQL objects come back before SQL clients are accepted (they wait in the backlog).
    std::promise<void> sql_ready;
    asio::co_spawn(
        p.shards.executor(0),
        [&p]() -> asio::awaitable<void> {
            auto started = p.sql_engine->start();
            auto r = co_await std::move(started);
            if (!r) spdlog::error("sql: {}", r.err().to_string());
            publish_relations(*p.sql_engine, p.relations);
            p.pg->start();
        },
        [&sql_ready](std::exception_ptr e) {
            if (e) spdlog::error("sql: starting the engine failed with an exception");
            sql_ready.set_value();
        });
    sql_ready.get_future().wait();
    return ok();
}

result<void> embedded_server::stop() {
    if (!_running) return ok();
    _running = false;
    auto& p = *_parts;
    auto stop_all = [&p]() -> asio::awaitable<result<void>> {
        auto pg_stopped = p.pg->stop();
        co_await std::move(pg_stopped);
        auto sql_stopped = p.sql_engine->stop();
        co_await std::move(sql_stopped);
        auto kafka_stopped = p.kafka.stop();
        co_return co_await std::move(kafka_stopped);
    };
    std::promise<result<void>> stopped;
    asio::co_spawn(p.shards.executor(0), stop_all(),
                   [&stopped](std::exception_ptr e, result<void> r) {
                       if (e)
                           stopped.set_value(error::make(errc::unknown_server_error,
                                                         "stopping the server threw"));
                       else
                           stopped.set_value(std::move(r));
                   });
    auto r = stopped.get_future().get();
    p.shards.stop();
    p.blocking.join();
    return r;
}

broker::host_port embedded_server::kafka_address() const {
    return _parts->kafka.bound_address();
}

std::string embedded_server::pg_address() const {
    return _parts->pg->bound_address();
}

uint16_t embedded_server::pg_port() const {
    auto address = pg_address();
    auto colon = address.rfind(':');
    return static_cast<uint16_t>(std::stoi(address.substr(colon + 1)));
}

size_t embedded_server::user_topic_count() const {
    // Topics the users made: __consumer_offsets is the broker's own.
    const auto& topics = _parts->kafka.ctl().topics()->by_name;
    return topics.size() - topics.count(std::string(group::offsets_topic));
}

namespace {

void print_demo_banner(const demo_options& demo, const embedded_server& server) {
    std::printf("demo: %d sensors write to topic sensors, %d records/s, a few of them invalid "
                "(-> sensors_dead_letter) or late (-> sensors_late)\n",
                demo.devices, demo.rate);
    std::printf("demo: views sensor_averages (per device per 10 s, updated as readings arrive) "
                "and overheating (readings over 35 degrees)\n");
    std::printf("try:  psql -h 127.0.0.1 -p %u -c 'SELECT * FROM sensor_averages ORDER BY "
                "window_end DESC, device LIMIT 20'\n",
                unsigned(server.pg_port()));
}

} // namespace

int run_server(const server_options& opts) {
    asio::io_context main_loop(1);
    // Signals are caught from here on, so one that arrives during recovery still ends in a
    // clean close once the log is open.
    asio::signal_set signals(main_loop, SIGINT, SIGTERM);
    embedded_server server(opts);
    if (auto r = server.start(); !r) {
        spdlog::critical("cannot start: {}", r.err().to_string());
        return 1;
    }
    std::printf("log ready in %s (%zu topics)\n",
                std::filesystem::absolute(opts.broker.data_dir).c_str(), server.user_topic_count());
    std::printf("kafka listening on %s\n", server.kafka_address().to_string().c_str());
    std::printf("postgres listening on %s\n", server.pg_address().c_str());
    std::unique_ptr<demo_runner> demo;
    if (opts.demo.enabled) {
        demo = std::make_unique<demo_runner>(opts.demo, server.kafka_address().to_string(),
                                             server.pg_port());
        if (auto r = demo->start(); !r) {
            spdlog::critical("{}", r.err().to_string());
            demo.reset();
            (void)server.stop();
            return 1;
        }
        print_demo_banner(opts.demo, server);
    }
    std::printf("spate server running; Ctrl-C stops it\n");
    std::fflush(stdout);

    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (!ec) spdlog::info("received signal {}, shutting down", sig);
    });
    main_loop.run();
    if (demo) demo->stop();
    int exit_code = 0;
    if (auto r = server.stop(); !r) {
        spdlog::error("closing the log failed: {}", r.err().to_string());
        exit_code = 1;
    }
    std::printf("spate server stopped\n");
    return exit_code;
}

} // namespace spate::app
