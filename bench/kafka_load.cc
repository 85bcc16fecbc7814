// kafka_load: the load generator of the Kafka benchmark (bench/kafka_bench), a Kafka client built
// on librdkafka's C API. One mode per run:
//
//   produce  N messages of S bytes, round-robin over the P partitions of a topic, acks 1 or all,
//            with librdkafka batching suited to throughput (linger.ms 5, batch.size 1 MB, no
//            compression, a large producer queue). Reports msgs/s, MB/s (values only) and the
//            delivery-report latency of every 8th message: enqueue -> acknowledgement, so with
//            the whole run enqueued at once it is mostly time spent queued in the client.
//            --idempotent turns enable.idempotence on (acks all): the client takes a producer id
//            with InitProducerId and numbers each partition's batches, which the broker checks.
//   consume  N messages from the start of every partition of a topic (manual assignment with
//            assign(), no group membership, no commits). Reports msgs/s and MB/s from the
//            first message to the last, and the client's startup (creation to first message)
//            apart as startup_ms: librdkafka's consumer sometimes spends 500 ms there before
//            its first Fetch, whatever the broker.
//   latency  messages produced at a fixed rate (default 10,000/s) while a consumer in the same
//            process reads them. Reports produce -> consume latency after a warm-up.
//
// Every value starts with a 16-byte header: its sequence number (0..N-1) and the time it was
// handed to librdkafka (steady clock, ns), both little-endian; the rest is filler. The consumer
// checks every message: its size, that its sequence number is new and in range, and that offsets
// in a partition follow one another. A delivery error, a missing, duplicated or unexpected
// message, an offset gap or a client error ends the run with exit status 2 and a JSON line with
// "ok": false; a bad command line exits with 1.
//
// Output: one JSON line on stdout (the results), then one human-readable line starting with "#".
// With --server-pid, the server's peak RSS (VmHWM, reset at the start of the run) and its CPU
// time during the run, per thread name, are included. Not a test; run by bench/kafka_bench.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "peer_load.h"
#include "process_stats.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <librdkafka/rdkafka.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using load_clock = std::chrono::steady_clock;

constexpr size_t header_bytes = 16;

struct options {
    std::string mode;
    std::string brokers = "127.0.0.1:9092";
    std::string topic;
    int partitions = 0; // 0: whatever the topic has; otherwise checked
    uint64_t messages = 1'000'000;
    size_t size = 100;
    std::string acks = "1";
    bool idempotent = false; // enable.idempotence (produce only)
    int linger_ms = -1;      // -1: 5 for produce, 0 for latency
    int batch_bytes = 1'000'000;
    double rate = 10'000;
    double seconds = 10;
    double warmup = 2;
    double timeout = 30; // no progress for this long is an error
    int server_pid = 0;
    std::vector<std::string> extra; // --set key=value, applied last
};

// A failed run: the message says what went wrong and where.
struct load_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               load_clock::now().time_since_epoch())
        .count();
}

// The message header codec and the latency summaries are shared with the peers' load tools.
using peer_load::distribution_us;
using peer_load::get_u64;
using peer_load::percentile;
using peer_load::put_u64;

// ---- the processes' resources ------------------------------------------------------------

double self_peak_rss_mib() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

// utime + stime of /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat, and the thread's name.
std::optional<std::pair<std::string, double>> read_stat(const fs::path& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto open = text.find('(');
    auto close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos) return std::nullopt;
    std::istringstream rest(text.substr(close + 2));
    std::vector<std::string> fields; // from field 3 (state) on
    std::string f;
    while (rest >> f && fields.size() < 13)
        fields.push_back(f);
    if (fields.size() < 13) return std::nullopt;
    double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    double cpu = (std::stod(fields[11]) + std::stod(fields[12])) / ticks; // fields 14 and 15
    return std::make_pair(text.substr(open + 1, close - open - 1), cpu);
}

// CPU seconds of a process, in total and summed per thread name ("shard-0", ...).
struct cpu_sample {
    double total = 0;
    std::map<std::string, double> by_thread;
};

cpu_sample sample_cpu(int pid) {
    cpu_sample s;
    fs::path proc = fs::path("/proc") / std::to_string(pid);
    if (auto st = read_stat(proc / "stat")) s.total = st->second;
    std::error_code ec;
    for (const auto& task : fs::directory_iterator(proc / "task", ec))
        if (auto st = read_stat(task.path() / "stat")) s.by_thread[st->first] += st->second;
    return s;
}

