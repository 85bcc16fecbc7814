// Opening a partition: finding its segments, trusting what was synced and checkpointed,
// validating only the tail, and cutting a torn tail.

#include "log/checkpoint.h"
#include "log/partition.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace spate::log {

void partition::mark_damaged(error e) {
    spdlog::error("partition {} is damaged and now read-only: {}", _name, e.message);
    if (!_damage) _damage = std::move(e);
}

result<void> partition::recover() {
    if (auto r = io::make_directories(_dir); !r) return r;

    partition_checkpoint ck;
    if (auto read = partition_checkpoint::read(_dir); read) {
        ck = *read;
    } else if (read.err().code != errc::not_found) {
        spdlog::warn("partition {}: {}; validating every segment", _name, read.err().message);
    }

    std::vector<std::pair<model::offset, std::filesystem::path>> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(_dir, ec)) {
        auto name = entry.path().filename().string();
        if (name.ends_with(".tmp")) {
            std::filesystem::remove(entry.path(), ec); // an interrupted atomic replace
            continue;
        }
        if (auto base = segment::parse_file_name(entry.path()))
            found.emplace_back(*base, entry.path());
    }
    if (ec)
        return error::make(errc::kafka_storage_error, "listing {} failed: {}", _dir.string(),
                           ec.message());
    std::sort(found.begin(), found.end());

    if (found.empty()) {
        auto s = segment::create(_dir, ck.log_start_offset);
        if (!s) return std::move(s).err();
        _segments.push_back(std::move(s).value());
        if (auto r = io::sync_directory(_dir); !r) return r;
    }
    for (auto& [base, path] : found) {
        auto s = segment::open(path, base);
        if (!s) return std::move(s).err();
        _segments.push_back(std::move(s).value());
    }

    // Without a checkpoint nothing is known to be synced: validate everything.
    model::offset recovery_point = ck.recovery_point;
    for (size_t i = 0; i < _segments.size(); ++i) {
        if (auto r = recover_segment(i, recovery_point); !r) return r;
    }
    for (size_t i = 1; i < _segments.size(); ++i) {
        auto end = _segments[i - 1]->next_offset();
        auto next = _segments[i]->base_offset();
        if (end != next)
            mark_damaged(error::make(errc::kafka_storage_error,
                                     "offsets {} to {} are missing: segment {} ends before segment "
                                     "{} begins",
                                     end.value(), next.value() - 1,
                                     _segments[i - 1]->path().filename().string(),
                                     _segments[i]->path().filename().string()));
    }

    _log_start = std::max(ck.log_start_offset, _segments.front()->base_offset());
    if (_log_start > log_end_offset()) _log_start = log_end_offset();
    if (!_damage && log_end_offset() < recovery_point)
        mark_damaged(error::make(errc::kafka_storage_error,
                                 "the log ends at offset {} but offsets up to {} were synced "
                                 "before; data was lost from {}",
                                 log_end_offset().value(), recovery_point.value(),
                                 _segments.back()->path().string()));

    if (auto r = recover_producers(); !r) return r;

    // What survived the restart is made durable now, so it can be acknowledged and read.
    if (auto r = sync_now(); !r) return r;
    return write_checkpoint();
}

