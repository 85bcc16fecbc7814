#pragma once

// Message passing between shards, written as coroutine calls.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>

namespace spate::runtime {

template <typename T>
struct is_awaitable : std::false_type {};
template <typename T, typename E>
struct is_awaitable<boost::asio::awaitable<T, E>> : std::true_type {};

/// Runs `f` on `target` (another shard's executor, normally) and resumes the caller on its own
/// executor with what `f` returned. `f` is a plain function or one returning an awaitable;
/// it is moved to the target, so it must own what it needs (capture by value or shared_ptr).
/// When the caller already runs on `target`, `f` runs inline without a hop.
///
/// GCC 12 destroys some temporaries of a co_await full-expression twice: never write
/// `co_await invoke_on(ex, [s = std::string()] {...})`; make the awaitable a named local first
/// (`auto op = invoke_on(...); co_await std::move(op);`). The same holds for any coroutine
/// called with arguments that own memory.
template <typename F>
auto invoke_on(boost::asio::any_io_executor target, F f) {
    using R = std::invoke_result_t<F&>;
    if constexpr (is_awaitable<R>::value) {
        using T = typename R::value_type;
        return [](boost::asio::any_io_executor target, F f) -> boost::asio::awaitable<T> {
            auto here = co_await boost::asio::this_coro::executor;
            if (here == target) co_return co_await f();
            auto op = boost::asio::co_spawn(
                target, [f = std::move(f)]() mutable -> R { co_return co_await f(); },
                boost::asio::use_awaitable);
            co_return co_await std::move(op);
        }(std::move(target), std::move(f));
    } else {
        return [](boost::asio::any_io_executor target, F f) -> boost::asio::awaitable<R> {
            auto here = co_await boost::asio::this_coro::executor;
            if (here == target) co_return f();
            auto op = boost::asio::co_spawn(
                target,
                [f = std::move(f)]() mutable -> boost::asio::awaitable<R> { co_return f(); },
                boost::asio::use_awaitable);
            co_return co_await std::move(op);
        }(std::move(target), std::move(f));
    }
}

} // namespace spate::runtime
