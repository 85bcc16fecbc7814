#pragma once

#include "base/result.h"
#include "model/compression.h"
#include "model/types.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace spate::model {

/// Kafka RecordBatch v2 (magic 2), the unit the log stores and the Kafka protocol carries:
///
///   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 |
///   crc uint32 | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 |
///   maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32 |
///   recordCount int32 | records...
///
/// batchLength counts the bytes after itself; the CRC-32C covers attributes to the end.
/// baseOffset and partitionLeaderEpoch lie outside the CRC, so the log can assign offsets by
/// rewriting them without recomputing it.
namespace batch_layout {
inline constexpr size_t base_offset = 0;
inline constexpr size_t batch_length = 8;
inline constexpr size_t leader_epoch = 12;
inline constexpr size_t magic = 16;
inline constexpr size_t crc = 17;
inline constexpr size_t attributes = 21;
inline constexpr size_t last_offset_delta = 23;
inline constexpr size_t base_timestamp = 27;
inline constexpr size_t max_timestamp = 35;
inline constexpr size_t producer_id = 43;
inline constexpr size_t producer_epoch = 51;
inline constexpr size_t base_sequence = 53;
inline constexpr size_t record_count = 57;
/// Size of the fixed header; records follow.
inline constexpr size_t header_size = 61;
/// Bytes before batchLength's count starts (baseOffset and batchLength themselves).
inline constexpr size_t log_overhead = 12;
} // namespace batch_layout

/// The decoded fixed header of one batch. A plain value.
struct batch_header {
    offset base_offset;
    int32_t batch_length = 0;
    int32_t leader_epoch = 0;
    int8_t magic = 0;
    uint32_t crc = 0;
    int16_t attributes = 0;
    int32_t last_offset_delta = 0;
    timestamp_ms base_timestamp;
    timestamp_ms max_timestamp;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    int32_t record_count = 0;

    /// Bytes the whole batch occupies, header included.
    size_t size_bytes() const {
        return static_cast<size_t>(batch_length) + batch_layout::log_overhead;
    }
    offset last_offset() const { return base_offset + last_offset_delta; }
    /// Offset just past this batch.
    offset next_offset() const { return last_offset() + 1; }
    compression codec() const { return static_cast<compression>(attributes & 0x07); }
    bool log_append_time() const { return (attributes & 0x08) != 0; }
    bool is_transactional() const { return (attributes & 0x10) != 0; }
    bool is_control() const { return (attributes & 0x20) != 0; }
};

/// Decodes the fixed header at the front of `bytes` and checks what the header alone can
/// show: enough bytes for a header, batchLength within bounds, magic 2, a non-negative record
/// count and lastOffsetDelta, a known compression codec. Does not read the records or check
/// the CRC. `bytes` may extend past the batch.
result<batch_header> parse_batch_header(std::span<const std::byte> bytes);

/// Fully validates the single batch that is exactly `bytes`: the header checks, the CRC-32C,
/// and every record's framing (lengths, varints, offset deltas 0..n-1, headers), the record
/// count, and that the records fill the batch exactly. A compressed batch's records section is
/// decompressed first (model/compression.h), into a temporary buffer of at most
/// `max_decompressed` bytes: a batch that decompresses to more is rejected as
/// CORRUPT_MESSAGE, as is a payload its codec cannot decode. The batch itself is not changed;
/// the log stores it as sent. Returns the header.
result<batch_header> validate_batch(std::span<const std::byte> bytes,
                                    size_t max_decompressed = max_decompressed_batch_bytes);

/// Rewrites the batch's baseOffset (and partitionLeaderEpoch) in place; the CRC stays valid.
void assign_base_offset(std::span<std::byte> batch, offset base, int32_t leader_epoch = 0);

/// One record inside a batch's records section; spans point into that section (the batch for an
/// uncompressed batch, the decompressed buffer for a compressed one).
struct record_view {
    int64_t timestamp_delta = 0;
    int32_t offset_delta = 0;
    std::optional<std::span<const std::byte>> key;
    std::optional<std::span<const std::byte>> value;
    int32_t header_count = 0;
    std::span<const std::byte> headers; ///< encoded headers, header_count of them
};

/// Walks the records of a records section: the bytes after the header of an uncompressed
/// batch, or a compressed batch's records after decompress(). Each call to next() decodes one
/// record or reports why it cannot. Single-threaded value.
class record_reader {
public:
    explicit record_reader(std::span<const std::byte> records) : _rest(records) {}
    bool at_end() const { return _rest.empty(); }
    /// The next record, or an error naming what is malformed. Position is the byte offset
    /// within the records section where the bad record starts.
    result<record_view> next();
    size_t position() const { return _position; }

private:
    std::span<const std::byte> _rest;
    size_t _position = 0;
};

} // namespace spate::model
