#pragma once

#include "exec/row_table.h"
#include "plan/dataflow.h"
#include "stream/chain.h"
#include "stream/dead_letters.h"
#include "stream/flow_graph.h"

#include <memory>
#include <vector>

namespace spate::stream {

/// The operators of a bounded query, all on one thread: every segment of the query's flow
/// graph as a chain feeding the next directly (no exchange between shards), the last into the
/// result (a table that applies a changelog, or plain rows). The caller pushes each leaf's
/// input through leaf_entry(), then calls finish().
///
/// Owned by the coroutine running the query; not shared.
class bounded_graph {
public:
    explicit bounded_graph(const plan::dataflow& d);

    const flow_graph& graph() const { return _graph; }
    size_t leaf_count() const { return _graph.leaves.size(); }
    /// The dataflow whose input leaf `i` reads.
    const plan::dataflow& leaf_flow(size_t i) const {
        return *_graph.segments[_graph.leaves[i]].flow;
    }
    exec::output* leaf_entry(size_t i) const { return _chains[_graph.leaves[i]].entry(); }
    dead_letters& letters(size_t i) { return *_letters[i]; }

    /// Every input is exhausted: the end-of-input watermark through every leaf, so that every
    /// window closes.
    void finish();
    /// The result's rows (after finish()).
    std::vector<columnar::batch> take();

private:
    void build(size_t seg, std::vector<uint8_t>& built);

    const plan::dataflow& _flow;
    flow_graph _graph;
    std::vector<std::unique_ptr<dead_letters>> _letters; ///< per leaf
    std::vector<op_chain> _chains;                       ///< per segment
    std::unique_ptr<exec::row_table> _table;             ///< a changelog result
    exec::batch_collector _plain;                        ///< an insert-only result
};

} // namespace spate::stream
