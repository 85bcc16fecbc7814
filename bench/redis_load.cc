// redis_load: the Redis Streams peer of the Kafka benchmark (bench/peers_bench), a hiredis
// client on one connection. One mode per run:
//
//   produce  deletes the stream key, then N XADD commands (one field "v" holding S bytes) sent
//            in pipeline windows of P commands: P commands are written, then their P replies
//            read. Reports msgs/s, MB/s (values only) and the latency of every window (first
//            command written -> last reply read) under "delivery_latency_us". With appendonly
//            and appendfsync always, Redis replies after the write and fsync of the AOF.
//   consume  XREAD COUNT C from the start of the stream until N entries are read. Reports
//            msgs/s and MB/s.
//
// Every value starts with a 16-byte header: its sequence number and send time (see
// peer_load.h). produce checks every reply is an entry id and that XLEN is N at the end;
// consume checks every entry's size and that sequence numbers follow one another from 0. Any
// problem ends the run with exit status 2 and a JSON line with "ok": false; a bad command line
// exits with 1. Output: one JSON line on stdout, then one human line starting with "#".

#include "peer_load.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace peer_load;

struct options {
    std::string mode;
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string key = "bench";
    uint64_t messages = 1'000'000;
    size_t size = 100;
    int pipeline = 100;
    int count = 1000;
    double timeout = 30;
};

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using context_handle = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_handle = std::unique_ptr<redisReply, reply_deleter>;

context_handle connect(const options& opt) {
    timeval tv{static_cast<time_t>(opt.timeout), 0};
    context_handle c(redisConnectWithTimeout(opt.host.c_str(), opt.port, tv));
    if (!c) throw load_error("redisConnect: out of memory");
    if (c->err) throw load_error(fmt::format("connect {}:{}: {}", opt.host, opt.port, c->errstr));
    if (redisSetTimeout(c.get(), tv) != REDIS_OK) throw load_error("redisSetTimeout failed");
    return c;
}

// Reads the next reply of a pipeline; a connection failure is an error, the reply is returned.
reply_handle next_reply(redisContext* c) {
    void* r = nullptr;
    if (redisGetReply(c, &r) != REDIS_OK || r == nullptr)
        throw load_error(fmt::format("redis: {}", c->err ? c->errstr : "no reply"));
    return reply_handle(static_cast<redisReply*>(r));
}

// Sends one command given as argument strings and returns its reply.
reply_handle command(redisContext* c, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK)
        throw load_error("redisAppendCommandArgv failed");
    auto r = next_reply(c);
    if (r->type == REDIS_REPLY_ERROR) throw load_error(fmt::format("{}: {}", args[0], r->str));
    return r;
}

json run_produce(const options& opt) {
    auto c = connect(opt);
    command(c.get(), {"DEL", opt.key});
    std::vector<unsigned char> payload(opt.size, 'x');
    const char* argv[5] = {"XADD", opt.key.c_str(), "*", "v",
                           reinterpret_cast<const char*>(payload.data())};
    size_t lens[5] = {4, opt.key.size(), 1, 1, opt.size};
    std::vector<double> window_us;
    window_us.reserve(opt.messages / static_cast<uint64_t>(opt.pipeline) + 1);
    double cpu0 = self_cpu_seconds();
    int64_t start = now_ns();
    for (uint64_t first = 0; first < opt.messages; first += static_cast<uint64_t>(opt.pipeline)) {
        uint64_t end =
            std::min<uint64_t>(opt.messages, first + static_cast<uint64_t>(opt.pipeline));
        int64_t t0 = now_ns();
        for (uint64_t seq = first; seq < end; ++seq) {
            put_u64(payload.data(), seq);
            put_u64(payload.data() + 8, static_cast<uint64_t>(t0));
            // hiredis copies the command into its output buffer, so the payload can be reused.
            if (redisAppendCommandArgv(c.get(), 5, argv, lens) != REDIS_OK)
                throw load_error("redisAppendCommandArgv failed");
        }
        for (uint64_t seq = first; seq < end; ++seq) {
            auto r = next_reply(c.get());
            if (r->type != REDIS_REPLY_STRING)
                throw load_error(
                    fmt::format("XADD of message {}: reply type {}{}", seq, r->type,
                                r->type == REDIS_REPLY_ERROR ? std::string(": ") + r->str : ""));
        }
        window_us.push_back(static_cast<double>(now_ns() - t0) / 1e3);
    }
    double seconds = static_cast<double>(now_ns() - start) / 1e9;
    json tool = tool_usage(cpu0);
    auto len = command(c.get(), {"XLEN", opt.key});
    if (len->type != REDIS_REPLY_INTEGER || static_cast<uint64_t>(len->integer) != opt.messages)
        throw load_error(fmt::format("XLEN {} is {} after {} XADDs", opt.key,
                                     len->type == REDIS_REPLY_INTEGER ? len->integer : -1,
                                     opt.messages));
    json out;
    put_rates(out, opt.messages, opt.size, seconds);
    out["pipeline"] = opt.pipeline;
    out["delivery_latency_us"] = distribution_us(std::move(window_us));
    out["latency_of"] = "pipeline window: first XADD written -> last reply read";
    out["tool"] = tool;
    return out;
}

