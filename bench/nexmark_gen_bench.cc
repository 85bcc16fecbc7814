// nexmark_gen_bench: how fast the Nexmark generator makes events, alone and with JSON encoding,
// on one thread. Plain main, no framework:
//
//   nexmark_gen_bench [EVENTS]     (default 20,000,000)
//
// Prints one line per phase: events/s and, for JSON, MB/s of encoded output, per second of the
// thread's CPU time (what the generator costs, whatever else runs on the machine) and of wall
// time. The result of each
// phase is folded into a checksum that is printed, so the compiler cannot drop the work.

#include "nexmark/generator.h"
#include "nexmark/json_writer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <time.h>

namespace {

using steady = std::chrono::steady_clock;
namespace nx = spate::nexmark;

double seconds_since(steady::time_point start) {
    return std::chrono::duration<double>(steady::now() - start).count();
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void generate_only(uint64_t events) {
    nx::generator gen{nx::generator_config{}};
    uint64_t checksum = 0;
    auto start = steady::now();
    double cpu_start = thread_cpu_seconds();
    for (uint64_t i = 0; i < events; ++i) {
        const nx::event& e = gen.next();
        checksum += static_cast<uint64_t>(e.date_time_ms()) ^ e.b.extra.size() ^ e.p.name.size();
    }
    double s = seconds_since(start);
    double cpu = thread_cpu_seconds() - cpu_start;
    std::printf("next():        %12.0f events/cpu-s %12.0f events/s  (%llu events in %.3f s, "
                "checksum %llu)\n",
                static_cast<double>(events) / cpu, static_cast<double>(events) / s,
                static_cast<unsigned long long>(events), s,
                static_cast<unsigned long long>(checksum));
}

void generate_json(uint64_t events) {
    nx::generator gen{nx::generator_config{}};
    std::string out;
    out.reserve(1 << 20);
    uint64_t bytes = 0;
    auto start = steady::now();
    double cpu_start = thread_cpu_seconds();
    for (uint64_t i = 0; i < events; ++i) {
        nx::append_json(gen.next(), out);
        out.push_back('\n');
        if (out.size() > (1 << 20) - 4096) {
            bytes += out.size();
            out.clear();
        }
    }
    bytes += out.size();
    double s = seconds_since(start);
    double cpu = thread_cpu_seconds() - cpu_start;
    std::printf("next()+JSON:   %12.0f events/cpu-s %12.0f events/s  %8.1f MB/cpu-s  (%llu "
                "bytes in %.3f s)\n",
                static_cast<double>(events) / cpu, static_cast<double>(events) / s,
                static_cast<double>(bytes) / cpu / 1e6, static_cast<unsigned long long>(bytes), s);
}

} // namespace

int main(int argc, char** argv) {
    uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20'000'000;
    if (events == 0) {
        std::fprintf(stderr, "usage: nexmark_gen_bench [EVENTS > 0]\n");
        return 1;
    }
    generate_only(events);
    generate_json(events);
    return 0;
}
