#pragma once

#include "runtime/event.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <vector>

namespace spate::runtime {

/// Runs every awaitable in `ops` concurrently on the caller's executor and returns their
/// results in the same order once all have finished. Each op typically hops to another shard
/// with invoke_on(), so the ops run in parallel across shards. An exception from an op is
/// rethrown after all have finished (ops report expected failures as values).
template <typename T>
boost::asio::awaitable<std::vector<T>> when_all(std::vector<boost::asio::awaitable<T>> ops) {
    auto ex = co_await boost::asio::this_coro::executor;
    struct state {
        explicit state(boost::asio::any_io_executor ex, size_t n)
            : done(std::move(ex)), results(n) {}
        event done;
        std::vector<std::optional<T>> results;
        size_t pending = 0;
        std::exception_ptr failure;
    };
    auto st = std::make_shared<state>(ex, ops.size());
    st->pending = ops.size();
    for (size_t i = 0; i < ops.size(); ++i) {
        boost::asio::co_spawn(ex, std::move(ops[i]), [st, i](std::exception_ptr e, T v) {
            if (e && !st->failure) st->failure = e;
            if (!e) st->results[i].emplace(std::move(v));
            if (--st->pending == 0) st->done.notify();
        });
    }
    if (st->pending > 0) co_await st->done.wait();
    if (st->failure) std::rethrow_exception(st->failure);
    std::vector<T> out;
    out.reserve(st->results.size());
    for (auto& r : st->results)
        out.push_back(std::move(*r));
    co_return out;
}

} // namespace spate::runtime
