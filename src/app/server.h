#pragma once

#include "base/result.h"
#include "broker/broker_config.h"

#include <filesystem>
#include <string>

namespace spate::app {

/// Everything `spate server` can be told, from flags or the config file.
struct server_options {
    broker::broker_config broker;
    /// Address of the Postgres protocol listener (SQL); port 0 picks a free port.
    broker::host_port pg_addr{"127.0.0.1", 5656};
    /// Event loops to run, one thread each; 0 means one per core.
    unsigned shards = 0;
    /// The most memory one bounded query's operators may hold, in MiB; 0: half the machine's.
    uint64_t query_memory_limit_mb = 0;
};

/// Runs the server until SIGINT or SIGTERM: opens the log under the data directory, serves
/// Kafka clients and, over the Postgres protocol, SQL clients on the shards; re-creates the
/// saved SQL objects, keeps the log tidy (retention, syncs, checkpoints) and closes
/// it cleanly on the way out. Each listener prints "<name> listening on <host:port>" once
/// bound. Returns the process exit code.
///
/// The calling thread only waits for signals; the shards do the work.
int run_server(const server_options& opts);

} // namespace spate::app
