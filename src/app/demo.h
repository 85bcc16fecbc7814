#pragma once

#include "base/result.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace spate::app {

/// What `spate server --demo` can be told.
struct demo_options {
    bool enabled = false;
    int rate = 50;    ///< records per second
    int devices = 20; ///< sensors
};

/// The statements that set the demo up: the `sensors` source (with its constraints and
/// watermark) and two views over it. Each is CREATE ... IF NOT EXISTS, so a restart over the
/// same data directory keeps what is there.
std::vector<std::string> demo_statements();

/// The live demo beside a running server: creates the demo's source and views over the Postgres
/// protocol, then produces sensor readings (sensor_generator) to the `sensors` topic over the
/// Kafka protocol at a steady rate, as any outside client would.
///
/// Owned by the thread that starts and stops it; the producing runs on a thread of its own.
class demo_runner {
public:
    /// `kafka` is a bootstrap address, `pg_port` the server's Postgres listener on 127.0.0.1.
    demo_runner(demo_options opts, std::string kafka, uint16_t pg_port);
    ~demo_runner();
    demo_runner(const demo_runner&) = delete;
    demo_runner& operator=(const demo_runner&) = delete;

    /// Runs demo_statements() and starts producing. An error naming the statement that failed
    /// or the producer setting librdkafka refused.
    result<void> start();
    /// Stops producing and waits (at most a few seconds) for the records in flight.
    void stop();

    uint64_t produced() const { return _produced.load(std::memory_order_relaxed); }

private:
    void produce_loop();

    demo_options _opts;
    std::string _kafka;
    uint16_t _pg_port;
    std::atomic<bool> _stop{false};
    std::atomic<uint64_t> _produced{0};
    std::thread _thread;
};

} // namespace spate::app
