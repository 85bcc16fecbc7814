#pragma once

#include "base/result.h"
#include "broker/topic_table.h"
#include "columnar/batch.h"
#include "columnar/value.h"
#include "plan/catalog_types.h"
#include "plan/dataflow.h"
#include "stream/catalog.h"
#include "stream/copy_options.h"
#include "stream/pipeline_info.h"
#include "stream/query_control.h"
#include "stream/view_changes.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace spate::broker {
class kafka_broker;
}
namespace spate::sql {
struct statement;
struct query;
struct copy_statement;
} // namespace spate::sql

namespace spate::stream {

class dead_letters;

/// What a statement gave back: rows (with their columns) or just a command tag, and notices.
struct statement_result {
    bool returns_rows = false;
    std::vector<plan::column_info> columns; ///< visible columns only
    columnar::batch rows;
    std::string tag; ///< "SELECT 3", "CREATE SOURCE", ...
    std::vector<std::string> notices;
};

/// What a statement would give back, without running it.
struct statement_description {
    bool returns_rows = false;
    std::vector<plan::column_info> columns;
};

/// A relation for the Postgres catalog queries of psql's \d commands.
struct relation_summary {
    std::string name;
    object_kind kind;
    std::vector<plan::column_info> columns;
};

/// spate's SQL engine: the catalog of sources, materialized views and sinks, the pipelines that
/// keep views and sinks up to date, and the execution of every statement a client sends.
///
/// Lives on its home shard (shard 0, the controller's): execute(), describe() and stop() run
/// there (callers hop with runtime::invoke_on); the pipelines spread their work over every shard.
class pipeline;

class engine {
public:
    engine(broker::kafka_broker& broker, std::filesystem::path data_dir);
    ~engine();

    unsigned home() const { return 0; }

    /// Re-creates the saved objects (replaying their definitions; views rebuild from the start
    /// of their sources) and starts their pipelines. On the home shard, once the shards run.
    boost::asio::awaitable<result<void>> start();
    /// Stops every pipeline. On the home shard, before the broker closes the log.
    boost::asio::awaitable<void> stop();

    /// Runs one statement. Throws sql::sql_error for anything the user must fix. `control`
    /// (optional) lets the session cancel the statement (57014) and others watch its progress.
    boost::asio::awaitable<statement_result>
    execute(std::string sql, std::vector<columnar::value> params,
            std::shared_ptr<query_control> control = nullptr);
    /// The most memory the operators of one bounded query may hold (bytes; 0: no limit).
    void set_query_memory_limit(uint64_t bytes) { _query_memory_limit = bytes; }
    /// Worker threads of a bounded query over files (0: one per core).
    void set_query_workers(unsigned n) { _query_workers = n; }

    /// Plans one statement without running it. Throws sql::sql_error.
    statement_description describe(const std::string& sql);
    /// Every source, view and sink with its columns.
    std::vector<relation_summary> relations() const;

