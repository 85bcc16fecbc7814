#pragma once

#include "base/result.h"
#include "log/log_config.h"

#include <filesystem>
#include <string>

namespace spate::app {

/// Everything `spate server` can be told, from flags or the config file.
struct server_options {
    std::filesystem::path data_dir = "spate-data";
    log::log_config log_defaults;
    int64_t maintenance_interval_ms = 1000;
};

/// Runs the server until SIGINT or SIGTERM: opens the log under the data directory, keeps it
/// tidy (retention, syncs, checkpoints) and closes it cleanly on the way out. Listeners
/// (Kafka, HTTP, Postgres) attach here as they arrive; each prints "<name> listening on
/// <host:port>" once bound. Returns the process exit code.
///
/// Runs on the calling thread, which becomes the owner of the log.
int run_server(const server_options& opts);

} // namespace spate::app