// Checks one XREAD entry [id, [field, value]] and returns its id.
std::string check_entry(const redisReply* e, uint64_t expected, const options& opt) {
    if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
        e->element[0]->type != REDIS_REPLY_STRING || e->element[1]->type != REDIS_REPLY_ARRAY ||
        e->element[1]->elements != 2 || e->element[1]->element[1]->type != REDIS_REPLY_STRING)
        throw load_error(fmt::format("entry {}: not [id, [field, value]]", expected));
    const redisReply* v = e->element[1]->element[1];
    if (static_cast<size_t>(v->len) != opt.size)
        throw load_error(
            fmt::format("entry {}: {} bytes, expected {}", expected, v->len, opt.size));
    uint64_t seq = get_u64(reinterpret_cast<const unsigned char*>(v->str));
    if (seq != expected)
        throw load_error(fmt::format("entry {} has sequence number {}", expected, seq));
    return std::string(e->element[0]->str, e->element[0]->len);
}

json run_consume(const options& opt) {
    auto c = connect(opt);
    std::string last = "0-0";
    std::string count = std::to_string(opt.count);
    uint64_t got = 0;
    uint64_t reads = 0;
    double cpu0 = self_cpu_seconds();
    int64_t start = now_ns();
    while (got < opt.messages) {
        auto r = command(c.get(), {"XREAD", "COUNT", count, "STREAMS", opt.key, last});
        ++reads;
        if (r->type == REDIS_REPLY_NIL)
            throw load_error(
                fmt::format("stream {} ended after {} of {} entries", opt.key, got, opt.messages));
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 1 ||
            r->element[0]->type != REDIS_REPLY_ARRAY || r->element[0]->elements != 2 ||
            r->element[0]->element[1]->type != REDIS_REPLY_ARRAY)
            throw load_error("XREAD: unexpected reply shape");
        const redisReply* entries = r->element[0]->element[1];
        for (size_t i = 0; i < entries->elements; ++i) {
            if (got == opt.messages)
                throw load_error(fmt::format("stream {} has more than {} entries", opt.key, got));
            last = check_entry(entries->element[i], got, opt);
            ++got;
        }
    }
    double seconds = static_cast<double>(now_ns() - start) / 1e9;
    json out;
    put_rates(out, opt.messages, opt.size, seconds);
    out["reads"] = reads;
    out["count"] = opt.count;
    out["tool"] = tool_usage(cpu0);
    return out;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    CLI::App app{"redis_load: Redis Streams load generator for bench/peers_bench (hiredis)"};
    app.require_subcommand(1);
    auto common = [&](CLI::App* c) {
        c->add_option("--host", opt.host)->capture_default_str();
        c->add_option("--port", opt.port)->capture_default_str();
        c->add_option("--key", opt.key, "stream key")->capture_default_str();
        c->add_option("--messages", opt.messages, "N")
            ->check(CLI::PositiveNumber)
            ->capture_default_str();
        c->add_option("--size", opt.size, "value size in bytes (>= 16)")
            ->check(CLI::Range(size_t{header_bytes}, size_t{64} << 20))
            ->capture_default_str();
        c->add_option("--timeout", opt.timeout, "socket timeout, seconds")->capture_default_str();
    };
    auto* produce = app.add_subcommand("produce", "XADD N entries, pipelined");
    common(produce);
    produce->add_option("--pipeline", opt.pipeline, "commands per pipeline window")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    auto* consume = app.add_subcommand("consume", "XREAD N entries from the start");
    common(consume);
    consume->add_option("--count", opt.count, "XREAD COUNT")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    opt.mode = app.get_subcommands().front()->get_name();
    json result;
    try {
        result = opt.mode == "produce" ? run_produce(opt) : run_consume(opt);
    } catch (const load_error& e) {
        json fail = {{"mode", opt.mode}, {"ok", false}, {"error", e.what()}};
        std::printf("%s\n", fail.dump().c_str());
        std::fprintf(stderr, "redis_load: %s: FAILED: %s\n", opt.mode.c_str(), e.what());
        return 2;
    }
    result["mode"] = opt.mode;
    result["peer"] = "redis";
    result["key"] = opt.key;
    result["messages"] = opt.messages;
    result["size"] = opt.size;
    result["ok"] = true;
    std::string human = fmt::format("redis {} {} x {} B: {} msgs/s, {} MB/s in {} s", opt.mode,
                                    opt.messages, opt.size, result["msgs_per_s"].dump(),
                                    result["mb_per_s"].dump(), result["seconds"].dump());
    if (result.contains("delivery_latency_us")) {
        const auto& d = result["delivery_latency_us"];
        human += fmt::format("; window latency p50 {} us, p99 {} us, p99.9 {} us", d["p50"].dump(),
                             d["p99"].dump(), d["p999"].dump());
    }
    std::printf("%s\n# %s\n", result.dump().c_str(), human.c_str());
    return 0;
}
