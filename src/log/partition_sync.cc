// Durability: group commit of appends by fdatasync on a blocking thread.

#include "log/checkpoint.h"
#include "log/partition.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

namespace spate::log {

namespace asio = boost::asio;

void partition::when_durable(model::offset upto, std::function<void(result<void>)> done) {
    if (upto <= _durable) {
        asio::post(_ctx.owner, [done = std::move(done)] { done(ok()); });
        return;
    }
    if (_damage) {
        asio::post(_ctx.owner, [done = std::move(done), e = *_damage] { done(e); });
        return;
    }
    _waiters.push_back({upto, std::move(done)});
    if (!_sync_in_flight) start_sync();
}

asio::awaitable<result<void>> partition::wait_durable(model::offset upto) {
    if (upto <= _durable) co_return ok();
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(result<void>)>(
        [this, upto](auto handler) {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            when_durable(upto, [shared](result<void> r) { (*shared)(std::move(r)); });
        },
        asio::use_awaitable);
}

void partition::start_sync() {
    _sync_in_flight = true;
    model::offset target = log_end_offset();
    struct job {
        std::vector<std::shared_ptr<io::file>> files;
        std::vector<synced_segment> segments;
        std::vector<std::filesystem::path> extra_files;
        std::filesystem::path dir;
        bool sync_dir = false;
    } work;
    for (const auto& s : _segments) {
        if (s->synced_bytes() < s->size_bytes()) {
            work.files.push_back(s->file());
            work.segments.push_back({s->base_offset(), s->size_bytes()});
        }
    }
    work.extra_files = std::move(_unsynced_files);
    _unsynced_files.clear();
    work.dir = _dir;
    work.sync_dir = std::exchange(_dir_dirty, false);

    // The whole job runs on a blocking thread and reports back on the owner. Appends made
    // meanwhile are covered by the next job, which starts as this one ends: group commit.
    // The tracked executor keeps the owner's event loop running until the completion arrives.
    auto owner = asio::prefer(_ctx.owner, asio::execution::outstanding_work.tracked);
    asio::post(*_ctx.blocking, [self = shared_from_this(), owner = std::move(owner), target,
                                work = std::move(work)]() mutable {
        result<void> r = ok();
        for (const auto& f : work.files) {
            r = f->sync_data();
            if (!r) break;
        }
        for (const auto& p : work.extra_files) {
            if (!r) break;
            auto f = io::file::open(p, io::file::mode::read_write);
            if (!f) {
                if (f.err().code == errc::not_found) continue; // deleted by retention meanwhile
                r = std::move(f).err();
                break;
            }
            r = f->sync_data();
        }
        if (r && work.sync_dir) r = io::sync_directory(work.dir);
        asio::post(owner, [self = std::move(self), target, segs = std::move(work.segments),
                           r = std::move(r)]() mutable {
            self->on_synced(target, std::move(segs), std::move(r));
        });
    });
}

void partition::on_synced(model::offset target, std::vector<synced_segment> synced,
                          result<void> r) {
    ++_sync_rounds;
    if (r) {
        if (target > _durable) _durable = target;
        for (const auto& s : synced)
            for (const auto& seg : _segments)
                if (seg->base_offset() == s.base) seg->mark_synced(s.bytes);
    } else {
        // After a failed fdatasync the kernel may have dropped the dirty pages: what was
        // written cannot be trusted to be on disk, so stop taking writes.
        mark_damaged(error::make(errc::kafka_storage_error,
                                 "{}; data after offset {} may not "
                                 "be on disk",
                                 r.err().message, _durable.value()));
    }
    std::vector<waiter> still_waiting;
    std::vector<waiter> ready;
    for (auto& w : _waiters) {
        if (w.upto <= _durable)
            ready.push_back(std::move(w));
        else if (_damage)
            ready.push_back(std::move(w));
        else
            still_waiting.push_back(std::move(w));
    }
    _waiters = std::move(still_waiting);
    // Waiters resume inline and may append and wait again; _sync_in_flight stays set until
    // all have run, so that everything they append joins one next sync.
    for (auto& w : ready) {
        if (w.upto <= _durable)
            w.done(ok());
        else
            w.done(*_damage);
    }
    _sync_in_flight = false;
    if (!_waiters.empty()) start_sync();
}

void partition::start_checkpoint() {
    if (_checkpoint_in_flight || _closed) return;
    _checkpoint_in_flight = true;
    _checkpoint_writer->update({_log_start, _durable});
    auto owner = asio::prefer(_ctx.owner, asio::execution::outstanding_work.tracked);
    asio::post(*_ctx.blocking, [self = shared_from_this(), owner = std::move(owner),
                                writer = _checkpoint_writer]() mutable {
        auto r = writer->write();
        asio::post(owner, [self = std::move(self), r = std::move(r)] {
            self->_checkpoint_in_flight = false;
            if (r) {
                self->_checkpointed = r->recovery_point;
            } else {
                // Not fatal: recovery then starts from an older point and checks more.
                spdlog::warn("partition {}: writing the checkpoint failed: {}", self->_name,
                             r.err().message);
            }
        });
    });
}

result<void> partition::sync_now() {
    for (const auto& s : _segments) {
        if (s->synced_bytes() < s->size_bytes()) {
            if (auto r = s->file()->sync_data(); !r) return r;
            s->mark_synced(s->size_bytes());
        }
    }
    for (const auto& p : _unsynced_files) {
        auto f = io::file::open(p, io::file::mode::read_write);
        if (!f) {
            if (f.err().code == errc::not_found) continue;
            return std::move(f).err();
        }
        if (auto r = f->sync_data(); !r) return r;
    }
    _unsynced_files.clear();
    if (std::exchange(_dir_dirty, false)) {
        if (auto r = io::sync_directory(_dir); !r) return r;
    }
    _durable = log_end_offset();
    return ok();
}

} // namespace spate::log