// Watches the server process during a run: its peak RSS from the start of the run (VmHWM is
// reset through clear_refs, which needs the same user or root) and the CPU time it spent.
// Used by the main thread only.
class server_watch {
public:
    explicit server_watch(int pid) : _pid(pid) {
        if (_pid <= 0) return;
        if (!fs::exists(fmt::format("/proc/{}/status", _pid)))
            throw load_error(fmt::format("--server-pid {}: no such process", _pid));
        std::ofstream reset(fmt::format("/proc/{}/clear_refs", _pid));
        reset << "5";
        reset.flush();
        _hwm_reset = static_cast<bool>(reset);
        _start = sample_cpu(_pid);
    }

    // Call at the end of the measured part: the CPU time of the server since construction.
    void stop(double wall_seconds) {
        if (_pid <= 0) return;
        _end = sample_cpu(_pid);
        _wall = wall_seconds;
    }

    void report(json& out) const {
        if (_pid <= 0) return;
        json s;
        s["pid"] = _pid;
        s["peak_rss_mib"] = std::round(static_cast<double>(status_kib(_pid, "VmHWM")) / 102.4) / 10;
        s["peak_rss_since"] = _hwm_reset ? "run start" : "server start (clear_refs failed)";
        s["rss_mib"] = std::round(static_cast<double>(status_kib(_pid, "VmRSS")) / 102.4) / 10;
        double cpu = _end.total - _start.total;
        s["cpu_seconds"] = std::round(cpu * 100) / 100;
        s["cpu_cores_busy"] = _wall > 0 ? std::round(cpu / _wall * 100) / 100 : 0.0;
        json threads = json::object();
        for (const auto& [name, secs] : _end.by_thread) {
            auto it = _start.by_thread.find(name);
            double d = secs - (it == _start.by_thread.end() ? 0 : it->second);
            if (d >= 0.01) threads[name] = std::round(d * 100) / 100;
        }
        s["cpu_seconds_by_thread"] = threads;
        out["server"] = s;
    }

private:
    int _pid;
    bool _hwm_reset = false;
    cpu_sample _start, _end;
    double _wall = 0;
};

// ---- librdkafka --------------------------------------------------------------------------

struct kafka_deleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using kafka_handle = std::unique_ptr<rd_kafka_t, kafka_deleter>;

struct topic_deleter {
    void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
};
using topic_handle = std::unique_ptr<rd_kafka_topic_t, topic_deleter>;

struct partitions_deleter {
    void operator()(rd_kafka_topic_partition_list_t* l) const {
        rd_kafka_topic_partition_list_destroy(l);
    }
};

// Errors librdkafka reports outside a message (error_cb), from any librdkafka thread. A run
// with any of them fails: on one broker over loopback, a dropped connection or a refused
// request is the server misbehaving.
class client_errors {
public:
    void add(rd_kafka_t* rk, int err, const char* reason) {
        std::lock_guard lock(_mu);
        _list.push_back(fmt::format("{}: {} ({})", rd_kafka_name(rk),
                                    rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)),
                                    reason));
        std::fprintf(stderr, "kafka_load: client error: %s\n", _list.back().c_str());
    }
    bool any() const {
        std::lock_guard lock(_mu);
        return !_list.empty();
    }
    std::vector<std::string> list() const {
        std::lock_guard lock(_mu);
        return _list;
    }

private:
    mutable std::mutex _mu;
    std::vector<std::string> _list;
};

client_errors g_client_errors;

void on_error(rd_kafka_t* rk, int err, const char* reason, void*) {
    g_client_errors.add(rk, err, reason);
}

void set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
    char err[512];
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK)
        throw load_error(fmt::format("librdkafka config {}={}: {}", key, value, err));
}

rd_kafka_conf_t* base_conf(const options& opt, const char* role) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", opt.brokers);
    set(conf, "client.id", fmt::format("kafka_load-{}-{}", role, ::getpid()));
    set(conf, "socket.nagle.disable", "true");
    rd_kafka_conf_set_error_cb(conf, on_error);
    return conf;
}

void apply_extra(rd_kafka_conf_t* conf, const options& opt) {
    for (const auto& kv : opt.extra) {
        auto eq = kv.find('=');
        if (eq == std::string::npos) throw load_error("--set expects key=value, got " + kv);
        set(conf, kv.substr(0, eq), kv.substr(eq + 1));
    }
}

kafka_handle make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        throw load_error(fmt::format("rd_kafka_new: {}", err));
    }
    return kafka_handle(rk);
}

