// Continuous SQL benchmark, in process (issue 5). Generates N Nexmark bids (the bid stream
// only: persons and auctions of the sequence are skipped), encodes them as JSON into one
// padded buffer before any timing, and then measures on this thread, per query:
//
//   json     the bytes through a source_stage (JSON decode, constraints, hidden columns,
//            watermark) and the query's planned chain (plan::plan_query over a catalog of
//            one bid source; stream::build_chain) into an output that counts and drops rows;
//   columns  the same chain fed columnar batches built straight from the generator's structs
//            (built before timing): the operators' own speed;
//   decode   the source_stage alone (what every query pays before its operators);
//   raw      simdjson On-Demand parsing every record and reading every field, building
//            nothing: the parser's ceiling on these bytes.
//
// Events/s per core use this thread's CPU time; wall rates use the steady clock. Each case runs
// --repeat times, interleaved, and the median is reported. Peak RSS is the process's VmHWM.
// ONLY=<case>/<query> (e.g. ONLY=json/q5) runs just that, --repeat times, for callgrind.
// Run by hand on a Release or RelWithDebInfo build; see docs/benchmarks.md.

#include "process_stats.h"

#include "columnar/batch.h"
#include "exec/operator.h"
#include "nexmark/generator.h"
#include "nexmark/json_writer.h"
#include "plan/binder.h"
#include "sql/ast.h"
#include "sql/parser.h"
#include "stream/chain.h"
#include "stream/dead_letters.h"
#include "stream/record_walk.h"
#include "stream/source_stage.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace spate;
namespace od = simdjson::ondemand;

/// The bid source as the JSON records spell it (the key "dateTime" folds to datetime), with a
/// 4 s watermark delay as in the Nexmark queries of Flink and RisingWave.
constexpr const char* bid_source_sql =
    "CREATE SOURCE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, "
    "url VARCHAR, datetime TIMESTAMP(3), extra VARCHAR, "
    "WATERMARK FOR datetime AS datetime - INTERVAL '4' SECOND)";
constexpr int64_t watermark_delay_ms = 4000;

struct query_text {
    const char* name;
    const char* sql;
};

/// The queries measured; own copies of the Nexmark texts, spelled for this source's columns.
const std::vector<query_text>& queries() {
    static const std::vector<query_text> q = {
        {"q0", "SELECT auction, bidder, price, datetime, extra FROM bid"},
        {"q1", "SELECT auction, bidder, 0.908 * price AS price, datetime, extra FROM bid"},
        {"q2", "SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0"},
        {"q5-inner",
         "SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime "
         "FROM TABLE(HOP(TABLE bid, DESCRIPTOR(datetime), INTERVAL '2' SECOND, "
         "INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end"},
        {"q7-inner", "SELECT window_start, window_end, max(price) AS maxprice "
                     "FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(datetime), INTERVAL '10' SECOND)) "
                     "GROUP BY window_start, window_end"},
    };
    return q;
}

/// CPU time of this thread: the machine is shared, and time spent descheduled is not ours.
double thread_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

double wall_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// A catalog of one source for the binder. Used on the main thread only.
class bench_catalog final : public plan::catalog_reader {
public:
    explicit bench_catalog(std::shared_ptr<const plan::source_def> s) : _source(std::move(s)) {}
    std::shared_ptr<const plan::source_def> find_source(const std::string& name) const override {
        return name == _source->name ? _source : nullptr;
    }
    const plan::relation_shape* find_view(const std::string&) const override { return nullptr; }
    std::vector<std::string> relation_names() const override { return {_source->name}; }

private:
    std::shared_ptr<const plan::source_def> _source;
};

/// The end of a chain: counts rows and drops them. Called on the bench thread.
class discard_output final : public exec::output {
public:
    void push(columnar::batch b) override { rows += b.rows; }
    void watermark(exec::event_time) override {}
    uint64_t rows = 0;
};

/// The bids, as JSON records laid end to end in one buffer padded for simdjson, in chunks the
/// size of a source batch, and as columnar batches of the source's columns.
struct bid_corpus {
    std::string bytes;
    std::vector<stream::raw_record> records;
    std::vector<std::string_view> values;
    /// Each chunk's largest watermark (event time - delay), for the column-fed runs.
    std::vector<int64_t> chunk_watermark;
    std::vector<nexmark::bid> bids; ///< string views into `strings`
    std::string strings;
};

