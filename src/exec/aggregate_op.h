#pragma once

#include "exec/group_table.h"
#include "exec/operator.h"

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace spate::exec {

/// What an aggregate computes: GROUP BY `keys` (input columns), the aggregate `calls`, and for
/// a windowed aggregate which key holds window_end.
struct aggregate_config {
    std::vector<uint32_t> keys;
    std::vector<columnar::data_type> key_types;
    std::vector<aggregate_call> calls;
    /// Windowed: the position in `keys` of window_end. Each window's groups are emitted once,
    /// as insertions, when the watermark reaches the window's end, and then forgotten; rows for
    /// a window already emitted are late.
    std::optional<size_t> window_end_key;
    /// No GROUP BY in a bounded query: at the end of input, one row even if no row came
    /// (count(*) = 0), as SQL requires.
    bool global_row_on_end = false;
    /// Windowed: send each open window's groups as they change (a changelog: retract the
    /// previous row, insert the new), rather than once when the window closes. The last row a
    /// group sent before its window closed is its final result.
    bool early_updates = false;
    /// Unwindowed, in a bounded query: fold every batch into the groups and send each group's
    /// row once, at the end of input, instead of a changelog after every batch.
    bool emit_at_end = false;
};

/// GROUP BY with aggregates. Output rows are the key values followed by one value per call.
///
/// Without a window the result is a changelog: after each input batch, every group it touched
/// retracts its previous row (if any) and inserts its new one (nothing when unchanged), and a
/// group whose rows were all retracted disappears. Input may itself be a changelog when every
/// function is retractable.
///
/// Owned by one shard's part of a pipeline: with several shards, an exchange before it sends
/// each key to one shard.
class aggregate_op final : public op {
public:
    aggregate_op(output* next, row_sink* rejects, aggregate_config config);
    ~aggregate_op() override;

    void push(columnar::batch b) override;
    void watermark(event_time wm) override;
    size_t state_bytes() const override;
    std::string describe() const override;

    /// Whether the aggregates of several workers of a bounded query can each fold their own
    /// rows and be merged at the end (finish_merged), instead of exchanging rows by key:
    /// unwindowed, emitted at the end, every function mergeable.
    bool mergeable() const;
    /// The end of a bounded query whose workers each aggregated their own rows: the groups of
    /// every one of `all` (this one among them) whose key hash modulo `parts` is `part`,
    /// merged, sent on as at the end of input (with the one row of a global aggregate when
    /// `part` is 0 and there are none), then the end-of-input watermark. Runs on this
    /// operator's worker once no worker adds rows any more; the others' tables are only read.
    void finish_merged(std::span<const aggregate_op* const> all, unsigned part, unsigned parts);

    /// Groups held now (unwindowed).
    size_t group_count() const { return _groups ? _groups->size() : 0; }

    /// Windows (windowed) or groups (unwindowed) held now.
    size_t open_windows() const { return _windows.size(); }

private:
    void push_unwindowed(const columnar::batch& b);
    /// Adds `rows` of `b` to the groups of `t` and sends the changelog of the groups touched.
    /// `_hashes` holds the batch's key hashes.
    void push_changelog(group_table& t, const columnar::batch& b, std::span<const uint32_t> rows);
    void push_windowed(const columnar::batch& b);
    /// emit_at_end: adds `b` to the groups, sending nothing.
    void accumulate(group_table& t, const columnar::batch& b);
    /// Updates every call's states for `rows` of `b`, whose groups are `groups` (same length).
    void update(group_table& t, const columnar::batch& b, std::span<const uint32_t> rows,
                std::span<const uint32_t> groups);
    void emit_window(group_table& t);
    /// Sends every group of `t` that still has rows, in batches of at most 64Ki rows.
    void emit_all(group_table& t);
    /// An aggregate that could not make its result for row `row` of `out`.
    void report(const agg::eval_status& status, const columnar::batch& out, uint32_t row);

    row_sink* _rejects;
    aggregate_config _config;
    std::unique_ptr<group_table> _groups;                     ///< unwindowed
    std::map<int64_t, std::unique_ptr<group_table>> _windows; ///< windowed, by window end
    event_time _watermark = no_watermark;
    // Scratch, reused between batches.
    std::vector<uint32_t> _rows;
    std::vector<uint32_t> _row_groups;
    std::vector<uint64_t> _hashes; ///< hash_rows of the keys of the batch being pushed
    std::vector<uint32_t> _sel;
    std::vector<std::byte*> _states;
    std::vector<const columnar::column*> _args;
    /// The batch number that last touched each group (unwindowed).
    std::vector<uint32_t> _touch_mark;
    uint32_t _batch_number = 0;
};

} // namespace spate::exec
