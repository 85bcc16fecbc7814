#pragma once

#include "base/result.h"
#include "model/record_batch.h"
#include "model/types.h"

#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace spate::log {

/// One batch an idempotent producer wrote to a partition, remembered to recognise its retries.
struct producer_batch {
    int32_t first_sequence = 0;
    int32_t last_sequence = 0;
    model::offset base_offset;
    model::offset last_offset;
    model::timestamp_ms max_timestamp = model::no_timestamp;
    bool operator==(const producer_batch&) const = default;
};

/// What a partition knows about one producer id: its epoch, its last batches (oldest first,
/// at most producer_state::max_batches, all of the current epoch) and when it last appended.
struct producer_entry {
    int16_t epoch = -1;
    std::deque<producer_batch> batches;
    model::timestamp_ms last_timestamp = model::no_timestamp;
    bool operator==(const producer_entry&) const = default;
};

/// A batch already in the log that an append repeats: the append is answered with its offsets.
struct duplicate_batch {
    model::offset base_offset;
    model::offset last_offset;
    model::timestamp_ms max_timestamp = model::no_timestamp;
};

/// The last sequence number of a batch: its base sequence plus its last offset delta, wrapping
/// from INT32_MAX to 0 as Kafka's sequences do.
int32_t last_sequence(const model::batch_header& h);

/// The idempotent producers of one partition (Kafka's ProducerStateManager without
/// transactions): per producer id the epoch and the last five batches, enough to spot a retry of
/// any batch a producer may still have in flight (librdkafka and the Java client keep at most
/// five requests in flight per connection when idempotence is on). Batches without a producer
/// id and control batches are not tracked.
///
/// A plain value owned by its partition's thread; not thread-safe.
class producer_state {
public:
    /// Batches remembered per producer (Kafka's NUM_BATCHES_TO_RETAIN).
    static constexpr size_t max_batches = 5;

    /// Checks the batches of one append, in order, against the state and against each other,
    /// changing nothing. nullopt: every batch is new and may be written. A duplicate_batch: the
    /// append only repeats batches already written (its offsets span them); nothing must be
    /// written. Errors: INVALID_PRODUCER_EPOCH for an epoch below the known one,
    /// OUT_OF_ORDER_SEQUENCE_NUMBER for a sequence that does not continue the last one (or is
    /// not 0 on a new epoch of a known producer), INVALID_RECORD for a batch without a sequence
    /// or epoch, or an append that mixes duplicates with new batches.
    result<std::optional<duplicate_batch>>
    check(std::span<const model::batch_header> batches) const;

    /// Records a batch written to the log (its offsets assigned) at time `when`. Appends and
    /// the rebuild at open both come here; a batch of an older epoch is ignored.
    void record(const model::batch_header& h, model::timestamp_ms when);

    /// Forgets producers whose last append is `expiration_ms` or more before `now` (Kafka's
    /// producer.id.expiration.ms). Returns how many were forgotten.
    size_t expire(model::timestamp_ms now, int64_t expiration_ms);

    const producer_entry* find(int64_t producer_id) const;
    size_t size() const { return _producers.size(); }
    bool empty() const { return _producers.empty(); }
    bool operator==(const producer_state&) const = default;

    /// The snapshot of this state taken at log offset `at` (every batch below it recorded):
    /// magic, version, offset, the producers, and a CRC-32C over all of it; little-endian.
    std::vector<std::byte> encode(model::offset at) const;
    /// Reads a snapshot; CORRUPT_MESSAGE if it does not check out, or is not taken at `at`.
    static result<producer_state> decode(std::span<const std::byte> bytes, model::offset at);

    /// The snapshot file for offset `at` in a partition directory:
    /// 00000000000000012345.producers.
    static std::filesystem::path snapshot_path(const std::filesystem::path& dir, model::offset at);
    /// The offset in a snapshot file name, or nullopt if it is not one.
    static std::optional<model::offset> parse_snapshot_name(const std::filesystem::path& path);

private:
    std::unordered_map<int64_t, producer_entry> _producers;
};

} // namespace spate::log