// The topic's partition count, from a Metadata request, waiting until every partition has a
// leader (a producer's request auto-creates the topic). Checks it against --partitions.
int topic_partitions(rd_kafka_t* rk, const options& opt) {
    topic_handle t(rd_kafka_topic_new(rk, opt.topic.c_str(), nullptr));
    auto deadline = load_clock::now() + std::chrono::duration<double>(opt.timeout);
    std::string last = "no answer";
    while (load_clock::now() < deadline) {
        const rd_kafka_metadata_t* md = nullptr;
        auto err = rd_kafka_metadata(rk, 0, t.get(), &md, 5000);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            last = rd_kafka_err2str(err);
        } else {
            int count = -1;
            std::string problem;
            for (int i = 0; i < md->topic_cnt; ++i) {
                const auto& tm = md->topics[i];
                if (opt.topic != tm.topic) continue;
                if (tm.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    problem = rd_kafka_err2str(tm.err);
                    break;
                }
                count = tm.partition_cnt;
                for (int p = 0; p < tm.partition_cnt; ++p)
                    if (tm.partitions[p].leader < 0 ||
                        tm.partitions[p].err != RD_KAFKA_RESP_ERR_NO_ERROR)
                        problem = fmt::format("partition {} has no leader", p);
            }
            rd_kafka_metadata_destroy(md);
            if (count > 0 && problem.empty()) {
                if (opt.partitions > 0 && count != opt.partitions)
                    throw load_error(
                        fmt::format("topic {} has {} partitions, expected {} (the server's "
                                    "--num-partitions for auto-created topics)",
                                    opt.topic, count, opt.partitions));
                return count;
            }
            last = problem.empty() ? "topic not in the metadata" : problem;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw load_error(
        fmt::format("metadata for topic {}: {} after {} s", opt.topic, last, opt.timeout));
}

// Records the first few problems of a run, from any thread; any problem fails the run.
class problems {
public:
    void add(std::string what) {
        std::lock_guard lock(_mu);
        if (_count++ < 3) _first.push_back(std::move(what));
    }
    uint64_t count() const {
        std::lock_guard lock(_mu);
        return _count;
    }
    std::string summary() const {
        std::lock_guard lock(_mu);
        std::string s = fmt::format("{} problem(s)", _count);
        for (const auto& f : _first)
            s += "; " + f;
        return s;
    }

private:
    mutable std::mutex _mu;
    uint64_t _count = 0;
    std::vector<std::string> _first;
};

// Offsets of one partition must follow one another (spate assigns them densely, and these
// topics are written only by this tool).
class offset_checker {
public:
    explicit offset_checker(int partitions) : _next(static_cast<size_t>(partitions), -1) {}

    void check(const char* who, int32_t partition, int64_t offset, problems& out) {
        if (partition < 0 || static_cast<size_t>(partition) >= _next.size()) {
            out.add(fmt::format("{}: message in unknown partition {}", who, partition));
            return;
        }
        auto& next = _next[static_cast<size_t>(partition)];
        if (next >= 0 && offset != next)
            out.add(fmt::format("{}: partition {}: offset {} follows {}", who, partition, offset,
                                next - 1));
        next = offset + 1;
    }

private:
    std::vector<int64_t> _next;
};

// Which sequence numbers were seen; a number out of range or seen twice is a problem.
class seen_set {
public:
    explicit seen_set(uint64_t n) : _seen(n, false) {}

    bool mark(uint64_t seq, const char* who, problems& out) {
        if (seq >= _seen.size()) {
            out.add(fmt::format("{}: sequence number {} out of range (expected < {})", who, seq,
                                _seen.size()));
            return false;
        }
        if (_seen[seq]) {
            out.add(fmt::format("{}: message {} received twice", who, seq));
            return false;
        }
        _seen[seq] = true;
        ++_count;
        return true;
    }
    uint64_t count() const { return _count; }
    std::string missing(size_t max_listed = 5) const {
        std::string s;
        size_t listed = 0;
        for (size_t i = 0; i < _seen.size() && listed < max_listed; ++i)
            if (!_seen[i]) s += (listed++ ? ", " : "") + std::to_string(i);
        return s;
    }

private:
    std::vector<bool> _seen;
    uint64_t _count = 0;
};

// ---- produce -----------------------------------------------------------------------------

// Shared by the producing thread and the delivery-report thread (the one calling
// rd_kafka_poll()): counters are atomic; latencies are written once per sampled sequence number
// by the report thread and read after it has stopped.
struct delivery_state {
    // Latency is measured for every `sample_every`-th message (reading the clock twice per
    // message costs the producer a few percent at a million messages per second).
    delivery_state(uint64_t n, uint64_t sample_every)
        : total(n), sample_every(sample_every), latency_us((n + sample_every - 1) / sample_every) {}

    const uint64_t total;
    const uint64_t sample_every;
    std::vector<float> latency_us; // by sequence number / sample_every
    offset_checker offsets{0};     // set before producing; then the report thread's
    std::atomic<uint64_t> delivered{0};
    std::atomic<uint64_t> failed{0};
    std::atomic<int64_t> last_report_ns{0}; // when the last of `total` reports arrived
    problems issues;

    void count(std::atomic<uint64_t>& counter) {
        counter.fetch_add(1, std::memory_order_relaxed);
        if (delivered.load(std::memory_order_relaxed) + failed.load(std::memory_order_relaxed) ==
            total)
            last_report_ns.store(now_ns(), std::memory_order_relaxed);
    }
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* st = static_cast<delivery_state*>(opaque);
    if (m->len < header_bytes) {
        st->issues.add("delivery report without the message's payload");
        st->count(st->failed);
        return;
    }
    auto* p = static_cast<const unsigned char*>(m->payload);
    uint64_t seq = get_u64(p);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        st->issues.add(fmt::format("delivery of message {} to partition {} failed: {} ({})", seq,
                                   m->partition, rd_kafka_err2name(m->err),
                                   rd_kafka_err2str(m->err)));
        st->count(st->failed);
        return;
    }
    if (seq % st->sample_every == 0 && seq / st->sample_every < st->latency_us.size())
        st->latency_us[seq / st->sample_every] = static_cast<float>(
            static_cast<double>(now_ns() - static_cast<int64_t>(get_u64(p + 8))) / 1e3);
    st->offsets.check("delivery report", m->partition, m->offset, st->issues);
    st->count(st->delivered);
}

