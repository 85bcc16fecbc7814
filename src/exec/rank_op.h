#pragma once

#include "exec/operator.h"

#include <optional>
#include <string>
#include <vector>

namespace spate::exec {

/// One ORDER BY key of a ranking: an input column, its direction and where NULLs go.
struct rank_order {
    uint32_t column = 0;
    bool descending = false;
    bool nulls_first = false;
};

/// ROW_NUMBER() OVER (PARTITION BY keys ORDER BY order) kept to the first `limit` rows of
/// each partition: top-N, and deduplication (limit 1).
struct rank_config {
    /// The input's columns.
    std::vector<columnar::data_type> types;
    std::vector<uint32_t> partition_keys;
    std::vector<rank_order> order;
    /// Rows with row number <= limit are kept (>= 1).
    int64_t limit = 1;
    /// Append the row number (bigint, from 1) as the last output column.
    bool emit_row_number = false;
    /// The input may retract rows.
    bool changelog_input = false;
    /// Windowed: the position in `partition_keys` of window_end. Each window's top rows are
    /// emitted once, as insertions, when the watermark reaches its end; rows for a window
    /// already emitted are late.
    std::optional<size_t> window_end_key;
};

/// Top-N per partition.
///
/// Unwindowed, the output is a changelog: when a batch changes a partition's first `limit`
/// rows (or their numbers), the rows that left or moved are retracted and the new ones
/// inserted. Rows that tie on every ORDER BY key are numbered in arrival order. Over an
/// append-only input only the first `limit` rows of each partition are kept (a row pushed out
/// can never come back); over a changelog every row is kept.
///
/// Owned by one shard's part of a pipeline: an exchange before it sends each partition to one
/// shard.
class rank_op final : public op {
public:
    rank_op(output* next, row_sink* rejects, rank_config config);
    ~rank_op() override;

    void push(columnar::batch b) override;
    void watermark(event_time wm) override;
    size_t state_bytes() const override;
    std::string describe() const override;
    /// Partitions (or windows' partitions) held now.
    size_t partitions() const;
    /// Retractions of rows the operator did not hold (ignored; a bug upstream, or rows an
    /// append-only top-N had already pushed out).
    uint64_t unmatched_retractions() const;

private:
    class impl;
    std::unique_ptr<impl> _impl;
};

} // namespace spate::exec
