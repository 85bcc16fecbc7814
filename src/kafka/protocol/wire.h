#pragma once

#include "base/result.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spate::kafka {

/// Kafka's `bytes` and `records` values: raw bytes, kept as they came (a record batch is
/// stored by the log exactly as the producer sent it).
using bytes = std::vector<std::byte>;

/// A Kafka UUID (topic ids, ...): 16 bytes in network order; all zero means "none".
struct uuid {
    std::array<std::byte, 16> data{};
    bool operator==(const uuid&) const = default;
};

/// A tagged field as it is on the wire: its tag and its encoded value.
struct tagged_field {
    uint32_t tag = 0;
    bytes data;
    bool operator==(const tagged_field&) const = default;
};
using tagged_fields = std::vector<tagged_field>;

/// Appends Kafka protocol primitives to a byte vector it does not own (the caller keeps it alive
/// for the writer's lifetime). Integers are big-endian; "compact" forms (flexible versions) use
/// an unsigned varint of length + 1 where 0 means null; the others an int16 (strings) or int32
/// (bytes, arrays) length where -1 means null. Never fails: values a version cannot represent
/// (a string over 32767 bytes) are programmer errors and asserted. Not thread-safe; one writer
/// per buffer at a time.
class writer {
public:
    explicit writer(std::vector<std::byte>& out) : _out(&out) {}

    void write_bool(bool v) { write_int8(v ? 1 : 0); }
    void write_int8(int8_t v);
    void write_int16(int16_t v);
    void write_uint16(uint16_t v);
    void write_int32(int32_t v);
    void write_uint32(uint32_t v);
    void write_int64(int64_t v);
    void write_float64(double v);
    /// Kafka's unsigned varint (7 bits a byte, low bits first; at most 5 bytes).
    void write_unsigned_varint(uint32_t v);
    /// Kafka's zig-zag varint (int32) and varlong (int64), as used inside record batches.
    void write_varint(int32_t v);
    void write_varlong(int64_t v);
    void write_uuid(const uuid& v);
    void write_raw(std::span<const std::byte> data);

    /// Strings: int16 length (or -1 for null) + UTF-8 bytes.
    void write_string(std::string_view s);
    void write_nullable_string(const std::optional<std::string>& s);
    /// Compact strings: unsigned varint length + 1 (0 for null) + UTF-8 bytes.
    void write_compact_string(std::string_view s);
    void write_compact_nullable_string(const std::optional<std::string>& s);
    /// The compact form when `compact` (a flexible version), else the classic one.
    void write_string(std::string_view s, bool compact);
    void write_nullable_string(const std::optional<std::string>& s, bool compact);

    /// Bytes: int32 length (or -1 for null) + the bytes; compact: unsigned varint length + 1.
    void write_bytes(std::span<const std::byte> b);
    void write_nullable_bytes(const std::optional<bytes>& b);
    void write_compact_bytes(std::span<const std::byte> b);
    void write_compact_nullable_bytes(const std::optional<bytes>& b);
    void write_bytes(std::span<const std::byte> b, bool compact);
    void write_nullable_bytes(const std::optional<bytes>& b, bool compact);

    /// An array's element count: int32, -1 for a null array. The elements follow.
    void write_array_length(int32_t n);
    /// Compact: unsigned varint n + 1; -1 (null) is written as 0.
    void write_compact_array_length(int32_t n);
    void write_array_length(int32_t n, bool compact);

    /// A tagged-field section holding only `fields` (count, then tag, size and data of each,
    /// in the order given).
    void write_tagged_fields(const tagged_fields& fields);

    /// Bytes in the buffer (including any that were there before this writer).
    size_t size() const { return _out->size(); }
    std::vector<std::byte>& buffer() { return *_out; }

private:
    std::byte* grow(size_t n);

    std::vector<std::byte>* _out;
};

/// Reads Kafka protocol primitives from a byte span it does not own. Every read checks the
/// bytes left first and fails with CORRUPT_MESSAGE (naming the byte position) instead of
/// reading past the end; lengths are checked against the bytes left before anything is
/// allocated, so malformed input never crashes or over-allocates. After a failure the position
/// is unspecified. Not thread-safe.
class reader {
public:
    explicit reader(std::span<const std::byte> in) : _in(in) {}

    size_t position() const { return _pos; }
    size_t remaining() const { return _in.size() - _pos; }
    bool empty() const { return _pos == _in.size(); }

    result<bool> read_bool();
    result<int8_t> read_int8();
    result<int16_t> read_int16();
    result<uint16_t> read_uint16();
    result<int32_t> read_int32();
    result<uint32_t> read_uint32();
    result<int64_t> read_int64();
    result<double> read_float64();
    /// Fails if longer than 5 bytes or over 32 bits.
    result<uint32_t> read_unsigned_varint();
    result<int32_t> read_varint();
    result<int64_t> read_varlong();
    result<uuid> read_uuid();
    /// The next n bytes, as a view into the input.
    result<std::span<const std::byte>> read_raw(size_t n);

    /// A non-null string; null fails (the field is not nullable in this version).
    result<std::string> read_string();
    result<std::optional<std::string>> read_nullable_string();
    result<std::string> read_compact_string();
    result<std::optional<std::string>> read_compact_nullable_string();
    result<std::string> read_string(bool compact);
    result<std::optional<std::string>> read_nullable_string(bool compact);

    result<bytes> read_bytes();
    result<std::optional<bytes>> read_nullable_bytes();
    result<bytes> read_compact_bytes();
    result<std::optional<bytes>> read_compact_nullable_bytes();
    result<bytes> read_bytes(bool compact);
    result<std::optional<bytes>> read_nullable_bytes(bool compact);

    /// An array's element count, -1 for null. Fails if the elements cannot fit in the bytes
    /// left when each takes at least `min_element_size` (>= 1) bytes, so a caller may reserve
    /// or loop `n` times safely.
    result<int32_t> read_array_length(size_t min_element_size);
    result<int32_t> read_compact_array_length(size_t min_element_size);
    result<int32_t> read_array_length(size_t min_element_size, bool compact);

    /// A whole tagged-field section, every field kept as raw bytes.
    result<tagged_fields> read_tagged_fields();

private:
    error fail(std::string_view what) const;
    result<int32_t> checked_length(int64_t n, size_t unit, std::string_view what);

    std::span<const std::byte> _in;
    size_t _pos = 0;
};

} // namespace spate::kafka
