#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace spate::pgwire {

/// The process's table of BackendKeyData keys, so that a CancelRequest (which arrives on a new
/// connection, possibly on another shard) finds the session it names. Each entry holds the
/// session's executor and a function to run there. Shared by every shard, so guarded by a
/// mutex; it is touched once per connection and once per cancel, never per message.
class cancel_registry {
public:
    static cancel_registry& instance();

    /// Registers a session; returns its (pid, secret) key. `on_cancel` runs on `ex`.
    std::pair<int32_t, int32_t> add(boost::asio::any_io_executor ex,
                                    std::function<void()> on_cancel);
    void remove(int32_t pid);
    /// Posts the session's cancel function to its executor when (pid, secret) matches one;
    /// returns whether it did. A wrong secret is ignored, as in Postgres.
    bool cancel(int32_t pid, int32_t secret);

private:
    struct entry {
        int32_t secret;
        boost::asio::any_io_executor ex;
        std::function<void()> on_cancel;
    };
    std::mutex _mutex;
    std::unordered_map<int32_t, entry> _entries;
    int32_t _next_pid = 1000;
};

} // namespace spate::pgwire