result<void> partition::recover_segment(size_t i, model::offset recovery_point) {
    segment& seg = *_segments[i];
    bool last = i + 1 == _segments.size();
    auto file_size = seg.file()->size();
    if (!file_size) return std::move(file_size).err();

    // A finished segment (and the active one after a clean shutdown) has index files whose
    // trailer says how long it was. If it lies below the recovery point it was synced and
    // checked, so the index is trusted as long as the file still has that length.
    uint64_t scan_from = 0;
    bool damaged_here = false;
    if (auto summary = seg.load_index()) {
        bool synced = summary->next_offset <= recovery_point;
        if (!synced) {
            seg.reset(); // written but maybe never synced: check it like any tail
        } else if (summary->size_bytes == *file_size) {
            seg.mark_synced(*file_size);
            return ok();
        } else if (summary->size_bytes > *file_size) {
            mark_damaged(error::make(errc::kafka_storage_error,
                                     "segment {} is {} bytes but held {} when it was finished: "
                                     "the file was truncated",
                                     seg.path().string(), *file_size, summary->size_bytes));
            damaged_here = true;
            seg.reset();
        } else {
            scan_from = summary->size_bytes; // the active segment grew after a clean restart
        }
    }
    model::offset verify_from = std::max(recovery_point, seg.next_offset());
    auto scanned =
        seg.scan(scan_from, seg.next_offset(), verify_from, _config.index_interval_bytes);
    if (!scanned.stopped_by) {
        if (!last && !damaged_here) {
            if (auto r = seg.write_index(); !r) return r; // next start can skip the scan
            _unsynced_files.push_back(offset_index_path(seg.path()));
            _unsynced_files.push_back(time_index_path(seg.path()));
        }
        return ok();
    }
    if (damaged_here) return ok(); // already reported; what is readable is served
    const error& why = *scanned.stopped_by;
    if (seg.next_offset() < recovery_point) {
        // The bad bytes lie in data that was synced: this is damage, not a torn write. Keep
        // the files as they are for inspection and serve what is readable.
        mark_damaged(error::make(errc::kafka_storage_error,
                                 "{}; synced data up to offset {} "
                                 "cannot be read past offset {}",
                                 why.message, recovery_point.value(), seg.next_offset().value()));
        return ok();
    }
    // Past the recovery point an interrupted write leaves a tail that ends the log. Bad bytes
    // with valid data after them are corruption of data that may have been acknowledged.
    bool later_data = false;
    for (size_t j = i + 1; j < _segments.size(); ++j) {
        auto size = _segments[j]->file()->size();
        if (size && *size > 0) later_data = true;
    }
    if (later_data || seg.valid_batch_follows(scanned.valid_bytes)) {
        mark_damaged(error::make(errc::kafka_storage_error,
                                 "{}; valid data follows, so this is corruption rather than an "
                                 "interrupted write; readable up to offset {}",
                                 why.message, seg.next_offset().value()));
        return ok();
    }
    spdlog::warn("partition {}: cutting torn tail at {} bytes ({} bytes dropped): {}", _name,
                 scanned.valid_bytes, *file_size - scanned.valid_bytes, why.message);
    if (auto r = seg.truncate(scanned.valid_bytes); !r) return r;
    while (_segments.size() > i + 1) {
        spdlog::warn("partition {}: removing empty segment {} after a torn tail", _name,
                     _segments.back()->path().string());
        if (auto r = _segments.back()->remove(); !r) return r;
        _segments.pop_back();
    }
    return ok();
}

result<void> partition::write_checkpoint() {
    _checkpoint_writer->update({_log_start, _durable});
    auto written = _checkpoint_writer->write();
    if (!written) return std::move(written).err();
    _checkpointed = written->recovery_point;
    return ok();
}

result<void> partition::close() {
    if (_closed) return ok();
    if (auto r = sync_now(); !r) return r;
    if (auto r = _segments.back()->write_index(); !r) return r;
    if (auto r = _segments.back()->file()->sync_data(); !r) return r;
    for (const auto& p :
         {offset_index_path(_segments.back()->path()), time_index_path(_segments.back()->path())}) {
        auto f = io::file::open(p, io::file::mode::read_write);
        if (!f) return std::move(f).err();
        if (auto r = f->sync_data(); !r) return r;
    }
    if (auto r = write_checkpoint(); !r) return r;
    if (!_damage) {
        // Not fatal: the next open rebuilds the producer state from the log.
        if (auto r = write_producer_snapshot(); !r)
            spdlog::warn("partition {}: writing the producer state snapshot failed: {}", _name,
                         r.err().message);
    }
    _closed = true;
    return ok();
}

} // namespace spate::log
