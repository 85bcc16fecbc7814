#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spate::stream {

/// One node of a running pipeline's graph, its counters summed over every shard.
struct operator_info {
    int id = 0;         ///< position in pipeline_info::operators
    size_t segment = 0; ///< the flow graph's segment it belongs to
    std::string kind;   ///< "source", "operator", "exchange", "view", "sink" or "discard"
    std::string description;
    uint64_t rows_in = 0;  ///< a source: records read; else rows that reached it
    uint64_t rows_out = 0; ///< rows it sent on (a sink: records written)
    size_t state_bytes = 0;
};

/// The shape and counters of a running pipeline, for the console and the metrics: its
/// operators as a DAG (source readers first, the view or sink last; `edges` are pairs of
/// operator ids, from feeder to fed).
struct pipeline_graph_info {
    std::vector<operator_info> operators;
    std::vector<std::pair<int, int>> edges;
    /// The pipeline's event-time watermark in ms since the epoch: the lowest over the shards
    /// (or readers) that have one; std::nullopt before the first.
    std::optional<int64_t> watermark_ms;
};

/// A view's, sink's or source validation's pipeline as /api/pipelines shows it.
struct pipeline_info {
    std::string name;
    std::string kind; ///< "view", "sink" or "validation"
    std::string sql;  ///< the CREATE statement (empty for a validation)
    uint64_t records_in = 0;
    uint64_t rows_out = 0; ///< rows that reached the view, or records the sink wrote
    uint64_t invalid = 0;
    uint64_t late = 0;
    size_t state_bytes = 0;
    pipeline_graph_info graph;
};

} // namespace spate::stream
