// Log append benchmark (issue 2). Measures, in one run and on one disk:
//
//   raw      the disk's own sequential write + fdatasync bandwidth (pwrite of the same chunks,
//            one fdatasync per K writes), and the latency of a small write + fdatasync;
//   durable  spate's append_durable() under flush policy `always` (group commit) with K
//            concurrent appenders on one owner thread and one fsync thread;
//   never    the same under flush policy `never`: the CPU cost of an append on one core;
//   recovery partition::open() of a partition with many segments, after a clean close and
//            after an unclean stop (the partition dropped without close()).
//
// Each case runs --repeat times (interleaved) and the medians are printed, ending with a
// markdown table for docs/benchmarks.md. Run by hand on a Release build; not a test.

#include "log/partition.h"
#include "model/batch_builder.h"
#include "model/record_batch.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace spate;
using bench_clock = std::chrono::steady_clock;

struct options {
    std::string dir;      // parent of the benchmark's temp dir
    double seconds = 1.5; // measured time per throughput case
    double warmup = 0.25; // unmeasured time before it
    int repeat = 3;
    std::vector<int> appenders{1, 4, 16};
    std::vector<size_t> value_sizes{100, 1024};
    size_t batch_bytes = 16 * 1024;
    int never_appenders = 1;
    int recovery_segments = 256;
    int64_t recovery_segment_bytes = 1024 * 1024;
    int recovery_tail_mib = 256; // unsynced active segment for the large-tail unclean case
    bool keep = false;
    bool skip_durable = false;
    bool skip_never = false;
    bool skip_recovery = false;
    bool breakdown = false;
};

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "log_append_bench: %s\n", what.c_str());
    std::exit(1);
}

double seconds_between(bench_clock::time_point a, bench_clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

// ---- measurements of the process ---------------------------------------------------------

double cpu_seconds(int who) {
    rusage ru{};
    getrusage(who, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

uint64_t status_kib(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    size_t n = std::strlen(field);
    while (std::getline(in, line))
        if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':')
            return std::strtoull(line.c_str() + n + 1, nullptr, 10);
    return 0;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so each case reports its own peak.
void reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
}

double percentile(std::vector<uint32_t>& sorted_ns, double p) {
    if (sorted_ns.empty()) return NAN;
    auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted_ns.size())));
    rank = std::clamp<size_t>(rank, 1, sorted_ns.size());
    return sorted_ns[rank - 1] / 1000.0; // microseconds
}

double median(std::vector<double> v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string read_first_line_with(const char* path, const char* prefix) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0) {
            auto colon = line.find(':');
            auto v = colon == std::string::npos ? line : line.substr(colon + 1);
            v.erase(0, v.find_first_not_of(" \t"));
            return v;
        }
    return "?";
}

// Filesystem type, device and options of the mount holding `p` (longest matching mount point).
std::string describe_filesystem(const fs::path& p) {
    std::ifstream in("/proc/self/mountinfo");
    std::string line, best_point, best;
    auto target = fs::weakly_canonical(p).string();
    while (std::getline(in, line)) {
        // id parent major:minor root mount_point options ... - fstype source super_options
        std::istringstream ls(line);
        std::string id, parent, dev, root, point, opts;
        ls >> id >> parent >> dev >> root >> point >> opts;
        auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        std::istringstream rest(line.substr(dash + 3));
        std::string type, source, super_opts;
        rest >> type >> source >> super_opts;
        bool under = target == point || point == "/" ||
                     (target.rfind(point, 0) == 0 && target.size() > point.size() &&
                      target[point.size()] == '/');
        if (under && point.size() >= best_point.size()) {
            best_point = point;
            best = fmt::format("{} on {} (mounted at {}, {})", type, source, point, opts);
        }
    }
    struct statfs sf {};
    if (::statfs(p.c_str(), &sf) == 0)
        best += fmt::format(", {:.0f} GiB free", static_cast<double>(sf.f_bavail) *
                                                     static_cast<double>(sf.f_bsize) /
                                                     (1024.0 * 1024 * 1024));
    return best.empty() ? "?" : best;
}

std::string describe_machine(const fs::path& dir) {
    cpu_set_t set;
    CPU_ZERO(&set);
    int usable = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : -1;
    utsname u{};
    uname(&u);
    auto mem_kib =
        std::strtoull(read_first_line_with("/proc/meminfo", "MemTotal").c_str(), nullptr, 10);
    return fmt::format("nproc {} ({} online), {}, {:.0f} GiB RAM, Linux {}; data dir {}: {}",
                       usable, std::thread::hardware_concurrency(),
                       read_first_line_with("/proc/cpuinfo", "model name"),
                       static_cast<double>(mem_kib) / (1024.0 * 1024), u.release, dir.string(),
                       describe_filesystem(dir));
}

