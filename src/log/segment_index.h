#pragma once

#include "base/result.h"
#include "model/types.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace spate::log {

/// What a finished segment file is known to hold: written with its indexes so that a
/// restart can trust the segment without reading it, and notice if the file was cut short.
struct segment_summary {
    uint64_t size_bytes = 0;
    model::offset next_offset;
    model::timestamp_ms max_timestamp = model::no_timestamp;
};

/// The sparse offset index and time index of one segment, kept in memory and written to the
/// segment's .index and .timeindex files when the segment is finished (rolled or closed).
///
/// Offset index entries map an offset (relative to the segment's base) to the byte position of
/// the batch that starts there, one entry per index.interval.bytes of data. Time index entries
/// map the largest timestamp seen so far to the offset of the batch that raised it. Both files
/// end in a trailer with the segment summary and a CRC-32C; a file whose trailer does not check
/// out is treated as missing and rebuilt from the segment.
///
/// Owned by the segment's partition (one thread).
class segment_index {
public:
    struct offset_entry {
        uint32_t relative_offset;
        uint32_t position;
    };
    struct time_entry {
        int64_t timestamp;
        uint32_t relative_offset;
    };

    explicit segment_index(model::offset base) : _base(base) {}

    /// Records a batch appended at `position`; adds entries as the index intervals require.
    void on_batch(model::offset batch_base, uint32_t position, uint32_t batch_bytes,
                  model::timestamp_ms batch_max_timestamp, int32_t interval_bytes);

    /// Byte position of the last indexed batch starting at or before `o` (0 if none).
    uint32_t position_for(model::offset o) const;
    /// Offset from which to scan for the first record with timestamp >= ts: the batch after
    /// the last time entry below ts, or the segment's base.
    model::offset offset_for_timestamp_scan(model::timestamp_ms ts) const;

    /// Writes both index files beside `log_path` (name.index, name.timeindex), unsynced.
    result<void> write_files(const std::filesystem::path& log_path, const segment_summary& s) const;
    /// Reads both index files; nullopt if either is missing or does not check out.
    static std::optional<std::pair<segment_index, segment_summary>>
    read_files(const std::filesystem::path& log_path, model::offset base);

private:
    model::offset _base;
    std::vector<offset_entry> _offsets;
    std::vector<time_entry> _times;
    uint64_t _bytes_since_entry = 0;
    int64_t _max_timestamp = -1;
    uint32_t _max_timestamp_relative_offset = 0;
};

std::filesystem::path offset_index_path(const std::filesystem::path& log_path);
std::filesystem::path time_index_path(const std::filesystem::path& log_path);

} // namespace spate::log