struct producer {
    kafka_handle rk;
    topic_handle topic;
    int partitions = 0;
};

producer make_producer(const options& opt, delivery_state* st, int linger_ms) {
    rd_kafka_conf_t* conf = base_conf(opt, "producer");
    set(conf, "acks", opt.acks == "all" ? "-1" : opt.acks);
    set(conf, "linger.ms", std::to_string(linger_ms));
    set(conf, "batch.size", std::to_string(opt.batch_bytes));
    set(conf, "compression.codec", "none");
    set(conf, "queue.buffering.max.messages", "2000000");
    set(conf, "queue.buffering.max.kbytes", std::to_string(2 * 1024 * 1024)); // 2 GiB
    if (opt.idempotent) {
        // librdkafka requires acks=all and retries for idempotence; a retry of a batch already
        // written is answered as a duplicate, so nothing is hidden or written twice.
        set(conf, "enable.idempotence", "true");
    } else {
        set(conf, "enable.idempotence", "false");
        // No retries: a failed request shows up as a delivery error instead of being hidden.
        set(conf, "message.send.max.retries", "0");
    }
    set(conf, "message.timeout.ms", std::to_string(static_cast<int>(opt.timeout * 1000) + 5000));
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, st);
    apply_extra(conf, opt);
    producer p;
    p.rk = make_client(RD_KAFKA_PRODUCER, conf);
    p.partitions = topic_partitions(p.rk.get(), opt);
    p.topic.reset(rd_kafka_topic_new(p.rk.get(), opt.topic.c_str(), nullptr));
    return p;
}

// Serves delivery reports on its own thread while the main thread produces.
class report_thread {
public:
    explicit report_thread(rd_kafka_t* rk)
        : _thread([this, rk] {
              while (!_stop.load(std::memory_order_relaxed))
                  rd_kafka_poll(rk, 50);
              rd_kafka_poll(rk, 0);
          }) {}
    ~report_thread() { stop(); }
    void stop() {
        _stop = true;
        if (_thread.joinable()) _thread.join();
    }

private:
    std::atomic<bool> _stop{false};
    std::thread _thread;
};

std::vector<unsigned char> make_payload(size_t size) {
    std::vector<unsigned char> v(size);
    for (size_t i = 0; i < size; ++i)
        v[i] = static_cast<unsigned char>('a' + (i * 7 + i / 26) % 26);
    return v;
}

