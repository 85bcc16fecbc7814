// The log crash test: runs log_crash_writer, kills it with SIGKILL at a random moment, sometimes
// leaves a torn write at the end of the log as a power failure would, then opens the partition
// and checks that every append the writer acknowledged is there, intact, at the offsets it was
// given, and that the log holds nothing but whole, valid batches with contiguous offsets.
//
// Environment: SPATE_CRASH_ITERATIONS (default 40), SPATE_CRASH_SEED (default: random; printed),
// SPATE_CRASH_SEGMENT_BYTES (default 65536; smaller segments roll more often).

#include "crash_batch.h"

#include "log/partition.h"
#include "model/record_batch.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LOG_CRASH_WRITER_PATH
#error "LOG_CRASH_WRITER_PATH must name the log_crash_writer binary"
#endif

namespace {

namespace fs = std::filesystem;
namespace L = spate::model::batch_layout;
using namespace spate;
using clock_type = std::chrono::steady_clock;

constexpr int appenders = 4;

// ---------------------------------------------------------------------------------------------
// Files

/// A fresh directory under the temp dir; removed at the end unless keep() was called.
class temp_dir {
public:
    temp_dir() {
        std::string tmpl = (fs::temp_directory_path() / "spate-crash-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        _path = tmpl;
    }
    ~temp_dir() {
        std::error_code ec;
        if (!_keep) fs::remove_all(_path, ec);
    }
    const fs::path& path() const { return _path; }
    void keep() { _keep = true; }

private:
    fs::path _path;
    bool _keep = false;
};

std::vector<fs::path> segment_files(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".log") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

uint64_t log_bytes(const fs::path& dir) {
    uint64_t total = 0;
    for (const auto& p : segment_files(dir))
        total += fs::file_size(p);
    return total;
}

std::vector<std::byte> read_whole(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::vector<char> c((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(c.size());
    std::memcpy(out.data(), c.data(), c.size());
    return out;
}

int64_t base_offset_of(const fs::path& segment) {
    return std::stoll(segment.stem().string());
}

/// A batch found by walking a segment file's headers (no CRC check).
struct file_batch {
    int64_t base = 0;
    int64_t next = 0;
    uint64_t position = 0;
    uint64_t size = 0;
};

/// The whole batches at the front of a segment file, by their headers, and where they end.
std::pair<std::vector<file_batch>, uint64_t> walk_segment(const fs::path& p) {
    auto bytes = read_whole(p);
    std::vector<file_batch> out;
    uint64_t pos = 0;
    while (pos < bytes.size()) {
        auto h = model::parse_batch_header(std::span<const std::byte>(bytes).subspan(pos));
        if (!h || pos + h->size_bytes() > bytes.size()) break;
        out.push_back({h->base_offset.value(), h->next_offset().value(), pos, h->size_bytes()});
        pos += h->size_bytes();
    }
    return {out, pos};
}

void write_at(const fs::path& p, uint64_t position, std::span<const std::byte> data) {
    int fd = ::open(p.c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << p << ": " << std::strerror(errno);
    ASSERT_EQ(::pwrite(fd, data.data(), data.size(), static_cast<off_t>(position)),
              static_cast<ssize_t>(data.size()));
    ::close(fd);
}

// ---------------------------------------------------------------------------------------------
// Running the writer

struct ack {
    int64_t base = 0;
    int64_t last = 0;
    int appender = 0;
    int64_t seq = 0;
    int records = 0;
    uint32_t crc = 0;
};

struct writer_run {
    std::vector<ack> acks;
    std::vector<std::string> errors; // ERR lines and lines that follow no protocol
    std::optional<int64_t> start;    // log end offset the writer found at start
    int wait_status = 0;
    size_t partial_bytes = 0; // an unfinished last line, ignored
    size_t acks_after_kill = 0;
};

void parse_line(const std::string& line, writer_run& run) {
    ack a;
    long long base = 0, last = 0, seq = 0;
    unsigned crc = 0;
    if (line.starts_with("ACK ")) {
        if (std::sscanf(line.c_str(), "ACK %lld %lld %d %lld %d %x", &base, &last, &a.appender,
                        &seq, &a.records, &crc) == 6) {
            a.base = base;
            a.last = last;
            a.seq = seq;
            a.crc = crc;
            run.acks.push_back(a);
            return;
        }
    } else if (line.starts_with("START ")) {
        run.start = std::stoll(line.substr(6));
        return;
    }
    run.errors.push_back(line);
}

/// Runs the writer on `dir` for `run_for`, then sends `sig` (and SIGKILL if it has not died
/// 2 s after a SIGTERM), and returns every protocol line it wrote, read to the end of the pipe.
writer_run run_writer(const fs::path& dir, const fs::path& stderr_log,
                      std::chrono::milliseconds run_for, int sig, int64_t seg_bytes) {
    writer_run run;
    std::vector<std::string> args = {LOG_CRASH_WRITER_PATH, dir.string(),
                                     "--segment-bytes",     std::to_string(seg_bytes),
                                     "--appenders",         std::to_string(appenders)};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        run.errors.push_back(fmt::format("pipe2: {}", std::strerror(errno)));
        return run;
    }
    int err_fd = ::open(stderr_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    auto started = clock_type::now();
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    if (err_fd >= 0) ::close(err_fd);
    if (pid < 0) {
        ::close(fds[0]);
        run.errors.push_back(fmt::format("fork: {}", std::strerror(errno)));
        return run;
    }

    std::string pending;
    bool killed = false;
    bool eof = false;
    auto deadline = started + run_for;
    auto hard_deadline = clock_type::time_point::max(); // SIGKILL after a SIGTERM is ignored
    char buf[65536];
    while (!eof) {
        auto now = clock_type::now();
        if (!killed && now >= deadline) {
            ::kill(pid, sig);
            killed = true;
            if (sig != SIGKILL) hard_deadline = now + std::chrono::seconds(2);
        }
        if (now >= hard_deadline) {
            ::kill(pid, SIGKILL);
            hard_deadline = clock_type::time_point::max();
        }
        int timeout = -1;
        auto next = !killed ? deadline : hard_deadline;
        if (next != clock_type::time_point::max())
            timeout = static_cast<int>(std::max<int64_t>(
                0, std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1));
        pollfd pfd{fds[0], POLLIN, 0};
        int pr = ::poll(&pfd, 1, timeout);
        if (pr < 0 && errno != EINTR) break;
        if (pr <= 0) continue;
        ssize_t n = ::read(fds[0], buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (n == 0) {
            eof = true;
            break;
        }
        pending.append(buf, static_cast<size_t>(n));
        size_t start = 0;
        for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
            size_t before = run.acks.size();
            parse_line(pending.substr(start, nl - start), run);
            if (killed) run.acks_after_kill += run.acks.size() - before;
        }
        pending.erase(0, start);
    }
    ::close(fds[0]);
    if (!killed) ::kill(pid, SIGKILL); // it ended by itself (or the pipe failed)
    ::waitpid(pid, &run.wait_status, 0);
    run.partial_bytes = pending.size();
    return run;
}

std::string tail_of(const fs::path& p, size_t max = 4000) {
    std::ifstream f(p);
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return s.size() > max ? s.substr(s.size() - max) : s;
}

// ---------------------------------------------------------------------------------------------
// Torn tails

/// Appends to the last segment what a write cut short by a power failure could leave there.
/// Returns the number of bytes appended and describes them in `what`.
uint64_t inject_torn_tail(const fs::path& dir, std::mt19937_64& rng, std::string& what,
                          uint64_t& valid_end, fs::path& segment) {
    auto files = segment_files(dir);
    if (files.empty()) return 0;
    segment = files.back();
    auto [batches, end] = walk_segment(segment);
    valid_end = end;
    int64_t next = batches.empty() ? base_offset_of(segment) : batches.back().next;
    uint64_t file_size = fs::file_size(segment);

    std::vector<std::byte> junk;
    int kind = static_cast<int>(rng() % 4);
    switch (kind) {
    case 0: { // random bytes
        junk.resize(1 + rng() % 4096);
        for (auto& b : junk)
            b = static_cast<std::byte>(rng());
        what = fmt::format("{} random bytes", junk.size());
        break;
    }
    case 1: { // zeros: the file grew but its data blocks were never written
        junk.assign(1 + rng() % 4096, std::byte{0});
        what = fmt::format("{} zero bytes", junk.size());
        break;
    }
    case 2: { // the first part of the next batch, with the right base offset
        auto b = crash::make_batch(appenders + 7, static_cast<int64_t>(rng() % 1000000));
        model::assign_base_offset(b, model::offset(next));
        junk.assign(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(1 + rng() % (b.size() - 1)));
        what = fmt::format("the first {} of {} bytes of a batch at offset {}", junk.size(),
                           b.size(), next);
        break;
    }
    default: { // the whole next batch, but one of its sectors never made it
        auto b = crash::make_batch(appenders + 7, static_cast<int64_t>(rng() % 1000000));
        model::assign_base_offset(b, model::offset(next));
        size_t at = L::header_size + rng() % (b.size() - L::header_size);
        b[at] ^= std::byte{0x5a};
        junk = std::move(b);
        what = fmt::format("a whole {}-byte batch at offset {} with byte {} corrupted", junk.size(),
                           next, at);
        break;
    }
    }
    write_at(segment, file_size, junk);
    what += fmt::format(" after byte {} of {}", file_size, segment.filename().string());
    return junk.size();
}

// ---------------------------------------------------------------------------------------------
// Checking

struct check_stats {
    int64_t batches = 0;
    int64_t records = 0;
    uint64_t log_bytes = 0;
    uint64_t bytes_cut = 0;
    int64_t log_end = 0;
};

struct found_batch {
    int64_t last = 0;
    int records = 0;
    uint32_t crc = 0;
    int appender = 0;
    int64_t seq = 0;
};

/// Batches already rebuilt and compared by an earlier check, by base offset. A batch read back
/// with the same header (its CRC-32C, which read_bytes() verified against its bytes) needs no
/// second rebuild; this keeps each check's cost in the new data.
using verified_batches = std::map<int64_t, found_batch>;

/// Opens the partition in `dir` in-process, checks it against the acknowledged appends and
/// closes it (`close_cleanly`) or just drops it. Returns the problems found; empty if none.
std::vector<std::string> check_log(const fs::path& dir, const std::vector<ack>& acks,
                                   bool close_cleanly, check_stats& stats,
                                   verified_batches* cache = nullptr) {
    std::vector<std::string> problems;
    auto problem = [&](std::string s) {
        if (problems.size() < 50) problems.push_back(std::move(s));
    };
    uint64_t before = log_bytes(dir);

    boost::asio::io_context io;
    boost::asio::thread_pool pool(1);
    log::log_config config;
    config.flush = log::flush_policy::always;
    auto opened = log::partition::open(dir, "crash-0", config,
                                       log::partition_context{io.get_executor(), &pool});
    if (!opened) {
        problem("open failed: " + opened.err().to_string());
        pool.join();
        return problems;
    }
    auto p = std::move(opened).value();
    uint64_t after = log_bytes(dir);
    stats.bytes_cut = before > after ? before - after : 0;
    stats.log_bytes = after;

    if (p->damage()) problem("damage() after open: " + p->damage()->to_string());
    int64_t start = p->log_start_offset().value();
    int64_t end = p->log_end_offset().value();
    stats.log_end = end;
    if (start != 0) problem(fmt::format("log start offset is {}, expected 0", start));
    if (p->high_watermark().value() != end)
        problem(fmt::format("high watermark {} != log end offset {} after open",
                            p->high_watermark().value(), end));

    // Read everything, batch by batch, and rebuild each batch from the (appender, seq) its
    // first record names.
    std::map<int64_t, found_batch> found;
    std::set<std::pair<int, int64_t>> ids;
    uint64_t bytes_read = 0;
    int64_t expect = start;
    int64_t from = start;
    while (from < end) {
        auto r = p->read_bytes(model::offset(from), 1 << 20);
        if (!r) {
            problem(fmt::format("read_bytes({}) failed: {}", from, r.err().to_string()));
            break;
        }
        if (r->empty()) {
            problem(fmt::format("read_bytes({}) returned nothing below log end {}", from, end));
            break;
        }
        bytes_read += r->size();
        std::span<const std::byte> all(*r);
        size_t pos = 0;
        while (pos < all.size()) {
            auto h = model::parse_batch_header(all.subspan(pos));
            if (h && h->size_bytes() > all.size() - pos)
                h = error::make(errc::corrupt_message, "batch runs past the bytes read");
            else if (h)
                h = model::validate_batch(all.subspan(pos, h->size_bytes()));
            if (!h) {
                problem(fmt::format("batch at byte {} of read_bytes({}) is invalid: {}", pos, from,
                                    h.err().to_string()));
                from = end; // cannot go on reliably
                break;
            }
            auto batch = all.subspan(pos, h->size_bytes());
            int64_t base = h->base_offset.value();
            if (base != expect)
                problem(fmt::format("batch at offset {} follows offset {}: {} ", base, expect - 1,
                                    base > expect ? "a gap" : "overlapping offsets"));
            expect = h->next_offset().value();
            from = expect;
            pos += h->size_bytes();
            ++stats.batches;
            stats.records += h->record_count;
            if (cache) {
                auto known = cache->find(base);
                if (known != cache->end() && known->second.crc == h->crc &&
                    known->second.last == h->last_offset().value() &&
                    known->second.records == h->record_count) {
                    const auto& k = known->second;
                    if (!ids.insert({k.appender, k.seq}).second)
                        problem(fmt::format("batch at offset {}: appender {} seq {} appears twice",
                                            base, k.appender, k.seq));
                    found[base] = k;
                    continue;
                }
            }

            // Decode the records and compare them with the generator.
            std::vector<std::string> values;
            model::record_reader reader(batch.subspan(L::header_size));
            while (!reader.at_end()) {
                auto rec = reader.next();
                if (!rec || !rec->value) {
                    problem(fmt::format("batch at offset {}: record {} undecodable", base,
                                        values.size()));
                    break;
                }
                values.emplace_back(reinterpret_cast<const char*>(rec->value->data()),
                                    rec->value->size());
            }
            auto id = values.empty() ? std::nullopt : crash::parse_value(values[0]);
            if (!id || id->record != 0 || id->appender < 0 || id->appender >= appenders) {
                problem(fmt::format("batch at offset {} was not written by the writer: '{}'", base,
                                    values.empty() ? "" : values[0].substr(0, 40)));
                continue;
            }
            if (!ids.insert({id->appender, id->seq}).second)
                problem(fmt::format("batch at offset {}: appender {} seq {} appears twice", base,
                                    id->appender, id->seq));
            int n = crash::record_count_for(id->appender, id->seq);
            bool values_ok = static_cast<int>(values.size()) == n;
            for (int i = 0; values_ok && i < n; ++i)
                values_ok = values[i] == crash::record_value(id->appender, id->seq, i);
            if (!values_ok)
                problem(fmt::format("batch at offset {} (appender {} seq {}): record values "
                                    "differ from what was written",
                                    base, id->appender, id->seq));
            // Byte for byte, apart from the base offset the log assigned.
            auto expected = crash::make_batch(id->appender, id->seq);
            bool bytes_ok = expected.size() == batch.size() &&
                            std::equal(batch.begin() + 8, batch.end(), expected.begin() + 8);
            if (!bytes_ok)
                problem(fmt::format("batch at offset {} (appender {} seq {}): bytes differ from "
                                    "what was written",
                                    base, id->appender, id->seq));
            found[base] = {h->last_offset().value(), h->record_count, h->crc, id->appender,
                           id->seq};
            if (cache && values_ok && bytes_ok) (*cache)[base] = found[base];
        }
    }
    if (problems.empty() && expect != end)
        problem(fmt::format("batches end at offset {} but the log end offset is {}", expect, end));
    if (problems.empty() && bytes_read != after)
        problem(fmt::format("the segment files hold {} bytes but the batches read take {}", after,
                            bytes_read));

    // Every acknowledged append is there, as it was acknowledged.
    std::set<int64_t> acked_bases;
    for (const auto& a : acks) {
        if (!acked_bases.insert(a.base).second)
            problem(fmt::format("offset {} was acknowledged twice", a.base));
        auto it = found.find(a.base);
        if (it == found.end()) {
            problem(fmt::format("acknowledged batch of appender {} seq {} at offsets {}..{} is "
                                "missing (log {}..{})",
                                a.appender, a.seq, a.base, a.last, start, end));
            continue;
        }
        const auto& f = it->second;
        if (f.last != a.last || f.records != a.records || f.crc != a.crc ||
            f.appender != a.appender || f.seq != a.seq)
            problem(fmt::format("acknowledged batch at offset {} differs: acked last {} records "
                                "{} crc {:08x} appender {} seq {}; found last {} records {} crc "
                                "{:08x} appender {} seq {}",
                                a.base, a.last, a.records, a.crc, a.appender, a.seq, f.last,
                                f.records, f.crc, f.appender, f.seq));
    }

    if (close_cleanly) {
        if (auto r = p->close(); !r) problem("close failed: " + r.err().to_string());
    }
    p.reset();
    pool.join();
    return problems;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += "  " + s + "\n";
    return out;
}

int iterations_from_env() {
    if (const char* s = std::getenv("SPATE_CRASH_ITERATIONS")) return std::max(1, std::atoi(s));
    return 40;
}

int64_t segment_bytes_from_env() {
    if (const char* s = std::getenv("SPATE_CRASH_SEGMENT_BYTES"))
        return std::max<int64_t>(1, std::atoll(s));
    return 64 * 1024;
}

uint64_t seed_from_env() {
    if (const char* s = std::getenv("SPATE_CRASH_SEED")) return std::strtoull(s, nullptr, 10);
    return std::random_device{}() ^ (static_cast<uint64_t>(std::random_device{}()) << 32);
}

// ---------------------------------------------------------------------------------------------

TEST(log_crash, acknowledged_appends_survive_sigkill_and_torn_tails) {
    const int iterations = iterations_from_env();
    const uint64_t seed = seed_from_env();
    const int64_t segment_bytes = segment_bytes_from_env();
    std::printf("log crash test: seed %llu (rerun with SPATE_CRASH_SEED=%llu), %d iterations, "
                "segment.bytes %lld\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed),
                iterations, static_cast<long long>(segment_bytes));
    std::fflush(stdout);
    std::mt19937_64 rng(seed);
    temp_dir tmp;
    fs::path dir = tmp.path() / "crash-0";
    fs::path writer_log = tmp.path() / "writer.stderr";

    std::vector<ack> all_acks;
    int64_t total_records_acked = 0;
    uint64_t torn_injected = 0, torn_bytes_injected = 0, bytes_cut = 0, clean_closes = 0;
    size_t acks_after_kill = 0;
    check_stats last{};
    verified_batches cache;
    double writer_secs = 0, check_secs = 0;
    std::string previous_close = "none (fresh directory)";
    auto t0 = clock_type::now();
    for (int it = 0; it < iterations; ++it) {
        auto delay = std::chrono::milliseconds(5 + rng() % 296);
        auto t_run = clock_type::now();
        auto run = run_writer(dir, writer_log, delay, SIGKILL, segment_bytes);
        writer_secs += std::chrono::duration<double>(clock_type::now() - t_run).count();
        ASSERT_TRUE(run.errors.empty())
            << "iteration " << it << " (seed " << seed << "): the writer reported:\n"
            << join(run.errors) << "writer stderr:\n"
            << tail_of(writer_log);
        ASSERT_TRUE(WIFSIGNALED(run.wait_status) && WTERMSIG(run.wait_status) == SIGKILL)
            << "iteration " << it << ": the writer ended by itself (wait status " << run.wait_status
            << ")\n"
            << tail_of(writer_log);
        for (const auto& a : run.acks)
            total_records_acked += a.records;
        all_acks.insert(all_acks.end(), run.acks.begin(), run.acks.end());
        acks_after_kill += run.acks_after_kill;

        std::string torn;
        uint64_t injected = 0, valid_end = 0;
        fs::path torn_segment;
        if (rng() % 3 == 0) {
            injected = inject_torn_tail(dir, rng, torn, valid_end, torn_segment);
            if (HasFatalFailure()) return;
            if (injected > 0) {
                ++torn_injected;
                torn_bytes_injected += injected;
            }
        }

        bool close_cleanly = rng() % 2 == 0;
        clean_closes += close_cleanly;
        check_stats st;
        auto t_check = clock_type::now();
        auto problems = check_log(dir, all_acks, close_cleanly, st, &cache);
        check_secs += std::chrono::duration<double>(clock_type::now() - t_check).count();
        bytes_cut += st.bytes_cut;
        if (injected > 0) {
            std::error_code ec;
            uint64_t now_size = fs::exists(torn_segment) ? fs::file_size(torn_segment, ec) : 0;
            if (st.bytes_cut < injected || now_size > valid_end)
                problems.push_back(fmt::format(
                    "the torn tail ({}) was not cut: {} bytes cut, {} is {} bytes, its whole "
                    "batches end at byte {}",
                    torn, st.bytes_cut, torn_segment.filename().string(), now_size, valid_end));
        }
        if (!problems.empty()) tmp.keep();
        ASSERT_TRUE(problems.empty())
            << "iteration " << it << " (seed " << seed << ", writer ran " << delay.count()
            << " ms, " << run.acks.size() << " acks, torn tail: " << (torn.empty() ? "none" : torn)
            << ", previous check's close: " << previous_close << "):\n"
            << join(problems) << "the log is kept in " << dir << "\nwriter stderr:\n"
            << tail_of(writer_log);
        last = st;
        previous_close = close_cleanly ? "clean" : "dropped without close()";
    }
    double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    std::printf(
        "log crash test: %d iterations in %.1f s (writer %.1f s, checks %.1f s; seed %llu)\n"
        "  acknowledged: %zu batches, %lld records (%zu acks read after the kill)\n"
        "  log at the end: %lld batches, %lld records, %llu bytes, log end offset %lld\n"
        "  torn tails injected: %llu (%llu bytes); bytes cut by recovery: %llu\n"
        "  checks closed cleanly: %llu of %d\n",
        iterations, secs, writer_secs, check_secs, static_cast<unsigned long long>(seed),
        all_acks.size(), static_cast<long long>(total_records_acked), acks_after_kill,
        static_cast<long long>(last.batches), static_cast<long long>(last.records),
        static_cast<unsigned long long>(last.log_bytes), static_cast<long long>(last.log_end),
        static_cast<unsigned long long>(torn_injected),
        static_cast<unsigned long long>(torn_bytes_injected),
        static_cast<unsigned long long>(bytes_cut), static_cast<unsigned long long>(clean_closes),
        iterations);
    EXPECT_GT(all_acks.size(), 0u) << "the writer never acknowledged anything";
}

// The checker must be able to fail: a clean run passes it, and one flipped byte of
// acknowledged data, in a finished segment or in the active one, does not.
TEST(log_crash, checker_detects_a_corrupted_acknowledged_byte) {
    temp_dir tmp;
    fs::path dir = tmp.path() / "crash-0";
    fs::path writer_log = tmp.path() / "writer.stderr";
    // Small segments so that 300 ms of writing fills several.
    auto run = run_writer(dir, writer_log, std::chrono::milliseconds(300), SIGTERM, 8 * 1024);
    ASSERT_TRUE(run.errors.empty()) << join(run.errors) << tail_of(writer_log);
    ASSERT_TRUE(WIFSIGNALED(run.wait_status)) << "wait status " << run.wait_status;
    ASSERT_GT(run.acks.size(), 0u) << tail_of(writer_log);

    check_stats st;
    auto problems = check_log(dir, run.acks, /*close_cleanly=*/true, st);
    ASSERT_TRUE(problems.empty()) << join(problems);
    std::printf("sanity run: %zu acks, %lld batches in the log, %zu segment files\n",
                run.acks.size(), static_cast<long long>(st.batches), segment_files(dir).size());

    std::set<int64_t> acked;
    for (const auto& a : run.acks)
        acked.insert(a.base);
    auto files = segment_files(dir);
    ASSERT_GE(files.size(), 2u) << "expected the writer to fill more than one segment";

    // Flips a byte in the records of the first acknowledged batch of `segment` (the middle one
    // if `middle`), checks that the checker reports it, then restores it.
    auto corrupt_and_check = [&](const fs::path& segment, bool middle) {
        auto [batches, end] = walk_segment(segment);
        std::vector<file_batch> candidates;
        for (const auto& b : batches)
            if (acked.contains(b.base)) candidates.push_back(b);
        ASSERT_FALSE(candidates.empty()) << "no acknowledged batch in " << segment;
        const auto& b = middle ? candidates[candidates.size() / 2] : candidates.front();
        uint64_t at = b.position + L::header_size + (b.size - L::header_size) / 2;
        auto bytes = read_whole(segment);
        std::byte original = bytes.at(at);
        std::byte flipped = original ^ std::byte{0x20};
        write_at(segment, at, std::span<const std::byte>(&flipped, 1));

        check_stats s1;
        auto found = check_log(dir, run.acks, /*close_cleanly=*/false, s1);
        EXPECT_FALSE(found.empty()) << "a flipped byte at " << segment.filename() << " byte " << at
                                    << " (batch at offset " << b.base << ") went unnoticed";
        bool names_batch = false;
        for (const auto& f : found)
            names_batch |= f.find(std::to_string(b.base)) != std::string::npos;
        EXPECT_TRUE(names_batch) << "the problems found do not name offset " << b.base << ":\n"
                                 << join(found);

        // Put it back: the same log passes again, so the byte alone was the cause.
        write_at(segment, at, std::span<const std::byte>(&original, 1));
        check_stats s2;
        auto again = check_log(dir, run.acks, /*close_cleanly=*/true, s2);
        EXPECT_TRUE(again.empty()) << join(again);
    };
    corrupt_and_check(files.front(), /*middle=*/true); // a finished segment, trusted by its index
    // The active segment, or the last one holding an acknowledged batch if the writer was killed
    // just after rolling.
    auto holds_ack = [&](const fs::path& f) {
        auto batches = walk_segment(f).first;
        return std::any_of(batches.begin(), batches.end(),
                           [&](const file_batch& b) { return acked.contains(b.base); });
    };
    auto active = files.size() - 1;
    while (active > 1 && !holds_ack(files[active]))
        --active;
    corrupt_and_check(files[active], /*middle=*/false);
}

} // namespace