std::string today() {
    std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
    return buf;
}

// ---- batches -----------------------------------------------------------------------------

// Pre-built batches of one value size, about batch_bytes each, so building is not timed.
struct batch_pool {
    size_t value_size = 0;
    int records_per_batch = 0;
    size_t batch_bytes = 0; // every batch in the pool has this size
    std::vector<std::vector<std::byte>> batches;
};

batch_pool make_pool(size_t value_size, size_t target_bytes, int count) {
    batch_pool pool;
    pool.value_size = value_size;
    std::mt19937_64 rng(value_size * 7919 + 17);
    std::uniform_int_distribution<int> letter('a', 'z');
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    std::string value(value_size, 'x');
    for (int b = 0; b < count; ++b) {
        model::batch_builder builder;
        int i = 0;
        // Null keys: the record is its value; stop before the batch would pass the target.
        while (true) {
            if (pool.records_per_batch > 0 ? i == pool.records_per_batch
                                           : builder.size_bytes() + value_size + 8 > target_bytes)
                break;
            for (auto& c : value)
                c = static_cast<char>(letter(rng));
            builder.add(std::nullopt, value, model::timestamp_ms(now + i));
            ++i;
        }
        if (i == 0)
            die(fmt::format("--batch-bytes {} cannot hold one {}-byte record", target_bytes,
                            value_size));
        pool.records_per_batch = i;
        pool.batches.push_back(builder.build());
        if (pool.batch_bytes == 0) pool.batch_bytes = pool.batches.back().size();
        if (pool.batches.back().size() != pool.batch_bytes)
            die("batches of one pool differ in size");
    }
    return pool;
}

// ---- raw disk reference ------------------------------------------------------------------

struct raw_result {
    double mb_per_s = NAN;
    double seconds = 0;
};

// Appends `total` bytes to a fresh file in `chunk`-byte pwrites, with one fdatasync after every
// `writes_per_sync` writes and one at the end: the log's I/O pattern under group commit.
raw_result raw_write_sync(const fs::path& dir, size_t chunk, uint64_t total, int writes_per_sync) {
    auto path = dir / "raw.dat";
    int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) die(fmt::format("open {}: {}", path.string(), std::strerror(errno)));
    std::vector<std::byte> buf(chunk);
    std::mt19937_64 rng(42);
    for (auto& b : buf)
        b = static_cast<std::byte>(rng());
    uint64_t chunks = std::max<uint64_t>(1, total / chunk);
    auto t0 = bench_clock::now();
    uint64_t off = 0;
    for (uint64_t i = 0; i < chunks; ++i) {
        if (::pwrite(fd, buf.data(), chunk, static_cast<off_t>(off)) != static_cast<ssize_t>(chunk))
            die(fmt::format("pwrite {}: {}", path.string(), std::strerror(errno)));
        off += chunk;
        if ((i + 1) % static_cast<uint64_t>(writes_per_sync) == 0 || i + 1 == chunks)
            if (::fdatasync(fd) != 0) die(fmt::format("fdatasync: {}", std::strerror(errno)));
    }
    auto t1 = bench_clock::now();
    ::close(fd);
    fs::remove(path);
    raw_result r;
    r.seconds = seconds_between(t0, t1);
    r.mb_per_s = static_cast<double>(off) / 1e6 / r.seconds;
    return r;
}

struct sync_latency {
    double p50_us = NAN, p99_us = NAN;
    size_t samples = 0;
};

// Latency of one small appending pwrite + fdatasync, the floor under any durable append.
sync_latency raw_small_sync_latency(const fs::path& dir, size_t bytes, double seconds) {
    auto path = dir / "raw-small.dat";
    int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) die(fmt::format("open {}: {}", path.string(), std::strerror(errno)));
    std::vector<std::byte> buf(bytes, std::byte{0x5a});
    std::vector<uint32_t> ns;
    auto end = bench_clock::now() + std::chrono::duration<double>(seconds);
    uint64_t off = 0;
    while (ns.size() < 200'000) {
        auto t0 = bench_clock::now();
        if (t0 >= end) break;
        if (::pwrite(fd, buf.data(), bytes, static_cast<off_t>(off)) != static_cast<ssize_t>(bytes))
            die(fmt::format("pwrite: {}", std::strerror(errno)));
        if (::fdatasync(fd) != 0) die(fmt::format("fdatasync: {}", std::strerror(errno)));
        off += bytes;
        ns.push_back(static_cast<uint32_t>(std::min<int64_t>(
            UINT32_MAX, std::chrono::nanoseconds(bench_clock::now() - t0).count())));
    }
    ::close(fd);
    fs::remove(path);
    std::sort(ns.begin(), ns.end());
    return {percentile(ns, 50), percentile(ns, 99), ns.size()};
}

