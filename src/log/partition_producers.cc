// Idempotent producers' state across restarts: snapshots at rolls and at close, and the rebuild
// at open from the newest usable snapshot plus the batch headers after it.

#include "io/file.h"
#include "log/partition.h"

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace spate::log {

namespace asio = boost::asio;

namespace {

// Snapshots kept at most; older ones only help after a crash cut the log below the newer ones.
constexpr size_t max_snapshots = 3;

/// The snapshot files of a partition directory, oldest first.
std::vector<std::pair<model::offset, std::filesystem::path>>
list_snapshots(const std::filesystem::path& dir) {
    std::vector<std::pair<model::offset, std::filesystem::path>> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (auto at = producer_state::parse_snapshot_name(entry.path()))
            out.emplace_back(*at, entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

void remove_file(const std::filesystem::path& p) {
    std::error_code ec;
    std::filesystem::remove(p, ec);
    if (ec) spdlog::warn("removing {} failed: {}", p.string(), ec.message());
}

} // namespace

result<void> partition::recover_producers() {
    model::offset end = log_end_offset();
    model::offset from = _segments.front()->base_offset();
    auto snapshots = list_snapshots(_dir);
    bool loaded = false;
    for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
        const auto& [at, path] = *it;
        if (at > end) {
            // It describes a tail of the log that recovery cut (or that was never synced).
            spdlog::info("partition {}: deleting producer state snapshot {} beyond the log end {}",
                         _name, path.filename().string(), end.value());
            remove_file(path);
            continue;
        }
        if (loaded) continue;
        auto bytes = io::read_file(path);
        auto state = bytes ? producer_state::decode(*bytes, at)
                           : result<producer_state>(std::move(bytes).err());
        if (!state) {
            spdlog::warn("partition {}: ignoring producer state snapshot {}: {}", _name,
                         path.string(), state.err().message);
            remove_file(path);
            continue;
        }
        _producers = std::move(state).value();
        from = std::max(at, from);
        loaded = true;
    }
    if (from >= end) return ok();

    // The append time of a batch is not in the log: producers found only in the log count as
    // having appended now, so that a restart never expires them early.
    auto now = model::timestamp_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    size_t batches = 0;
    auto replayed = for_each_header(from, [&](const model::batch_header& h) {
        if (h.base_offset < from) return;
        _producers.record(h, now);
        ++batches;
    });
    if (!replayed)
        spdlog::warn("partition {}: producer state rebuilt only up to a damaged batch: {}", _name,
                     replayed.err().message);
    spdlog::debug("partition {}: producer state rebuilt from offset {} ({} batch headers read, {} "
                  "producers)",
                  _name, from.value(), batches, _producers.size());
    return ok();
}

result<void>
partition::for_each_header(model::offset from,
                           const std::function<void(const model::batch_header&)>& f) const {
    for (const auto& seg : _segments) {
        if (seg->next_offset() <= from || seg->empty()) continue;
        auto found = seg->find_batch(std::max(from, seg->base_offset()));
        if (!found) return std::move(found).err();
        if (!*found) continue;
        auto [pos, h] = **found;
        while (true) {
            f(h);
            pos += h.size_bytes();
            if (pos >= seg->size_bytes()) break;
            auto next = seg->read_header(pos);
            if (!next) return std::move(next).err();
            h = *next;
        }
    }
    return ok();
}

void partition::start_producer_snapshot() {
    auto at = log_end_offset();
    auto path = producer_state::snapshot_path(_dir, at);
    auto bytes = _producers.encode(at);
    ++_snapshots_in_flight;
    auto owner = asio::prefer(_ctx.owner, asio::execution::outstanding_work.tracked);
    asio::post(*_ctx.blocking, [self = shared_from_this(), owner = std::move(owner),
                                path = std::move(path), bytes = std::move(bytes)]() mutable {
        auto r = io::write_file_atomically(path, bytes);
        asio::post(owner, [self = std::move(self), path = std::move(path), r = std::move(r)] {
            --self->_snapshots_in_flight;
            if (!r) {
                // Not fatal: the next open rebuilds from an older snapshot or the log.
                spdlog::warn("partition {}: writing producer state snapshot {} failed: {}",
                             self->_name, path.string(), r.err().message);
                return;
            }
            if (!self->_closed) self->prune_producer_snapshots();
        });
    });
}

result<void> partition::write_producer_snapshot() {
    auto at = log_end_offset();
    if (auto r = io::write_file_atomically(producer_state::snapshot_path(_dir, at),
                                           _producers.encode(at));
        !r)
        return r;
    prune_producer_snapshots();
    return ok();
}

void partition::prune_producer_snapshots() {
    auto snapshots = list_snapshots(_dir);
    model::offset oldest = _segments.front()->base_offset();
    size_t keep = 0;
    for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
        if (it->first >= oldest && keep < max_snapshots) {
            ++keep;
            continue;
        }
        remove_file(it->second);
    }
}

} // namespace spate::log
