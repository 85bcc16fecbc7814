#include "app/server.h"

#include "app/sql_session.h"
#include "pgwire/server.h"
#include "stream/engine.h"

#include "broker/broker.h"
#include "group/coordinator.h"
#include "runtime/shard_set.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include <spdlog/spdlog.h>

#include <cstdio>

namespace spate::app {

namespace asio = boost::asio;

int run_server(const server_options& opts) {
    runtime::shard_set shards(opts.shards ? opts.shards : runtime::default_shard_count());
    asio::thread_pool blocking(2);
    asio::io_context main_loop(1);

    // Signals are caught from here on, so one that arrives during recovery still ends in a
    // clean close once the log is open.
    asio::signal_set signals(main_loop, SIGINT, SIGTERM);
    broker::kafka_broker kafka(opts.broker, shards, blocking);
    if (auto r = kafka.open(); !r) {
        spdlog::critical("cannot start: {}", r.err().to_string());
        return 1;
    }
    // Topics the users made: __consumer_offsets is the broker's own.
    const auto& topics = kafka.ctl().topics()->by_name;
    auto user_topics = topics.size() - topics.count(std::string(group::offsets_topic));
    std::printf("log ready in %s (%zu topics)\n",
                std::filesystem::absolute(opts.broker.data_dir).c_str(), user_topics);
    std::printf("kafka listening on %s\n", kafka.bound_address().to_string().c_str());
    std::fflush(stdout);

    stream::engine sql_engine(kafka, opts.broker.data_dir);
    sql_engine.set_query_memory_limit(opts.query_memory_limit_mb << 20);
    relation_directory relations;
    pgwire::server pg(shards, opts.pg_addr.to_string(),
                      sql_session_factory(kafka, sql_engine, relations),
                      [&relations] { return relations.get(); });
    if (auto r = pg.open(); !r) {
        spdlog::critical("cannot start: {}", r.err().to_string());
        return 1;
    }
    std::printf("postgres listening on %s\n", pg.bound_address().c_str());
    std::fflush(stdout);
    spdlog::info("kafka: advertising {} to clients; {} shards",
                 kafka.advertised_address().to_string(), shards.size());

    kafka.start();
    shards.start();
    // The SQL objects come back before SQL clients are accepted (they wait in the backlog).
    asio::co_spawn(
        shards.executor(0),
        [&]() -> asio::awaitable<void> {
            auto started = sql_engine.start();
            auto r = co_await std::move(started);
            if (!r) spdlog::error("sql: {}", r.err().to_string());
            publish_relations(sql_engine, relations);
            pg.start();
        },
        asio::detached);

    int exit_code = 0;
    // Once the signal is handled the loop has nothing left of its own to wait for while the
    // broker stops on the shards: without this it would return at once and stop the shards
    // before every partition was closed.
    auto keep_running = asio::make_work_guard(main_loop);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        spdlog::info("received signal {}, shutting down", sig);
        auto stop_all = [&]() -> asio::awaitable<result<void>> {
            auto pg_stopped = pg.stop();
            co_await std::move(pg_stopped);
            auto sql_stopped = sql_engine.stop();
            co_await std::move(sql_stopped);
            auto kafka_stopped = kafka.stop();
            co_return co_await std::move(kafka_stopped);
        };
        asio::co_spawn(shards.executor(0), stop_all(), [&](std::exception_ptr e, result<void> r) {
            if (e || !r) {
                spdlog::error("closing the log failed: {}", e ? "exception" : r.err().to_string());
                exit_code = 1;
            }
            asio::post(main_loop, [&] { main_loop.stop(); });
        });
    });
    std::printf("spate server running; Ctrl-C stops it\n");
    std::fflush(stdout);
    main_loop.run();
    shards.stop();
    blocking.join();
    std::printf("spate server stopped\n");
    return exit_code;
}

} // namespace spate::app
