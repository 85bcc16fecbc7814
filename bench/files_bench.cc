// Files: CSV parsing into columns (all, some, none projected) and text lines, MB/s per core,
// on a generated file like the one the DuckDB comparison reads, plain, gzip and zstd. Plain
// program:
//   files_bench [rows] [repeats]

#include "files/files.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace spate;

double thread_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

std::string make_csv(size_t rows) {
    static const char* categories[] = {"books", "games", "music", "garden", "toys",
                                       "food",  "tools", "sport", "beauty", "auto"};
    std::string s = "id,user_id,category,amount,ts\n";
    uint64_t x = 88172645463325252ull;
    char line[160];
    for (size_t i = 0; i < rows; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t ms = 1704067200000ll + int64_t(i) * 37;
        time_t secs = time_t(ms / 1000);
        tm t{};
        gmtime_r(&secs, &t);
        int n = std::snprintf(
            line, sizeof line, "%zu,%llu,%s,%llu.%02llu,%04d-%02d-%02d %02d:%02d:%02d.%03d\n", i,
            (unsigned long long)(x % 1000000), categories[x % 10], (unsigned long long)(x % 100000),
            (unsigned long long)(x % 100), t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
            t.tm_min, t.tm_sec, int(ms % 1000));
        s.append(line, size_t(n));
    }
    return s;
}

/// Reads the table with one parser on this thread; returns parse seconds (thread CPU time,
/// reading and chunking excluded) and the rows.
double parse_once(const files::file_table& t, std::vector<uint32_t> projection, size_t& rows) {
    files::chunk_reader reader(t);
    std::vector<files::chunk> chunks;
    while (true) {
        auto c = reader.next();
        if (!c) {
            std::fprintf(stderr, "%s\n", c.err().message.c_str());
            std::exit(1);
        }
        if (!*c) break;
        chunks.push_back(std::move(**c));
    }
    files::chunk_parser parser(t, projection);
    auto types = parser.output_types();
    files::parse_stats stats;
    double start = thread_seconds();
    rows = 0;
    for (const auto& c : chunks) {
        columnar::batch out = columnar::batch::with_types(types, 1 << 16);
        auto r = parser.parse(c, out, stats);
        if (!r) {
            std::fprintf(stderr, "%s\n", r.err().message.c_str());
            std::exit(1);
        }
        rows += out.rows;
    }
    return thread_seconds() - start;
}

double read_once(const files::file_table& t) {
    double start = thread_seconds();
    files::chunk_reader reader(t);
    while (true) {
        auto c = reader.next();
        if (!c || !*c) break;
    }
    return thread_seconds() - start;
}

/// Wall seconds of a whole scan (read + parse all columns) with `threads` workers.
double scan_parallel(const files::file_table& t, int threads) {
    auto start = std::chrono::steady_clock::now();
    files::chunk_reader reader(t);
    std::vector<std::thread> workers;
    for (int k = 0; k < threads; ++k)
        workers.emplace_back([&] {
            std::vector<uint32_t> all;
            for (uint32_t i = 0; i < t.columns.size(); ++i)
                all.push_back(i);
            files::chunk_parser parser(t, all);
            auto types = parser.output_types();
            files::parse_stats stats;
            while (true) {
                auto c = reader.next();
                if (!c || !*c) break;
                columnar::batch out = columnar::batch::with_types(types, 1 << 16);
                if (!parser.parse(**c, out, stats)) std::exit(1);
            }
        });
    for (auto& w : workers)
        w.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
    size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
    int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    auto dir = std::filesystem::temp_directory_path() / "spate_files_bench";
    std::filesystem::create_directories(dir);
    std::string path = (dir / "data.csv").string();
    {
        std::string csv = make_csv(rows);
        std::ofstream(path, std::ios::binary) << csv;
    }
    double mb = double(std::filesystem::file_size(path)) / 1e6;
    auto t = files::open_table(path, {});
    if (!t) {
        std::fprintf(stderr, "%s\n", t.err().message.c_str());
        return 1;
    }
    files::read_options text_options;
    text_options.format = files::file_format::text;
    auto text = files::open_table(path, text_options);
    std::printf("%zu rows, %.1f MB; columns:", rows, mb);
    for (const auto& c : t->columns)
        std::printf(" %s %s", c.name.c_str(), c.type.to_string().c_str());
    std::printf("\n%-34s %10s %10s %10s\n", "case (one thread, best)", "MB/s", "Mrows/s", "ns/row");
    auto report = [&](const char* name, double secs, size_t n) {
        std::printf("%-34s %10.0f %10.2f %10.1f\n", name, mb / secs, double(n) / secs / 1e6,
                    secs * 1e9 / double(n));
    };
    struct bench_case {
        const char* name;
        const files::file_table* table;
        std::vector<uint32_t> projection;
    };
    std::vector<bench_case> cases = {
        {"csv parse, all 5 columns", &*t, {0, 1, 2, 3, 4}},
        {"csv parse, amount + category", &*t, {3, 2}},
        {"csv parse, ts only", &*t, {4}},
        {"csv count(*)", &*t, {}},
        {"text lines", &*text, {0}},
    };
    {
        double best = 1e9;
        for (int r = 0; r < repeats; ++r)
            best = std::min(best, read_once(*t));
        report("read + chunk (no parse)", best, rows);
    }
    for (const auto& c : cases) {
        double best = 1e9;
        size_t n = 0;
        for (int r = 0; r < repeats; ++r)
            best = std::min(best, parse_once(*c.table, c.projection, n));
        report(c.name, best, n);
    }
    auto scans = [&](const files::file_table& table, const char* what) {
        for (int threads : {1, 2}) {
            double best = 1e9;
            for (int r = 0; r < repeats; ++r)
                best = std::min(best, scan_parallel(table, threads));
            std::printf("whole scan%s, %d thread(s), wall: %.0f MB/s, %.2f Mrows/s\n", what,
                        threads, mb / best, double(rows) / best / 1e6);
        }
    };
    scans(*t, "");
    // The same file compressed (by the gzip and zstd programs, when installed).
    for (auto [tool, ext] : {std::pair{"gzip -1", ".gz"}, std::pair{"zstd -q -1", ".zst"}}) {
        std::string compressed = path + ext;
        std::string cmd = std::string(tool) + " -c '" + path + "' > '" + compressed + "'";
        if (std::system(cmd.c_str()) != 0) continue;
        auto ct = files::open_table(compressed, {});
        if (!ct) continue;
        scans(*ct, ext);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
