// group_bench: the consumer-group benchmark (bench/group_bench_run), a Kafka client built on
// librdkafka's C API. One mode per run:
//
//   rebalance  N consumers (default 10) subscribe to one topic in a new group. Four phases, each
//              ending when the live consumers hold a stable assignment: every live consumer holds
//              some partitions, no closed one holds any, and together they hold every partition
//              of the topic exactly once (as reported by their rebalance callbacks):
//                join burst   the N consumers subscribe one after another without waiting;
//                             time from the first subscribe to the stable assignment of N;
//                leave steps  consumers close one at a time, each after the previous rebalance
//                             settled: the time of each step, close() to stable;
//                join steps   consumers subscribe one at a time, each after the previous
//                             rebalance settled: the time of each step;
//                leave burst  N-1 consumers close one after another (each close() returns
//                             before the next starts): time from the first close() until the
//                             last consumer holds every partition.
//   commit     K consumers commit offsets synchronously (rd_kafka_commit, async=0), each in its
//              own thread, one partition per commit, the offset one higher each time. By default
//              the K consumers are members of one group (subscribe, commit with the generation);
//              with --separate-groups each is alone in a group of its own without membership
//              (generation -1, as after assign()). Reports commits/s and commit latency.
//   produce    K producers, each in its own thread, send one 100 B record with acks=all and wait
//              for its delivery report before sending the next (the reference for commit).
//   fsync      the disk's own rate: write S bytes (default 100) at the end of a new file, then
//              fdatasync(), in a loop. Reports fsyncs/s and the latency of one write + sync.
//
// Output: one JSON line on stdout (the results), then one human-readable line starting with "#".
// A failed commit or delivery, a client error, or a phase that does not settle within
// --timeout ends the run with exit status 2 and a JSON line with "ok": false; a bad command line
// exits with 1. With --server-pid, the server's peak RSS (VmHWM, reset at the start of the
// measured part) and its CPU time are included. Not a test; run by bench/group_bench_run.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "process_stats.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using bench_clock = std::chrono::steady_clock;

struct options {
    std::string mode;
    std::string brokers = "127.0.0.1:9092";
    std::string topic;
    std::string group = "group-bench";
    int consumers = 10; // rebalance and commit
    int producers = 1;  // produce
    bool separate_groups = false;
    int heartbeat_ms = 100;
    int session_ms = 6000;
    int max_poll_ms = 30000; // max.poll.interval.ms, which is the JoinGroup rebalance timeout
    double seconds = 2;
    double warmup = 0.5;
    double timeout = 60;
    size_t size = 100;
    std::string dir = "/var/tmp";
    int server_pid = 0;
    std::vector<std::string> extra; // --set key=value, applied last
};

// A failed run: the message says what went wrong and where.
struct bench_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

double seconds_between(bench_clock::time_point a, bench_clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

double ms_between(bench_clock::time_point a, bench_clock::time_point b) {
    return std::round(seconds_between(a, b) * 1e5) / 100; // ms, two decimals
}

// Nearest-rank percentile of sorted values, in the values' unit.
double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return NAN;
    auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    rank = std::clamp<size_t>(rank, 1, sorted.size());
    return sorted[rank - 1];
}

json distribution(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto r = [](double x) { return std::isnan(x) ? json(nullptr) : json(std::round(x * 10) / 10); };
    return {{"samples", v.size()},
            {"p50", r(percentile(v, 50))},
            {"p99", r(percentile(v, 99))},
            {"max", r(v.empty() ? NAN : v.back())}};
}

// ---- the processes' resources (bench/process_stats.h) ---------------------------------

// The server's peak RSS since construction (VmHWM reset through clear_refs) and the CPU time it
// spent between construction and stop(). Used by the main thread only.
class server_watch {
public:
    explicit server_watch(int pid) : _pid(pid) {
        if (_pid <= 0) return;
        if (!fs::exists(fmt::format("/proc/{}/status", _pid)))
            throw bench_error(fmt::format("--server-pid {}: no such process", _pid));
        std::ofstream reset(fmt::format("/proc/{}/clear_refs", _pid));
        reset << "5";
        reset.flush();
        _hwm_reset = static_cast<bool>(reset);
        _cpu_start = proc_cpu_seconds(_pid);
    }

    void stop(double wall_seconds) {
        if (_pid <= 0) return;
        _cpu = proc_cpu_seconds(_pid) - _cpu_start;
        _wall = wall_seconds;
    }

