#pragma once

#include "exec/operator.h"

#include <vector>

namespace spate::exec {

/// TUMBLE and HOP as table functions: appends window_start and window_end (timestamps) to
/// every row, repeating a row once per window it falls in (size / slide times for HOP).
/// Windows are [start, end) and aligned to the epoch plus `offset_ms`. A row whose time column
/// is NULL belongs to no window and goes to the row_sink as invalid. For SESSION, each row gets
/// [time, time + gap): the session aggregate merges those into sessions.
///
/// Owned by one shard's part of a pipeline.
class window_assign_op final : public op {
public:
    window_assign_op(output* next, row_sink* rejects, uint32_t time_column, int64_t size_ms,
                     int64_t slide_ms, int64_t offset_ms = 0, bool session = false);

    void push(columnar::batch b) override;
    void watermark(event_time wm) override { _next->watermark(wm); }
    std::string describe() const override;

private:
    row_sink* _rejects;
    uint32_t _time_column;
    int64_t _size;
    int64_t _slide;
    int64_t _offset;
    bool _session;
    std::vector<uint32_t> _rows;
    std::vector<int64_t> _starts;
};

/// The start of the last window of `slide` (aligned to `offset`) that begins at or before `t`.
inline int64_t window_start_for(int64_t t, int64_t slide, int64_t offset) {
    int64_t r = (t - offset) % slide;
    if (r < 0) r += slide;
    return t - r;
}

} // namespace spate::exec