bid_corpus make_corpus(size_t n, size_t chunk) {
    bid_corpus c;
    nexmark::generator_config cfg;
    nexmark::generator gen(cfg);
    std::vector<std::pair<size_t, size_t>> spans;
    std::vector<std::array<std::pair<size_t, size_t>, 3>> str_spans;
    spans.reserve(n);
    c.bytes.reserve(n * 260 + simdjson::SIMDJSON_PADDING);
    c.strings.reserve(n * 200);
    c.bids.reserve(n);
    while (c.bids.size() < n) {
        const auto& e = gen.next();
        if (e.kind != nexmark::event_kind::bid) continue;
        size_t at = c.bytes.size();
        nexmark::append_json(e.b, c.bytes);
        spans.emplace_back(at, c.bytes.size() - at);
        nexmark::bid b = e.b;
        std::array<std::pair<size_t, size_t>, 3> s;
        for (int k = 0; k < 3; ++k) {
            std::string_view v = k == 0 ? b.channel : k == 1 ? b.url : b.extra;
            s[size_t(k)] = {c.strings.size(), v.size()};
            c.strings += v;
        }
        str_spans.push_back(s);
        c.bids.push_back(b);
    }
    c.bytes.append(simdjson::SIMDJSON_PADDING, ' ');
    for (size_t i = 0; i < n; ++i) {
        std::string_view v(c.bytes.data() + spans[i].first, spans[i].second);
        c.values.push_back(v);
        c.records.push_back({int64_t(i), c.bids[i].date_time_ms, std::nullopt, v});
        auto& b = c.bids[i];
        const auto& s = str_spans[i];
        b.channel = std::string_view(c.strings.data() + s[0].first, s[0].second);
        b.url = std::string_view(c.strings.data() + s[1].first, s[1].second);
        b.extra = std::string_view(c.strings.data() + s[2].first, s[2].second);
    }
    for (size_t i = 0; i < n; i += chunk) {
        int64_t wm = exec::no_watermark;
        for (size_t k = i; k < std::min(n, i + chunk); ++k)
            wm = std::max(wm, c.bids[k].date_time_ms - watermark_delay_ms);
        c.chunk_watermark.push_back(wm);
    }
    return c;
}

/// The corpus as batches of the source's columns plus _partition and _offset, as a
/// source_stage would give them.
std::vector<columnar::batch> make_batches(const bid_corpus& c, size_t chunk) {
    using columnar::type_id;
    std::vector<columnar::data_type> types = {
        type_id::int64,     type_id::int64,   type_id::int64, type_id::varchar, type_id::varchar,
        type_id::timestamp, type_id::varchar, type_id::int64, type_id::int64};
    std::vector<columnar::batch> out;
    for (size_t i = 0; i < c.bids.size(); i += chunk) {
        size_t end = std::min(c.bids.size(), i + chunk);
        auto b = columnar::batch::with_types(types, end - i);
        for (size_t k = i; k < end; ++k) {
            const auto& bid = c.bids[k];
            b.columns[0]->push_i64(bid.auction);
            b.columns[1]->push_i64(bid.bidder);
            b.columns[2]->push_i64(bid.price);
            b.columns[3]->push_string(bid.channel);
            b.columns[4]->push_string(bid.url);
            b.columns[5]->push_i64(bid.date_time_ms);
            b.columns[6]->push_string(bid.extra);
            b.columns[7]->push_i64(0);
            b.columns[8]->push_i64(int64_t(k));
        }
        b.rows = end - i;
        out.push_back(std::move(b));
    }
    return out;
}

/// simdjson's parse of every record, reading every key and value; returns a checksum.
uint64_t raw_parse(const bid_corpus& c, od::parser& parser) {
    uint64_t sum = 0;
    for (std::string_view r : c.values) {
        od::document doc;
        if (parser.iterate(simdjson::padded_string_view(r, r.size() + simdjson::SIMDJSON_PADDING))
                .get(doc))
            std::abort();
        od::object obj;
        if (doc.get_object().get(obj)) std::abort();
        for (auto fr : obj) {
            od::field f;
            if (std::move(fr).get(f)) std::abort();
            std::string_view key;
            if (f.unescaped_key().get(key)) std::abort();
            sum += key.size();
            od::value v = f.value();
            od::json_type t;
            if (v.type().get(t)) std::abort();
            if (t == od::json_type::number) {
                int64_t i = 0;
                if (v.get_int64().get(i)) std::abort();
                sum += uint64_t(i);
            } else {
                std::string_view s;
                if (v.get_string().get(s)) std::abort();
                sum += s.size();
            }
        }
    }
    return sum;
}

