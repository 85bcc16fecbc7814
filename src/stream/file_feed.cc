#include "stream/file_feed.h"

#include "sql/sql_error.h"

#include <fmt/format.h>

namespace spate::stream {

file_feed::file_feed(const parallel_graph& g) : _cursor(g.workers(), 0) {
    for (size_t i = 0; i < g.leaf_count(); ++i) {
        auto in = std::make_unique<leaf_input>();
        in->flow = &g.leaf_flow(i);
        if (in->flow->input == plan::input_kind::file) {
            const auto& table = *in->flow->file;
            // Chunks of 256 KiB: a batch of them stays in the caches from parsing through
            // the operators (4 MiB: word count 20% slower, 128 KiB: no better).
            in->reader = std::make_unique<files::chunk_reader>(table, size_t(256) << 10);
            for (unsigned w = 0; w < g.workers(); ++w)
                in->parsers.push_back(
                    std::make_unique<files::chunk_parser>(table, in->flow->file_columns));
            in->stats.resize(g.workers());
            in->types = in->parsers[0]->output_types();
        }
        _leaves.push_back(std::move(in));
    }
}

void file_feed::set_batches(size_t leaf, std::vector<columnar::batch> batches) {
    _leaves[leaf]->batches = std::move(batches);
}

bool file_feed::next_from(leaf_input& in, unsigned worker, columnar::batch& out) {
    if (!in.reader) {
        size_t i = in.next_batch.fetch_add(1);
        if (i >= in.batches.size()) return false;
        out = std::move(in.batches[i]);
        return true;
    }
    auto c = in.reader->next();
    if (!c) throw sql::sql_error("58030", c.err().message, {});
    if (!c.value()) return false;
    out = columnar::batch::with_types(in.types);
    auto r = in.parsers[worker]->parse(*c.value(), out, in.stats[worker]);
    if (!r) throw sql::sql_error("22P04", r.err().message, {});
    return true;
}

bool file_feed::next(unsigned worker, size_t& leaf, columnar::batch& out) {
    for (size_t& i = _cursor[worker]; i < _leaves.size(); ++i) {
        if (next_from(*_leaves[i], worker, out)) {
            leaf = i;
            return true;
        }
    }
    return false;
}

std::vector<std::string> file_feed::notices() const {
    std::vector<std::string> out;
    for (const auto& in : _leaves) {
        uint64_t skipped = 0;
        std::string first;
        for (const auto& s : in->stats) {
            skipped += s.skipped;
            if (first.empty()) first = s.first_skipped;
        }
        if (skipped)
            out.push_back(fmt::format("{} bad row(s) of '{}' were skipped (ignore_errors); the "
                                      "first: {}",
                                      skipped, in->flow->file->pattern, first));
    }
    return out;
}

uint64_t file_feed::bytes_read() const {
    uint64_t n = 0;
    for (const auto& in : _leaves)
        if (in->reader) n += in->reader->bytes_read();
    return n;
}

uint64_t file_feed::total_bytes() const {
    uint64_t n = 0;
    for (const auto& in : _leaves)
        if (in->reader) n += in->reader->total_bytes();
    return n;
}

} // namespace spate::stream
