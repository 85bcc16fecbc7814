#include "pgwire/cancel_registry.h"

#include <boost/asio/post.hpp>

#include <random>

namespace spate::pgwire {

cancel_registry& cancel_registry::instance() {
    static cancel_registry r;
    return r;
}

std::pair<int32_t, int32_t> cancel_registry::add(boost::asio::any_io_executor ex,
                                                 std::function<void()> on_cancel) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    auto secret = static_cast<int32_t>(rng());
    std::lock_guard lock(_mutex);
    int32_t pid;
    do {
        pid = _next_pid++;
        if (_next_pid <= 0) _next_pid = 1000;
    } while (_entries.count(pid) != 0);
    _entries.emplace(pid, entry{secret, std::move(ex), std::move(on_cancel)});
    return {pid, secret};
}

void cancel_registry::remove(int32_t pid) {
    std::lock_guard lock(_mutex);
    _entries.erase(pid);
}

bool cancel_registry::cancel(int32_t pid, int32_t secret) {
    std::lock_guard lock(_mutex);
    auto it = _entries.find(pid);
    if (it == _entries.end() || it->second.secret != secret) return false;
    boost::asio::post(it->second.ex, it->second.on_cancel);
    return true;
}

} // namespace spate::pgwire