    void report(json& out) const {
        if (_pid <= 0) return;
        out["server"] = {
            {"pid", _pid},
            {"peak_rss_mib",
             std::round(static_cast<double>(status_kib(_pid, "VmHWM")) / 102.4) / 10},
            {"peak_rss_since", _hwm_reset ? "run start" : "server start (clear_refs failed)"},
            {"cpu_seconds", std::round(_cpu * 100) / 100},
            {"cpu_cores_busy", _wall > 0 ? std::round(_cpu / _wall * 100) / 100 : 0.0}};
    }

private:
    int _pid;
    bool _hwm_reset = false;
    double _cpu_start = 0, _cpu = 0, _wall = 0;
};

// ---- librdkafka --------------------------------------------------------------------------

struct kafka_deleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using kafka_handle = std::unique_ptr<rd_kafka_t, kafka_deleter>;

struct partitions_deleter {
    void operator()(rd_kafka_topic_partition_list_t* l) const {
        rd_kafka_topic_partition_list_destroy(l);
    }
};
using partition_list = std::unique_ptr<rd_kafka_topic_partition_list_t, partitions_deleter>;

// Errors librdkafka reports outside a request (error_cb), from any librdkafka thread. A run with
// any of them fails.
class client_errors {
public:
    void add(rd_kafka_t* rk, int err, const char* reason) {
        std::lock_guard lock(_mu);
        _list.push_back(fmt::format("{}: {} ({})", rd_kafka_name(rk),
                                    rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)),
                                    reason));
        std::fprintf(stderr, "group_bench: client error: %s\n", _list.back().c_str());
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
        throw bench_error(fmt::format("librdkafka config {}={}: {}", key, value, err));
}

rd_kafka_conf_t* base_conf(const options& opt, const std::string& name) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", opt.brokers);
    set(conf, "client.id", fmt::format("group_bench-{}-{}", name, ::getpid()));
    set(conf, "socket.nagle.disable", "true");
    rd_kafka_conf_set_error_cb(conf, on_error);
    return conf;
}

void apply_extra(rd_kafka_conf_t* conf, const options& opt) {
    for (const auto& kv : opt.extra) {
        auto eq = kv.find('=');
        if (eq == std::string::npos) throw bench_error("--set expects key=value, got " + kv);
        set(conf, kv.substr(0, eq), kv.substr(eq + 1));
    }
}

kafka_handle make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        throw bench_error(fmt::format("rd_kafka_new: {}", err));
    }
    return kafka_handle(rk);
}