    /// Every running view's, sink's and source validation's pipeline with its counters,
    /// watermark and operator graph (views and sinks by name, then validations). On the home
    /// shard.
    boost::asio::awaitable<std::vector<pipeline_info>> pipelines_info();
    /// Subscribes to materialized view `name`: its rows now, then every change applied to it,
    /// delivered on `home` (the subscriber's executor, any shard). A subscriber more than
    /// `max_pending_rows` rows behind is dropped; the stream also ends when the view is dropped
    /// or the engine stops. On the home shard. Throws sql::sql_error 42P01 when no view of that
    /// name runs (42809 when `name` is a sink).
    boost::asio::awaitable<std::unique_ptr<view_subscription>>
    subscribe_view(std::string name, boost::asio::any_io_executor home,
                   size_t max_pending_rows = 100000);

private:
    boost::asio::awaitable<statement_result> run(const sql::statement& s, std::string_view text,
                                                 const std::vector<columnar::value>& params,
                                                 std::shared_ptr<query_control> control);
    boost::asio::awaitable<statement_result> create_source(const sql::statement& s,
                                                           std::string_view text);
    boost::asio::awaitable<statement_result> create_continuous(const sql::statement& s,
                                                               std::string_view text);
    boost::asio::awaitable<statement_result> drop(const sql::statement& s);
    boost::asio::awaitable<statement_result> select(const sql::query& q,
                                                    const std::vector<columnar::value>& params,
                                                    std::shared_ptr<query_control> control);
    statement_result show(const sql::statement& s) const;
    /// COPY (query) TO 'file', COPY name TO 'file', COPY topic_or_source FROM 'file'.
    boost::asio::awaitable<statement_result> copy(const sql::statement& s,
                                                  const std::vector<columnar::value>& params,
                                                  std::shared_ptr<query_control> control);
    boost::asio::awaitable<statement_result> copy_to(const sql::copy_statement& c,
                                                     const copy_options& o,
                                                     const std::vector<columnar::value>& params,
                                                     std::shared_ptr<query_control> control);
    boost::asio::awaitable<statement_result> copy_from(const sql::copy_statement& c,
                                                       const copy_options& o,
                                                       std::shared_ptr<query_control> control);
    /// Appends record batches to a partition, on its shard, and waits until they are synced;
    /// returns an error message or "".
    boost::asio::awaitable<std::string> append_synced(broker::partition_ref ref, std::string topic,
                                                      std::shared_ptr<std::vector<std::byte>> data);
    /// SHOW PIPELINES: every view's, sink's and source validation's counters, from the shards.
    boost::asio::awaitable<statement_result> show_pipelines();
    /// SHOW PROGRESS: the statements running now with how much of their files they read.
    statement_result show_progress();
    /// SHOW OPERATORS: the stateful operators of every running view and sink, with the
    /// memory each keeps.
    boost::asio::awaitable<statement_result> show_operators();
    statement_result explain(const sql::statement& s, const std::vector<columnar::value>& params);
    /// Runs a planned query once over what its input holds now.
    boost::asio::awaitable<statement_result>
    run_bounded(const plan::dataflow& d, std::shared_ptr<query_control> control = nullptr);
    /// run_bounded() for a query reading files: on a worker thread per core, the files read in
    /// parallel chunks (parallel_graph), other inputs fetched first.
    boost::asio::awaitable<statement_result> run_parallel(const plan::dataflow& d,
                                                          std::shared_ptr<query_control> control);
    /// A running view's current rows (as insertions). Throws 42P01 when it is not running.
    boost::asio::awaitable<std::vector<columnar::batch>> view_rows(std::string name);
    /// Pushes every record of `source` now in its topic, decoded, into `entry`.
    boost::asio::awaitable<void> read_source_to_end(std::shared_ptr<const plan::source_def> source,
                                                    exec::output* entry, dead_letters& letters);
    /// Starts the source's validation pipeline (dead letters for records that do not decode or
    /// break a constraint), from where it stopped last time.
    boost::asio::awaitable<void> start_validation(std::shared_ptr<const plan::source_def> def);
    boost::asio::awaitable<void> stop_validation(const std::string& source);
    /// Where the reads of `name`'s pipeline got to before the last stop (empty if unknown).
    std::vector<int64_t> saved_progress(const std::string& name) const;
    void save_progress(const std::string& name, const pipeline& p) const;
    void forget_progress(const std::string& name) const;
    /// Saves every sink's and validation's progress once a second, until stop().
    boost::asio::awaitable<void> save_progress_loop();
    /// Creates `topic` with `partitions` partitions if it does not exist.
    result<void> ensure_topic(const std::string& topic, int32_t partitions);

    broker::kafka_broker& _broker;
    catalog _catalog;
    std::filesystem::path _sql_dir;
    std::map<std::string, std::shared_ptr<pipeline>> _validators;
    /// Statements running now (for SHOW PROGRESS).
    std::vector<std::weak_ptr<query_control>> _running;
    uint64_t _query_memory_limit = 0;
    unsigned _query_workers = 0;
    bool _replaying = false;
    bool _stopping = false;
    std::unique_ptr<boost::asio::steady_timer> _progress_timer;
};

} // namespace spate::stream
