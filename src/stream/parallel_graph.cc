#include "stream/parallel_graph.h"

#include "exec/aggregate_op.h"
#include "exec/row_key.h"
#include "sql/sql_error.h"
#include "stream/query_control.h"

#include <fmt/format.h>

#include <exception>
#include <thread>

namespace spate::stream {

/// A leaf or inner segment's way out to the next segment: rows to the inbox of the worker
/// owning their key. Watermarks are not passed on: the graph finishes each segment itself
/// once all of its input arrived. Used by one worker.
class parallel_graph::exchange final : public exec::output {
public:
    exchange(parallel_graph& g, size_t target, int port, std::vector<uint32_t> keys)
        : _g(g), _target(target), _port(port), _keys(std::move(keys)) {}

    size_t target() const { return _target; }

    /// A local aggregate's input: rows stay with worker `self` while its aggregate `agg`
    /// folds them into fewer groups; once it does not (more than one group for every two
    /// rows after the first 32Ki), rows go to their key's owner as through any exchange, and
    /// the end merges both kinds of partial groups alike.
    void keep_local(unsigned self, const exec::aggregate_op* agg) {
        _self = int(self);
        _local_agg = agg;
    }

    void push(columnar::batch b) override {
        if (_self >= 0) {
            _local_rows += b.rows;
            if (b.rows) deliver(unsigned(_self), std::move(b));
            if (!_keys.empty() && _local_rows >= (32u << 10) &&
                _local_agg->group_count() * 2 > _local_rows)
                _self = -1;
            return;
        }
        exec::split_by_hash(
            std::move(b), _keys, _g._workers, _split,
            [this](unsigned worker, columnar::batch part) { deliver(worker, std::move(part)); });
    }
    void watermark(exec::event_time) override {}

private:
    void deliver(unsigned worker, columnar::batch b) {
        auto& box = _g.inbox_of(_target, _port, worker);
        std::lock_guard lock(box.lock);
        box.batches.push_back(std::move(b));
    }

