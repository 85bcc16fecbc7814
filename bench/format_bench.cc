// Record format benchmark: decoding JSON records into columns against simdjson's own parse
// rate. Builds 1M Nexmark-like bid records in memory and measures, in one run:
//
//   raw     simdjson On-Demand parsing each record and reading every field (keys and values
//           by type), building nothing: the ceiling for any decoder on this parser;
//   decode  spate::format::json_decoder filling a batch of 4096 rows at a time (seven
//           columns: bigint x3, varchar x3, timestamp), the way a SQL source uses it;
//   encode  spate::format::json_encoder writing those batches back to JSON records.
//
// Each case runs --repeat times (interleaved) and the best is printed with the ratio
// decode / raw. Times are the thread's CPU time. ONLY_DECODE=1, ONLY_CONVERT=1 or ONLY_ENCODE=1 in
// the environment run just that case, for profiling (perf record). Run by hand on a Release build;
// not a test. See src/format/README.md.

#include "format/decoder.h"
#include "format/encoder.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

namespace {

using spate::columnar::data_type;
using spate::columnar::type_id;
namespace od = simdjson::ondemand;

/// CPU time of this thread: the machine may be shared, and descheduled time is not the code's.
double now_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

/// Records laid end to end in one buffer with simdjson's padding after the last, so that every
/// record can be parsed in place (the bytes after a record are readable).
struct corpus {
    std::string bytes;
    std::vector<std::string_view> records;
};

corpus make_corpus(size_t n) {
    static const char* channels[] = {"Google", "Facebook", "Baidu", "Apple"};
    std::mt19937_64 rng(42);
    std::vector<std::pair<size_t, size_t>> spans;
    corpus c;
    c.bytes.reserve(n * 260);
    int64_t ts = 1'700'000'000'000;
    std::string text;
    for (size_t i = 0; i < n; ++i) {
        ts += int64_t(rng() % 20);
        int64_t days = ts / 86'400'000, in_day = ts % 86'400'000;
        (void)days;
        // 2023-11-14 plus the time of day; enough variety for the parser.
        std::string extra(60, 'x');
        for (auto& ch : extra)
            ch = char('a' + rng() % 26);
        text =
            fmt::format(R"({{"auction":{},"bidder":{},"price":{},"channel":"{}",)"
                        R"("url":"https://www.nexmark.com/{}/item.htm?query=1&channel_id={}",)"
                        R"("dateTime":"2023-11-14 {:02}:{:02}:{:02}.{:03}","extra":"{}"}})",
                        1000 + rng() % 1000, 2000 + rng() % 100000, 100 + rng() % 10'000'000,
                        channels[rng() % 4], rng() % 100000, rng() % 1'000'000, in_day / 3'600'000,
                        in_day / 60'000 % 60, in_day / 1000 % 60, in_day % 1000, extra);
        spans.emplace_back(c.bytes.size(), text.size());
        c.bytes += text;
    }
    c.bytes.append(simdjson::SIMDJSON_PADDING, ' ');
    for (auto [off, len] : spans)
        c.records.emplace_back(c.bytes.data() + off, len);
    return c;
}

/// simdjson's parse of every record, reading every field; returns a checksum.
uint64_t raw_parse(const corpus& c, od::parser& parser) {
    uint64_t sum = 0;
    for (std::string_view r : c.records) {
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

constexpr size_t batch_rows = 4096;

std::vector<spate::format::field_spec> bid_fields() {
    return {{"auction", type_id::int64}, {"bidder", type_id::int64},
            {"price", type_id::int64},   {"channel", type_id::varchar},
            {"url", type_id::varchar},   {"datetime", type_id::timestamp},
            {"extra", type_id::varchar}};
}

uint64_t decode_all(const corpus& c, spate::format::json_decoder& d,
                    std::vector<spate::columnar::batch>* keep) {
    uint64_t rows = 0;
    std::vector<spate::format::record_error> errors;
    std::span<const std::string_view> all(c.records);
    for (size_t i = 0; i < all.size(); i += batch_rows) {
        auto part = all.subspan(i, std::min(batch_rows, all.size() - i));
        auto b = spate::format::make_batch(d.fields(), part.size());
        rows += d.decode(part, b, errors);
        if (keep && keep->size() < 16) keep->push_back(std::move(b));
    }
    if (!errors.empty()) {
        std::fprintf(stderr, "unexpected error: %s\n", errors[0].reason.c_str());
        std::abort();
    }
    return rows;
}

/// The decoder's per-record work without the columns: parsing and converting into its row
/// scratch.
uint64_t convert_only(const corpus& c, spate::format::json_decoder& d) {
    uint64_t good = 0;
    std::string why;
    for (std::string_view r : c.records)
        good += d.decode_one(r, why);
    return good;
}

} // namespace

int main(int argc, char** argv) {
    size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    int repeat = argc > 2 ? std::atoi(argv[2]) : 5;
    corpus c = make_corpus(n);
    if (getenv("ONLY_CONVERT") || getenv("ONLY_DECODE")) {
        spate::format::json_decoder d(bid_fields());
        for (int i = 0; i < repeat; ++i)
            getenv("ONLY_DECODE") ? decode_all(c, d, nullptr) : convert_only(c, d);
        return 0;
    }
    double mb = double(c.bytes.size() - simdjson::SIMDJSON_PADDING) / 1e6;
    // On-Demand code is compiled for the build's target (without -march: "fallback"); stage 1,
    // the SIMD part, is chosen at run time by the library (e.g. "icelake").
    std::printf("%zu records, %.1f MB (%.0f bytes each); simdjson %s, On-Demand %s, stage 1 %s\n",
                n, mb, mb * 1e6 / double(n), SIMDJSON_STRINGIFY(SIMDJSON_VERSION),
                simdjson::builtin_implementation()->name().c_str(),
                simdjson::get_active_implementation()->name().c_str());

    od::parser parser;
    spate::format::json_decoder decoder(bid_fields());
    std::vector<std::string> names;
    std::vector<data_type> types;
    for (const auto& f : bid_fields())
        names.push_back(f.name), types.push_back(f.type);
    spate::format::json_encoder encoder(names, types);
    std::vector<spate::columnar::batch> sample;
    decode_all(c, decoder, &sample);
    if (getenv("ONLY_ENCODE")) {
        std::vector<std::string> out;
        for (int i = 0; i < repeat * 10; ++i)
            for (const auto& b : sample)
                encoder.encode_batch(b, out);
        return 0;
    }

    double best_raw = 1e9, best_dec = 1e9, best_enc = 1e9, best_conv = 1e9;
    uint64_t check = 0;
    size_t sample_rows = 0;
    for (const auto& b : sample)
        sample_rows += b.rows;
    std::vector<std::string> out;
    for (int i = 0; i < repeat; ++i) {
        double t0 = now_s();
        check += raw_parse(c, parser);
        double t1 = now_s();
        check += decode_all(c, decoder, nullptr);
        double t2 = now_s();
        size_t bytes_out = 0;
        for (const auto& b : sample) {
            encoder.encode_batch(b, out);
            for (const auto& s : out)
                bytes_out += s.size();
        }
        double t3 = now_s();
        check += convert_only(c, decoder);
        double t4 = now_s();
        best_conv = std::min(best_conv, t4 - t3);
        check += bytes_out;
        best_raw = std::min(best_raw, t1 - t0);
        best_dec = std::min(best_dec, t2 - t1);
        best_enc = std::min(best_enc, (t3 - t2) * double(n) / double(sample_rows));
    }
    auto line = [&](const char* what, double s) {
        std::printf("%-8s %8.2f M records/s  %8.1f MB/s  %6.0f ns/record\n", what,
                    double(n) / s / 1e6, mb / s, s / double(n) * 1e9);
    };
    line("raw", best_raw);
    line("convert", best_conv);
    line("decode", best_dec);
    line("encode", best_enc);
    std::printf("decode / raw = %.2f   (checksum %llu)\n", best_raw / best_dec,
                static_cast<unsigned long long>(check % 1000));
    return 0;
}
