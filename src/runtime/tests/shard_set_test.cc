#include "runtime/event.h"
#include "runtime/invoke.h"
#include "runtime/shard_set.h"
#include "runtime/when_all.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <future>

namespace spate::runtime {
namespace {

namespace asio = boost::asio;

template <typename T>
T run_on(shard_set& shards, unsigned shard, asio::awaitable<T> a) {
    auto f = asio::co_spawn(shards.executor(shard), std::move(a), asio::use_future);
    return f.get();
}

TEST(shard_set, invoke_on_runs_on_the_target_and_resumes_on_the_caller) {
    shard_set shards(3);
    shards.start();
    auto seen = run_on(shards, 0, [&]() -> asio::awaitable<std::vector<int>> {
        std::vector<int> out;
        out.push_back(static_cast<int>(*shard_set::current()));
        out.push_back(co_await invoke_on(shards.executor(2),
                                         [] { return static_cast<int>(*shard_set::current()); }));
        out.push_back(static_cast<int>(*shard_set::current()));
        // A coroutine function runs on the target too, and may itself hop again.
        out.push_back(co_await invoke_on(shards.executor(1), [&]() -> asio::awaitable<int> {
            int mine = static_cast<int>(*shard_set::current());
            int other = co_await invoke_on(shards.executor(2),
                                           [] { return static_cast<int>(*shard_set::current()); });
            co_return mine * 10 + other;
        }));
        out.push_back(static_cast<int>(*shard_set::current()));
        // Inline when already there.
        out.push_back(co_await invoke_on(shards.executor(0),
                                         [] { return static_cast<int>(*shard_set::current()); }));
        co_return out;
    }());
    EXPECT_EQ(seen, (std::vector<int>{0, 2, 0, 12, 0, 0}));
    EXPECT_FALSE(shard_set::current()) << "the test thread is not a shard";
    shards.stop();
}

TEST(shard_set, when_all_keeps_order_and_runs_in_parallel) {
    shard_set shards(2);
    shards.start();
    auto results = run_on(shards, 0, [&]() -> asio::awaitable<std::vector<int>> {
        std::vector<asio::awaitable<int>> ops;
        for (int i = 0; i < 6; ++i)
            ops.push_back(invoke_on(shards.executor(static_cast<unsigned>(i % 2)), [i] {
                return i * 100 + static_cast<int>(*shard_set::current());
            }));
        co_return co_await when_all(std::move(ops));
    }());
    EXPECT_EQ(results, (std::vector<int>{0, 101, 200, 301, 400, 501}));
    auto none = run_on(shards, 1, []() -> asio::awaitable<size_t> {
        auto r = co_await when_all(std::vector<asio::awaitable<int>>{});
        co_return r.size();
    }());
    EXPECT_EQ(none, 0u);
}

TEST(shard_set, messages_between_two_shards_arrive_in_order) {
    shard_set shards(2);
    shards.start();
    std::vector<int> order; // touched only on shard 1
    run_on(shards, 0, [&]() -> asio::awaitable<int> {
        for (int i = 0; i < 1000; ++i)
            asio::co_spawn(shards.executor(1),
                           invoke_on(shards.executor(1),
                                     [&order, i] {
                                         order.push_back(i);
                                         return 0;
                                     }),
                           asio::detached);
        co_return co_await invoke_on(shards.executor(1), [] { return 0; });
    }());
    ASSERT_EQ(order.size(), 1000u);
    for (int i = 0; i < 1000; ++i)
        ASSERT_EQ(order[static_cast<size_t>(i)], i);
}

TEST(event, wakes_a_waiter_or_times_out) {
    shard_set shards(1);
    shards.start();
    auto r = run_on(shards, 0, []() -> asio::awaitable<std::vector<bool>> {
        event e(co_await asio::this_coro::executor);
        std::vector<bool> out;
        using namespace std::chrono_literals;
        out.push_back(co_await e.wait_until(std::chrono::steady_clock::now() + 10ms));
        e.notify(); // before the wait: not lost
        out.push_back(co_await e.wait_until(std::chrono::steady_clock::now() + 10s));
        asio::steady_timer later(co_await asio::this_coro::executor, 5ms);
        later.async_wait([&](auto) { e.notify(); });
        out.push_back(co_await e.wait_until(std::chrono::steady_clock::now() + 10s));
        co_return out;
    }());
    EXPECT_EQ(r, (std::vector<bool>{false, true, true}));
}

} // namespace
} // namespace spate::runtime
