#pragma once

#include "exec/row_table.h"
#include "plan/dataflow.h"
#include "stream/chain.h"
#include "stream/dead_letters.h"
#include "stream/flow_graph.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace spate::stream {

/// The operators of a bounded query on several worker threads: every worker has its own chain
/// for every segment of the query's flow graph; rows crossing an exchange go to the inbox of
/// the worker that owns their key (a hash of the exchange keys), as between a pipeline's
/// shards. Workers read their input (files, in chunks) in parallel; when it is exhausted, the
/// segments are finished in order, leaves first, each on all workers at once.
///
/// Built and run by one caller thread (run() starts and joins the workers); each chain is used
/// by its own worker only; inboxes are shared under a mutex.
class parallel_graph {
public:
    /// Fills `out` with the next batch of input for leaf `leaf`, on worker `worker`'s thread;
    /// returns false when that worker has nothing more to read. May throw (a bad file row):
    /// the run stops and run() rethrows.
    using feed = std::function<bool(unsigned worker, size_t& leaf, columnar::batch& out)>;

    parallel_graph(const plan::dataflow& d, unsigned workers);
    ~parallel_graph();

    const flow_graph& graph() const { return _graph; }
    unsigned workers() const { return _workers; }
    size_t leaf_count() const { return _graph.leaves.size(); }
    const plan::dataflow& leaf_flow(size_t i) const {
        return *_graph.segments[_graph.leaves[i]].flow;
    }
    dead_letters& letters(unsigned worker, size_t leaf) { return *_letters[worker][leaf]; }

    /// Runs the query over what `next` hands out, then finishes every segment. Throws what a
    /// worker threw (the first), or sql::sql_error 53200 when the operators' state passes
    /// `memory_limit` bytes (0: no limit).
    /// With `row_limit` (a LIMIT without ORDER BY over an insert-only result), reading stops
    /// once the workers' results hold that many rows.
    void run(const feed& next, uint64_t memory_limit, uint64_t row_limit = 0);
    /// Asks the workers to stop (from any thread): run() then throws 57014.
    void cancel() { _cancel_requested = true; }
    /// The result's rows (after run()).
    std::vector<columnar::batch> take();
    /// The largest state the operators held at once, summed over workers.
    uint64_t peak_state_bytes() const { return _peak_state.load(); }

private:
    struct inbox {
        std::mutex lock;
        std::vector<columnar::batch> batches;
    };
    class exchange;

    inbox& inbox_of(size_t segment, int port, unsigned worker) {
        return *_inboxes[(segment * 2 + size_t(port)) * _workers + worker];
    }
    /// Pushes what other workers sent `worker` for the non-leaf segments into its chains.
    void drain(unsigned worker);
    void drain_segment(unsigned worker, size_t segment);
    void check_memory(unsigned worker, uint64_t limit);
    /// Runs `work(w)` on every worker's own thread and waits; rethrows the first exception.
    void on_all_workers(const std::function<void(unsigned)>& work);
    /// Whether segment `k` can aggregate locally (see _local).
    bool can_aggregate_locally(size_t k) const;
    /// The end of a local aggregate's segment: every worker's groups merged by key hash.
    void finish_local(size_t k, uint64_t memory_limit);

    const plan::dataflow& _flow;
    flow_graph _graph;
    unsigned _workers;
    std::vector<size_t> _order; ///< segments, each after the ones feeding it
    /// Per segment: all its input goes to worker 0 (exchanged by no key: a global aggregate,
    /// a cross join), so only worker 0 runs it.
    std::vector<uint8_t> _single;
    /// Per segment: an aggregate right after a leaf whose functions merge: every worker folds
    /// the rows it read itself (no exchange), and the groups are merged by key at the end
    /// (two-phase aggregation).
    std::vector<uint8_t> _local;
    std::vector<std::vector<std::unique_ptr<dead_letters>>> _letters; ///< [worker][leaf]
    std::vector<std::vector<op_chain>> _chains;                       ///< [worker][segment]
    std::vector<std::unique_ptr<exchange>> _exchanges;
    std::vector<std::unique_ptr<inbox>> _inboxes;
    std::vector<std::unique_ptr<exec::row_table>> _tables;      ///< [worker], a changelog result
    std::vector<std::unique_ptr<exec::batch_collector>> _plain; ///< [worker], insert-only
    std::vector<std::atomic<uint64_t>> _state_bytes;            ///< [worker]
    std::vector<std::atomic<uint64_t>> _result_rows;            ///< [worker]
    std::atomic<bool> _enough{false}; ///< the row limit is reached: no more input is read
    std::atomic<uint64_t> _peak_state{0};
    std::atomic<bool> _cancel{false};           ///< a worker failed: the others stop
    std::atomic<bool> _cancel_requested{false}; ///< the client cancelled
};

} // namespace spate::stream