struct timing {
    double cpu = 0;
    double wall = 0;
    uint64_t rows_out = 0;
};

template <class F>
timing timed(F&& f) {
    double c0 = thread_cpu_s(), w0 = wall_s();
    uint64_t rows = f();
    return {thread_cpu_s() - c0, wall_s() - w0, rows};
}

/// The whole path from JSON bytes to the query's output, once.
uint64_t run_json(const plan::dataflow& d, const bid_corpus& c, size_t chunk) {
    discard_output out;
    stream::dead_letters letters("bid", "bid", "", "");
    uint32_t ncols = uint32_t(d.source->columns.size());
    auto chain =
        stream::build_chain(d, 0, d.steps.size(), &out, &letters, {ncols, ncols + 1}, false);
    stream::source_stage stage(d.source, 0);
    exec::event_time sent = exec::no_watermark;
    std::span<const stream::raw_record> all(c.records);
    for (size_t i = 0; i < all.size(); i += chunk) {
        auto b = stage.process(all.subspan(i, std::min(chunk, all.size() - i)), letters);
        if (b.rows) chain.entry()->push(std::move(b));
        if (stage.watermark() > sent) {
            sent = stage.watermark();
            chain.entry()->watermark(sent);
        }
    }
    chain.entry()->watermark(exec::end_of_input);
    if (letters.invalid_count() || letters.late_count() || !letters.records().empty()) {
        fmt::print(stderr, "unexpected rejected rows: {} invalid, {} late, first error {}\n",
                   letters.invalid_count(), letters.late_count(), letters.first_error());
        std::exit(1);
    }
    return out.rows;
}

/// The query's chain fed prepared batches, once.
uint64_t run_columns(const plan::dataflow& d, std::vector<columnar::batch>& batches,
                     const bid_corpus& c) {
    discard_output out;
    stream::dead_letters letters("bid", "bid", "", "");
    uint32_t ncols = uint32_t(d.source->columns.size());
    auto chain =
        stream::build_chain(d, 0, d.steps.size(), &out, &letters, {ncols, ncols + 1}, false);
    exec::event_time sent = exec::no_watermark;
    for (size_t i = 0; i < batches.size(); ++i) {
        chain.entry()->push(std::move(batches[i]));
        if (c.chunk_watermark[i] > sent) {
            sent = c.chunk_watermark[i];
            chain.entry()->watermark(sent);
        }
    }
    chain.entry()->watermark(exec::end_of_input);
    if (letters.late_count() || !letters.first_error().empty()) std::exit(1);
    return out.rows;
}

