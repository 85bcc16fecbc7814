#pragma once

#include "base/result.h"
#include "broker/broker_config.h"

#include <filesystem>
#include <string>

namespace spate::app {

/// Everything `spate server` can be told, from flags or the config file.
struct server_options {
    broker::broker_config broker;
    /// Event loops to run, one thread each; 0 means one per core.
    unsigned shards = 0;
};

/// Runs the server until SIGINT or SIGTERM: opens the log under the data directory, serves
/// Kafka clients on the shards, keeps the log tidy (retention, syncs, checkpoints) and closes
/// it cleanly on the way out. Each listener prints "<name> listening on <host:port>" once
/// bound. Returns the process exit code.
///
/// The calling thread only waits for signals; the shards do the work.
int run_server(const server_options& opts);

} // namespace spate::app
