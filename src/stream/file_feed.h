#pragma once

#include "columnar/batch.h"
#include "files/files.h"
#include "stream/parallel_graph.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace spate::stream {

/// The inputs of a parallel bounded query, one per leaf of its flow graph: files read in chunks
/// by whichever worker asks next, or batches fetched beforehand (a view's rows, a source's
/// records, the one row of a query without FROM) handed out one at a time.
///
/// Built on the caller's thread; next() is called by every worker at once (the chunk reader
/// and the prefetched batches are shared safely, each worker has its own parsers).
class file_feed {
public:
    explicit file_feed(const parallel_graph& g);

    /// Leaf `leaf` reads these batches instead of files.
    void set_batches(size_t leaf, std::vector<columnar::batch> batches);
    /// parallel_graph::feed: the next batch for `worker`. Throws sql::sql_error (22P04 / 58030)
    /// naming file, line and column for a bad record, unless the leaf ignores errors.
    bool next(unsigned worker, size_t& leaf, columnar::batch& out);

    /// Notices for the client: rows skipped under ignore_errors, per file table.
    std::vector<std::string> notices() const;
    /// Bytes of the files read so far, and their total (for progress).
    uint64_t bytes_read() const;
    uint64_t total_bytes() const;

private:
    struct leaf_input {
        const plan::dataflow* flow = nullptr;
        std::unique_ptr<files::chunk_reader> reader;
        std::vector<std::unique_ptr<files::chunk_parser>> parsers; ///< per worker
        std::vector<files::parse_stats> stats;                     ///< per worker
        std::vector<columnar::data_type> types;
        std::vector<columnar::batch> batches;
        std::atomic<size_t> next_batch{0};
    };
    bool next_from(leaf_input& in, unsigned worker, columnar::batch& out);

    std::vector<std::unique_ptr<leaf_input>> _leaves;
    std::vector<size_t> _cursor; ///< per worker: the first leaf that may still have input
};

} // namespace spate::stream
