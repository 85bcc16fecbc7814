// kafka_references: the machine's own limits that the benchmarks compare spate with, measured in
// the same run (bench/kafka_bench, bench/http_bench, and bench/run for the whole table):
//
//   loopback  TCP bandwidth over 127.0.0.1: a sender thread writes 1 MiB buffers into one
//             connection for a few seconds while a receiver thread reads them (the ceiling for a
//             consumer reading from a broker on the same machine);
//   disk      sequential write + fdatasync bandwidth: 1 MiB pwrites appended to a new file, one
//             fdatasync per 1 MiB, in the directory given (put it on the data dir's filesystem);
//             the ceiling for durable (acks=all, flush policy always) produce. The same pattern
//             as raw_write_sync() in log_append_bench.cc, with 1 MiB chunks. Also the latency of
//             one 1 KiB appending pwrite + fdatasync, the floor under a durable acknowledgement,
//             and (a diagnostic, --writers) the same bytes written by several threads at once,
//             one file each, as a broker syncing several partitions does.
//   memcpy    single-thread memcpy bandwidth between two buffers (256 MiB by default), touched
//             before timing; the best of several copies (the ceiling for any in-memory pass that
//             moves every byte once);
//   fsync     the disk alone, for bench/run's table: latency percentiles (p50, p99, p99.9) of one
//             1 KiB appending pwrite + fdatasync, and sequential 1 MiB pwrite + fdatasync
//             bandwidth, in the directory given;
//   json      simdjson On-Demand parse rate of the Nexmark bid JSON that the SQL benchmarks
//             read (src/nexmark's generator and JSON writer, bids only), reading every key and
//             value of every record; the median of several passes, MB/s and records/s.
//
// Output: one JSON line on stdout, then one human-readable line starting with "#". Errors exit 2.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "nexmark/generator.h"
#include "nexmark/json_writer.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ref_clock = std::chrono::steady_clock;

struct ref_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string sys_error(const std::string& what) {
    return fmt::format("{}: {}", what, std::strerror(errno));
}

double seconds_since(ref_clock::time_point t0) {
    return std::chrono::duration<double>(ref_clock::now() - t0).count();
}

// A file descriptor closed on scope exit.
class fd_guard {
public:
    explicit fd_guard(int fd) : _fd(fd) {}
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    ~fd_guard() {
        if (_fd >= 0) ::close(_fd);
    }
    int get() const { return _fd; }

private:
    int _fd;
};

// ---- loopback ----------------------------------------------------------------------------

json loopback(double seconds, size_t write_bytes) {
    fd_guard listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (listener.get() < 0) throw ref_error(sys_error("socket"));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
        throw ref_error(sys_error("bind 127.0.0.1:0"));
    if (::listen(listener.get(), 1) != 0) throw ref_error(sys_error("listen"));
    socklen_t len = sizeof(addr);
    if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw ref_error(sys_error("getsockname"));

    // Receiver: reads until EOF, timing from its first byte to EOF.
    std::atomic<uint64_t> received{0};
    double receive_seconds = 0;
    std::string receiver_error;
    std::thread receiver([&] {
        int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            receiver_error = sys_error("accept");
            return;
        }
        fd_guard conn(fd);
        std::vector<char> buf(write_bytes);
        ref_clock::time_point first{};
        uint64_t total = 0;
        while (true) {
            ssize_t n = ::read(conn.get(), buf.data(), buf.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                receiver_error = sys_error("read");
                return;
            }
            if (n == 0) break;
            if (total == 0) first = ref_clock::now();
            total += static_cast<uint64_t>(n);
        }
        receive_seconds = seconds_since(first);
        received = total;
    });

    fd_guard sender(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (sender.get() < 0 ||
        ::connect(sender.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        auto e = sys_error("connect");
        ::shutdown(listener.get(), SHUT_RDWR);
        receiver.join();
        throw ref_error(e);
    }
    std::vector<char> buf(write_bytes, 'x');
    uint64_t sent = 0;
    auto t0 = ref_clock::now();
    std::string sender_error;
    while (seconds_since(t0) < seconds) {
        size_t off = 0;
        while (off < buf.size()) {
            ssize_t n = ::write(sender.get(), buf.data() + off, buf.size() - off);
            if (n < 0) {
                if (errno == EINTR) continue;
                sender_error = sys_error("write");
                break;
            }
            off += static_cast<size_t>(n);
        }
        if (!sender_error.empty()) break;
        sent += buf.size();
    }
    ::shutdown(sender.get(), SHUT_WR);
    receiver.join();
    if (!sender_error.empty()) throw ref_error(sender_error);
    if (!receiver_error.empty()) throw ref_error(receiver_error);
    if (received.load() != sent)
        throw ref_error(fmt::format("loopback: sent {} bytes, received {}", sent, received.load()));
    double mb_per_s = static_cast<double>(sent) / 1e6 / receive_seconds;
    return {{"reference", "loopback"},
            {"write_bytes", write_bytes},
            {"bytes", sent},
            {"seconds", std::round(receive_seconds * 1000) / 1000},
            {"mb_per_s", std::round(mb_per_s * 10) / 10}};
}

// ---- disk --------------------------------------------------------------------------------

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty()) return NAN;
    auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// Appends `total` bytes to a new file in `chunk`-byte pwrites, one fdatasync per `sync_bytes`