// The topic's partition count from a Metadata request through a producer (which lets the server
// auto-create the topic), waiting until every partition has a leader.
int topic_partitions(const options& opt) {
    auto rk = make_client(RD_KAFKA_PRODUCER, base_conf(opt, "metadata"));
    std::unique_ptr<rd_kafka_topic_t, void (*)(rd_kafka_topic_t*)> t(
        rd_kafka_topic_new(rk.get(), opt.topic.c_str(), nullptr), rd_kafka_topic_destroy);
    auto deadline = bench_clock::now() + std::chrono::duration<double>(opt.timeout);
    std::string last = "no answer";
    while (bench_clock::now() < deadline) {
        const rd_kafka_metadata_t* md = nullptr;
        auto err = rd_kafka_metadata(rk.get(), 0, t.get(), &md, 5000);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            last = rd_kafka_err2str(err);
        } else {
            int count = -1;
            bool leaders = true;
            for (int i = 0; i < md->topic_cnt; ++i) {
                const auto& tm = md->topics[i];
                if (opt.topic != tm.topic || tm.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
                count = tm.partition_cnt;
                for (int p = 0; p < tm.partition_cnt; ++p)
                    leaders = leaders && tm.partitions[p].leader >= 0;
            }
            rd_kafka_metadata_destroy(md);
            if (count > 0 && leaders) return count;
            last = "topic not in the metadata, or a partition without a leader";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw bench_error(
        fmt::format("metadata for topic {}: {} after {} s", opt.topic, last, opt.timeout));
}

rd_kafka_conf_t* consumer_conf(const options& opt, const std::string& group,
                               const std::string& name) {
    rd_kafka_conf_t* conf = base_conf(opt, name);
    set(conf, "group.id", group);
    set(conf, "enable.auto.commit", "false");
    set(conf, "auto.offset.reset", "earliest");
    set(conf, "heartbeat.interval.ms", std::to_string(opt.heartbeat_ms));
    set(conf, "session.timeout.ms", std::to_string(opt.session_ms));
    set(conf, "max.poll.interval.ms", std::to_string(opt.max_poll_ms));
    return conf;
}

// ---- rebalance ---------------------------------------------------------------------------

// The assignment every consumer holds, as its rebalance callback reports it, and whether the
// live consumers together hold a stable assignment. Written from the consumers' threads (inside
// rd_kafka_consumer_poll() or rd_kafka_consumer_close()), read by the main thread.
class assignment_tracker {
public:
    assignment_tracker(int consumers, int partitions)
        : _held(static_cast<size_t>(consumers)), _live(static_cast<size_t>(consumers), false),
          _partitions(partitions) {}

    void set_live(int i, bool live) {
        std::lock_guard lock(_mu);
        _live[static_cast<size_t>(i)] = live;
        update();
    }

    void set_held(int i, std::vector<int32_t> parts, bool assign) {
        std::lock_guard lock(_mu);
        _held[static_cast<size_t>(i)] = std::move(parts);
        ++(assign ? _assigns : _revokes);
        update();
    }

    // Waits until `live` consumers hold a stable assignment that was reached after `since`;
    // returns when it was reached. Throws after `timeout`.
    bench_clock::time_point wait_stable(int live, bench_clock::time_point since, double timeout) {
        std::unique_lock lock(_mu);
        auto deadline = since + std::chrono::duration_cast<bench_clock::duration>(
                                    std::chrono::duration<double>(timeout));
        bool ok = _cv.wait_until(
            lock, deadline, [&] { return _stable && _stable_live == live && _stable_at >= since; });
        if (!ok)
            throw bench_error(fmt::format("no stable assignment of {} partitions to {} consumers "
                                          "within {} s; now: {}",
                                          _partitions, live, timeout, describe()));
        return _stable_at;
    }

    std::pair<int, int> callbacks() const {
        std::lock_guard lock(_mu);
        return {_assigns, _revokes};
    }

private:
    // Called with _mu held after every change.
    void update() {
        std::vector<int> owners(static_cast<size_t>(_partitions), 0);
        bool stable = true;
        int live = 0;
        for (size_t i = 0; i < _held.size(); ++i) {
            if (_live[i]) {
                ++live;
                if (_held[i].empty()) stable = false;
            } else if (!_held[i].empty()) {
                stable = false;
            }
            for (int32_t p : _held[i]) {
                if (p < 0 || p >= _partitions)
                    stable = false;
                else
                    ++owners[static_cast<size_t>(p)];
            }
        }
        for (int n : owners)
            if (n != 1) stable = false;
        if (stable && (!_stable || _stable_live != live)) _stable_at = bench_clock::now();
        _stable = stable && live > 0;
        _stable_live = live;
        _cv.notify_all();
    }

    std::string describe() const {
        std::string s;
        for (size_t i = 0; i < _held.size(); ++i)
            if (_live[i] || !_held[i].empty())
                s += fmt::format("{}consumer {}{}: {} partitions", s.empty() ? "" : ", ", i,
                                 _live[i] ? "" : " (closed)", _held[i].size());
        return s.empty() ? "no consumer holds partitions" : s;
    }

    mutable std::mutex _mu;
    std::condition_variable _cv;
    std::vector<std::vector<int32_t>> _held;
    std::vector<bool> _live;
    int _partitions;
    bool _stable = false;
    int _stable_live = 0;
    bench_clock::time_point _stable_at{};
    int _assigns = 0, _revokes = 0;
};

// One group member: a librdkafka consumer polled by its own thread, which also closes it.
class member {
public:
    member(const options& opt, int index, assignment_tracker& tracker)
        : _index(index), _tracker(tracker) {
        rd_kafka_conf_t* conf = consumer_conf(opt, opt.group, fmt::format("c{}", index));
        rd_kafka_conf_set_rebalance_cb(conf, &member::on_rebalance);
        rd_kafka_conf_set_opaque(conf, this);
        apply_extra(conf, opt);
        _rk = make_client(RD_KAFKA_CONSUMER, conf);
        rd_kafka_poll_set_consumer(_rk.get());
        _topics.reset(rd_kafka_topic_partition_list_new(1));
        rd_kafka_topic_partition_list_add(_topics.get(), opt.topic.c_str(), RD_KAFKA_PARTITION_UA);
    }

    ~member() {
        if (_thread.joinable()) close();
    }

    // Subscribes and starts polling.
    void start() {
        _tracker.set_live(_index, true);
        if (auto err = rd_kafka_subscribe(_rk.get(), _topics.get()); err)
            throw bench_error(fmt::format("subscribe: {}", rd_kafka_err2str(err)));
        _thread = std::thread([this] { poll_loop(); });
    }

    // Leaves the group: rd_kafka_consumer_close() (revoke, LeaveGroup) on the member's thread;
    // returns when it is done.
    void close() {
        _tracker.set_live(_index, false);
        _stop = true;
        _thread.join();
    }

private:
    void poll_loop() {
        while (!_stop.load(std::memory_order_relaxed)) {
            if (rd_kafka_message_t* m = rd_kafka_consumer_poll(_rk.get(), 5)) {
                if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                    std::fprintf(stderr, "group_bench: consumer %d: %s\n", _index,
                                 rd_kafka_message_errstr(m));
                rd_kafka_message_destroy(m);
            }
        }
        rd_kafka_consumer_close(_rk.get());
        _tracker.set_held(_index, {}, false);
    }

    static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t* parts, void* opaque) {
        auto* self = static_cast<member*>(opaque);
        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
            std::vector<int32_t> held;
            for (int i = 0; i < parts->cnt; ++i)
                held.push_back(parts->elems[i].partition);
            rd_kafka_assign(rk, parts);
            self->_tracker.set_held(self->_index, std::move(held), true);
        } else {
            rd_kafka_assign(rk, nullptr);
            self->_tracker.set_held(self->_index, {}, false);
        }
    }

    int _index;
    assignment_tracker& _tracker;
    kafka_handle _rk;
    partition_list _topics;
    std::thread _thread;
    std::atomic<bool> _stop{false};
};

