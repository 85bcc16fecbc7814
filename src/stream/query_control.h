#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace spate::stream {

/// The message of SQLSTATE 57014, as Postgres words it.
inline constexpr const char* canceled_message = "canceling statement due to user request";

/// What a client session and the engine share about the statement running now: the session's
/// request to cancel it, and how far a query over files has read (for SHOW PROGRESS and the
/// shell's progress bar). Made by the session per statement; the engine, its worker threads and
/// SHOW PROGRESS (from other sessions) read and write it, hence the atomics.
struct query_control {
    int32_t session = 0; ///< the session's BackendKeyData process id (0: none)
    std::string text;    ///< the statement
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::atomic<bool> cancelled{false};
    std::atomic<uint64_t> bytes_done{0};  ///< file bytes read so far (on disk, compressed)
    std::atomic<uint64_t> bytes_total{0}; ///< 0 until known, or when not reading files
};

} // namespace spate::stream
