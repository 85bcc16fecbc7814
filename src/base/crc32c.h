#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace spate {

/// CRC-32C (Castagnoli), the checksum of Kafka record batches. Uses the SSE4.2 crc32
/// instruction when the CPU has it, a table-driven loop otherwise. Thread-safe.
///
/// `crc` is the value returned for the bytes before `data`, so a checksum can be computed
/// over several pieces; start with 0.
uint32_t crc32c(std::span<const std::byte> data, uint32_t crc = 0);

} // namespace spate