json step_summary(const std::vector<double>& ms) {
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    double total = 0;
    for (double v : ms)
        total += v;
    return {{"steps_ms", ms},
            {"total_ms", std::round(total * 100) / 100},
            {"median_ms", s.empty() ? json(nullptr) : json(s[(s.size() - 1) / 2])},
            {"max_ms", s.empty() ? json(nullptr) : json(s.back())}};
}

json run_rebalance(const options& opt) {
    const int n = opt.consumers;
    if (n < 2) throw bench_error("--consumers must be at least 2");
    const int partitions = topic_partitions(opt);
    if (partitions < n)
        throw bench_error(fmt::format("topic {} has {} partitions, fewer than the {} consumers",
                                      opt.topic, partitions, n));
    assignment_tracker tracker(n, partitions);
    std::vector<std::unique_ptr<member>> members;
    auto fresh = [&](int i) {
        members[static_cast<size_t>(i)] = std::make_unique<member>(opt, i, tracker);
    };
    members.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        fresh(i);

    server_watch server(opt.server_pid);
    double cpu0 = self_cpu_seconds();
    auto run_start = bench_clock::now();
    json out;
    out["partitions"] = partitions;
    out["consumers"] = n;

    // Join burst: all N subscribe back to back.
    auto t0 = bench_clock::now();
    for (auto& m : members)
        m->start();
    auto stable = tracker.wait_stable(n, t0, opt.timeout);
    out["join_burst_ms"] = ms_between(t0, stable);
    auto [a1, r1] = tracker.callbacks();

    // Leave steps: close consumers n-1 .. 1 one at a time, waiting for each rebalance.
    std::vector<double> leave_steps;
    for (int i = n - 1; i >= 1; --i) {
        auto t = bench_clock::now();
        members[static_cast<size_t>(i)]->close();
        leave_steps.push_back(ms_between(t, tracker.wait_stable(i, t, opt.timeout)));
    }
    out["leave_steps"] = step_summary(leave_steps);

    // Join steps: new consumers 1 .. n-1 subscribe one at a time.
    std::vector<double> join_steps;
    for (int i = 1; i < n; ++i) {
        fresh(i);
        auto t = bench_clock::now();
        members[static_cast<size_t>(i)]->start();
        join_steps.push_back(ms_between(t, tracker.wait_stable(i + 1, t, opt.timeout)));
    }
    out["join_steps"] = step_summary(join_steps);

    // Leave burst: consumers 0 .. n-2 close back to back; consumer n-1 ends with everything.
    t0 = bench_clock::now();
    for (int i = 0; i < n - 1; ++i)
        members[static_cast<size_t>(i)]->close();
    auto closed = bench_clock::now();
    stable = tracker.wait_stable(1, t0, opt.timeout);
    out["leave_burst_ms"] = ms_between(t0, stable);
    out["leave_burst_closes_ms"] = ms_between(t0, closed);

    double wall = seconds_between(run_start, bench_clock::now());
    server.stop(wall);
    double cpu = self_cpu_seconds() - cpu0;
    members[static_cast<size_t>(n - 1)]->close();
    auto [assigns, revokes] = tracker.callbacks();
    out["join_burst_callbacks"] = {{"assign", a1}, {"revoke", r1}};
    out["callbacks"] = {{"assign", assigns}, {"revoke", revokes}};
    out["heartbeat_interval_ms"] = opt.heartbeat_ms;
    out["session_timeout_ms"] = opt.session_ms;
    out["seconds"] = std::round(wall * 1000) / 1000;
    out["tool"] = {{"cpu_seconds", std::round(cpu * 100) / 100}};
    server.report(out);
    return out;
}

