#pragma once

#include "runtime/when_all.h"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace spate::broker::handlers {

/// The per-partition answers of a request that names partitions topic by topic (Produce,
/// ListOffsets, DeleteRecords, OffsetForLeaderEpoch): some known at once (an unknown
/// partition), the others computed on the partitions' shards, all at the same time. Answers
/// come back in the order the partitions were added, each with the index of its topic in the
/// response. Lives in one handler's coroutine.
template <typename Answer>
class partition_fanout {
public:
    /// An answer known now, for the response's topic `topic`.
    void add_now(size_t topic, Answer a) { _slots.push_back({topic, std::move(a)}); }
    /// An answer `op` computes (typically invoke_on the partition's shard). Ops start when
    /// finish() runs, in the order added.
    void add(size_t topic, boost::asio::awaitable<Answer> op) {
        _slots.push_back({topic, std::nullopt});
        _ops.push_back(std::move(op));
    }

    /// Runs every op concurrently, then calls sink(topic, Answer&&) for each partition in the
    /// order added.
    template <typename Sink>
    boost::asio::awaitable<void> finish(Sink sink) {
        auto all = runtime::when_all(std::move(_ops)); // a named awaitable: runtime/invoke.h
        auto computed = co_await std::move(all);
        size_t next = 0;
        for (auto& s : _slots)
            sink(s.topic, s.now ? std::move(*s.now) : std::move(computed[next++]));
    }

private:
    struct slot {
        size_t topic;
        std::optional<Answer> now;
    };
    std::vector<slot> _slots;
    std::vector<boost::asio::awaitable<Answer>> _ops;
};

} // namespace spate::broker::handlers
