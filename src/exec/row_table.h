#pragma once

#include "columnar/batch.h"
#include "exec/id_index.h"
#include "exec/operator.h"
#include "exec/row_key.h"

#include <algorithm>
#include <vector>

namespace spate::exec {

/// The rows of a changelog applied: each insertion adds a row, each retraction removes an
/// equal one. What a materialized view holds (one table per shard), and what a bounded query
/// collects before ORDER BY and LIMIT.
///
/// Owned by one shard; snapshot() copies the rows out for a query on another shard.
class row_table final : public output {
public:
    explicit row_table(std::vector<columnar::data_type> types);

    void push(columnar::batch b) override;
    void watermark(event_time wm) override { _watermark = wm; }

    /// The rows now, one per copy (a row inserted twice appears twice).
    columnar::batch snapshot() const;
    size_t rows() const { return _rows; }
    event_time last_watermark() const { return _watermark; }
    size_t memory_bytes() const;
    /// Retractions of rows the table did not hold (a bug upstream, or a view rebuilt from a
    /// log whose start was deleted).
    uint64_t unmatched_retractions() const { return _unmatched; }

private:
    std::vector<columnar::data_type> _types;
    std::vector<uint32_t> _all_columns;
    /// Distinct rows, one slot each, with how many copies the table holds (0: a free slot).
    columnar::batch _values;
    std::vector<int64_t> _counts;
    std::vector<uint64_t> _hashes;
    std::vector<uint32_t> _free;
    /// Slots by the hash_rows of every column, compared value by value.
    id_index _index;
    size_t _rows = 0;
    uint64_t _unmatched = 0;
    event_time _watermark = no_watermark;
    std::vector<uint64_t> _batch_hashes; ///< scratch
};

/// Collects insert-only batches as they come (a bounded query without aggregation keeps
/// every row, duplicates included, in arrival order).
class batch_collector final : public output {
public:
    void push(columnar::batch b) override {
        _rows += b.rows;
        _bytes += b.memory_bytes();
        _batches.push_back(std::move(b));
    }
    void watermark(event_time) override {}
    std::vector<columnar::batch>& batches() { return _batches; }
    size_t rows() const { return _rows; }
    /// Keeps only the first `n` rows.
    void truncate(size_t n) {
        size_t kept = 0;
        _bytes = 0;
        for (size_t i = 0; i < _batches.size(); ++i) {
            auto& b = _batches[i];
            if (kept + b.rows > n) {
                std::vector<uint32_t> first(n - kept);
                for (uint32_t r = 0; r < first.size(); ++r)
                    first[r] = r;
                b = b.gather(first);
            }
            kept += b.rows;
            _bytes += b.memory_bytes();
            if (kept >= n) {
                _batches.resize(i + 1);
                break;
            }
        }
        _rows = std::min(_rows, n);
    }
    /// Memory of the batches collected (what they held when pushed).
    size_t memory_bytes() const { return _bytes; }

private:
    std::vector<columnar::batch> _batches;
    size_t _rows = 0;
    size_t _bytes = 0;
};

} // namespace spate::exec