// ---- spate log append --------------------------------------------------------------------

struct append_result_stats {
    double records_per_s = NAN;
    double mb_per_s = NAN;
    double p50_us = NAN, p99_us = NAN, p999_us = NAN;
    double cpu_s_per_m_records = NAN;       // whole process (owner + fsync thread)
    double owner_cpu_s_per_m_records = NAN; // the owner thread alone
    double owner_cpu_utilisation = NAN;     // owner CPU seconds / wall seconds
    double batches_per_sync = NAN;
    double peak_rss_mib = NAN;
    uint64_t measured_bytes = 0;
    // --breakdown only: time inside append() (validate + offsets + pwrite) per batch.
    double append_p50_us = NAN, append_p99_us = NAN, append_share = NAN;
};

struct run_state {
    bench_clock::time_point warm_end, end;
    const batch_pool* pool = nullptr;
    log::partition* part = nullptr;
    int active = 0;
    bool measuring = false;
    uint64_t records = 0, bytes = 0, batches = 0;
    uint64_t all_records = 0;
    uint64_t sync_rounds_start = 0, sync_rounds_end = 0;
    bench_clock::time_point last_done;
    double cpu_self_start = 0, cpu_owner_start = 0, cpu_self_end = 0, cpu_owner_end = 0;
    std::vector<uint32_t> latency_ns;
    std::vector<uint32_t> append_ns; // --breakdown
    bool breakdown = false;
    std::string failure;
};

uint32_t ns_between(bench_clock::time_point a, bench_clock::time_point b) {
    return static_cast<uint32_t>(
        std::min<int64_t>(UINT32_MAX, std::chrono::nanoseconds(b - a).count()));
}

// append_durable() split in its two halves, to time them: append(), then (under `always`)
// wait_durable() -- what append_durable() does.
asio::awaitable<result<log::append_result>>
timed_append_durable(run_state* st, std::span<std::byte> buf, bool counted) {
    auto t0 = bench_clock::now();
    auto a = st->part->append(buf);
    if (counted) st->append_ns.push_back(ns_between(t0, bench_clock::now()));
    if (!a || st->part->config().flush != log::flush_policy::always) co_return a;
    auto d = co_await st->part->wait_durable(a->last_offset + 1);
    if (!d) co_return std::move(d).err();
    co_return a;
}

asio::awaitable<void> appender(run_state* st, int id) {
    std::vector<std::byte> buf(st->pool->batch_bytes);
    size_t next = static_cast<size_t>(id) * 7;
    const auto& batches = st->pool->batches;
    while (st->failure.empty()) {
        // append() rewrites offsets in place: give it a fresh copy, as a network buffer would be.
        const auto& src = batches[next++ % batches.size()];
        std::memcpy(buf.data(), src.data(), src.size());
        auto t0 = bench_clock::now();
        if (t0 >= st->end) break;
        if (!st->measuring && t0 >= st->warm_end) {
            st->measuring = true;
            st->sync_rounds_start = st->part->sync_rounds();
            st->cpu_self_start = cpu_seconds(RUSAGE_SELF);
            st->cpu_owner_start = cpu_seconds(RUSAGE_THREAD);
        }
        bool counted = st->measuring;
        auto r = st->breakdown ? co_await timed_append_durable(st, buf, counted)
                               : co_await st->part->append_durable(buf);
        auto t1 = bench_clock::now();
        if (!r) {
            st->failure = r.err().to_string();
            break;
        }
        st->all_records += static_cast<uint64_t>(st->pool->records_per_batch);
        if (counted) {
            st->records += static_cast<uint64_t>(st->pool->records_per_batch);
            st->bytes += src.size();
            ++st->batches;
            st->last_done = std::max(st->last_done, t1);
            st->latency_ns.push_back(ns_between(t0, t1));
        }
    }
    if (--st->active == 0) {
        st->sync_rounds_end = st->part->sync_rounds();
        st->cpu_self_end = cpu_seconds(RUSAGE_SELF);
        st->cpu_owner_end = cpu_seconds(RUSAGE_THREAD);
    }
}

