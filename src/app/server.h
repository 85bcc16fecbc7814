#pragma once

#include "app/demo.h"
#include "base/result.h"
#include "broker/broker_config.h"

#include <cstdint>
#include <filesystem>
#include <memory>
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
    /// `--demo`: the live sensor demo beside the server.
    demo_options demo;
};

/// The whole server (log, Kafka listener, SQL engine, Postgres listener) running on its own
/// shard threads inside a process: what `spate server` runs and what `spate sql` embeds.
///
/// Owned by one thread (the one that creates it), which calls start() and stop(); the work
/// happens on the shards. Prints nothing on stdout; problems go to the log.
class embedded_server {
public:
    explicit embedded_server(server_options opts);
    /// Stops the server if it still runs.
    ~embedded_server();
    embedded_server(const embedded_server&) = delete;
    embedded_server& operator=(const embedded_server&) = delete;

    /// Opens the log (recovering it), binds both listeners, starts the shards and waits until
    /// the saved SQL objects are back and SQL clients are accepted. An error (and nothing left
    /// running) if the log cannot be opened or a listener cannot be bound. Call once.
    result<void> start();

    /// Closes the listeners, stops the SQL engine, closes the log and joins the shards. An
    /// error if the log did not close cleanly. Does nothing if not started or already stopped.
    result<void> stop();

    /// After start(): where the listeners are bound (with the ports they really got).
    broker::host_port kafka_address() const;
    std::string pg_address() const;
    uint16_t pg_port() const;
    /// After start(): the topics users made (not the broker's own).
    size_t user_topic_count() const;
    const server_options& options() const { return _opts; }

private:
    struct parts;
    server_options _opts;
    std::unique_ptr<parts> _parts;
    bool _running = false;
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
