#include "app/nexmark_command.h"

#include "app/kafka_producer_internal.h"

#include "base/result.h"
#include "nexmark/generator.h"
#include "nexmark/json_writer.h"
#include "nexmark/ndjson_files.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

namespace spate::app {
namespace {

using steady = std::chrono::steady_clock;
using kafka_detail::delivery_state;
using kafka_detail::kafka_handle;
using topic_handle = std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)>;

constexpr std::array<const char*, 3> kind_names = {"person", "auction", "bid"};

nexmark::generator_config config_of(const nexmark_options& opts) {
    nexmark::generator_config c;
    c.seed = opts.seed;
    c.event_rate_per_s = opts.rate;
    return c;
}

void print_summary(const nexmark::event_counts& counts, std::string_view where, double seconds) {
    double rate = seconds > 0 ? static_cast<double>(counts.total()) / seconds : 0;
    std::printf("nexmark: %llu events (%llu persons, %llu auctions, %llu bids) to %.*s in %.3f s: "
                "%.0f events/s\n",
                static_cast<unsigned long long>(counts.total()),
                static_cast<unsigned long long>(counts.persons),
                static_cast<unsigned long long>(counts.auctions),
                static_cast<unsigned long long>(counts.bids), static_cast<int>(where.size()),
                where.data(), seconds, rate);
    std::fflush(stdout);
}

double seconds_since(steady::time_point start) {
    return std::chrono::duration<double>(steady::now() - start).count();
}

result<kafka_handle> make_producer(const nexmark_options& opts, delivery_state& state) {
    const std::vector<std::pair<std::string, std::string>> settings = {
        {"bootstrap.servers", opts.bootstrap_server},
        {"acks", "all"},
        {"linger.ms", std::to_string(opts.linger_ms)},
        {"batch.size", std::to_string(opts.batch_bytes)},
        {"queue.buffering.max.messages", "1000000"},
        {"queue.buffering.max.kbytes", "1048576"},
        {"message.timeout.ms", std::to_string(int64_t{opts.timeout_s} * 1000)},
        // Java's default partitioner, so a key lands where a Java producer would put it.
        {"partitioner", "murmur2_random"},
    };
    return kafka_detail::new_producer(settings, state);
}

// Creates the topics that do not exist, with retention.ms=-1; existing ones
// (TOPIC_ALREADY_EXISTS) are kept as they are.
result<void> create_topics(rd_kafka_t* rk, const std::vector<std::string>& names,
                           const nexmark_options& opts) {
    char errstr[512];
    std::vector<rd_kafka_NewTopic_t*> topics;
    auto free_topics = [&] {
        for (auto* t : topics)
            rd_kafka_NewTopic_destroy(t);
    };
    for (const auto& name : names) {
        rd_kafka_NewTopic_t* t =
            rd_kafka_NewTopic_new(name.c_str(), opts.partitions, 1, errstr, sizeof errstr);
        if (!t) {
            free_topics();
            return error::make(errc::invalid_topic_exception, "topic {}: {}", name, errstr);
        }
        topics.push_back(t);
        // Event times start at a fixed date in the past; time-based retention would delete
        // the events as soon as their segment rolls.
        if (rd_kafka_NewTopic_set_config(t, "retention.ms", "-1") != RD_KAFKA_RESP_ERR_NO_ERROR) {
            free_topics();
            return error::make(errc::invalid_config, "topic {}: cannot set retention.ms", name);
        }
    }
    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(options, opts.timeout_s * 1000, errstr,
                                              sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(options, opts.timeout_s * 1000, errstr,
                                                sizeof errstr);
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, topics.data(), topics.size(), options, queue);
    free_topics();
    rd_kafka_AdminOptions_destroy(options);

    // The admin request ends by itself at its request timeout; the extra time is a margin.
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, opts.timeout_s * 1000 + 5'000);
    rd_kafka_queue_destroy(queue);
    if (!ev)
        return error::make(errc::request_timed_out, "no answer to CreateTopics from {} within {} s",
                           opts.bootstrap_server, opts.timeout_s);
    std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> guard(
        ev, &rd_kafka_event_destroy);
    if (rd_kafka_event_error(ev))
        return error::make(errc::request_timed_out, "cannot create topics at {}: {}",
                           opts.bootstrap_server, rd_kafka_event_error_string(ev));
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    for (size_t i = 0; i < n; ++i) {
        rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
            continue;
        const char* msg = rd_kafka_topic_result_error_string(results[i]);
        return error::make(errc::invalid_topic_exception, "cannot create topic {}: {}",
                           rd_kafka_topic_result_name(results[i]),
                           msg ? msg : rd_kafka_err2str(err));
    }
    return ok();
}

// Hands one event to librdkafka, waiting while its queue is full. Delivery reports are served
// here too.
result<void> produce_one(rd_kafka_t* rk, rd_kafka_topic_t* topic, const nexmark::event& e,
                         std::string& value) {
    value.clear();
    nexmark::append_json(e, value);
    int64_t key_id = e.kind == nexmark::event_kind::person    ? e.p.id
                     : e.kind == nexmark::event_kind::auction ? e.a.id
                                                              : e.b.auction;
    char key[24];
    auto key_end = std::to_chars(key, key + sizeof key, key_id).ptr;
    for (;;) {
        rd_kafka_resp_err_t err =
            rd_kafka_producev(rk, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_KEY(key, static_cast<size_t>(key_end - key)),
                              RD_KAFKA_V_VALUE(value.data(), value.size()),
                              RD_KAFKA_V_TIMESTAMP(e.date_time_ms()), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return ok();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return error::make(errc::unknown_server_error, "cannot produce to {}: {}",
                               rd_kafka_topic_name(topic), rd_kafka_err2str(err));
        rd_kafka_poll(rk, 10);
    }
}

result<nexmark::event_counts> produce_all(const nexmark_options& opts, double& seconds) {
    delivery_state state;
    auto producer = make_producer(opts, state);
    if (!producer) return std::move(producer).err();
    rd_kafka_t* rk = producer->get();

    std::vector<std::string> names;
    for (const char* kind : kind_names)
        names.push_back(opts.topic_prefix + kind);
    if (auto r = create_topics(rk, names, opts); !r) return std::move(r).err();

    std::vector<topic_handle> topics;
    for (const auto& name : names)
        topics.emplace_back(rd_kafka_topic_new(rk, name.c_str(), nullptr), &rd_kafka_topic_destroy);

    auto start = steady::now();
    nexmark::generator gen(config_of(opts));
    nexmark::event_counts counts;
    std::string value;
    value.reserve(4096);
    for (int64_t i = 0; i < opts.events && state.failed == 0; ++i) {
        const nexmark::event& e = gen.next();
        auto r = produce_one(rk, topics[static_cast<size_t>(e.kind)].get(), e, value);
        if (!r) return std::move(r).err();
        counts.add(e.kind);
        if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
    }
    // Every message ends in a delivery report within message.timeout.ms; the margin covers the
    // last reports' way back.
    auto deadline = steady::now() + std::chrono::seconds(opts.timeout_s + 10);
    while (rd_kafka_outq_len(rk) > 0 && steady::now() < deadline)
        rd_kafka_flush(rk, 100);
    seconds = seconds_since(start);
    if (state.failed > 0)
        return error::make(errc::unknown_server_error, "{} of {} events not stored; first: {}",
                           state.failed, counts.total(), state.first_error);
    if (rd_kafka_outq_len(rk) > 0 || state.delivered != counts.total())
        return error::make(errc::request_timed_out, "{} of {} events unacknowledged after {} s",
                           counts.total() - state.delivered, counts.total(), opts.timeout_s + 10);
    return counts;
}

} // namespace

int run_nexmark(const nexmark_options& opts) {
    if (opts.bootstrap_server.empty() == opts.output_dir.empty()) {
        std::fprintf(stderr, "spate nexmark: give exactly one of --bootstrap-server and "
                             "--output-dir\n");
        return 2;
    }
    if (opts.events < 0) {
        std::fprintf(stderr, "spate nexmark: --events must be >= 0\n");
        return 2;
    }
    if (!opts.output_dir.empty()) {
        auto start = steady::now();
        auto r = nexmark::write_ndjson_files(config_of(opts), static_cast<uint64_t>(opts.events),
                                             opts.output_dir);
        if (!r) {
            std::fprintf(stderr, "spate nexmark: %s\n", r.err().message.c_str());
            return 1;
        }
        print_summary(*r, opts.output_dir, seconds_since(start));
        return 0;
    }
    double seconds = 0;
    auto r = produce_all(opts, seconds);
    if (!r) {
        std::fprintf(stderr, "spate nexmark: %s\n", r.err().message.c_str());
        return 1;
    }
    auto where = fmt::format("topics {0}person, {0}auction, {0}bid at {1}", opts.topic_prefix,
                             opts.bootstrap_server);
    print_summary(*r, where, seconds);
    return 0;
}

void add_nexmark_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<nexmark_options>();
    auto* cmd = app.add_subcommand(
        "nexmark", "Generate Nexmark benchmark events (person, auction, bid) into Kafka topics "
                   "or NDJSON files");
    auto* bootstrap =
        cmd->add_option("--bootstrap-server", opts->bootstrap_server,
                        "Kafka address to produce to (topics <prefix>person, auction, bid)")
            ->type_name("HOST:PORT");
    auto* output = cmd->add_option("--output-dir", opts->output_dir,
                                   "Write person.json, auction.json, bid.json (NDJSON) here "
                                   "instead")
                       ->type_name("DIR");
    bootstrap->excludes(output);
    cmd->add_option("--events", opts->events, "How many events (ids 1..N)")
        ->required()
        ->check(CLI::Range(int64_t{0}, int64_t{1} << 50));
    cmd->add_option("--seed", opts->seed, "Random seed; the same seed gives the same events")
        ->check(CLI::Validator(
            [](std::string& v) {
                return !v.empty() && v.front() == '-' ? std::string("must not be negative")
                                                      : std::string();
            },
            "0..2^64-1"))
        ->capture_default_str();
    cmd->add_option("--rate", opts->rate,
                    "Event-time rate: event times advance 1/RATE s per event (not a throttle)")
        ->check(CLI::Range(1e-3, 1e12))
        ->capture_default_str();
    cmd->add_option("--partitions", opts->partitions, "Partitions of topics created here")
        ->check(CLI::Range(1, 100'000))
        ->capture_default_str();
    cmd->add_option("--topic-prefix", opts->topic_prefix, "Prefix of the three topic names")
        ->capture_default_str();
    cmd->add_option("--batch-bytes", opts->batch_bytes, "Producer batch size (batch.size)")
        ->check(CLI::Range(1'000, 100'000'000))
        ->capture_default_str();
    cmd->add_option("--linger-ms", opts->linger_ms, "Producer linger (linger.ms)")
        ->check(CLI::Range(0, 60'000))
        ->capture_default_str();
    cmd->add_option("--timeout-s", opts->timeout_s,
                    "Give up on topic creation and on each unacknowledged event after this long")
        ->check(CLI::Range(1, 3'600))
        ->capture_default_str();
    cmd->callback([opts, &exit_code] {
        if (opts->bootstrap_server.empty() && opts->output_dir.empty())
            throw CLI::RequiredError("--bootstrap-server or --output-dir");
        exit_code = run_nexmark(*opts);
    });
}

} // namespace spate::app
