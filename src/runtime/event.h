#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace spate::runtime {

/// A wake-up signal for one coroutine on one shard: wait() suspends until notify() is called
/// (or returns at once if it was called since the last wait), optionally up to a deadline.
/// Not thread-safe: notify() and wait() run on the owning shard; another shard posts there.
///
/// The coroutines are defined in event.cc, not inline: GCC 12 may lay out an inline
/// coroutine's frame differently in different translation units (-Wodr under LTO reports it),
/// and one program must have one layout.
class event {
public:
    explicit event(boost::asio::any_io_executor ex) : _timer(std::move(ex)) {}

    void notify() {
        _set = true;
        _timer.cancel();
    }

    /// True if notified, false if the deadline passed first.
    boost::asio::awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline);
    boost::asio::awaitable<void> wait();

private:
    boost::asio::steady_timer _timer;
    bool _set = false;
};

} // namespace spate::runtime
