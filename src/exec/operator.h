#pragma once

#include "columnar/batch.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace spate::exec {

/// Event time in milliseconds since the epoch (the physical form of timestamp).
using event_time = int64_t;
/// A watermark no event can be behind: sent when a bounded input is exhausted, so that every
/// window fires.
inline constexpr event_time end_of_input = std::numeric_limits<int64_t>::max();
/// The watermark before any event was seen.
inline constexpr event_time no_watermark = std::numeric_limits<int64_t>::min();

/// Where an operator sends its results: the next operator of the chain, an exchange to other
/// shards, a view's table or a topic. One call per batch, never per row.
///
/// Owned by the pipeline; called on the thread of the operator feeding it.
class output {
public:
    virtual ~output() = default;
    /// Rows (insertions, or a changelog when the batch has changes).
    virtual void push(columnar::batch b) = 0;
    /// No later row will carry an event time below `wm` (except late ones, routed elsewhere).
    virtual void watermark(event_time wm) = 0;
};

/// Rows an operator could not process, and why: they leave the pipeline for its dead-letter
/// topic (invalid rows) or its late-events topic. `row` indexes `b`.
class row_sink {
public:
    virtual ~row_sink() = default;
    /// A row whose expression failed (division by zero, a bad cast, a NULL event time).
    virtual void invalid(const columnar::batch& b, uint32_t row, std::string_view sqlstate,
                         std::string_view message) = 0;
    /// A row behind the watermark: its window, ending at `window_end`, was already emitted.
    virtual void late(const columnar::batch& b, uint32_t row, event_time window_end,
                      event_time wm) = 0;
};

/// One step of a dataflow: takes batches and watermarks, sends results to its output.
///
/// Owned by one shard's part of a pipeline; every call comes from that shard's thread.
class op : public output {
public:
    explicit op(output* next) : _next(next) {}
    void set_next(output* next) { _next = next; }
    /// Memory the operator keeps between batches (its state), in bytes.
    virtual size_t state_bytes() const { return 0; }
    /// One line for EXPLAIN and the console.
    virtual std::string describe() const = 0;

protected:
    output* _next;
};

using op_ptr = std::unique_ptr<op>;

} // namespace spate::exec