append_result_stats run_append(const options& opt, const fs::path& dir, const batch_pool& pool,
                               int appenders, log::flush_policy policy) {
    append_result_stats out;
    run_state st;
    {
        asio::io_context io;
        asio::thread_pool blocking(1);
        log::log_config cfg;
        cfg.flush = policy;
        auto opened = log::partition::open(dir, "bench-0", cfg, {io.get_executor(), &blocking});
        if (!opened) die("open: " + opened.err().to_string());
        auto part = std::move(opened).value();

        st.pool = &pool;
        st.part = part.get();
        st.active = appenders;
        st.latency_ns.reserve(1 << 20);
        st.breakdown = opt.breakdown;
        if (st.breakdown) st.append_ns.reserve(1 << 20);
        reset_peak_rss();
        auto start = bench_clock::now();
        st.warm_end = start + std::chrono::duration_cast<bench_clock::duration>(
                                  std::chrono::duration<double>(opt.warmup));
        st.end = st.warm_end + std::chrono::duration_cast<bench_clock::duration>(
                                   std::chrono::duration<double>(opt.seconds));
        for (int i = 0; i < appenders; ++i)
            asio::co_spawn(io, appender(&st, i), [](std::exception_ptr e) {
                if (e) std::rethrow_exception(e);
            });
        io.run();
        out.peak_rss_mib = static_cast<double>(status_kib("VmHWM")) / 1024.0;
        if (!st.failure.empty()) die("append failed: " + st.failure);

        // Sanity: every record acknowledged got an offset, and under `always` is durable.
        if (static_cast<uint64_t>(part->log_end_offset().value()) != st.all_records)
            die(fmt::format("log end offset {} but {} records were acknowledged",
                            part->log_end_offset().value(), st.all_records));
        if (policy == log::flush_policy::always && part->durable_offset() != part->log_end_offset())
            die("acknowledged records are not durable");
        if (auto r = part->close(); !r) die("close: " + r.err().to_string());
        part.reset();
        blocking.join();
    }
    if (!opt.keep) fs::remove_all(dir);

    double wall = seconds_between(st.warm_end, st.last_done);
    out.records_per_s = static_cast<double>(st.records) / wall;
    out.mb_per_s = static_cast<double>(st.bytes) / 1e6 / wall;
    out.measured_bytes = st.bytes;
    std::sort(st.latency_ns.begin(), st.latency_ns.end());
    out.p50_us = percentile(st.latency_ns, 50);
    out.p99_us = percentile(st.latency_ns, 99);
    out.p999_us = percentile(st.latency_ns, 99.9);
    double m = static_cast<double>(st.records) / 1e6;
    out.cpu_s_per_m_records = (st.cpu_self_end - st.cpu_self_start) / m;
    out.owner_cpu_s_per_m_records = (st.cpu_owner_end - st.cpu_owner_start) / m;
    out.owner_cpu_utilisation = (st.cpu_owner_end - st.cpu_owner_start) / wall;
    if (!st.append_ns.empty()) {
        double sum = 0;
        for (auto v : st.append_ns)
            sum += v;
        out.append_share = sum / 1e9 / wall;
        std::sort(st.append_ns.begin(), st.append_ns.end());
        out.append_p50_us = percentile(st.append_ns, 50);
        out.append_p99_us = percentile(st.append_ns, 99);
    }
    uint64_t rounds = st.sync_rounds_end - st.sync_rounds_start;
    if (rounds > 0)
        out.batches_per_sync = static_cast<double>(st.batches) / static_cast<double>(rounds);
    return out;
}

// ---- recovery ----------------------------------------------------------------------------

struct recovery_stats {
    std::vector<double> clean_ms, unclean_ms, tail_ms;
    size_t segments = 0, unclean_segments = 0;
    uint64_t bytes = 0, unclean_bytes = 0;
};

// Appends `bytes` of batches from `pool` without waiting for durability.
void fill(log::partition& p, const batch_pool& pool, uint64_t bytes) {
    std::vector<std::byte> buf(pool.batch_bytes);
    for (uint64_t done = 0, i = 0; done < bytes; done += pool.batch_bytes, ++i) {
        const auto& src = pool.batches[i % pool.batches.size()];
        std::memcpy(buf.data(), src.data(), src.size());
        if (auto r = p.append(buf); !r) die("fill: " + r.err().to_string());
    }
}