// and one at the end; returns MB/s.
double write_sync_bandwidth(const fs::path& path, size_t chunk, uint64_t total, size_t sync_bytes) {
    fd_guard fd(::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644));
    if (fd.get() < 0) throw ref_error(sys_error("open " + path.string()));
    std::vector<unsigned char> buf(chunk);
    std::mt19937_64 rng(42);
    for (auto& b : buf)
        b = static_cast<unsigned char>(rng());
    uint64_t chunks = std::max<uint64_t>(1, total / chunk);
    uint64_t off = 0, unsynced = 0;
    auto t0 = ref_clock::now();
    for (uint64_t i = 0; i < chunks; ++i) {
        if (::pwrite(fd.get(), buf.data(), chunk, static_cast<off_t>(off)) !=
            static_cast<ssize_t>(chunk))
            throw ref_error(sys_error("pwrite " + path.string()));
        off += chunk;
        unsynced += chunk;
        if (unsynced >= sync_bytes || i + 1 == chunks) {
            if (::fdatasync(fd.get()) != 0) throw ref_error(sys_error("fdatasync"));
            unsynced = 0;
        }
    }
    double secs = seconds_since(t0);
    fs::remove(path);
    return static_cast<double>(off) / 1e6 / secs;
}

// `writers` threads, each appending total/writers bytes to its own file as above, at once (the
// I/O of a broker syncing several partitions); returns their combined MB/s.
double parallel_write_sync_bandwidth(const fs::path& dir, int writers, size_t chunk, uint64_t total,
                                     size_t sync_bytes) {
    std::vector<std::thread> threads;
    std::vector<std::string> errors(static_cast<size_t>(writers));
    uint64_t each = total / static_cast<uint64_t>(writers) / chunk * chunk;
    auto t0 = ref_clock::now();
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            try {
                write_sync_bandwidth(dir / fmt::format("kafka-references-{}-{}.dat", ::getpid(), w),
                                     chunk, each, sync_bytes);
            } catch (const std::exception& e) {
                errors[static_cast<size_t>(w)] = e.what();
            }
        });
    for (auto& t : threads)
        t.join();
    double secs = seconds_since(t0);
    for (const auto& e : errors)
        if (!e.empty()) throw ref_error(e);
    return static_cast<double>(each * static_cast<uint64_t>(writers)) / 1e6 / secs;
}

// Percentiles of one small appending pwrite + fdatasync, in microseconds.
struct sync_latency {
    double p50 = 0;
    double p99 = 0;
    double p999 = 0;
    size_t samples = 0;
};

sync_latency small_sync_latency(const fs::path& path, size_t bytes, double seconds) {
    fd_guard fd(::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644));
    if (fd.get() < 0) throw ref_error(sys_error("open " + path.string()));
    std::vector<unsigned char> buf(bytes, 0x5a);
    std::vector<double> us;
    uint64_t off = 0;
    auto end = ref_clock::now() + std::chrono::duration<double>(seconds);
    while (true) {
        auto t0 = ref_clock::now();
        if (t0 >= end) break;
        if (::pwrite(fd.get(), buf.data(), bytes, static_cast<off_t>(off)) !=
            static_cast<ssize_t>(bytes))
            throw ref_error(sys_error("pwrite"));
        if (::fdatasync(fd.get()) != 0) throw ref_error(sys_error("fdatasync"));
        off += bytes;
        us.push_back(std::chrono::duration<double, std::micro>(ref_clock::now() - t0).count());
    }
    fs::remove(path);
    std::sort(us.begin(), us.end());
    return {percentile(us, 50), percentile(us, 99), percentile(us, 99.9), us.size()};
}