    parallel_graph& _g;
    size_t _target;
    int _port;
    std::vector<uint32_t> _keys;
    int _self = -1; ///< >= 0: rows stay with this worker (a local aggregate's input)
    const exec::aggregate_op* _local_agg = nullptr;
    uint64_t _local_rows = 0;
    exec::hash_split_scratch _split;
};

parallel_graph::parallel_graph(const plan::dataflow& d, unsigned workers)
    : _flow(d), _graph(d), _workers(std::max(1u, workers)), _state_bytes(_workers),
      _result_rows(_workers) {
    const size_t segs = _graph.segments.size();
    // Segments in an order where each comes after the segments feeding it.
    std::vector<uint8_t> done(segs, 0);
    while (_order.size() < segs) {
        for (size_t k = 0; k < segs; ++k) {
            if (done[k]) continue;
            const auto& s = _graph.segments[k];
            bool ready = true;
            for (int f : s.feeder)
                if (f >= 0 && !done[size_t(f)]) ready = false;
            if (!ready) continue;
            done[k] = 1;
            _order.push_back(k);
        }
    }
    _single.assign(segs, 0);
    for (size_t k = 0; k < segs; ++k) {
        const auto& s = _graph.segments[k];
        if (s.leaf) continue;
        bool keyed = false;
        for (int f : s.feeder)
            if (f >= 0 && !_graph.segments[size_t(f)].exchange_keys.empty()) keyed = true;
        _single[k] = keyed ? 0 : 1;
    }
    _local.assign(segs, 0);
    for (size_t k = 0; k < segs; ++k)
        _local[k] = can_aggregate_locally(k) ? 1 : 0;
    for (size_t i = 0; i < segs * 2 * _workers; ++i)
        _inboxes.push_back(std::make_unique<inbox>());
    std::vector<columnar::data_type> types;
    for (const auto& c : d.output)
        types.push_back(c.type);
    _letters.resize(_workers);
    _chains.resize(_workers);
    for (unsigned w = 0; w < _workers; ++w) {
        for (size_t leaf : _graph.leaves) {
            const auto& src = _graph.segments[leaf].flow->source;
            _letters[w].push_back(std::make_unique<dead_letters>(
                src ? src->name : std::string(), src ? src->topic : std::string(), "", ""));
        }
        std::vector<dead_letters*> letters;
        for (auto& l : _letters[w])
            letters.push_back(l.get());
        if (d.changelog)
            _tables.push_back(std::make_unique<exec::row_table>(types));
        else
            _plain.push_back(std::make_unique<exec::batch_collector>());
        exec::output* result =
            d.changelog ? static_cast<exec::output*>(_tables.back().get()) : _plain.back().get();
        _chains[w].resize(segs);
        std::vector<exchange*> local_inputs;
        for (size_t k = 0; k < segs; ++k) {
            const auto& seg = _graph.segments[k];
            exec::output* out = result;
            if (seg.target >= 0) {
                _exchanges.push_back(std::make_unique<exchange>(
                    *this, size_t(seg.target), seg.target_port, seg.exchange_keys));
                if (_local[size_t(seg.target)]) local_inputs.push_back(_exchanges.back().get());
                out = _exchanges.back().get();
            }
            _chains[w][k] = build_segment_chain(_graph, k, out, letters, /*bounded=*/true);
        }
        // Now that the aggregates exist: the exchanges into them keep rows local.
        for (auto* x : local_inputs)
            x->keep_local(w, dynamic_cast<const exec::aggregate_op*>(
                                 _chains[w][x->target()].ops.front().get()));
    }
}

parallel_graph::~parallel_graph() = default;

bool parallel_graph::can_aggregate_locally(size_t k) const {
    const auto& seg = _graph.segments[k];
    if (seg.leaf || seg.ports() != 1 || seg.begin >= seg.end) return false;
    // The input must be insertions only: straight from a leaf (filters, projections, windows,
    // unnest), never a changelog.
    if (!_graph.segments[size_t(seg.feeder[0])].leaf) return false;
    const auto* a = std::get_if<plan::aggregate_step>(&seg.flow->steps[seg.begin]);
    if (!a || a->session || a->config.window_end_key) return false;
    for (const auto& c : a->config.calls)
        if (!c.fn->merge) return false;
    return true;
}

void parallel_graph::finish_local(size_t k, uint64_t memory_limit) {
    on_all_workers([&](unsigned w) { drain(w); });
    std::vector<const exec::aggregate_op*> all;
    for (unsigned w = 0; w < _workers; ++w) {
        auto* a = dynamic_cast<exec::aggregate_op*>(_chains[w][k].ops.front().get());
        if (!a || !a->mergeable())
            throw sql::sql_error("XX000", "a local aggregate without a mergeable operator", {});
        all.push_back(a);
    }
    // Without GROUP BY there is one group: worker 0 merges it.
    const auto& seg = _graph.segments[k];
    const auto& step = std::get<plan::aggregate_step>(seg.flow->steps[seg.begin]);
    const unsigned parts = step.config.keys.empty() ? 1 : _workers;
    on_all_workers([&](unsigned w) {
        if (w >= parts) return;
        auto* mine = static_cast<exec::aggregate_op*>(_chains[w][k].ops.front().get());
        mine->finish_merged(all, w, parts);
        check_memory(w, memory_limit);
    });
}

void parallel_graph::drain_segment(unsigned worker, size_t k) {
    const auto& seg = _graph.segments[k];
    for (int port = 0; port < seg.ports(); ++port) {
        auto& box = inbox_of(k, port, worker);
        std::vector<columnar::batch> batches;
        {
            std::lock_guard lock(box.lock);
            batches.swap(box.batches);
        }
        exec::output* entry = _chains[worker][k].entry(port);
        for (auto& b : batches)
            entry->push(std::move(b));
    }
}

void parallel_graph::drain(unsigned worker) {
    for (size_t k : _order)
        if (!_graph.segments[k].leaf) drain_segment(worker, k);
}

void parallel_graph::check_memory(unsigned worker, uint64_t limit) {
    uint64_t mine = 0;
    for (const auto& c : _chains[worker])
        mine += c.state_bytes();
    // The result waiting to be sent counts too (a SELECT * of a big file).
    mine += _tables.empty() ? _plain[worker]->memory_bytes() : _tables[worker]->memory_bytes();
    _state_bytes[worker].store(mine, std::memory_order_relaxed);
    uint64_t total = 0;
    for (const auto& s : _state_bytes)
        total += s.load(std::memory_order_relaxed);
    uint64_t peak = _peak_state.load();
    while (total > peak && !_peak_state.compare_exchange_weak(peak, total)) {
    }
    if (limit && total > limit)
        throw sql::sql_error(
            "53200",
            fmt::format("the query needs more memory than its limit: its operators (groups, "
                        "join rows) and result hold {} MiB, over the {} MiB of "
                        "--query-memory-limit",
                        total >> 20, limit >> 20),
            {},
            "Raise --query-memory-limit, or make the query keep fewer groups or return fewer "
            "rows (filter first, group by fewer distinct values, aggregate).");
}

void parallel_graph::on_all_workers(const std::function<void(unsigned)>& work) {
    std::exception_ptr first;
    std::mutex first_lock;
    auto guarded = [&](unsigned w) {
        try {
            work(w);
        } catch (...) {
            _cancel = true;
            std::lock_guard lock(first_lock);
            if (!first) first = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    for (unsigned w = 1; w < _workers; ++w)
        threads.emplace_back(guarded, w);
    guarded(0);
    for (auto& t : threads)
        t.join();
    if (first) std::rethrow_exception(first);
}

void parallel_graph::run(const feed& next, uint64_t memory_limit, uint64_t row_limit) {
    if (!_tables.empty()) row_limit = 0; // a changelog's rows are final only at the end
    on_all_workers([&](unsigned w) {
        columnar::batch b;
        size_t leaf = 0;
        while (!_cancel.load(std::memory_order_relaxed) &&
               !_cancel_requested.load(std::memory_order_relaxed) &&
               !_enough.load(std::memory_order_relaxed)) {
            b = {};
            if (!next(w, leaf, b)) break;
            if (b.rows) _chains[w][_graph.leaves[leaf]].entry()->push(std::move(b));
            drain(w);
            if (row_limit) {
                _result_rows[w].store(_plain[w]->rows(), std::memory_order_relaxed);
                uint64_t have = 0;
                for (const auto& r : _result_rows)
                    have += r.load(std::memory_order_relaxed);
                if (have >= row_limit) {
                    _enough = true;
                    break;
                }
            }
            check_memory(w, memory_limit);
        }
    });
    if (_cancel_requested) throw sql::sql_error("57014", canceled_message, {});
    if (_enough)
        for (auto& p : _plain)
            p->truncate(row_limit);
    // Each segment once all its input is in: the end-of-input watermark through every port
    // (windows close, aggregates send their groups), on every worker at once.
    for (size_t k : _order) {
        if (_local[k]) {
            finish_local(k, memory_limit);
            continue;
        }
        on_all_workers([&](unsigned w) {
            drain(w);
            if (_single[k] && w != 0) return;
            const auto& seg = _graph.segments[k];
            for (int port = 0; port < seg.ports(); ++port)
                _chains[w][k].entry(port)->watermark(exec::end_of_input);
            check_memory(w, memory_limit);
        });
    }
}

std::vector<columnar::batch> parallel_graph::take() {
    std::vector<columnar::batch> out;
    for (auto& t : _tables)
        out.push_back(t->snapshot());
    for (auto& p : _plain)
        for (auto& b : p->batches())
            out.push_back(std::move(b));
    return out;
}

} // namespace spate::stream
