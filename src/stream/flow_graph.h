#pragma once

#include "plan/dataflow.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spate::stream {

/// A run of consecutive steps of one dataflow in a query's tree (the query's own, or a join's
/// right input), run by one chain of operators. A leaf segment starts at its dataflow's input
/// (a reader per source partition runs it); any other starts at a step whose input is
/// exchanged between shards by key (an aggregate, a join, a top-N) and runs on every shard.
struct segment {
    const plan::dataflow* flow = nullptr;
    size_t begin = 0; ///< steps [begin, end) of *flow
    size_t end = 0;
    bool leaf = false;
    /// Leaves: the position among the graph's leaves.
    size_t leaf_index = 0;
    /// Where rows and watermarks go: input `target_port` of segment `target` (port 1 is a
    /// join's right input), through an exchange by `exchange_keys` (columns of this segment's
    /// output; none: every row to one shard). target < 0: the query's result.
    int target = -1;
    int target_port = 0;
    std::vector<uint32_t> exchange_keys;
    /// The leaf whose source rows rejected here are reported for (dead letters, late rows).
    size_t letters_leaf = 0;
    /// Non-leaves: the segment feeding each input port (-1: none).
    int feeder[2] = {-1, -1};
    /// Non-leaves: how many inputs (1, or 2 for a join).
    int ports() const { return feeder[1] >= 0 ? 2 : 1; }
};

/// A query's dataflow tree cut into segments at its exchanges. Refers into the dataflow, which
/// must outlive it. Immutable once built.
struct flow_graph {
    std::vector<segment> segments;
    /// Leaf segments in the order of plan::sources_of (the readers' order).
    std::vector<size_t> leaves;

    explicit flow_graph(const plan::dataflow& d);
};

} // namespace spate::stream