// Hands message `seq` to librdkafka, waiting while its queue is full. Returns the send time
// written into the message, which is 0 unless seq is a multiple of `sample_every`.
int64_t produce_one(producer& p, std::vector<unsigned char>& payload, uint64_t seq,
                    int32_t partition, uint64_t sample_every) {
    while (true) {
        int64_t t = seq % sample_every == 0 ? now_ns() : 0;
        put_u64(payload.data(), seq);
        put_u64(payload.data() + 8, static_cast<uint64_t>(t));
        if (rd_kafka_produce(p.topic.get(), partition, RD_KAFKA_MSG_F_COPY, payload.data(),
                             payload.size(), nullptr, 0, nullptr) == 0)
            return t;
        auto err = rd_kafka_last_error();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            throw load_error(fmt::format("produce of message {}: {}", seq, rd_kafka_err2str(err)));
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
}

// Waits until every message is acknowledged or failed; a stall longer than --timeout fails.
void await_deliveries(producer& p, delivery_state& st, uint64_t n, const options& opt) {
    uint64_t last = 0;
    auto last_progress = load_clock::now();
    while (true) {
        uint64_t done = st.delivered.load() + st.failed.load();
        if (done >= n) break;
        if (done != last) {
            last = done;
            last_progress = load_clock::now();
        } else if (load_clock::now() - last_progress > std::chrono::duration<double>(opt.timeout)) {
            throw load_error(fmt::format(
                "{} of {} messages acknowledged, {} failed, then nothing for {} s ({} still in "
                "librdkafka's queue)",
                st.delivered.load(), n, st.failed.load(), opt.timeout,
                rd_kafka_outq_len(p.rk.get())));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

json run_produce(const options& opt) {
    if (opt.size < header_bytes)
        throw load_error(fmt::format("--size must be at least {}", header_bytes));
    constexpr uint64_t sample_every = 8;
    auto st = std::make_unique<delivery_state>(opt.messages, sample_every);
    auto p = make_producer(opt, st.get(), opt.linger_ms < 0 ? 5 : opt.linger_ms);
    st->offsets = offset_checker(p.partitions);
    auto payload = make_payload(opt.size);

    server_watch server(opt.server_pid);
    double cpu0 = self_cpu_seconds();
    report_thread reports(p.rk.get());
    int64_t start = now_ns();
    for (uint64_t seq = 0; seq < opt.messages; ++seq)
        produce_one(p, payload, seq,
                    static_cast<int32_t>(seq % static_cast<uint64_t>(p.partitions)), sample_every);
    int64_t enqueued = now_ns();
    await_deliveries(p, *st, opt.messages, opt);
    reports.stop();
    int64_t end = st->last_report_ns.load();
    double wall = static_cast<double>(end - start) / 1e9;
    server.stop(wall);
    double cpu = self_cpu_seconds() - cpu0;

    json out;
    out["partitions"] = p.partitions;
    out["acks"] = opt.acks;
    out["idempotent"] = opt.idempotent;
    out["linger_ms"] = opt.linger_ms < 0 ? 5 : opt.linger_ms;
    out["batch_size"] = opt.batch_bytes;
    out["seconds"] = std::round(wall * 1000) / 1000;
    out["enqueue_seconds"] = std::round(static_cast<double>(enqueued - start) / 1e6) / 1000;
    out["msgs_per_s"] = std::round(static_cast<double>(opt.messages) / wall);
    out["mb_per_s"] =
        std::round(static_cast<double>(opt.messages * opt.size) / 1e6 / wall * 10) / 10;
    out["delivered"] = st->delivered.load();
    out["failed"] = st->failed.load();
    if (st->issues.count() == 0)
        out["delivery_latency_us"] =
            distribution_us(std::vector<double>(st->latency_us.begin(), st->latency_us.end()));
    out["latency_sample_every"] = sample_every;
    out["tool"] = {{"cpu_seconds", std::round(cpu * 100) / 100},
                   {"peak_rss_mib", std::round(self_peak_rss_mib() * 10) / 10}};
    server.report(out);
    if (st->issues.count() > 0) throw load_error(st->issues.summary());
    return out;
}

// ---- consume -----------------------------------------------------------------------------

kafka_handle make_consumer(const options& opt, int* partitions, bool low_latency) {
    rd_kafka_conf_t* conf = base_conf(opt, "consumer");
    // assign() needs a group id in librdkafka; the group is never joined (no subscribe()) and
    // no offsets are committed.
    set(conf, "group.id", fmt::format("kafka_load-{}-{}", ::getpid(), now_ns()));
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.auto.offset.store", "false");
    set(conf, "auto.offset.reset", "earliest");
    set(conf, "enable.partition.eof", "false");
    if (low_latency) {
        set(conf, "fetch.wait.max.ms", "100");
        set(conf, "fetch.error.backoff.ms", "10");
    } else {
        set(conf, "queued.min.messages", "1000000");
    }
    apply_extra(conf, opt);
    auto rk = make_client(RD_KAFKA_CONSUMER, conf);
    rd_kafka_poll_set_consumer(rk.get());
    *partitions = topic_partitions(rk.get(), opt);
    std::unique_ptr<rd_kafka_topic_partition_list_t, partitions_deleter> list(
        rd_kafka_topic_partition_list_new(*partitions));
    for (int p = 0; p < *partitions; ++p)
        rd_kafka_topic_partition_list_add(list.get(), opt.topic.c_str(), p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    if (auto err = rd_kafka_assign(rk.get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw load_error(fmt::format("assign: {}", rd_kafka_err2str(err)));
    return rk;
}

// Checks one consumed message; returns its sequence number if it is a new, valid message.
std::optional<uint64_t> check_message(const rd_kafka_message_t* m, const options& opt,
                                      seen_set& seen, offset_checker& offsets, problems& out) {
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        out.add(fmt::format("consumer: {} (partition {}, offset {})", rd_kafka_message_errstr(m),
                            m->partition, m->offset));
        return std::nullopt;
    }
    offsets.check("consumer", m->partition, m->offset, out);
    if (m->len != opt.size) {
        out.add(fmt::format("consumer: message at partition {} offset {} has {} bytes, expected {}",
                            m->partition, m->offset, m->len, opt.size));
        return std::nullopt;
    }
    uint64_t seq = get_u64(static_cast<const unsigned char*>(m->payload));
    if (!seen.mark(seq, "consumer", out)) return std::nullopt;
    return seq;
}

json run_consume(const options& opt) {
    if (opt.size < header_bytes)
        throw load_error(fmt::format("--size must be at least {}", header_bytes));
    seen_set seen(opt.messages);
    problems issues;
    server_watch server(opt.server_pid);
    double cpu0 = self_cpu_seconds();
    int64_t start = now_ns();
    int64_t first = 0; // when the first message arrived
    int partitions = 0;
    auto rk = make_consumer(opt, &partitions, false);
    offset_checker offsets(partitions);
    std::unique_ptr<rd_kafka_queue_t, void (*)(rd_kafka_queue_t*)> queue(
        rd_kafka_queue_get_consumer(rk.get()), rd_kafka_queue_destroy);

    std::vector<rd_kafka_message_t*> batch(10'000);
    uint64_t bytes = 0;
    auto last_progress = load_clock::now();
    while (seen.count() < opt.messages && issues.count() == 0) {
        size_t want =
            static_cast<size_t>(std::min<uint64_t>(batch.size(), opt.messages - seen.count()));
        ssize_t n = rd_kafka_consume_batch_queue(queue.get(), 200, batch.data(), want);
        if (n < 0)
            throw load_error(fmt::format("consume: {}", rd_kafka_err2str(rd_kafka_last_error())));
        for (ssize_t i = 0; i < n; ++i) {
            if (check_message(batch[static_cast<size_t>(i)], opt, seen, offsets, issues))
                bytes += batch[static_cast<size_t>(i)]->len;
            rd_kafka_message_destroy(batch[static_cast<size_t>(i)]);
        }
        if (n > 0) {
            last_progress = load_clock::now();
            if (first == 0) first = now_ns();
        } else if (load_clock::now() - last_progress > std::chrono::duration<double>(opt.timeout)) {
            throw load_error(fmt::format("received {} of {} messages, then nothing for {} s; "
                                         "missing e.g. {}",
                                         seen.count(), opt.messages, opt.timeout, seen.missing()));
        }
        if (g_client_errors.any()) break;
    }
    int64_t end = now_ns();
    // The rate runs from the first message: before it, librdkafka's consumer spends from a
    // millisecond to half a second (its group coordinator lookup, not the broker's answers)
    // starting up, which is reported apart.
    double wall = static_cast<double>(end - (first ? first : start)) / 1e9;
    server.stop(wall);
    double cpu = self_cpu_seconds() - cpu0;
    rd_kafka_consumer_close(rk.get());
    if (issues.count() > 0) throw load_error(issues.summary());

    json out;
    out["partitions"] = partitions;
    out["seconds"] = std::round(wall * 1000) / 1000;
    out["startup_ms"] = std::round(static_cast<double>((first ? first : end) - start) / 1e5) / 10;
    out["msgs_per_s"] = std::round(static_cast<double>(seen.count()) / wall);
    out["mb_per_s"] = std::round(static_cast<double>(bytes) / 1e6 / wall * 10) / 10;
    out["received"] = seen.count();
    out["tool"] = {{"cpu_seconds", std::round(cpu * 100) / 100},
                   {"peak_rss_mib", std::round(self_peak_rss_mib() * 10) / 10}};
    server.report(out);
    return out;
}

// ---- latency -----------------------------------------------------------------------------

json run_latency(const options& opt) {
    if (opt.size < header_bytes)
        throw load_error(fmt::format("--size must be at least {}", header_bytes));
    if (opt.rate <= 0) throw load_error("--rate must be positive");
    auto warm_count = static_cast<uint64_t>(opt.rate * opt.warmup);
    auto total = warm_count + static_cast<uint64_t>(opt.rate * opt.seconds);
    options copt = opt;
    copt.messages = total;

    auto st = std::make_unique<delivery_state>(total, 1);
    auto p = make_producer(opt, st.get(), opt.linger_ms < 0 ? 0 : opt.linger_ms);
    st->offsets = offset_checker(p.partitions);
    int partitions = 0;
    auto consumer = make_consumer(copt, &partitions, true);

    // The consumer thread: checks every message and records the latency of measured ones.
    seen_set seen(total);
    offset_checker offsets(partitions);
    problems issues;
    std::vector<double> latency_us;
    latency_us.reserve(total);
    std::atomic<uint64_t> received{0};
    std::atomic<bool> stop{false};
    std::thread reader([&] {
        while (!stop.load(std::memory_order_relaxed)) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 50);
            if (!m) continue;
            int64_t now = now_ns();
            if (auto seq = check_message(m, copt, seen, offsets, issues)) {
                auto sent = static_cast<int64_t>(
                    get_u64(static_cast<const unsigned char*>(m->payload) + 8));
                if (*seq >= warm_count) latency_us.push_back(static_cast<double>(now - sent) / 1e3);
                received.fetch_add(1, std::memory_order_relaxed);
            }
            rd_kafka_message_destroy(m);
        }
    });

    auto payload = make_payload(opt.size);
    std::vector<double> behind_us; // how late each measured send was against the schedule
    behind_us.reserve(total);
    report_thread reports(p.rk.get());
    auto t0 = load_clock::now() + std::chrono::milliseconds(50);
    std::optional<server_watch> server;
    double cpu0 = 0;
    load_clock::time_point measure_start;
    try {
        for (uint64_t seq = 0; seq < total; ++seq) {
            auto due = t0 + std::chrono::duration_cast<load_clock::duration>(
                                std::chrono::duration<double>(static_cast<double>(seq) / opt.rate));
            if (load_clock::now() < due) std::this_thread::sleep_until(due);
            if (seq == warm_count) {
                server.emplace(opt.server_pid);
                cpu0 = self_cpu_seconds();
                measure_start = load_clock::now();
            }
            int64_t sent =
                produce_one(p, payload, seq,
                            static_cast<int32_t>(seq % static_cast<uint64_t>(p.partitions)), 1);
            if (seq >= warm_count)
                behind_us.push_back(
                    static_cast<double>(sent - std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   due.time_since_epoch())
                                                   .count()) /
                    1e3);
            if (issues.count() > 0 || st->issues.count() > 0) break;
        }
        if (issues.count() == 0 && st->issues.count() == 0) await_deliveries(p, *st, total, opt);
        // Then every acknowledged message must arrive at the consumer.
        auto deadline = load_clock::now() + std::chrono::duration<double>(opt.timeout);
        while (received.load() < st->delivered.load() && issues.count() == 0 &&
               load_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } catch (...) {
        stop = true;
        reader.join();
        throw;
    }
    double wall = std::chrono::duration<double>(load_clock::now() - measure_start).count();
    stop = true;
    reader.join();
    reports.stop();
    if (server) server->stop(wall);
    double cpu = self_cpu_seconds() - cpu0;
    rd_kafka_consumer_close(consumer.get());
    if (st->issues.count() > 0) throw load_error(st->issues.summary());
    if (issues.count() > 0) throw load_error(issues.summary());
    if (received.load() < total)
        throw load_error(fmt::format("{} messages acknowledged but only {} consumed within {} s; "
                                     "missing e.g. {}",
                                     st->delivered.load(), received.load(), opt.timeout,
                                     seen.missing()));

    json out;
    out["partitions"] = p.partitions;
    out["acks"] = opt.acks;
    out["linger_ms"] = opt.linger_ms < 0 ? 0 : opt.linger_ms;
    out["rate"] = opt.rate;
    out["warmup_seconds"] = opt.warmup;
    out["seconds"] = opt.seconds;
    out["measured"] = latency_us.size();
    out["latency_us"] = distribution_us(latency_us);
    std::vector<double> dr;
    for (uint64_t s = warm_count; s < total; ++s)
        dr.push_back(st->latency_us[s]);
    out["delivery_latency_us"] = distribution_us(dr);
    out["send_behind_schedule_us"] = distribution_us(behind_us);
    out["tool"] = {{"cpu_seconds", std::round(cpu * 100) / 100},
                   {"peak_rss_mib", std::round(self_peak_rss_mib() * 10) / 10}};
    if (server) server->report(out);
    return out;
}

std::string human_line(const json& r) {
    const auto& mode = r["mode"].get_ref<const std::string&>();
    std::string s;
    if (mode == "produce") {
        const auto& d = r["delivery_latency_us"];
        s = fmt::format(
            "produce {} x {} B acks={}{} to {} partitions: {:.0f} msgs/s, {:.1f} MB/s "
            "in {:.2f} s; delivery latency p50 {} us, p99 {} us, p99.9 {} us",
            r["messages"].get<uint64_t>(), r["size"].get<size_t>(), r["acks"].get<std::string>(),
            r.value("idempotent", false) ? " idempotent" : "", r["partitions"].get<int>(),
            r["msgs_per_s"].get<double>(), r["mb_per_s"].get<double>(), r["seconds"].get<double>(),
            d["p50"].dump(), d["p99"].dump(), d["p999"].dump());
    } else if (mode == "consume") {
        s = fmt::format("consume {} x {} B from {} partitions: {:.0f} msgs/s, {:.1f} MB/s in "
                        "{:.2f} s",
                        r["messages"].get<uint64_t>(), r["size"].get<size_t>(),
                        r["partitions"].get<int>(), r["msgs_per_s"].get<double>(),
                        r["mb_per_s"].get<double>(), r["seconds"].get<double>());
    } else {
        const auto& l = r["latency_us"];
        s = fmt::format("latency at {:.0f} msgs/s acks={} ({} measured after {} s warm-up): "
                        "produce->consume p50 {} us, p99 {} us, p99.9 {} us, max {} us",
                        r["rate"].get<double>(), r["acks"].get<std::string>(),
                        r["measured"].get<size_t>(), r["warmup_seconds"].get<double>(),
                        l["p50"].dump(), l["p99"].dump(), l["p999"].dump(), l["max"].dump());
    }
    s += fmt::format("; tool peak RSS {} MiB", r["tool"]["peak_rss_mib"].dump());
    if (r.contains("server"))
        s += fmt::format(", server peak RSS {} MiB, server CPU {} cores busy",
                         r["server"]["peak_rss_mib"].dump(), r["server"]["cpu_cores_busy"].dump());
    return s;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    CLI::App app{"kafka_load: Kafka load generator for bench/kafka_bench (librdkafka)"};
    app.require_subcommand(1);
    auto common = [&](CLI::App* c) {
        c->add_option("--brokers", opt.brokers, "bootstrap.servers")->capture_default_str();
        c->add_option("--topic", opt.topic, "topic (auto-created by the producer)")->required();
        c->add_option("--partitions", opt.partitions,
                      "expected partition count of the topic (0: accept any)")
            ->capture_default_str();
        c->add_option("--size", opt.size, "value size in bytes (>= 16)")->capture_default_str();
        c->add_option("--timeout", opt.timeout, "seconds without progress that fail the run")
            ->capture_default_str();
        c->add_option("--server-pid", opt.server_pid,
                      "pid of the spate server, for its peak RSS and CPU time");
        c->add_option("--set", opt.extra, "extra librdkafka setting key=value (repeatable)");
    };
    auto* produce = app.add_subcommand("produce", "produce N messages as fast as possible");
    common(produce);
    produce->add_option("--messages", opt.messages, "N")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    produce->add_option("--acks", opt.acks, "1 or all")
        ->check(CLI::IsMember({"0", "1", "all", "-1"}))
        ->capture_default_str();
    produce->add_option("--linger-ms", opt.linger_ms, "linger.ms (default 5)");
    produce->add_option("--batch-size", opt.batch_bytes, "batch.size")->capture_default_str();
    produce->add_flag("--idempotent", opt.idempotent,
                      "enable.idempotence=true (producer id, sequences; implies --acks all)");

    auto* consume = app.add_subcommand("consume", "read N messages from the start");
    common(consume);
    consume->add_option("--messages", opt.messages, "N (the topic's message count)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();

    auto* latency = app.add_subcommand("latency", "produce at a fixed rate, consume, time it");
    common(latency);
    latency->add_option("--rate", opt.rate, "messages per second")->capture_default_str();
    latency->add_option("--seconds", opt.seconds, "measured seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    latency->add_option("--warmup", opt.warmup, "unmeasured seconds first")->capture_default_str();
    latency->add_option("--acks", opt.acks, "1 or all")
        ->check(CLI::IsMember({"1", "all", "-1"}))
        ->capture_default_str();
    latency->add_option("--linger-ms", opt.linger_ms, "linger.ms (default 0)");
    CLI11_PARSE(app, argc, argv);
    opt.mode = app.get_subcommands().front()->get_name();
    if (opt.acks == "-1" || opt.idempotent) opt.acks = "all";

    json result;
    try {
        if (opt.mode == "produce")
            result = run_produce(opt);
        else if (opt.mode == "consume")
            result = run_consume(opt);
        else
            result = run_latency(opt);
        auto errors = g_client_errors.list();
        if (!errors.empty())
            throw load_error(
                fmt::format("{} client error(s), first: {}", errors.size(), errors.front()));
    } catch (const load_error& e) {
        json fail = {{"mode", opt.mode}, {"topic", opt.topic}, {"ok", false}, {"error", e.what()}};
        std::printf("%s\n", fail.dump().c_str());
        std::fprintf(stderr, "kafka_load: %s: FAILED: %s\n", opt.mode.c_str(), e.what());
        return 2;
    }
    result["mode"] = opt.mode;
    result["topic"] = opt.topic;
    result["ok"] = true;
    if (opt.mode != "latency") result["messages"] = opt.messages;
    result["size"] = opt.size;
    std::printf("%s\n# %s\n", result.dump().c_str(), human_line(result).c_str());
    return 0;
}
