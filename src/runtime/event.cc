#include "runtime/event.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace spate::runtime {

boost::asio::awaitable<bool> event::wait_until(std::chrono::steady_clock::time_point deadline) {
    if (!_set) {
        _timer.expires_at(deadline);
        co_await _timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    bool was_set = _set;
    _set = false;
    co_return was_set;
}

boost::asio::awaitable<void> event::wait() {
    auto op = wait_until(std::chrono::steady_clock::time_point::max());
    co_await std::move(op);
}

} // namespace spate::runtime
