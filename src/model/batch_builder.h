#pragma once

#include "model/types.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace spate::model {

/// Builds an uncompressed Kafka RecordBatch v2 from records, as a producer would: base offset
/// 0, CRC-32C filled in. Used by ingestion paths that do not receive Kafka batches (HTTP,
/// files), by tests and by benchmarks. Single-threaded value.
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

    size_t record_count() const { return _count; }
    /// Bytes the finished batch will take.
    size_t size_bytes() const;
    /// The finished batch. The builder may be reused after reset().
    std::vector<std::byte> build() const;
    void reset();

private:
    std::vector<std::byte> _records;
    int32_t _count = 0;
    timestamp_ms _base_timestamp = no_timestamp;
    timestamp_ms _max_timestamp = no_timestamp;
    int64_t _producer_id = -1;
    int16_t _producer_epoch = -1;
    int32_t _base_sequence = -1;
};

} // namespace spate::model
