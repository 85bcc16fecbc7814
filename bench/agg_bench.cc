// agg_bench: the cost of the aggregate functions of src/agg as the hash-aggregate operator
// calls them, without its hash table: 10M rows in batches of 4096, each row sent to the state of
// group key % G (random keys), for G = 1,000 (states in cache) and G = 1,000,000 (a cache miss
// per row). Prints updates per second per function and group count, then a markdown table.
//
//   agg_bench [--rows N] [--batch N]
//
// Run by hand on a Release build; not a test.

#include "agg/aggregate_function.h"
#include "columnar/column.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using spate::agg::aggregate_function;
using spate::agg::input_kind;
using spate::columnar::column;
using spate::columnar::data_type;
using spate::columnar::type_id;

struct result_row {
    std::string function;
    size_t groups;
    double updates_per_s;
    double state_mb;
};

/// Feeds `rows` rows to `groups` states of `f` and returns the updates per second.
result_row run(const aggregate_function& f, const std::string& label, size_t groups,
               const std::vector<uint32_t>& keys,
               const std::vector<std::unique_ptr<column>>& batches, size_t batch) {
    size_t stride = (f.state_size + f.state_align - 1) / f.state_align * f.state_align;
    auto* arena = static_cast<std::byte*>(std::aligned_alloc(f.state_align, stride * groups));
    for (size_t g = 0; g < groups; ++g)
        f.init(arena + g * stride, f);
    std::vector<std::byte*> states(batch);
    auto start = std::chrono::steady_clock::now();
    for (size_t off = 0, b = 0; off < keys.size(); off += batch, ++b) {
        size_t n = std::min(batch, keys.size() - off);
        for (size_t i = 0; i < n; ++i)
            states[i] = arena + (keys[off + i] % groups) * stride;
        const column* args[] = {batches[b % batches.size()].get()};
        f.update(states.data(), args, nullptr, nullptr, n, f);
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Keep the results observable so nothing is optimized away.
    column out(f.result_type);
    for (size_t g = 0; g < groups; g += groups / 10)
        (void)f.finalize(arena + g * stride, out, f);
    size_t heap = 0;
    for (size_t g = 0; g < groups; ++g) {
        if (f.heap_bytes) heap += f.heap_bytes(arena + g * stride);
        if (f.destroy) f.destroy(arena + g * stride);
    }
    std::free(arena);
    double mb = static_cast<double>(stride * groups + heap) / 1e6;
    return {label, groups, static_cast<double>(keys.size()) / secs, mb};
}

} // namespace

int main(int argc, char** argv) {
    size_t rows = 10'000'000, batch = 4096;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--rows")) rows = std::strtoull(argv[i + 1], nullptr, 10);
        if (!std::strcmp(argv[i], "--batch")) batch = std::strtoull(argv[i + 1], nullptr, 10);
    }
    std::mt19937_64 rng(42);
    std::vector<uint32_t> keys(rows);
    for (auto& k : keys)
        k = static_cast<uint32_t>(rng());
    // 64 batches of values, reused in turn; 1 row in 50 is NULL.
    std::vector<std::unique_ptr<column>> batches;
    for (int b = 0; b < 64; ++b) {
        column& c =
            *batches.emplace_back(std::make_unique<column>(data_type(type_id::int64), batch));
        for (size_t i = 0; i < batch; ++i) {
            if (rng() % 50 == 0)
                c.push_null();
            else
                c.push_i64(static_cast<int64_t>(rng() % 1'000'000));
        }
    }
    struct spec {
        const char* label;
        const char* name;
        input_kind input;
        size_t max_groups;
    };
    const spec specs[] = {
        {"count(x)", "count", input_kind::changelog, 1'000'000},
        {"sum(bigint)", "sum", input_kind::changelog, 1'000'000},
        {"avg(bigint)", "avg", input_kind::changelog, 1'000'000},
        {"max(bigint) append-only", "max", input_kind::append_only, 1'000'000},
        // A multiset per group: about 600 bytes per group at 10 rows, so 1,000 groups only.
        {"max(bigint) changelog", "max", input_kind::changelog, 1'000},
    };
    std::vector<result_row> results;
    data_type arg(type_id::int64);
    for (const spec& s : specs) {
        auto f = spate::agg::resolve_aggregate(s.name, std::span(&arg, 1), false, s.input);
        for (size_t groups : {size_t{1000}, size_t{1'000'000}}) {
            if (groups > s.max_groups) continue;
            results.push_back(run(f, s.label, groups, keys, batches, batch));
            const auto& r = results.back();
            std::printf("%-26s groups=%-8zu %8.1f M updates/s  state %.1f MB\n", r.function.c_str(),
                        r.groups, r.updates_per_s / 1e6, r.state_mb);
        }
    }
    std::printf("\n| function | groups | M updates/s | state MB |\n|---|---:|---:|---:|\n");
    for (const auto& r : results)
        std::printf("| %s | %zu | %.1f | %.1f |\n", r.function.c_str(), r.groups,
                    r.updates_per_s / 1e6, r.state_mb);
    return 0;
}
