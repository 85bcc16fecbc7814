// log_crash_writer DIR [--segment-bytes N] [--appenders K]
//
// The process the log crash test kills. Opens (recovering) the partition in DIR with flush
// policy `always` and small segments, then runs K appenders forever, each appending batches
// built from (appender id, sequence number) with append_durable(). Only once an append is
// reported durable does it write one line to stdout, with a single write(2):
//
//   ACK <base_offset> <last_offset> <appender> <seq> <record_count> <crc32c as 8 hex digits>
//
// so every line the test reads is a promise the log must keep after a crash. On an append error
// it writes "ERR <message>" and exits with status 2. At start it writes "START <log_end_offset>".
// Sequence numbers start at the log end offset found at start, so that (appender, seq) pairs
// stay unique across restarts. Logging goes to stderr.

#include "crash_batch.h"

#include "log/partition.h"
#include "model/record_batch.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
using namespace spate;

// One write(2) per line: a reader never sees two lines mixed, and a line written before the
// process is killed is in the pipe.
void write_line(const std::string& line) {
    size_t done = 0;
    while (done < line.size()) {
        ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            std::_Exit(3); // the reader is gone
        }
        done += static_cast<size_t>(n);
    }
}

[[noreturn]] void fail(const std::string& message) {
    write_line("ERR " + message + "\n");
    std::_Exit(2);
}

asio::awaitable<void> appender(std::shared_ptr<log::partition> p, int id, int64_t first_seq) {
    for (int64_t seq = first_seq;; ++seq) {
        auto batch = crash::make_batch(id, seq);
        auto header = model::parse_batch_header(batch);
        if (!header) fail("built an invalid batch: " + header.err().to_string());
        auto r = co_await p->append_durable(batch);
        if (!r) fail(fmt::format("appender {} seq {}: {}", id, seq, r.err().to_string()));
        write_line(fmt::format("ACK {} {} {} {} {} {:08x}\n", r->base_offset.value(),
                               r->last_offset.value(), id, seq, header->record_count, header->crc));
    }
}

int64_t parse_number(const char* flag, const char* s) {
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v <= 0) {
        std::fprintf(stderr, "log_crash_writer: %s needs a positive number, not '%s'\n", flag, s);
        std::exit(64);
    }
    return v;
}

} // namespace

int main(int argc, char** argv) {
    const char* usage = "usage: log_crash_writer DIR [--segment-bytes N] [--appenders K]\n";
    std::string dir;
    int64_t segment_bytes = 64 * 1024;
    int64_t appenders = 4;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--segment-bytes" && i + 1 < argc) {
            segment_bytes = parse_number("--segment-bytes", argv[++i]);
        } else if (a == "--appenders" && i + 1 < argc) {
            appenders = parse_number("--appenders", argv[++i]);
        } else if (!a.starts_with("-") && dir.empty()) {
            dir = a;
        } else {
            std::fputs(usage, stderr);
            return 64;
        }
    }
    if (dir.empty()) {
        std::fputs(usage, stderr);
        return 64;
    }

    // stdout carries only the protocol lines.
    spdlog::set_default_logger(spdlog::stderr_logger_mt("log_crash_writer"));

    asio::io_context io;
    asio::thread_pool pool(1);
    log::log_config config;
    config.flush = log::flush_policy::always;
    config.segment_bytes = segment_bytes;
    auto opened = log::partition::open(dir, "crash-0", config,
                                       log::partition_context{io.get_executor(), &pool});
    if (!opened) fail("open " + dir + ": " + opened.err().to_string());
    std::shared_ptr<log::partition> p = std::move(opened).value();
    if (p->damage()) fail("partition is damaged after open: " + p->damage()->to_string());

    int64_t first_seq = p->log_end_offset().value();
    write_line(fmt::format("START {}\n", first_seq));
    for (int id = 0; id < appenders; ++id)
        asio::co_spawn(io, appender(p, id, first_seq), asio::detached);
    io.run();
    return 0; // not reached: the appenders never finish
}
