#pragma once

#include "base/result.h"
#include "io/file.h"
#include "log/segment_index.h"
#include "model/record_batch.h"
#include "model/types.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace spate::log {

/// One file of a partition's log: record batches stored back to back exactly as producers
/// sent them (with offsets assigned), named after the first offset it holds
/// (00000000000000001234.log), with its sparse indexes beside it.
///
/// Owned by its partition's thread. The file handle is shared so that a sync running on a
/// blocking thread, or a reader, keeps it open if the segment is deleted meanwhile.
class segment {
public:
    /// Creates an empty segment file starting at `base`.
    static result<std::unique_ptr<segment>> create(const std::filesystem::path& dir,
                                                   model::offset base);
    /// Opens an existing segment file without reading it; the caller then recovers it.
    static result<std::unique_ptr<segment>> open(const std::filesystem::path& path,
                                                 model::offset base);
    static std::filesystem::path path_for(const std::filesystem::path& dir, model::offset base);
    /// The base offset encoded in a segment file name, or nullopt if it is not one.
    static std::optional<model::offset> parse_file_name(const std::filesystem::path& path);
    /// The offset in a file name of the form <20-digit offset><extension> (segments,
    /// producer snapshots), or nullopt for any other name.
    static std::optional<model::offset> parse_offset_name(const std::filesystem::path& path,
                                                          std::string_view extension);

    model::offset base_offset() const { return _base; }
    /// Offset just past the last batch in this segment.
    model::offset next_offset() const { return _next; }
    uint64_t size_bytes() const { return _size; }
    bool empty() const { return _size == 0; }
    model::timestamp_ms max_timestamp() const { return _max_timestamp; }
    /// When the segment started, for segment.ms: its first batch's max timestamp, or the
    /// file's modification time for a segment without timestamps.
    model::timestamp_ms rolling_base_time() const { return _rolling_base_time; }
    const std::filesystem::path& path() const { return _path; }
    const std::shared_ptr<io::file>& file() const { return _file; }
    const segment_index& index() const { return _index; }

    /// Appends already validated batches whose offsets were assigned; all-or-nothing: if the
    /// write fails the file is cut back to its previous size.
    result<void> append(std::span<const std::byte> bytes,
                        std::span<const model::batch_header> batches, int32_t index_interval_bytes);

    /// True once a failed append could not be cut back: the file ends in a partial batch.
    bool has_partial_tail() const { return _partial_tail; }

    /// Result of walking the batches of the file.
    struct scan_result {
        uint64_t valid_bytes = 0;        ///< bytes of whole, valid batches from the start
        std::optional<error> stopped_by; ///< why the walk stopped before the end of the file
    };
    /// Rebuilds the in-memory state (index, next offset, max timestamp) by walking the batches
    /// from `from_position`, where offset `from_next` starts. Batches wholly below `verify_from`
    /// get header checks only; the rest are fully validated (CRC, records). Stops at the first
    /// batch that fails.
    scan_result scan(uint64_t from_position, model::offset from_next, model::offset verify_from,
                     int32_t index_interval_bytes);
    /// Loads the index files written when the segment was finished and returns the summary
    /// they hold; nullopt if they are missing or do not check out. The segment's state then
    /// covers the first summary.size_bytes bytes; the caller compares that with the file.
    std::optional<segment_summary> load_index();

    /// True if a batch with intact framing sits at `position` and another whose offsets
    /// continue it follows: bad bytes inside a batch, rather than a write cut short.
    bool valid_batch_follows(uint64_t position) const;

    /// Forgets everything known about the file's contents (before rescanning it).
    void reset() { *this = segment(_path, _base, _file); }

    /// Cuts the file to `size` bytes (a torn tail found by recovery).
    result<void> truncate(uint64_t size);

    /// Finds the batch containing offset `o` (or the first batch after it): its byte position
    /// and header. nullopt if `o` is at or past the end.
    result<std::optional<std::pair<uint64_t, model::batch_header>>>
    find_batch(model::offset o) const;
    /// The header of the batch at `position`, checked against what is expected there.
    result<model::batch_header> read_header(uint64_t position) const;

    /// Writes the index files with this segment's summary (when it is rolled or closed).
    result<void> write_index() const;
    /// Deletes the segment's files.
    result<void> remove();

    /// Bytes of this segment already made durable by fdatasync.
    uint64_t synced_bytes() const { return _synced; }
    void mark_synced(uint64_t bytes) {
        if (bytes > _synced) _synced = bytes;
    }

private:
    segment(std::filesystem::path path, model::offset base, std::shared_ptr<io::file> f)
        : _path(std::move(path)), _base(base), _next(base), _file(std::move(f)), _index(base) {}

    std::filesystem::path _path;
    model::offset _base;
    model::offset _next;
    uint64_t _size = 0;
    uint64_t _synced = 0;
    model::timestamp_ms _max_timestamp = model::no_timestamp;
    model::timestamp_ms _rolling_base_time = model::no_timestamp;
    std::shared_ptr<io::file> _file;
    segment_index _index;
    bool _partial_tail = false;
};

} // namespace spate::log