recovery_stats run_recovery(const options& opt, const fs::path& dir, const batch_pool& pool) {
    recovery_stats out;
    log::log_config cfg;
    cfg.segment_bytes = opt.recovery_segment_bytes;
    cfg.flush = log::flush_policy::never;
    auto open = [&](asio::io_context& io, asio::thread_pool& blocking) {
        auto p = log::partition::open(dir, "bench-recovery", cfg, {io.get_executor(), &blocking});
        if (!p) die("open for recovery: " + p.err().to_string());
        return std::move(p).value();
    };
    auto settle = [](asio::io_context& io, asio::thread_pool& blocking) {
        blocking.wait(); // syncs started by rolls have run
        io.restart();
        io.run(); // and their completions have landed
    };

    // Build: recovery_segments segments of recovery_segment_bytes, closed cleanly.
    {
        asio::io_context io;
        asio::thread_pool blocking(1);
        auto p = open(io, blocking);
        fill(*p, pool,
             static_cast<uint64_t>(opt.recovery_segments) *
                 static_cast<uint64_t>(opt.recovery_segment_bytes));
        settle(io, blocking);
        if (auto r = p->close(); !r) die("close: " + r.err().to_string());
    }

    for (int rep = 0; rep < opt.repeat; ++rep) {
        // Clean: open after close().
        {
            asio::io_context io;
            asio::thread_pool blocking(1);
            auto t0 = bench_clock::now();
            auto p = open(io, blocking);
            out.clean_ms.push_back(seconds_between(t0, bench_clock::now()) * 1e3);
            out.segments = p->segment_count();
            out.bytes = p->size_bytes();
            if (p->damage()) die("clean reopen found damage: " + p->damage()->to_string());
            if (auto r = p->close(); !r) die("close: " + r.err().to_string());
        }
        // Unclean: open, append 4.5 segments' worth, drop it without close(), open again.
        model::offset expected_end;
        {
            asio::io_context io;
            asio::thread_pool blocking(1);
            auto p = open(io, blocking);
            fill(*p, pool, static_cast<uint64_t>(opt.recovery_segment_bytes) * 9 / 2);
            expected_end = p->log_end_offset();
            settle(io, blocking);
            p.reset(); // no close(): no clean-shutdown marker, no index for the active segment
        }
        {
            asio::io_context io;
            asio::thread_pool blocking(1);
            auto t0 = bench_clock::now();
            auto p = open(io, blocking);
            out.unclean_ms.push_back(seconds_between(t0, bench_clock::now()) * 1e3);
            out.unclean_segments = p->segment_count();
            out.unclean_bytes = p->size_bytes();
            if (p->damage()) die("unclean reopen found damage: " + p->damage()->to_string());
            if (p->log_end_offset() != expected_end)
                die(fmt::format("unclean reopen: log ends at {} but {} was written (page cache "
                                "intact, so nothing should be lost)",
                                p->log_end_offset().value(), expected_end.value()));
            if (auto r = p->close(); !r) die("close: " + r.err().to_string());
        }
        std::fprintf(
            stderr,
            "  recovery rep %d: clean %.1f ms (%zu segments), unclean %.1f ms (%zu segments)\n",
            rep + 1, out.clean_ms.back(), out.segments, out.unclean_ms.back(),
            out.unclean_segments);
    }
    if (!opt.keep) fs::remove_all(dir);

    // Unclean stop with a large active segment (default segment.bytes, 1 GiB): everything
    // appended since the last checkpoint is in one segment that recovery must read and check.
    if (opt.recovery_tail_mib > 0) {
        log::log_config big;
        big.flush = log::flush_policy::never;
        auto tail_dir = dir.parent_path() / "recovery-tail";
        for (int rep = 0; rep < opt.repeat; ++rep) {
            model::offset expected_end;
            {
                asio::io_context io;
                asio::thread_pool blocking(1);
                auto p = log::partition::open(tail_dir, "bench-tail", big,
                                              {io.get_executor(), &blocking});
                if (!p) die("open: " + p.err().to_string());
                fill(**p, pool, static_cast<uint64_t>(opt.recovery_tail_mib) << 20);
                expected_end = (*p)->log_end_offset();
                settle(io, blocking);
            } // dropped without close()
            asio::io_context io;
            asio::thread_pool blocking(1);
            auto t0 = bench_clock::now();
            auto p =
                log::partition::open(tail_dir, "bench-tail", big, {io.get_executor(), &blocking});
            out.tail_ms.push_back(seconds_between(t0, bench_clock::now()) * 1e3);
            if (!p) die("reopen: " + p.err().to_string());
            if ((*p)->log_end_offset() != expected_end) die("large-tail reopen lost data");
            if (auto r = (*p)->close(); !r) die("close: " + r.err().to_string());
            fs::remove_all(tail_dir);
            std::fprintf(stderr, "  recovery rep %d: unclean, %d MiB active segment: %.1f ms\n",
                         rep + 1, opt.recovery_tail_mib, out.tail_ms.back());
        }
    }
    return out;
}

// ---- report ------------------------------------------------------------------------------

std::string num(double v, int decimals = 0) {
    if (std::isnan(v)) return "–";
    return fmt::format("{:.{}f}", v, decimals);
}

