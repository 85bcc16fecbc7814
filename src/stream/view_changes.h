#pragma once

#include "columnar/batch.h"
#include "exec/operator.h"
#include "exec/row_key.h"
#include "plan/catalog_types.h"
#include "plan/dataflow.h"
#include "runtime/event.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace spate::stream {

/// What happened to one row of a view.
enum class change_kind : uint8_t {
    insert,
    update, ///< the row replaces the one of the same key (a retraction and an insertion)
    remove, ///< the row left the view
};
const char* change_kind_name(change_kind k);

/// A batch of changes to a view, in the order they were applied: `rows` holds the view's
/// visible columns (an update's new row, a removal's old row), `kinds` one entry per row.
struct view_changes {
    columnar::batch rows;
    std::vector<change_kind> kinds;
};

/// Why a subscription's stream ended.
enum class end_reason : uint8_t {
    none,      ///< it has not ended
    dropped,   ///< the view was dropped, or the engine stopped
    too_slow,  ///< the subscriber fell more than its limit of rows behind
    cancelled, ///< the subscriber cancelled it
};

/// The shared state of one subscription: written by the view's shards (through posts to the
/// subscriber's executor), read by the subscriber. The queue and the event are touched only
/// on the subscriber's executor; the counters and flags are atomics any shard reads.
struct subscription_channel : std::enable_shared_from_this<subscription_channel> {
    subscription_channel(boost::asio::any_io_executor home, size_t max_pending_rows)
        : home(home), wake(std::move(home)), max_pending_rows(max_pending_rows) {}

    boost::asio::any_io_executor home;
    runtime::event wake;
    const size_t max_pending_rows;
    /// Rows posted to the subscriber and not yet taken by next().
    std::atomic<size_t> pending_rows{0};
    /// Set once: the stream ends after what is queued (no more changes are queued).
    std::atomic<end_reason> ended{end_reason::none};
    /// Home executor only.
    std::deque<view_changes> queue;

    /// Ends the stream for `why` (the first reason wins) and wakes the subscriber. Any thread.
    void end(end_reason why);
};

/// The subscriber's handle on a view's changes: the rows when it subscribed, then every
/// change batch applied to the view after that. Rows of one key come from one shard in the
/// order that shard applied them; batches of different shards interleave.
///
/// Owned by the subscriber and used only on the executor it subscribed with. Destroying it
/// (or cancel()) unsubscribes: the view's shards stop queueing changes for it.
class view_subscription {
public:
    view_subscription(std::shared_ptr<subscription_channel> ch,
                      std::vector<plan::column_info> columns, columnar::batch snapshot)
        : _ch(std::move(ch)), _columns(std::move(columns)), _snapshot(std::move(snapshot)) {}
    ~view_subscription() { cancel(); }
    view_subscription(const view_subscription&) = delete;
    view_subscription& operator=(const view_subscription&) = delete;

    /// The view's visible columns.
    const std::vector<plan::column_info>& columns() const { return _columns; }
    /// The view's rows when the subscription began (visible columns).
    const columnar::batch& snapshot() const { return _snapshot; }
    /// The next batch of changes; std::nullopt once the stream has ended (see reason()).
    /// One caller at a time.
    boost::asio::awaitable<std::optional<view_changes>> next();
    /// Why the stream ended (end_reason::none while it goes on).
    end_reason reason() const { return _ch->ended.load(); }
    /// Ends the stream now; later next() calls return std::nullopt.
    void cancel() { _ch->end(end_reason::cancelled); }

private:
    std::shared_ptr<subscription_channel> _ch;
    std::vector<plan::column_info> _columns;
    columnar::batch _snapshot;
};

/// The columns (of the dataflow's full output, hidden ones included) that identify a row of
/// the view for pairing a retraction with an insertion as an update: the GROUP BY (and window)
/// key of its last aggregate, followed through the projections after it. std::nullopt when
/// the plan does not say (no aggregate, or a join, top-N or UNNEST after it).
std::optional<std::vector<uint32_t>> view_key_columns(const plan::dataflow& d);

/// Turns one changelog batch of a view's full output into the changes subscribers see:
/// a retraction followed later in the batch by an insertion of the same key becomes one
/// update (at the insertion's place); without `key`, rows are insertions and removals.
/// Keeps scratch between calls. Owned by one shard.
class change_builder {
public:
    change_builder(std::optional<std::vector<uint32_t>> key, std::vector<uint32_t> visible)
        : _key(std::move(key)), _visible(std::move(visible)) {}

    view_changes build(const columnar::batch& b);

private:
    std::optional<std::vector<uint32_t>> _key;
    std::vector<uint32_t> _visible;
    std::vector<uint64_t> _hashes;
    std::vector<uint32_t> _keep;
};

/// Sits before a view's row table on one shard: passes every batch on and hands its changes
/// to the subscribers. A subscriber more than its limit of rows behind is dropped (its stream
/// ends) instead of buffering without bound. Destroyed with the shard's part of the pipeline,
/// which ends every subscriber's stream. Owned by one shard; every call on its thread.
class view_tap final : public exec::output {
public:
    view_tap(exec::output* next, change_builder builder)
        : _next(next), _builder(std::move(builder)) {}
    ~view_tap() override;

    void push(columnar::batch b) override;
    void watermark(exec::event_time wm) override { _next->watermark(wm); }
    /// Adds a subscriber (and forgets those whose stream ended).
    void add(std::shared_ptr<subscription_channel> ch);
    /// Subscribers whose stream has not ended.
    size_t subscribers() const;

private:
    exec::output* _next;
    change_builder _builder;
    std::vector<std::shared_ptr<subscription_channel>> _subscribers;
};

} // namespace spate::stream