// ---- commit and produce ------------------------------------------------------------------

// What one load thread measured: operations that completed inside the measured window and their
// latencies (µs), and the first error.
struct thread_result {
    std::vector<double> latency_us;
    uint64_t ops = 0;
    std::string error;
};

// Runs `threads` workers, each calling op() (one synchronous operation; returns an error text or
// "") until the window ends, and fills `out` with the totals. Window: warm-up, then measured.
template <typename Op>
void run_window(const options& opt, std::vector<Op>& ops, json& out) {
    const auto threads = ops.size();
    std::vector<thread_result> results(threads);
    std::optional<server_watch> server;
    auto start = bench_clock::now() + std::chrono::milliseconds(20);
    auto measure_from = start + std::chrono::duration_cast<bench_clock::duration>(
                                    std::chrono::duration<double>(opt.warmup));
    auto measure_to = measure_from + std::chrono::duration_cast<bench_clock::duration>(
                                         std::chrono::duration<double>(opt.seconds));
    std::vector<std::thread> workers;
    for (size_t t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            auto& r = results[t];
            r.latency_us.reserve(1 << 16);
            std::this_thread::sleep_until(start);
            for (;;) {
                auto a = bench_clock::now();
                if (a >= measure_to) break;
                std::string err = ops[t]();
                auto b = bench_clock::now();
                if (!err.empty()) {
                    r.error = std::move(err);
                    break;
                }
                if (a >= measure_from && b <= measure_to) {
                    ++r.ops;
                    r.latency_us.push_back(
                        std::chrono::duration<double, std::micro>(b - a).count());
                }
            }
        });
    }
    std::this_thread::sleep_until(measure_from);
    server.emplace(opt.server_pid);
    double cpu0 = self_cpu_seconds();
    std::this_thread::sleep_until(measure_to);
    server->stop(opt.seconds);
    double cpu = self_cpu_seconds() - cpu0;
    for (auto& w : workers)
        w.join();
    std::vector<double> all;
    uint64_t total = 0;
    for (auto& r : results) {
        if (!r.error.empty()) throw bench_error(r.error);
        total += r.ops;
        all.insert(all.end(), r.latency_us.begin(), r.latency_us.end());
    }
    out["threads"] = threads;
    out["seconds"] = opt.seconds;
    out["warmup_seconds"] = opt.warmup;
    out["ops"] = total;
    out["ops_per_s"] = std::round(static_cast<double>(total) / opt.seconds);
    out["latency_us"] = distribution(std::move(all));
    out["tool"] = {{"cpu_seconds", std::round(cpu * 100) / 100}};
    server->report(out);
}

// Separate groups: each consumer is alone in its own group and never subscribes, so it commits
// with generation -1 and no member id, as a consumer using assign() does.
json run_commit_separate(const options& opt) {
    const int k = opt.consumers;
    if (k < 1) throw bench_error("--consumers must be at least 1");
    const int partitions = topic_partitions(opt);
    json out;
    out["partitions"] = partitions;
    out["groups"] = "one each, no membership";
    std::vector<kafka_handle> handles;
    std::vector<int32_t> partition_of;
    for (int i = 0; i < k; ++i) {
        rd_kafka_conf_t* conf =
            consumer_conf(opt, fmt::format("{}-{}", opt.group, i), fmt::format("c{}", i));
        apply_extra(conf, opt);
        handles.push_back(make_client(RD_KAFKA_CONSUMER, conf));
        rd_kafka_poll_set_consumer(handles.back().get());
        partition_of.push_back(i % partitions);
    }

    std::vector<int64_t> next_offset(static_cast<size_t>(k), 0);
    std::vector<std::function<std::string()>> ops;
    for (int i = 0; i < k; ++i) {
        ops.emplace_back([&, i] {
            auto idx = static_cast<size_t>(i);
            partition_list list(rd_kafka_topic_partition_list_new(1));
            rd_kafka_topic_partition_list_add(list.get(), opt.topic.c_str(), partition_of[idx])
                ->offset = ++next_offset[idx];
            auto err = rd_kafka_commit(handles[idx].get(), list.get(), 0);
            if (err) return fmt::format("commit: {}", rd_kafka_err2str(err));
            if (list->elems[0].err)
                return fmt::format("commit of partition {}: {}", partition_of[idx],
                                   rd_kafka_err2str(list->elems[0].err));
            return std::string();
        });
    }
    run_window(opt, ops, out);
    for (auto& h : handles)
        rd_kafka_consumer_close(h.get());
    return out;
}