/// The source stage alone, once.
uint64_t run_decode(std::shared_ptr<const plan::source_def> src, const bid_corpus& c,
                    size_t chunk) {
    stream::dead_letters letters("bid", "bid", "", "");
    stream::source_stage stage(std::move(src), 0);
    std::span<const stream::raw_record> all(c.records);
    uint64_t rows = 0;
    for (size_t i = 0; i < all.size(); i += chunk)
        rows += stage.process(all.subspan(i, std::min(chunk, all.size() - i)), letters).rows;
    if (letters.invalid_count()) std::exit(1);
    return rows;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    if (v.empty()) return 0;
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct case_result {
    std::string name;
    std::vector<double> cpu_rate, wall_rate;
    uint64_t rows_out = 0;
};

void add(case_result& r, timing t, size_t n) {
    r.cpu_rate.push_back(double(n) / t.cpu);
    r.wall_rate.push_back(double(n) / t.wall);
    r.rows_out = t.rows_out;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"spate's continuous SQL engine in process: Nexmark bids through the planned "
                 "queries"};
    size_t n = 1'000'000;
    int repeat = 3;
    size_t chunk = 4096;
    app.add_option("--events", n, "bid events")->capture_default_str();
    app.add_option("--repeat", repeat, "runs of each case (median reported)")
        ->capture_default_str();
    app.add_option("--batch", chunk, "records per source batch")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (n == 0 || chunk == 0 || repeat < 1) {
        fmt::print(stderr, "--events, --batch and --repeat must be positive\n");
        return 2;
    }
    const char* only_env = std::getenv("ONLY");
    std::string only = only_env ? only_env : "";

    auto stmt = sql::parse_statement(bid_source_sql);
    auto src = std::make_shared<const plan::source_def>(
        plan::plan_source(stmt->as<sql::create_source_statement>(), bid_source_sql));
    bench_catalog catalog(src);
    std::vector<plan::dataflow> flows;
    for (const auto& q : queries()) {
        auto qs = sql::parse_statement(q.sql);
        plan::bind_options opt;
        opt.continuous = true;
        flows.push_back(plan::plan_query(*qs->as<sql::query_statement>().body, catalog, opt));
    }

    double g0 = wall_s();
    bid_corpus c = make_corpus(n, chunk);
    double mb = double(c.bytes.size() - simdjson::SIMDJSON_PADDING) / 1e6;
    fmt::print("{} bids (bid stream only), {:.1f} MB of JSON ({:.0f} bytes each), batches of "
               "{}, generated in {:.1f} s; simdjson {} ({})\n",
               n, mb, mb * 1e6 / double(n), chunk, wall_s() - g0,
               SIMDJSON_STRINGIFY(SIMDJSON_VERSION), simdjson::get_active_implementation()->name());

    if (!only.empty()) {
        for (int r = 0; r < repeat; ++r)
            for (size_t q = 0; q < flows.size(); ++q) {
                std::string name = queries()[q].name;
                if (only == "json/" + name) run_json(flows[q], c, chunk);
                if (only == "columns/" + name) {
                    auto batches = make_batches(c, chunk);
                    run_columns(flows[q], batches, c);
                }
            }
        if (only == "decode")
            for (int r = 0; r < repeat; ++r)
                run_decode(src, c, chunk);
        return 0;
    }

    od::parser parser;
    case_result raw{"raw simdjson parse", {}, {}, 0},
        decode{"source_stage (decode) only", {}, {}, 0};
    std::vector<case_result> json(flows.size()), cols(flows.size());
    uint64_t check = 0;
    for (int r = 0; r < repeat; ++r) {
        add(raw, timed([&] {
                check += raw_parse(c, parser);
                return uint64_t(0);
            }),
            n);
        add(decode, timed([&] { return run_decode(src, c, chunk); }), n);
        for (size_t q = 0; q < flows.size(); ++q) {
            json[q].name = queries()[q].name;
            add(json[q], timed([&] { return run_json(flows[q], c, chunk); }), n);
            auto batches = make_batches(c, chunk);
            cols[q].name = queries()[q].name;
            add(cols[q], timed([&] { return run_columns(flows[q], batches, c); }), n);
        }
        fmt::print(stderr, "run {} of {} done\n", r + 1, repeat);
    }
    double raw_rate = median(raw.cpu_rate);
    fmt::print("\n| case | events/s per core (CPU) | events/s wall | rows out | x raw parse |\n"
               "|---|---:|---:|---:|---:|\n");
    auto row = [&](const std::string& name, const case_result& r) {
        double cpu = median(r.cpu_rate);
        fmt::print("| {} | {:.0f} | {:.0f} | {} | {:.2f} |\n", name, cpu, median(r.wall_rate),
                   r.rows_out, cpu / raw_rate);
    };
    row(raw.name, raw);
    row(decode.name, decode);
    for (size_t q = 0; q < flows.size(); ++q)
        row(json[q].name + " from JSON", json[q]);
    for (size_t q = 0; q < flows.size(); ++q)
        row(cols[q].name + " from columns", cols[q]);
    fmt::print("\nruns (CPU events/s):\n");
    auto runs = [](const case_result& r) {
        std::string s;
        for (double v : r.cpu_rate)
            s += fmt::format("{}{:.0f}", s.empty() ? "" : ", ", v);
        return s;
    };
    fmt::print("  raw: {}\n  decode: {}\n", runs(raw), runs(decode));
    for (size_t q = 0; q < flows.size(); ++q)
        fmt::print("  {}: json {}; columns {}\n", json[q].name, runs(json[q]), runs(cols[q]));
    fmt::print("\npeak RSS (VmHWM) {} MiB, of which the corpus ~{} MiB (checksum {})\n",
               status_kib(::getpid(), "VmHWM") / 1024,
               (c.bytes.capacity() + c.strings.capacity() +
                c.records.capacity() * sizeof(stream::raw_record) +
                c.bids.capacity() * sizeof(nexmark::bid)) >>
                   20,
               check % 1000);
    return 0;
}
