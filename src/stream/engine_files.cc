// Bounded queries over files: run on worker threads, the files read in parallel chunks.

#include "plan/dataflow.h"
#include "sql/sql_error.h"
#include "stream/engine.h"
#include "stream/file_feed.h"
#include "stream/parallel_graph.h"
#include "stream/pipeline.h"
#include "stream/result_rows.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <atomic>
#include <thread>
#include <unistd.h>

namespace spate::stream {

namespace asio = boost::asio;

namespace {

/// What the query's thread shares with the coroutine waiting for it; kept alive by both.
struct parallel_run {
    /// The query's own copy: the workers may outlive the coroutine that started them (a server
    /// stopping mid-query destroys it), never this.
    plan::dataflow flow;
    std::unique_ptr<parallel_graph> graph;
    std::unique_ptr<file_feed> feed;
    std::exception_ptr error;
    std::atomic<bool> done{false};
};

/// Half of the machine's memory: the default limit of one query's operators.
uint64_t default_memory_limit() {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? uint64_t(pages) * uint64_t(size) / 2 : 0;
}

} // namespace

asio::awaitable<statement_result> engine::run_parallel(const plan::dataflow& d,
                                                       std::shared_ptr<query_control> control) {
    unsigned workers = _query_workers ? _query_workers : std::thread::hardware_concurrency();
    auto run = std::make_shared<parallel_run>();
    run->flow = d;
    run->graph = std::make_unique<parallel_graph>(run->flow, std::max(1u, workers));
    auto& g = *run->graph;
    run->feed = std::make_unique<file_feed>(g);
    // Inputs other than files are fetched here, on the home shard, first.
    for (size_t leaf = 0; leaf < g.leaf_count(); ++leaf) {
        const auto& f = g.leaf_flow(leaf);
        std::vector<columnar::batch> batches;
        switch (f.input) {
        case plan::input_kind::file: continue;
        case plan::input_kind::none: {
            columnar::batch one;
            one.rows = 1;
            batches.push_back(std::move(one));
            break;
        }
        case plan::input_kind::view: {
            auto rows = view_rows(f.view_name);
            batches = co_await std::move(rows);
            break;
        }
        case plan::input_kind::source: {
            exec::batch_collector collected;
            auto read = read_source_to_end(f.source, &collected, g.letters(0, leaf));
            co_await std::move(read);
            batches = std::move(collected.batches());
            break;
        }
        }
        run->feed->set_batches(leaf, std::move(batches));
    }
    uint64_t limit = _query_memory_limit ? _query_memory_limit : default_memory_limit();
    // LIMIT without ORDER BY: any rows will do, so reading stops once there are enough.
    uint64_t row_limit =
        d.limit && d.order_by.empty() ? uint64_t(*d.limit) + uint64_t(d.offset) : 0;
    // The workers run on their own threads; this shard keeps serving while it waits.
    std::thread([run, limit, row_limit] {
        try {
            auto& feed = *run->feed;
            run->graph->run([&feed](unsigned w, size_t& leaf,
                                    columnar::batch& out) { return feed.next(w, leaf, out); },
                            limit, row_limit);
        } catch (...) {
            run->error = std::current_exception();
        }
        run->done.store(true, std::memory_order_release);
    }).detach();
    asio::steady_timer timer(co_await asio::this_coro::executor);
    if (control) control->bytes_total = run->feed->total_bytes();
    while (!run->done.load(std::memory_order_acquire)) {
        timer.expires_after(std::chrono::milliseconds(2));
        co_await timer.async_wait(asio::use_awaitable);
        if (!control) continue;
        control->bytes_done = run->feed->bytes_read();
        if (control->cancelled) run->graph->cancel();
    }
    if (run->error) std::rethrow_exception(run->error);

    statement_result r;
    r.notices = run->feed->notices();
    for (size_t leaf = 0; leaf < g.leaf_count(); ++leaf) {
        uint64_t invalid = 0;
        for (unsigned w = 0; w < g.workers(); ++w) {
            auto& letters = g.letters(w, leaf);
            invalid += letters.invalid_count();
            if (!letters.first_error_state().empty())
                throw sql::sql_error(letters.first_error_state(), letters.first_error(), {});
        }
        const auto& src = g.leaf_flow(leaf).source;
        if (invalid && src)
            r.notices.push_back(fmt::format("{} record(s) of source {} are invalid and were "
                                            "skipped; its pipelines write them to topic {}",
                                            invalid, src->name, src->dead_letter_topic));
    }
    r.rows = finish_rows(d, g.take());
    std::vector<plan::column_info> cols;
    for (const auto& c : d.output)
        if (!c.hidden) cols.push_back(c);
    r.columns = std::move(cols);
    r.returns_rows = true;
    r.tag = fmt::format("SELECT {}", r.rows.rows);
    co_return r;
}

} // namespace spate::stream