// The shared-group case: members subscribe (their own threads poll them and serve rebalances),
// and once the group is stable the load threads commit through the members' handles.
class committing_member {
public:
    committing_member(const options& opt, int index, assignment_tracker& tracker)
        : _index(index), _tracker(tracker) {
        rd_kafka_conf_t* conf = consumer_conf(opt, opt.group, fmt::format("c{}", index));
        rd_kafka_conf_set_rebalance_cb(conf, &committing_member::on_rebalance);
        rd_kafka_conf_set_opaque(conf, this);
        apply_extra(conf, opt);
        _rk = make_client(RD_KAFKA_CONSUMER, conf);
        rd_kafka_poll_set_consumer(_rk.get());
        partition_list topics(rd_kafka_topic_partition_list_new(1));
        rd_kafka_topic_partition_list_add(topics.get(), opt.topic.c_str(), RD_KAFKA_PARTITION_UA);
        _tracker.set_live(_index, true);
        if (auto err = rd_kafka_subscribe(_rk.get(), topics.get()); err)
            throw bench_error(fmt::format("subscribe: {}", rd_kafka_err2str(err)));
        _thread = std::thread([this] {
            while (!_stop.load(std::memory_order_relaxed))
                if (rd_kafka_message_t* m = rd_kafka_consumer_poll(_rk.get(), 20))
                    rd_kafka_message_destroy(m);
        });
    }
    ~committing_member() {
        _stop = true;
        _thread.join();
        rd_kafka_consumer_close(_rk.get());
    }

    rd_kafka_t* handle() const { return _rk.get(); }
    int32_t first_partition() const { return _first.load(); }
    int rebalances_after_start() const { return _late_rebalances.load(); }
    void started() { _started = true; }

private:
    static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t* parts, void* opaque) {
        auto* self = static_cast<committing_member*>(opaque);
        if (self->_started) ++self->_late_rebalances;
        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
            std::vector<int32_t> held;
            for (int i = 0; i < parts->cnt; ++i)
                held.push_back(parts->elems[i].partition);
            rd_kafka_assign(rk, parts);
            if (!held.empty()) self->_first = *std::min_element(held.begin(), held.end());
            self->_tracker.set_held(self->_index, std::move(held), true);
        } else {
            rd_kafka_assign(rk, nullptr);
            self->_tracker.set_held(self->_index, {}, false);
        }
    }

    int _index;
    assignment_tracker& _tracker;
    kafka_handle _rk;
    std::thread _thread;
    std::atomic<bool> _stop{false};
    std::atomic<int32_t> _first{-1};
    std::atomic<bool> _started{false};
    std::atomic<int> _late_rebalances{0};
};

json run_commit_shared(const options& opt) {
    const int k = opt.consumers;
    if (k < 1) throw bench_error("--consumers must be at least 1");
    const int partitions = topic_partitions(opt);
    if (partitions < k)
        throw bench_error(fmt::format("topic {} has {} partitions, fewer than the {} consumers",
                                      opt.topic, partitions, k));
    json out;
    out["partitions"] = partitions;
    out["groups"] = "one, all members";
    assignment_tracker tracker(k, partitions);
    auto t0 = bench_clock::now();
    std::vector<std::unique_ptr<committing_member>> members;
    for (int i = 0; i < k; ++i)
        members.push_back(std::make_unique<committing_member>(opt, i, tracker));
    tracker.wait_stable(k, t0, opt.timeout);
    for (auto& m : members)
        m->started();

    std::vector<int64_t> next_offset(static_cast<size_t>(k), 0);
    std::vector<std::function<std::string()>> ops;
    for (int i = 0; i < k; ++i) {
        ops.emplace_back([&, i] {
            auto idx = static_cast<size_t>(i);
            int32_t p = members[idx]->first_partition();
            partition_list list(rd_kafka_topic_partition_list_new(1));
            rd_kafka_topic_partition_list_add(list.get(), opt.topic.c_str(), p)->offset =
                ++next_offset[idx];
            auto err = rd_kafka_commit(members[idx]->handle(), list.get(), 0);
            if (err) return fmt::format("commit: {}", rd_kafka_err2str(err));
            if (list->elems[0].err)
                return fmt::format("commit of partition {}: {}", p,
                                   rd_kafka_err2str(list->elems[0].err));
            return std::string();
        });
    }
    run_window(opt, ops, out);
    int late = 0;
    for (auto& m : members)
        late += m->rebalances_after_start();
    if (late > 0)
        throw bench_error(
            fmt::format("{} rebalance callback(s) during the measured commits", late));
    members.clear();
    return out;
}

