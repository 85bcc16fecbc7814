#pragma once

#include "broker/topic_table.h"
#include "exec/row_table.h"
#include "plan/dataflow.h"
#include "stream/chain.h"
#include "stream/dead_letters.h"
#include "stream/flow_graph.h"
#include "stream/pipeline_info.h"
#include "stream/view_changes.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace spate::broker {
class kafka_broker;
}

namespace spate::stream {

class shard_part;
struct reader_branch;

/// Where a continuous query's rows end up.
struct pipeline_output {
    /// validate: the source's own pipeline, which writes records that fail decoding or a
    /// constraint to the dead-letter topic and keeps nothing.
    enum class kind : uint8_t { view, sink, validate } what = kind::view;
    /// Sinks: the topic written (JSON records) and its partitions.
    std::string topic;
    std::vector<broker::partition_ref> topic_partitions;
    std::vector<std::string> column_names;
    /// The source's dead-letter and late-events topics, by name.
    std::map<std::string, std::vector<broker::partition_ref>> letter_topics;
};

/// Counters of a running pipeline, summed over shards on request.
struct pipeline_stats {
    uint64_t records_in = 0;
    uint64_t invalid = 0;
    uint64_t late = 0;
    uint64_t rows_out = 0;
    size_t state_bytes = 0;
    size_t result_rows = 0;
    /// Rows that reached the view's table, the sink's writer or the validation's end.
    uint64_t output_rows = 0;
};

/// One operator of a running pipeline: where it sits, what it is, and the memory it keeps,
/// summed over shards.
struct operator_stats {
    size_t segment = 0;  ///< the flow graph's segment (0: the first after the readers' steps)
    size_t position = 0; ///< in its segment's chain
    /// As the shard with the largest share of the state describes it.
    std::string description;
    size_t state_bytes = 0;
    size_t largest_share = 0;
};

/// A query kept running: a materialized view or a sink over one or more sources.
///
/// Its work is spread over the shards. The query's dataflow tree is cut into segments at its
/// exchanges (flow_graph). A reader per partition of each source runs on the partition's shard:
/// it reads new records, decodes them and runs the steps before the first exchange; then the
/// exchange sends each row to the shard that owns its key (hash of the GROUP BY, join or
/// PARTITION BY key), where the next segment runs, and so on. A join's segment has two inputs.
/// Watermarks travel with the rows: each shard keeps the latest watermark of every input
/// (partition, or upstream shard) and moves on with their minimum; an input idle for the
/// source's idle timeout stops holding it back (a join input whose every partition is idle
/// follows the other input). Each shard keeps its part of a view's rows (row_table); a pull
/// query gathers them.
///
/// Created and stopped on the engine's home shard; each shard_part lives on its own shard.
class pipeline : public std::enable_shared_from_this<pipeline> {
public:
    pipeline(broker::kafka_broker& broker, std::string name, plan::dataflow flow,
             pipeline_output output);
    ~pipeline();

    /// Builds every shard's part and starts the readers: from `from[i]` in reader i when given,
    /// else from the start of each partition. Readers are numbered by distinct source (in the
    /// order of plan::sources_of), then partition.
    boost::asio::awaitable<void> start(std::vector<int64_t> from = {});
    /// The next offset each reader will read (for the validation's saved progress).
    std::vector<int64_t> positions() const;
    /// Whether the pipeline has begun reading (start() returned).
    bool started() const { return _positions != nullptr; }
    /// Stops the readers and drops every part's state; returns once nothing runs.
    boost::asio::awaitable<void> stop();

    /// The rows of a view now, gathered from every shard.
    boost::asio::awaitable<std::vector<columnar::batch>> snapshot();
    boost::asio::awaitable<pipeline_stats> stats();
    /// Every stateful operator that runs after an exchange (on every shard), with its state.
    boost::asio::awaitable<std::vector<operator_stats>> operators();
    /// Every operator (source readers, each step, exchanges, the view or sink) with its rows in
    /// and out and its state summed over the shards, the edges between them, and the
    /// watermark. On the home shard, while the pipeline runs.
    boost::asio::awaitable<pipeline_graph_info> graph_info();
    /// A view's rows now and then every change applied to it, delivered on `home` (the
    /// subscriber's executor); the subscriber is dropped once more than `max_pending_rows`
    /// rows wait for it. The subscription ends when the pipeline stops. On the home shard;
    /// for a pipeline that is not a view, the stream ends at once.
    boost::asio::awaitable<std::unique_ptr<view_subscription>>
    subscribe(boost::asio::any_io_executor home, size_t max_pending_rows,
              std::vector<plan::column_info> columns);

    const std::string& name() const { return _name; }
    const plan::dataflow& flow() const { return _flow; }

    // Used by the parts and readers.
    broker::kafka_broker& broker() { return _broker; }
    const pipeline_output& output() const { return _output; }
    shard_part& part(unsigned shard) { return *_parts[shard]; }
    unsigned shard_count() const { return static_cast<unsigned>(_parts.size()); }
    bool stopping() const { return _stopping.load(std::memory_order_relaxed); }
    /// A restarted sink re-reading records it had read before: its output is not written.
    bool replaying() const { return _replaying.load(std::memory_order_relaxed) > 0; }
    const flow_graph& graph() const { return *_graph; }
    /// How many inputs feed a segment's port from segment `feeder`: the partitions of a leaf's
    /// source, or the shards.
    size_t inputs_from(int feeder) const;

private:
    /// One reader: a partition of a source, decoded once for every leaf segment that reads
    /// the source (a self-join reads it twice).
    struct reader_input {
        std::vector<size_t> segments;
        int32_t partition = 0;
        broker::partition_ref ref;
    };
    boost::asio::awaitable<void> read_partition(size_t index);
    std::vector<reader_branch> make_branches(size_t reader);
    static void feed_branches(std::vector<reader_branch>& branches, columnar::batch b,
                              exec::event_time wm, exec::event_time& sent_wm, bool was_idle);

    broker::kafka_broker& _broker;
    std::string _name;
    plan::dataflow _flow;
    pipeline_output _output;
    std::unique_ptr<flow_graph> _graph;
    std::vector<std::shared_ptr<shard_part>> _parts;
    std::vector<reader_input> _readers;
    std::vector<size_t> _leaf_partitions; ///< per leaf
    std::atomic<bool> _stopping{false};
    std::atomic<int> _running_readers{0};
    /// Per partition, the next offset to read; written by its reader, read on stop.
    std::unique_ptr<std::atomic<int64_t>[]> _positions;
    /// Sinks: per partition, the offset read before the restart (-1: none).
    std::vector<int64_t> _replay_until;
    std::atomic<int> _replaying{0};
    /// Per reader, the last watermark it sent on (exec::no_watermark before the first).
    std::unique_ptr<std::atomic<int64_t>[]> _reader_wm;
};

} // namespace spate::stream
