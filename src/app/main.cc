// The spate binary: one executable, one subcommand per job.

#include "app/config_file.h"
#include "app/nexmark_command.h"
#include "app/produce_command.h"
#include "app/server.h"
#include "app/sql_command.h"
#include "app/version.h"

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <limits>

namespace {

// CLI11 validator that applies a Kafka-named log setting, so its checks live in one place.
void add_log_option(CLI::App& cmd, spate::log::log_config& config, const std::string& flag,
                    const std::string& key, const std::string& help) {
    cmd.add_option_function<std::string>(
           flag,
           [&config, key, flag](const std::string& value) {
               if (auto r = config.set(key, value); !r)
                   throw CLI::ValidationError(flag, r.err().message);
           },
           help + " (topic config " + key + "; default " + config.get(key).value_or("") + ")")
        ->type_name("VALUE");
}

} // namespace

int main(int argc, char** argv) {
    // Logs go to stderr; stdout carries the lines scripts read ("kafka listening on ...").
    spdlog::set_default_logger(spdlog::stderr_color_mt("spate"));
    CLI::App app{"spate: a real-time data platform in one binary: Kafka-compatible ingest, a "
                 "durable partitioned log, continuous SQL, and serving"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(spate::app::version_string()));

    auto* version = app.add_subcommand("version", "Print the version and exit");
    version->callback(
        [] { std::printf("%s\n", std::string(spate::app::version_string()).c_str()); });

    spate::app::server_options opts;
    std::string log_level = "info";
    auto* server = app.add_subcommand("server", "Run the server with its embedded log");
    // The config file belongs to the top-level app (CLI11 reads subcommand settings from its
    // [server] table); fallthrough lets users write it after the subcommand.
    app.set_config("--config", "", "Read settings from a TOML file ([server] table); flags win")
        ->check(CLI::ExistingFile)
        ->check(spate::app::config_file_validator());
    app.allow_config_extras(CLI::config_extras_mode::error);
    server->fallthrough();
    server->footer(
        "Settings may also come from a TOML file given with --config FILE, under a "
        "[server] table, with keys named like the flags (data-dir = \"/var/lib/spate\"); "
        "flags win over the file.");
    server->add_option("--data-dir", opts.broker.data_dir, "Directory holding topics and state")
        ->capture_default_str();
    auto add_address = [&](const std::string& flag, spate::broker::host_port& target,
                           const std::string& help) {
        server
            ->add_option_function<std::string>(
                flag,
                [&target, flag](const std::string& value) {
                    auto r = spate::broker::parse_host_port(value);
                    if (!r) throw CLI::ValidationError(flag, r.err().message);
                    target = *r;
                },
                help)
            ->type_name("HOST:PORT");
    };
    add_address("--kafka-addr", opts.broker.kafka_addr,
                "Address of the Kafka listener; port 0 picks a free port (default "
                "127.0.0.1:9092)");
    add_address("--pg-addr", opts.pg_addr,
                "Address of the Postgres protocol listener for SQL clients (psql, drivers); port 0 "
                "picks a free port (default 127.0.0.1:5656)");
    server->add_flag("--demo", opts.demo.enabled,
                     "Run the live demo beside the server: sensor readings produced to topic "
                     "sensors, with a source and windowed views over them");
    server->add_option("--demo-rate", opts.demo.rate, "Records per second the demo produces")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    add_address("--kafka-advertised-addr", opts.broker.advertised_kafka_addr,
                "Address Kafka clients are told to connect to (advertised.listeners; default: "
                "the listener's)");
    server->add_option("--shards", opts.shards, "Event loops (threads) to run; 0: one per core")
        ->capture_default_str();
    server
        ->add_option("--auto-create-topics", opts.broker.auto_create_topics,
                     "Create topics that Metadata requests name (auto.create.topics.enable)")
        ->capture_default_str();
    server
        ->add_option("--num-partitions", opts.broker.default_partitions,
                     "Partitions of auto-created topics (num.partitions)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    server
        ->add_option("--socket-request-max-bytes", opts.broker.socket_request_max_bytes,
                     "Largest request accepted; larger ones close the connection "
                     "(socket.request.max.bytes)")
        ->check(CLI::Range(1024, 1 << 30))
        ->capture_default_str();
    server
        ->add_option("--connections-max-idle-ms", opts.broker.connections_max_idle_ms,
                     "Close connections idle for this long (connections.max.idle.ms)")
        ->check(CLI::Range(int64_t{100}, int64_t{1} << 40))
        ->capture_default_str();
    auto& groups = opts.broker.groups;
    server
        ->add_option("--group-initial-rebalance-delay-ms", groups.initial_rebalance_delay_ms,
                     "How long a new group waits for more members before its first "
                     "rebalance (group.initial.rebalance.delay.ms)")
        ->check(CLI::Range(0, 3'600'000))
        ->capture_default_str();
    server
        ->add_option("--group-min-session-timeout-ms", groups.min_session_timeout_ms,
                     "Smallest session timeout a consumer may ask for "
                     "(group.min.session.timeout.ms)")
        ->check(CLI::Range(1, 86'400'000))
        ->capture_default_str();
    server
        ->add_option("--group-max-session-timeout-ms", groups.max_session_timeout_ms,
                     "Largest session timeout a consumer may ask for "
                     "(group.max.session.timeout.ms)")
        ->check(CLI::Range(1, 86'400'000))
        ->capture_default_str();
    server
        ->add_option("--group-max-size", groups.max_size,
                     "Most members a consumer group may have (group.max.size)")
        ->check(CLI::Range(1, std::numeric_limits<int32_t>::max()))
        ->capture_default_str();
    server
        ->add_option_function<int64_t>(
            "--offsets-retention-minutes",
            [&groups](int64_t minutes) { groups.offsets_retention_ms = minutes * 60'000; },
            "Committed offsets of a group empty for this long are deleted "
            "(offsets.retention.minutes; default 10080, 7 days)")
        ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
    server
        ->add_option("--offsets-retention-check-interval-ms",
                     groups.offsets_retention_check_interval_ms,
                     "How often expired offsets are looked for "
                     "(offsets.retention.check.interval.ms)")
        ->check(CLI::Range(int64_t{10}, int64_t{1} << 40))
        ->capture_default_str();
    server
        ->add_option("--offsets-topic-num-partitions", opts.broker.offsets_topic_partitions,
                     "Partitions of __consumer_offsets when it is first created "
                     "(offsets.topic.num.partitions)")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    add_log_option(*server, opts.broker.log_defaults, "--log-segment-bytes", "segment.bytes",
                   "Roll to a new segment file at this size");
    add_log_option(*server, opts.broker.log_defaults, "--log-segment-ms", "segment.ms",
                   "Roll to a new segment after this many ms");
    add_log_option(*server, opts.broker.log_defaults, "--log-retention-ms", "retention.ms",
                   "Delete segments older than this; -1 keeps them");
    add_log_option(*server, opts.broker.log_defaults, "--log-retention-bytes", "retention.bytes",
                   "Delete oldest segments beyond this size per partition; -1 no limit");
    add_log_option(*server, opts.broker.log_defaults, "--message-max-bytes", "max.message.bytes",
                   "Largest record batch accepted");
    add_log_option(*server, opts.broker.log_defaults, "--log-flush-policy", "flush.policy",
                   "always: acknowledge after fsync (group commit); interval; never");
    add_log_option(*server, opts.broker.log_defaults, "--log-flush-interval-ms", "flush.ms",
                   "Sync period under the interval policy");
    server
        ->add_option("--producer-id-expiration-ms",
                     opts.broker.log_defaults.producer_id_expiration_ms,
                     "Forget an idempotent producer's state in a partition after this long "
                     "without appends (producer.id.expiration.ms)")
        ->check(CLI::Range(int64_t{1}, int64_t{1} << 50))
        ->capture_default_str();
    server
        ->add_option("--query-memory-limit", opts.query_memory_limit_mb,
                     "MiB the operators of one query over files may hold (GROUP BY groups, join "
                     "rows) before it stops with an error; 0: half of the machine's memory")
        ->capture_default_str();
    server->add_option("--log-level", log_level, "trace, debug, info, warn, error")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
        ->capture_default_str();

    int exit_code = 0;
    server->callback([&] {
        spdlog::set_level(spdlog::level::from_str(log_level));
        exit_code = spate::app::run_server(opts);
    });
    spate::app::add_nexmark_command(app, exit_code);
    spate::app::add_produce_command(app, exit_code);
    spate::app::add_sql_command(app, exit_code);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return exit_code;
}