// One producer per thread, one record at a time: produce, then poll until its delivery report.
struct sync_producer {
    kafka_handle rk;
    std::atomic<int> done{0}; // 0 waiting, 1 delivered, 2 failed
    std::string error;

    static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
        auto* self = static_cast<sync_producer*>(opaque);
        if (m->err) self->error = rd_kafka_err2str(m->err);
        self->done = m->err ? 2 : 1;
    }
};

json run_produce(const options& opt) {
    const int k = opt.producers;
    if (k < 1) throw bench_error("--producers must be at least 1");
    const int partitions = topic_partitions(opt);
    std::vector<std::unique_ptr<sync_producer>> producers;
    for (int i = 0; i < k; ++i) {
        auto p = std::make_unique<sync_producer>();
        rd_kafka_conf_t* conf = base_conf(opt, fmt::format("p{}", i));
        set(conf, "acks", "all");
        set(conf, "linger.ms", "0");
        set(conf, "enable.idempotence", "false");
        set(conf, "retries", "0");
        set(conf, "compression.type", "none");
        rd_kafka_conf_set_dr_msg_cb(conf, &sync_producer::on_delivery);
        rd_kafka_conf_set_opaque(conf, p.get());
        apply_extra(conf, opt);
        p->rk = make_client(RD_KAFKA_PRODUCER, conf);
        producers.push_back(std::move(p));
    }
    std::string payload(opt.size, 'x');
    std::vector<std::function<std::string()>> ops;
    for (int i = 0; i < k; ++i) {
        ops.emplace_back([&, i] {
            auto& p = *producers[static_cast<size_t>(i)];
            p.done = 0;
            auto err = rd_kafka_producev(
                p.rk.get(), RD_KAFKA_V_TOPIC(opt.topic.c_str()),
                RD_KAFKA_V_PARTITION(i % partitions),
                RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (err) return fmt::format("produce: {}", rd_kafka_err2str(err));
            while (p.done.load() == 0)
                rd_kafka_poll(p.rk.get(), 100);
            if (p.done.load() == 2) return fmt::format("delivery: {}", p.error);
            return std::string();
        });
    }
    json out;
    out["partitions"] = partitions;
    out["acks"] = "all";
    out["size"] = opt.size;
    run_window(opt, ops, out);
    return out;
}

// ---- fsync -------------------------------------------------------------------------------

json run_fsync(const options& opt) {
    fs::path path = fs::path(opt.dir) / fmt::format("group_bench-fsync-{}", ::getpid());
    int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) throw bench_error(fmt::format("open {}: {}", path.string(), std::strerror(errno)));
    std::string chunk(opt.size, 'x');
    std::vector<double> us;
    off_t at = 0;
    auto end = bench_clock::now() + std::chrono::duration_cast<bench_clock::duration>(
                                        std::chrono::duration<double>(opt.seconds));
    auto start = bench_clock::now();
    std::string failure;
    while (bench_clock::now() < end) {
        auto a = bench_clock::now();
        if (::pwrite(fd, chunk.data(), chunk.size(), at) != static_cast<ssize_t>(chunk.size()) ||
            ::fdatasync(fd) != 0) {
            failure = std::strerror(errno);
            break;
        }
        us.push_back(std::chrono::duration<double, std::micro>(bench_clock::now() - a).count());
        at += static_cast<off_t>(chunk.size());
    }
    double wall = seconds_between(start, bench_clock::now());
    ::close(fd);
    fs::remove(path);
    if (!failure.empty()) throw bench_error("write + fdatasync: " + failure);
    json out;
    out["dir"] = opt.dir;
    out["size"] = opt.size;
    out["seconds"] = std::round(wall * 1000) / 1000;
    out["ops"] = us.size();
    out["ops_per_s"] = std::round(static_cast<double>(us.size()) / wall);
    out["latency_us"] = distribution(std::move(us));
    return out;
}

