#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace spate {

/// Reads a zig-zag encoded variable-length integer (Kafka's varint/varlong, protobuf's
/// sint64) from the front of `in`. On success returns the value and advances `in`; returns
/// nullopt if the input ends inside the number or it is longer than `max_bytes` bytes
/// (5 for a varint, 10 for a varlong).
inline std::optional<int64_t> read_zigzag(std::span<const std::byte>& in, int max_bytes = 10) {
    uint64_t raw = 0;
    int shift = 0;
    for (size_t i = 0; i < in.size() && i < static_cast<size_t>(max_bytes); ++i) {
        auto b = static_cast<uint8_t>(in[i]);
        raw |= static_cast<uint64_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            in = in.subspan(i + 1);
            return static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
        }
        shift += 7;
    }
    return std::nullopt;
}

/// Appends the zig-zag varint encoding of `v` to `out` (which must have room for 10 bytes)
/// and returns the number of bytes written.
inline size_t write_zigzag(std::byte* out, int64_t v) {
    auto raw = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    size_t n = 0;
    while (raw >= 0x80) {
        out[n++] = static_cast<std::byte>((raw & 0x7f) | 0x80);
        raw >>= 7;
    }
    out[n++] = static_cast<std::byte>(raw);
    return n;
}

} // namespace spate
