#pragma once

#include "exec/operator.h"

#include <cstdint>
#include <vector>

namespace spate::stream {

/// Rows counted at the edges of one segment's operators on one shard: what entered each input
/// port, and what each operator sent on. Plain integers: owned by a shard's part of a pipeline
/// and written only on that shard's thread (by its part and by the readers running there).
/// `out` is sized once, before any counting_output points into it.
struct segment_counts {
    uint64_t in[2] = {0, 0};
    std::vector<uint64_t> out; ///< per operator of the segment
};

/// Passes batches and watermarks on to `next`, adding the rows to `*rows` and keeping the
/// last watermark in `*last_wm` when given. One plain addition per batch. Used on the thread
/// of the operator that feeds it.
class counting_output final : public exec::output {
public:
    counting_output(exec::output* next, uint64_t* rows, exec::event_time* last_wm = nullptr)
        : _next(next), _rows(rows), _last_wm(last_wm) {}

    void push(columnar::batch b) override {
        *_rows += b.rows;
        _next->push(std::move(b));
    }
    void watermark(exec::event_time wm) override {
        if (_last_wm) *_last_wm = wm;
        _next->watermark(wm);
    }

private:
    exec::output* _next;
    uint64_t* _rows;
    exec::event_time* _last_wm;
};

} // namespace spate::stream