std::string human_line(const json& r) {
    const auto& mode = r["mode"].get_ref<const std::string&>();
    std::string s;
    if (mode == "rebalance") {
        s = fmt::format("rebalance, {} consumers, {} partitions: join burst {} ms, leave burst "
                        "{} ms; join steps median {} ms (total {} ms), leave steps median {} ms "
                        "(total {} ms)",
                        r["consumers"].dump(), r["partitions"].dump(), r["join_burst_ms"].dump(),
                        r["leave_burst_ms"].dump(), r["join_steps"]["median_ms"].dump(),
                        r["join_steps"]["total_ms"].dump(), r["leave_steps"]["median_ms"].dump(),
                        r["leave_steps"]["total_ms"].dump());
    } else {
        const auto& l = r["latency_us"];
        s = fmt::format("{}{}: {} ops/s; latency p50 {} us, p99 {} us, max {} us", mode,
                        r.contains("threads") ? fmt::format(", {} threads", r["threads"].dump())
                                              : "",
                        r["ops_per_s"].dump(), l["p50"].dump(), l["p99"].dump(), l["max"].dump());
    }
    if (r.contains("server"))
        s += fmt::format("; server peak RSS {} MiB, {} cores busy",
                         r["server"]["peak_rss_mib"].dump(), r["server"]["cpu_cores_busy"].dump());
    return s;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    CLI::App app{"group_bench: consumer-group benchmark for bench/group_bench_run (librdkafka)"};
    app.require_subcommand(1);
    auto common = [&](CLI::App* c) {
        c->add_option("--brokers", opt.brokers, "bootstrap.servers")->capture_default_str();
        c->add_option("--topic", opt.topic, "topic (auto-created through a Metadata request)")
            ->required();
        c->add_option("--timeout", opt.timeout, "seconds a phase or setup may take")
            ->capture_default_str();
        c->add_option("--server-pid", opt.server_pid,
                      "pid of the spate server, for its peak RSS and CPU time");
        c->add_option("--set", opt.extra, "extra librdkafka setting key=value (repeatable)");
    };
    auto group_opts = [&](CLI::App* c) {
        c->add_option("--group", opt.group, "group id (a prefix with --separate-groups)")
            ->capture_default_str();
        c->add_option("--heartbeat-ms", opt.heartbeat_ms, "heartbeat.interval.ms")
            ->capture_default_str();
        c->add_option("--session-ms", opt.session_ms, "session.timeout.ms")->capture_default_str();
        c->add_option("--max-poll-ms", opt.max_poll_ms,
                      "max.poll.interval.ms (the rebalance timeout)")
            ->capture_default_str();
    };
    auto window = [&](CLI::App* c) {
        c->add_option("--seconds", opt.seconds, "measured seconds")
            ->check(CLI::PositiveNumber)
            ->capture_default_str();
        c->add_option("--warmup", opt.warmup, "unmeasured seconds first")->capture_default_str();
    };
    auto* rebalance = app.add_subcommand("rebalance", "N consumers join and leave a group");
    common(rebalance);
    group_opts(rebalance);
    rebalance->add_option("--consumers", opt.consumers, "N")->capture_default_str();

    auto* commit = app.add_subcommand("commit", "K consumers commit offsets synchronously");
    common(commit);
    group_opts(commit);
    window(commit);
    commit->add_option("--consumers", opt.consumers, "K")->capture_default_str();
    commit->add_flag("--separate-groups", opt.separate_groups,
                     "one group per consumer, without membership (generation -1)");

    auto* produce = app.add_subcommand("produce", "K producers, one acks=all record at a time");
    common(produce);
    window(produce);
    produce->add_option("--producers", opt.producers, "K")->capture_default_str();
    produce->add_option("--size", opt.size, "value size in bytes")->capture_default_str();

    auto* fsync = app.add_subcommand("fsync", "write + fdatasync in a loop on a new file");
    fsync->add_option("--dir", opt.dir, "directory of the file")->capture_default_str();
    fsync->add_option("--seconds", opt.seconds, "duration")->capture_default_str();
    fsync->add_option("--size", opt.size, "bytes per write")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    opt.mode = app.get_subcommands().front()->get_name();

    json result;
    try {
        if (opt.mode == "rebalance")
            result = run_rebalance(opt);
        else if (opt.mode == "commit")
            result = opt.separate_groups ? run_commit_separate(opt) : run_commit_shared(opt);
        else if (opt.mode == "produce")
            result = run_produce(opt);
        else
            result = run_fsync(opt);
        auto errors = g_client_errors.list();
        if (!errors.empty())
            throw bench_error(
                fmt::format("{} client error(s), first: {}", errors.size(), errors.front()));
    } catch (const bench_error& e) {
        json fail = {{"mode", opt.mode}, {"ok", false}, {"error", e.what()}};
        std::printf("%s\n", fail.dump().c_str());
        std::fprintf(stderr, "group_bench: %s: FAILED: %s\n", opt.mode.c_str(), e.what());
        return 2;
    }
    result["mode"] = opt.mode;
    if (!opt.topic.empty()) result["topic"] = opt.topic;
    result["ok"] = true;
    std::printf("%s\n# %s\n", result.dump().c_str(), human_line(result).c_str());
    return 0;
}