json disk(const fs::path& dir, uint64_t mib, size_t chunk, int writers, double latency_seconds) {
    if (!fs::is_directory(dir))
        throw ref_error(fmt::format("--dir {}: not a directory", dir.string()));
    auto path = dir / fmt::format("kafka-references-{}.dat", ::getpid());
    double mb_per_s = write_sync_bandwidth(path, chunk, mib << 20, chunk);
    auto lat = small_sync_latency(path, 1024, latency_seconds);
    double p50 = lat.p50, p99 = lat.p99;
    json parallel = nullptr;
    if (writers > 1) {
        double v = parallel_write_sync_bandwidth(dir, writers, chunk, mib << 20, chunk);
        parallel = {{"writers", writers}, {"mb_per_s", std::round(v * 10) / 10}};
    }
    return {{"reference", "disk"},
            {"dir", dir.string()},
            {"chunk_bytes", chunk},
            {"sync_bytes", chunk},
            {"bytes", mib << 20},
            {"mb_per_s", std::round(mb_per_s * 10) / 10},
            {"sync_1k_latency_us", {{"p50", std::round(p50)}, {"p99", std::round(p99)}}},
            {"parallel", parallel}};
}

// ---- fsync -------------------------------------------------------------------------------

json fsync_limits(const fs::path& dir, uint64_t mib, size_t chunk, double latency_seconds) {
    if (!fs::is_directory(dir))
        throw ref_error(fmt::format("--dir {}: not a directory", dir.string()));
    auto path = dir / fmt::format("machine-limits-{}.dat", ::getpid());
    auto lat = small_sync_latency(path, 1024, latency_seconds);
    if (lat.samples == 0) throw ref_error("fsync: no latency sample in the time given");
    double mb_per_s = write_sync_bandwidth(path, chunk, mib << 20, chunk);
    return {{"reference", "fsync"},
            {"dir", dir.string()},
            {"sync_1k_latency_us",
             {{"p50", std::round(lat.p50)},
              {"p99", std::round(lat.p99)},
              {"p99.9", std::round(lat.p999)},
              {"samples", lat.samples}}},
            {"chunk_bytes", chunk},
            {"bytes", mib << 20},
            {"mb_per_s", std::round(mb_per_s * 10) / 10}};
}

// ---- memcpy ------------------------------------------------------------------------------

json memcpy_limits(uint64_t mib, int repeat) {
    size_t bytes = static_cast<size_t>(mib) << 20;
    std::vector<unsigned char> src(bytes), dst(bytes);
    // Touch both buffers so that page faults are not timed.
    std::memset(src.data(), 0x5a, bytes);
    std::memset(dst.data(), 0, bytes);
    double best = 0;
    uint64_t sink = 0;
    for (int i = 0; i < repeat; ++i) {
        src[static_cast<size_t>(i) % bytes] = static_cast<unsigned char>(i);
        auto t0 = ref_clock::now();
        std::memcpy(dst.data(), src.data(), bytes);
        double secs = seconds_since(t0);
        sink += dst[static_cast<size_t>(i) % bytes] + dst[bytes - 1];
        best = std::max(best, static_cast<double>(bytes) / 1e6 / secs);
    }
    if (sink == 0xffffffffffffULL) std::fputc(' ', stderr); // keeps the copies observable
    return {{"reference", "memcpy"},
            {"bytes", bytes},
            {"repeat", repeat},
            {"mb_per_s", std::round(best * 10) / 10}};
}

// ---- json --------------------------------------------------------------------------------

namespace od = simdjson::ondemand;

// Bid records as JSON laid end to end in one buffer with simdjson's padding at its end, and
// each record's span. The padding a record needs is the bytes after it, which are in the buffer.
struct bid_json {
    std::string bytes;
    std::vector<std::pair<size_t, size_t>> spans;
};

