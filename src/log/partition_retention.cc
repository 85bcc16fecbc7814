// Segment lifecycle: rolling to a new segment, retention by time and size, DeleteRecords.

#include "log/partition.h"

#include <spdlog/spdlog.h>

namespace spate::log {

namespace {
// How often the recovery point is written when it has moved (Kafka checkpoints every 60 s).
constexpr int64_t checkpoint_interval_ms = 10'000;
} // namespace

result<void> partition::roll() {
    segment& old = *_segments.back();
    if (auto r = old.write_index(); !r) return r;
    auto fresh = segment::create(_dir, old.next_offset());
    if (!fresh) return std::move(fresh).err();
    _unsynced_files.push_back(offset_index_path(old.path()));
    _unsynced_files.push_back(time_index_path(old.path()));
    _dir_dirty = true;
    spdlog::debug("partition {}: rolled to segment {}", _name, fresh.value()->path().string());
    _segments.push_back(std::move(fresh).value());
    // The producer state as of the new segment's base, so that a restart replays at most the
    // batch headers of the active segment.
    start_producer_snapshot();
    // Under every policy a finished segment is synced soon (as Kafka flushes on roll); under
    // `always` the next durable append does it.
    if (_config.flush != flush_policy::always && !_sync_in_flight && !_closed) start_sync();
    return ok();
}

result<void> partition::delete_front_segment() {
    auto& front = _segments.front();
    spdlog::info("partition {}: deleting segment {} (offsets {} to {})", _name,
                 front->path().string(), front->base_offset().value(),
                 front->next_offset().value() - 1);
    if (auto r = front->remove(); !r) return r;
    _segments.pop_front();
    if (_segments.front()->base_offset() > _log_start)
        _log_start = _segments.front()->base_offset();
    _dir_dirty = true;
    prune_producer_snapshots();
    return ok();
}

result<size_t> partition::maintain(model::timestamp_ms now) {
    if (_closed) return size_t{0};
    size_t deleted = 0;
    if (!_damage) {
        segment& active = *_segments.back();
        if (!active.empty() && active.rolling_base_time() != model::no_timestamp &&
            now - active.rolling_base_time() >= _config.segment_ms) {
            if (auto r = roll(); !r) return std::move(r).err();
        }
    }
    // Retention deletes whole segments, oldest first, never the active one.
    if (_config.retention_ms >= 0) {
        while (_segments.size() > 1) {
            auto newest = _segments.front()->max_timestamp();
            if (newest == model::no_timestamp) newest = _segments.front()->rolling_base_time();
            if (now - newest <= _config.retention_ms) break;
            if (auto r = delete_front_segment(); !r) return std::move(r).err();
            ++deleted;
        }
    }
    if (_config.retention_bytes >= 0) {
        uint64_t total = size_bytes();
        while (_segments.size() > 1 && total - _segments.front()->size_bytes() >=
                                           static_cast<uint64_t>(_config.retention_bytes)) {
            total -= _segments.front()->size_bytes();
            if (auto r = delete_front_segment(); !r) return std::move(r).err();
            ++deleted;
        }
    }
    _producers.expire(now, _config.producer_id_expiration_ms);
    if (_config.flush == flush_policy::interval && !_sync_in_flight && !_damage &&
        now - _last_flush >= _config.flush_interval_ms && _durable < log_end_offset()) {
        _last_flush = now;
        start_sync();
    }
    if (deleted > 0 ||
        (_durable != _checkpointed && now - _last_checkpoint >= checkpoint_interval_ms)) {
        _last_checkpoint = now;
        start_checkpoint();
    }
    return deleted;
}

result<void> partition::delete_records_before(model::offset o) {
    if (o > high_watermark())
        return error::make(errc::offset_out_of_range,
                           "cannot delete records before offset {} of partition {}: the high "
                           "watermark is {}",
                           o.value(), _name, high_watermark().value());
    if (o <= _log_start) return ok();
    _log_start = o;
    while (_segments.size() > 1 && _segments[1]->base_offset() <= o) {
        if (auto r = delete_front_segment(); !r) return r;
    }
    _log_start = o;
    return write_checkpoint();
}

} // namespace spate::log
