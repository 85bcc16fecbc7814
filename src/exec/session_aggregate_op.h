#pragma once

#include "exec/group_table.h"
#include "exec/operator.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace spate::exec {

/// What a session-window aggregate computes: GROUP BY `keys` (input columns; two of them are
/// the window bounds) and the aggregate `calls`.
struct session_config {
    std::vector<uint32_t> keys;
    std::vector<columnar::data_type> key_types;
    std::vector<aggregate_call> calls;
    /// Positions in `keys` of window_start and window_end. Every input row arrives as a
    /// session of its own, [time, time + gap), made by the SESSION table function.
    size_t start_key = 0;
    size_t end_key = 0;
};

/// GROUP BY over SESSION windows. For each value of the other keys, the sessions are kept
/// apart while more than the gap separates them; a row whose window overlaps or touches one
/// or more sessions joins them into one (their aggregate states merged). A session is emitted
/// once, when the watermark reaches its end (its last row's time plus the gap), and
/// forgotten; a row whose own window ends at or before the watermark is late.
///
/// Owned by one shard's part of a pipeline, like aggregate_op (rows are exchanged by the other
/// keys first).
class session_aggregate_op final : public op {
public:
    session_aggregate_op(output* next, row_sink* rejects, session_config config);
    ~session_aggregate_op() override;

    void push(columnar::batch b) override;
    void watermark(event_time wm) override;
    size_t state_bytes() const override;
    std::string describe() const override;

private:
    struct session {
        int64_t start = 0;
        int64_t end = 0;
        std::unique_ptr<std::byte[]> states;
    };
    /// The sessions of one value of the other keys, by start, and that value's row in _keys.
    struct key_sessions {
        uint32_t key_row = 0;
        std::vector<session> sessions;
    };

    std::unique_ptr<std::byte[]> new_states();
    void destroy_states(std::byte* states);
    std::byte* state(std::byte* states, size_t call) { return states + _offsets[call]; }
    /// The session of `k` that a row's window [start, end) lands in, merging what it joins.
    session& place(key_sessions& k, int64_t start, int64_t end);
    void emit(const key_sessions& k, const session& s, columnar::batch& out);

    row_sink* _rejects;
    session_config _config;
    std::vector<uint32_t> _other_keys;    ///< input columns of the keys but the bounds
    std::vector<size_t> _other_positions; ///< their positions in the output
    std::vector<uint32_t> _offsets;
    size_t _block = 0;
    std::unordered_map<std::string, key_sessions, key_hash, std::equal_to<>> _by_key;
    columnar::batch _keys; ///< values of the other keys, one row per entry of _by_key
    std::vector<std::string> _key_of_row;
    std::vector<uint32_t> _free_rows;
    /// Sessions by end, to find what the watermark closes; entries may be stale (a session
    /// that grew or merged is re-entered under its new end).
    std::multimap<int64_t, std::pair<std::string, int64_t>> _by_end;
    event_time _watermark = no_watermark;
    size_t _sessions = 0;
    std::string _key;
    std::vector<std::byte*> _states;
    std::vector<uint32_t> _sel;
    std::vector<const columnar::column*> _args;
};

} // namespace spate::exec