bid_json make_bid_json(uint64_t bids) {
    namespace nx = spate::nexmark;
    bid_json out;
    out.bytes.reserve(static_cast<size_t>(bids) * 260 + simdjson::SIMDJSON_PADDING);
    out.spans.reserve(static_cast<size_t>(bids));
    nx::generator gen{nx::generator_config{}};
    while (out.spans.size() < bids) {
        const nx::event& e = gen.next();
        if (e.kind != nx::event_kind::bid) continue;
        size_t at = out.bytes.size();
        nx::append_json(e.b, out.bytes);
        out.spans.emplace_back(at, out.bytes.size() - at);
    }
    out.bytes.append(simdjson::SIMDJSON_PADDING, ' ');
    return out;
}

// Parses every record, reading every key and every value (numbers as int64, the rest as
// strings); returns a checksum of what was read. Throws on a parse error.
uint64_t parse_bids(const bid_json& corpus, od::parser& parser) {
    uint64_t sum = 0;
    for (auto [at, len] : corpus.spans) {
        simdjson::padded_string_view view(corpus.bytes.data() + at, len, corpus.bytes.size() - at);
        od::document doc;
        od::object obj;
        if (parser.iterate(view).get(doc) || doc.get_object().get(obj))
            throw ref_error(fmt::format("json: bid at byte {} is not an object", at));
        for (auto field_result : obj) {
            od::field field;
            std::string_view key;
            od::json_type type;
            if (std::move(field_result).get(field) || field.unescaped_key().get(key))
                throw ref_error(fmt::format("json: bad key in the bid at byte {}", at));
            sum += key.size();
            od::value value = field.value();
            if (value.type().get(type)) throw ref_error("json: bad value");
            if (type == od::json_type::number) {
                int64_t i = 0;
                if (value.get_int64().get(i)) throw ref_error("json: bad number");
                sum += static_cast<uint64_t>(i);
            } else {
                std::string_view s;
                if (value.get_string().get(s)) throw ref_error("json: bad string");
                sum += s.size();
            }
        }
    }
    return sum;
}

