#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace spate::runtime {

/// The event loops spate runs on: one io_context per shard, each run by one thread of its own
/// (normally one shard per core). State is partitioned between shards rather than shared:
/// whatever a shard owns (partitions, connections) is only touched on its thread, and other
/// shards reach it by posting work to its executor (invoke_on()). Nothing on that path locks.
///
/// Owned by the thread that creates it (the process's main thread), which starts and stops
/// it; executor() and size() may be called from any thread.
class shard_set {
public:
    /// `count` shards (at least 1); nothing runs until start().
    explicit shard_set(unsigned count);
    /// Stops and joins the shards if still running, then destroys what is left in every loop
    /// (coroutines still waiting) while all loops exist, since a coroutine of one shard may
    /// hold work on another's.
    ~shard_set();
    shard_set(const shard_set&) = delete;
    shard_set& operator=(const shard_set&) = delete;

    unsigned size() const { return static_cast<unsigned>(_shards.size()); }
    boost::asio::io_context& context(unsigned shard) { return *_shards.at(shard)->io; }
    boost::asio::any_io_executor executor(unsigned shard) const {
        return _shards.at(shard)->io->get_executor();
    }

    /// Starts one thread per shard; each runs its loop until stop(), even when idle.
    void start();
    /// Lets every loop finish the handlers it has ready, then ends the loops and joins the
    /// threads. Work still waiting (timers, sockets) is dropped. Idempotent.
    void stop();

    /// The shard the calling thread runs, or nullopt on a thread that is not a shard's.
    static std::optional<unsigned> current();

private:
    /// An io_context whose pending handlers can be destroyed before the object is.
    struct loop : boost::asio::io_context {
        explicit loop(int hint) : boost::asio::io_context(hint) {}
        using boost::asio::io_context::shutdown;
    };
    struct shard {
        std::unique_ptr<loop> io;
        std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
            work;
        std::thread thread;
    };
    std::vector<std::unique_ptr<shard>> _shards;
    bool _running = false;
};

/// The number of shards to run when the user does not say: one per core.
unsigned default_shard_count();

} // namespace spate::runtime
