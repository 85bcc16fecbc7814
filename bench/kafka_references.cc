// kafka_references: the machine's own limits that bench/kafka_bench compares spate with, measured
// in the same run as the Kafka load:
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

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

// p50 and p99 of one small appending pwrite + fdatasync, in microseconds.
std::pair<double, double> small_sync_latency(const fs::path& path, size_t bytes, double seconds) {
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
    return {percentile(us, 50), percentile(us, 99)};
}

json disk(const fs::path& dir, uint64_t mib, size_t chunk, int writers, double latency_seconds) {
    if (!fs::is_directory(dir))
        throw ref_error(fmt::format("--dir {}: not a directory", dir.string()));
    auto path = dir / fmt::format("kafka-references-{}.dat", ::getpid());
    double mb_per_s = write_sync_bandwidth(path, chunk, mib << 20, chunk);
    auto [p50, p99] = small_sync_latency(path, 1024, latency_seconds);
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

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"kafka_references: loopback TCP and raw disk bandwidth for bench/kafka_bench"};
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
    CLI11_PARSE(app, argc, argv);

    try {
        json r;
        std::string human;
        if (lo->parsed()) {
            r = loopback(seconds, write_bytes);
            human = fmt::format("loopback TCP, {} B writes: {:.1f} MB/s over {:.2f} s", write_bytes,
                                r["mb_per_s"].get<double>(), r["seconds"].get<double>());
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