json json_limits(uint64_t bids, int repeat) {
    auto t0 = ref_clock::now();
    bid_json corpus = make_bid_json(bids);
    double generate_seconds = seconds_since(t0);
    size_t json_bytes = corpus.bytes.size() - simdjson::SIMDJSON_PADDING;
    od::parser parser;
    uint64_t check = parse_bids(corpus, parser); // warm-up, unmeasured
    std::vector<double> secs;
    for (int i = 0; i < repeat; ++i) {
        auto p0 = ref_clock::now();
        uint64_t sum = parse_bids(corpus, parser);
        secs.push_back(seconds_since(p0));
        if (sum != check) throw ref_error("json: passes over the same bytes disagree");
    }
    std::sort(secs.begin(), secs.end());
    double median = secs[secs.size() / 2];
    return {{"reference", "json"},
            {"records", bids},
            {"bytes", json_bytes},
            {"repeat", repeat},
            {"generate_seconds", std::round(generate_seconds * 100) / 100},
            {"simdjson", fmt::format("{} ({})", SIMDJSON_STRINGIFY(SIMDJSON_VERSION),
                                     simdjson::get_active_implementation()->name())},
            {"mb_per_s", std::round(static_cast<double>(json_bytes) / 1e6 / median * 10) / 10},
            {"records_per_s", std::round(static_cast<double>(bids) / median)}};
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"kafka_references: the machine's limits (loopback TCP, disk, memcpy, simdjson) "
                 "for bench/kafka_bench and bench/run"};
    app.require_subcommand(1);
    double seconds = 3;
    size_t write_bytes = 1 << 20;
    auto* lo = app.add_subcommand("loopback", "TCP bandwidth over 127.0.0.1");
    lo->add_option("--seconds", seconds, "how long the sender writes")->capture_default_str();
    lo->add_option("--write-bytes", write_bytes, "bytes per write")->capture_default_str();

    std::string dir;
    uint64_t mib = 1024;
    size_t chunk = 1 << 20;
    double latency_seconds = 1;
    int writers = 4;
    auto* dk = app.add_subcommand("disk", "sequential pwrite + fdatasync bandwidth");
    dk->add_option("--dir", dir, "directory on the data dir's filesystem")->required();
    dk->add_option("--mib", mib, "MiB to write")->capture_default_str();
    dk->add_option("--chunk", chunk, "bytes per pwrite, and per fdatasync")->capture_default_str();
    dk->add_option("--writers", writers,
                   "also measure this many files written and synced at once (the same MiB in "
                   "all; 1: skip)")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    dk->add_option("--latency-seconds", latency_seconds,
                   "seconds of 1 KiB pwrite + fdatasync latency samples")
        ->capture_default_str();

    std::string fsync_dir;
    uint64_t fsync_mib = 256;
    double fsync_latency_seconds = 2;
    auto* fs_cmd = app.add_subcommand("fsync", "1 KiB pwrite + fdatasync latency percentiles and "
                                               "1 MiB pwrite + fdatasync bandwidth");
    fs_cmd->add_option("--dir", fsync_dir, "directory on the filesystem to measure")->required();
    fs_cmd->add_option("--mib", fsync_mib, "MiB to write for the bandwidth")
        ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20))
        ->capture_default_str();
    fs_cmd->add_option("--latency-seconds", fsync_latency_seconds, "seconds of latency samples")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();

    uint64_t memcpy_mib = 256;
    int memcpy_repeat = 5;
    auto* mc = app.add_subcommand("memcpy", "single-thread memcpy bandwidth, best of --repeat");
    mc->add_option("--mib", memcpy_mib, "MiB per buffer (two are allocated)")
        ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 16))
        ->capture_default_str();
    mc->add_option("--repeat", memcpy_repeat, "copies")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();

    uint64_t json_records = 1'000'000;
    int json_repeat = 3;
    auto* js = app.add_subcommand("json", "simdjson On-Demand parse rate of Nexmark bid JSON");
    js->add_option("--records", json_records, "bids to generate and parse")
        ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}))
        ->capture_default_str();
    js->add_option("--repeat", json_repeat, "measured passes (median), after one warm-up")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    try {
        json r;
        std::string human;
        if (lo->parsed()) {
            r = loopback(seconds, write_bytes);
            human = fmt::format("loopback TCP, {} B writes: {:.1f} MB/s over {:.2f} s", write_bytes,
                                r["mb_per_s"].get<double>(), r["seconds"].get<double>());
        } else if (fs_cmd->parsed()) {
            r = fsync_limits(fsync_dir, fsync_mib, 1 << 20, fsync_latency_seconds);
            const auto& l = r["sync_1k_latency_us"];
            human = fmt::format("fsync in {}: 1 KiB pwrite + fdatasync p50 {} us, p99 {} us, "
                                "p99.9 {} us ({} samples); {} MiB in 1 MiB pwrite + fdatasync: "
                                "{:.1f} MB/s",
                                fsync_dir, l["p50"].dump(), l["p99"].dump(), l["p99.9"].dump(),
                                l["samples"].dump(), fsync_mib, r["mb_per_s"].get<double>());
        } else if (mc->parsed()) {
            r = memcpy_limits(memcpy_mib, memcpy_repeat);
            human = fmt::format("memcpy of {} MiB, one thread, best of {}: {:.1f} MB/s", memcpy_mib,
                                memcpy_repeat, r["mb_per_s"].get<double>());
        } else if (js->parsed()) {
            r = json_limits(json_records, json_repeat);
            human =
                fmt::format("simdjson {} parse of {} Nexmark bids ({} bytes), median of {}: "
                            "{:.1f} MB/s, {} records/s",
                            r["simdjson"].get<std::string>(), json_records, r["bytes"].dump(),
                            json_repeat, r["mb_per_s"].get<double>(), r["records_per_s"].dump());
        } else {
            r = disk(dir, mib, chunk, writers, latency_seconds);
            human = fmt::format("disk in {}: {} MiB in {} B pwrites, fdatasync per {} B: {:.1f} "
                                "MB/s; 1 KiB pwrite + fdatasync p50 {} us, p99 {} us",
                                dir, mib, chunk, chunk, r["mb_per_s"].get<double>(),
                                r["sync_1k_latency_us"]["p50"].dump(),
                                r["sync_1k_latency_us"]["p99"].dump());
            if (!r["parallel"].is_null())
                human += fmt::format("; {} files at once: {:.1f} MB/s",
                                     r["parallel"]["writers"].get<int>(),
                                     r["parallel"]["mb_per_s"].get<double>());
        }
        r["ok"] = true;
        std::printf("%s\n# %s\n", r.dump().c_str(), human.c_str());
    } catch (const std::exception& e) {
        std::printf("%s\n", json({{"ok", false}, {"error", e.what()}}).dump().c_str());
        std::fprintf(stderr, "kafka_references: %s\n", e.what());
        return 2;
    }
    return 0;
}