std::string grouped(double v) {
    if (std::isnan(v)) return "–";
    auto digits = fmt::format("{:.0f}", v);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::vector<int> parse_int_list(const std::string& s) {
    std::vector<int> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(std::stoi(item));
    return out;
}

struct durable_case {
    size_t value_size;
    int k;
    std::vector<append_result_stats> runs;
    std::vector<double> raw_mb_per_s, ratio;
    // Diagnostic: the raw disk at the cadence the log actually achieved (batches per fdatasync).
    std::vector<double> raw_at_log_cadence_mb_per_s;
};

struct never_case {
    size_t value_size;
    std::vector<append_result_stats> runs;
};

template <typename F>
double med(const std::vector<append_result_stats>& runs, F field) {
    std::vector<double> v;
    for (const auto& r : runs)
        v.push_back(field(r));
    return median(v);
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    std::string appenders = "1,4,16";
    std::string values = "100,1024";
    CLI::App app{"spate log append benchmark (issue 2): durable group-commit append vs the raw "
                 "disk, CPU per record, recovery time"};
    app.add_option("--dir", opt.dir,
                   "parent directory of the benchmark's temp dir (default /var/tmp)");
    app.add_option("--seconds", opt.seconds, "measured seconds per throughput case")
        ->check(CLI::PositiveNumber);
    app.add_option("--warmup", opt.warmup, "unmeasured seconds before each throughput case");
    app.add_option("--repeat", opt.repeat, "runs of each case; medians are reported")
        ->check(CLI::PositiveNumber);
    app.add_option("--appenders", appenders,
                   "concurrent appenders K for the durable cases, comma-separated");
    app.add_option("--values", values, "record value sizes in bytes, comma-separated");
    app.add_option("--batch-bytes", opt.batch_bytes, "target batch size");
    app.add_option("--never-appenders", opt.never_appenders, "appenders for the flush=never case");
    app.add_option("--recovery-segments", opt.recovery_segments,
                   "segments in the recovery partition");
    app.add_option("--recovery-segment-bytes", opt.recovery_segment_bytes,
                   "segment.bytes for the recovery partition");
    app.add_option(
        "--recovery-tail-mib", opt.recovery_tail_mib,
        "MiB left unsynced in one active segment for the large-tail unclean case (0: skip)");
    app.add_flag("--keep", opt.keep, "keep the data directory");
    app.add_flag("--breakdown", opt.breakdown,
                 "time append() and the durable wait separately (append() + wait_durable() "
                 "instead of append_durable())");
    app.add_flag("--skip-durable", opt.skip_durable, "skip the raw/durable cases");
    app.add_flag("--skip-never", opt.skip_never, "skip the flush=never cases");
    app.add_flag("--skip-recovery", opt.skip_recovery, "skip recovery");
    CLI11_PARSE(app, argc, argv);
    opt.appenders = parse_int_list(appenders);
    opt.value_sizes.clear();
    for (int v : parse_int_list(values))
        opt.value_sizes.push_back(static_cast<size_t>(v));
    spdlog::set_level(spdlog::level::warn);

    fs::path parent = opt.dir.empty() ? fs::path("/var/tmp") : fs::path(opt.dir);
    std::string tmpl = (parent / "spate-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) die(fmt::format("mkdtemp {}: {}", tmpl, std::strerror(errno)));
    fs::path root = tmpl;

    std::string command;
    for (int i = 0; i < argc; ++i)
        command += (i ? " " : "") + std::string(argv[i]);
    std::string machine = describe_machine(root);
    std::fprintf(stderr, "machine: %s\n", machine.c_str());

    std::map<size_t, batch_pool> pools;
    for (size_t v : opt.value_sizes)
        pools.emplace(v, make_pool(v, opt.batch_bytes, 64));
    if (!opt.skip_recovery && !pools.count(1024))
        pools.emplace(1024, make_pool(1024, opt.batch_bytes, 64));
    for (auto& [v, p] : pools)
        std::fprintf(stderr, "batches: %zu-byte values, %d records, %zu bytes per batch\n", v,
                     p.records_per_batch, p.batch_bytes);

    std::vector<durable_case> durable;
    std::vector<never_case> never;
    for (size_t v : opt.value_sizes) {
        if (!opt.skip_durable)
            for (int k : opt.appenders)
                durable.push_back({v, k, {}, {}, {}, {}});
        if (!opt.skip_never) never.push_back({v, {}});
    }
    std::vector<sync_latency> small_sync;
    std::map<int, std::vector<double>> raw_by_k; // reference bandwidth per cadence, all sizes

    auto t_start = bench_clock::now();
    for (int rep = 0; rep < opt.repeat; ++rep) {
        std::fprintf(stderr, "repeat %d/%d\n", rep + 1, opt.repeat);
        if (!opt.skip_durable) {
            small_sync.push_back(raw_small_sync_latency(root, 1024, std::min(1.0, opt.seconds)));
            std::fprintf(stderr, "  raw 1 KiB write+fdatasync: p50 %.0f us, p99 %.0f us (%zu)\n",
                         small_sync.back().p50_us, small_sync.back().p99_us,
                         small_sync.back().samples);
        }
        for (auto& c : durable) {
            const auto& pool = pools.at(c.value_size);
            auto r = run_append(opt, root / "durable", pool, c.k, log::flush_policy::always);
            // The reference: the same bytes in the same chunks, one fdatasync per K writes.
            auto raw = raw_write_sync(root, pool.batch_bytes, r.measured_bytes, c.k);
            c.runs.push_back(r);
            c.raw_mb_per_s.push_back(raw.mb_per_s);
            c.ratio.push_back(r.mb_per_s / raw.mb_per_s);
            raw_by_k[c.k].push_back(raw.mb_per_s);
            int cadence = std::max(1, static_cast<int>(std::lround(r.batches_per_sync)));
            double at_cadence =
                cadence == c.k
                    ? raw.mb_per_s
                    : raw_write_sync(root, pool.batch_bytes, r.measured_bytes, cadence).mb_per_s;
            c.raw_at_log_cadence_mb_per_s.push_back(at_cadence);
            std::fprintf(stderr,
                         "  durable %zuB K=%d: %.0f rec/s %.1f MB/s p50 %.0f p99 %.0f us, "
                         "%.1f batches/sync, owner %.0f%% busy; raw %.1f MB/s (%.1f at %d per "
                         "sync); ratio %.2f\n",
                         c.value_size, c.k, r.records_per_s, r.mb_per_s, r.p50_us, r.p99_us,
                         r.batches_per_sync, r.owner_cpu_utilisation * 100, raw.mb_per_s,
                         at_cadence, cadence, c.ratio.back());
            if (opt.breakdown)
                std::fprintf(stderr,
                             "    append(): p50 %.1f us, p99 %.1f us, %.0f%% of wall time\n",
                             r.append_p50_us, r.append_p99_us, r.append_share * 100);
        }
        for (auto& c : never) {
            auto r = run_append(opt, root / "never", pools.at(c.value_size), opt.never_appenders,
                                log::flush_policy::never);
            c.runs.push_back(r);
            std::fprintf(
                stderr,
                "  never %zuB: %.0f rec/s %.1f MB/s, owner CPU %.2f s/M rec (%.0f%% busy)\n",
                c.value_size, r.records_per_s, r.mb_per_s, r.owner_cpu_s_per_m_records,
                r.owner_cpu_utilisation * 100);
            if (opt.breakdown)
                std::fprintf(stderr,
                             "    append(): p50 %.1f us, p99 %.1f us, %.0f%% of wall time\n",
                             r.append_p50_us, r.append_p99_us, r.append_share * 100);
        }
    }
    recovery_stats rec;
    if (!opt.skip_recovery) {
        std::fprintf(stderr, "recovery: %d segments of %" PRId64 " bytes\n", opt.recovery_segments,
                     opt.recovery_segment_bytes);
        rec = run_recovery(opt, root / "recovery", pools.at(1024));
    }
    double total_s = seconds_between(t_start, bench_clock::now());
    if (!opt.keep) fs::remove_all(root);

    // ---- print -------------------------------------------------------------------------
    std::printf("\n## Log append (issue 2)\n\n");
    std::printf("Command: `%s`\n\n", command.c_str());
    std::printf("Machine: %s\n\n", machine.c_str());
    std::printf("Date: %s. Medians of %d runs; %.1f s measured per case after %.2f s warm-up; "
                "total run time %.0f s.\n\n",
                today().c_str(), opt.repeat, opt.seconds, opt.warmup, total_s);
    if (!small_sync.empty()) {
        std::vector<double> p50, p99;
        for (auto& s : small_sync)
            p50.push_back(s.p50_us), p99.push_back(s.p99_us);
        std::printf(
            "Raw disk: 1 KiB appending pwrite + fdatasync latency p50 %s us, p99 %s us.\n\n",
            num(median(p50)).c_str(), num(median(p99)).c_str());
    }
    for (auto& [v, p] : pools)
        std::printf("Batches: %zu-byte values (null keys), %d records = %zu bytes per batch.\n", v,
                    p.records_per_batch, p.batch_bytes);
    std::printf("\n");

    std::printf("| case | value | K | records/s | MB/s | raw MB/s | ratio | p50 µs | p99 µs | "
                "p99.9 µs | batches/fsync | raw MB/s at that cadence | CPU s / M rec (owner) | "
                "peak RSS MiB |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (auto& c : durable) {
        std::printf(
            "| durable (always) | %zu B | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
            "(%s) | %s |\n",
            c.value_size, c.k,
            grouped(med(c.runs, [](auto& r) { return r.records_per_s; })).c_str(),
            num(med(c.runs, [](auto& r) { return r.mb_per_s; }), 1).c_str(),
            num(median(c.raw_mb_per_s), 1).c_str(), num(median(c.ratio), 2).c_str(),
            num(med(c.runs, [](auto& r) { return r.p50_us; })).c_str(),
            num(med(c.runs, [](auto& r) { return r.p99_us; })).c_str(),
            num(med(c.runs, [](auto& r) { return r.p999_us; })).c_str(),
            num(med(c.runs, [](auto& r) { return r.batches_per_sync; }), 1).c_str(),
            num(median(c.raw_at_log_cadence_mb_per_s), 1).c_str(),
            num(med(c.runs, [](auto& r) { return r.cpu_s_per_m_records; }), 2).c_str(),
            num(med(c.runs, [](auto& r) { return r.owner_cpu_s_per_m_records; }), 2).c_str(),
            num(med(c.runs, [](auto& r) { return r.peak_rss_mib; }), 0).c_str());
    }
    for (auto& c : never) {
        std::printf(
            "| page cache (never) | %zu B | %d | %s | %s | – | – | %s | %s | %s | – | – | %s (%s) "
            "| %s |\n",
            c.value_size, opt.never_appenders,
            grouped(med(c.runs, [](auto& r) { return r.records_per_s; })).c_str(),
            num(med(c.runs, [](auto& r) { return r.mb_per_s; }), 1).c_str(),
            num(med(c.runs, [](auto& r) { return r.p50_us; })).c_str(),
            num(med(c.runs, [](auto& r) { return r.p99_us; })).c_str(),
            num(med(c.runs, [](auto& r) { return r.p999_us; })).c_str(),
            num(med(c.runs, [](auto& r) { return r.cpu_s_per_m_records; }), 2).c_str(),
            num(med(c.runs, [](auto& r) { return r.owner_cpu_s_per_m_records; }), 2).c_str(),
            num(med(c.runs, [](auto& r) { return r.peak_rss_mib; }), 0).c_str());
    }
    if (!raw_by_k.empty()) {
        std::printf(
            "\nRaw reference (same bytes, same %zu-byte chunks, one fdatasync per K writes), "
            "median over all runs:",
            opt.batch_bytes);
        for (auto& [k, v] : raw_by_k)
            std::printf(" K=%d %s MB/s;", k, num(median(v), 1).c_str());
        std::printf("\n");
    }
    if (!opt.skip_recovery) {
        std::printf("\n| recovery | segments | data | open() median ms | runs ms "
                    "|\n|---|---:|---:|---:|---|\n");
        auto runs = [](const std::vector<double>& v) {
            std::string s;
            for (double x : v)
                s += (s.empty() ? "" : ", ") + num(x, 1);
            return s;
        };
        std::printf("| after clean close | %zu | %.0f MiB | %s | %s |\n", rec.segments,
                    static_cast<double>(rec.bytes) / (1 << 20),
                    num(median(rec.clean_ms), 1).c_str(), runs(rec.clean_ms).c_str());
        std::printf("| after unclean stop | %zu | %.0f MiB | %s | %s |\n", rec.unclean_segments,
                    static_cast<double>(rec.unclean_bytes) / (1 << 20),
                    num(median(rec.unclean_ms), 1).c_str(), runs(rec.unclean_ms).c_str());
        if (!rec.tail_ms.empty())
            std::printf(
                "| after unclean stop, %d MiB in the active segment (segment.bytes 1 GiB) | 1 | "
                "%d MiB | %s | %s |\n",
                opt.recovery_tail_mib, opt.recovery_tail_mib, num(median(rec.tail_ms), 1).c_str(),
                runs(rec.tail_ms).c_str());
    }

    // ---- targets -------------------------------------------------------------------------
    std::printf("\nTargets:\n");
    for (auto& c : durable) {
        if (c.value_size != 1024) continue;
        double ratio = median(c.ratio);
        std::printf("- 1 KiB durable, K=%d: %.2f x raw disk bandwidth (target >= 0.80): %s\n", c.k,
                    ratio, ratio >= 0.8 ? "MET" : "NOT MET");
    }
    for (auto& c : never) {
        if (c.value_size != 100) continue;
        double rps = med(c.runs, [](auto& r) { return r.records_per_s; });
        std::printf(
            "- 100 B records on one core (flush=never): %s records/s (target >= 1,000,000): %s\n",
            grouped(rps).c_str(), rps >= 1e6 ? "MET" : "NOT MET");
    }
    if (!opt.skip_recovery) {
        double worst = std::max(median(rec.clean_ms), median(rec.unclean_ms));
        std::printf("- recovery of %zu segments: clean %.1f ms, unclean %.1f ms (target well under "
                    "1 s): %s\n",
                    rec.segments, median(rec.clean_ms), median(rec.unclean_ms),
                    worst < 250 ? "MET"
                                : (worst < 1000 ? "MET (under 1 s, not by far)" : "NOT MET"));
        if (!rec.tail_ms.empty())
            std::printf(
                "- (not a target) unclean stop with %d MiB in one active segment: %.0f ms\n",
                opt.recovery_tail_mib, median(rec.tail_ms));
    }
    return 0;
}
