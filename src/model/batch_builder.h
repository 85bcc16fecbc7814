#pragma once

#include "model/compression.h"
#include "model/types.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace spate::model {

/// Builds a Kafka RecordBatch v2 from records, as a producer would: base offset 0, CRC-32C
/// filled in, the records uncompressed unless codec() chose a compression (then written as
/// compress() writes them, like the Java client). Used by ingestion paths that do not receive
/// Kafka batches (HTTP, files), by tests and by benchmarks. Single-threaded value.
class batch_builder {
public:
    struct header {
        std::string_view key;
        std::string_view value;
    };

    /// Appends a record. A null key or value is written as Kafka's null (-1 length).
    batch_builder& add(std::optional<std::string_view> key, std::optional<std::string_view> value,
                       timestamp_ms ts, std::span<const header> headers = {});

    /// Sets the producer id, epoch and base sequence (idempotent producers); default: none.
    batch_builder& producer(int64_t id, int16_t epoch, int32_t base_sequence);

    /// Compresses the records with `c` when the batch is built; default: none. Unlike some
    /// clients, the builder compresses even when that does not make the batch smaller.
    batch_builder& codec(compression c);

    size_t record_count() const { return _count; }
    /// Bytes the finished batch will take if uncompressed (for a compressed batch, its size
    /// before compression: an estimate, not a bound).
    size_t size_bytes() const;
    /// The finished batch. The builder may be reused after reset(). Compression fails only if
    /// memory runs out; build() then aborts.
    std::vector<std::byte> build() const;
    /// Makes the builder as new: no records, no producer, no compression.
    void reset();

private:
    std::vector<std::byte> _records;
    int32_t _count = 0;
    timestamp_ms _base_timestamp = no_timestamp;
    timestamp_ms _max_timestamp = no_timestamp;
    int64_t _producer_id = -1;
    int16_t _producer_epoch = -1;
    int32_t _base_sequence = -1;
    compression _codec = compression::none;
};

} // namespace spate::model
