#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace spate::app {

/// Everything `spate nexmark` can be told.
struct nexmark_options {
    /// Kafka mode: produce to topics at this address. Exactly one of this and output_dir.
    std::string bootstrap_server;
    /// File mode: write person.json, auction.json and bid.json (NDJSON) here.
    std::string output_dir;
    int64_t events = 0;
    uint64_t seed = 1;
    double rate = 10'000; // event-time rate (events per second of event time)
    int partitions = 4;   // of topics that do not exist yet
    std::string topic_prefix;
    int batch_bytes = 1'000'000; // librdkafka batch.size
    int linger_ms = 5;
    int timeout_s = 30; // admin requests and per-message delivery timeout
};

/// Generates `opts.events` Nexmark events (ids 1..events, seed, rate) and either produces them
/// to the topics <prefix>person, <prefix>auction and <prefix>bid (created with
/// `opts.partitions` partitions if missing) and waits for every acknowledgement, or writes them
/// to NDJSON files. Prints the counts, seconds and events/s to stdout; on failure prints what
/// went wrong to stderr. Returns the process exit code (0 only if every event was stored).
int run_nexmark(const nexmark_options& opts);

/// Adds the `nexmark` subcommand to `app`; when it runs, `exit_code` gets run_nexmark's result.
void add_nexmark_command(CLI::App& app, int& exit_code);

} // namespace spate::app
