#include "app/server.h"

#include "log/log_store.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

namespace spate::app {

namespace asio = boost::asio;

namespace {

model::timestamp_ms wall_clock_now() {
    return model::timestamp_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

} // namespace

int run_server(const server_options& opts) {
    asio::io_context io(1);
    asio::thread_pool blocking(2);
    log::partition_context ctx{io.get_executor(), &blocking};

    // Signals are caught from here on, so one that arrives during recovery still ends in a
    // clean close once the log is open.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    auto store = log::log_store::open({opts.data_dir, opts.log_defaults}, ctx);
    if (!store) {
        spdlog::critical("cannot open the log in {}: {}", opts.data_dir.string(),
                         store.err().to_string());
        return 1;
    }
    std::printf("log ready in %s (%zu topics)\n", std::filesystem::absolute(opts.data_dir).c_str(),
                (*store)->topic_names().size());
    std::fflush(stdout);

    // Upkeep runs every second, or every flush.ms when the interval policy asks for more.
    int64_t upkeep_ms = opts.maintenance_interval_ms;
    if (opts.log_defaults.flush == log::flush_policy::interval)
        upkeep_ms = std::clamp<int64_t>(opts.log_defaults.flush_interval_ms, 10, upkeep_ms);
    asio::steady_timer upkeep(io);
    std::function<void()> schedule = [&] {
        upkeep.expires_after(std::chrono::milliseconds(upkeep_ms));
        upkeep.async_wait([&](const boost::system::error_code& ec) {
            if (ec) return;
            (*store)->maintain(wall_clock_now());
            schedule();
        });
    };
    schedule();

    int exit_code = 0;
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        spdlog::info("received signal {}, shutting down", sig);
        upkeep.cancel();
        if (auto r = (*store)->close(); !r) {
            spdlog::error("closing the log failed: {}", r.err().to_string());
            exit_code = 1;
        }
        io.stop();
    });
    std::printf("spate server running; Ctrl-C stops it\n");
    std::fflush(stdout);
    io.run();
    blocking.join();
    std::printf("spate server stopped\n");
    return exit_code;
}

} // namespace spate::app
