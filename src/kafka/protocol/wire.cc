#include "kafka/protocol/wire.h"

#include "base/endian.h"
#include "base/varint.h"

#include <bit>
#include <cassert>
#include <cstring>
#include <limits>

namespace spate::kafka {

namespace {

constexpr size_t max_string_length = std::numeric_limits<int16_t>::max();

std::span<const std::byte> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

} // namespace

// ---- writer -----------------------------------------------------------------------------------

std::byte* writer::grow(size_t n) {
    size_t at = _out->size();
    _out->resize(at + n);
    return _out->data() + at;
}

void writer::write_int8(int8_t v) {
    _out->push_back(static_cast<std::byte>(v));
}
void writer::write_int16(int16_t v) {
    store_be(grow(2), v);
}
void writer::write_uint16(uint16_t v) {
    store_be(grow(2), v);
}
void writer::write_int32(int32_t v) {
    store_be(grow(4), v);
}
void writer::write_uint32(uint32_t v) {
    store_be(grow(4), v);
}
void writer::write_int64(int64_t v) {
    store_be(grow(8), v);
}
void writer::write_float64(double v) {
    store_be(grow(8), std::bit_cast<uint64_t>(v));
}

void writer::write_unsigned_varint(uint32_t v) {
    while (v >= 0x80) {
        _out->push_back(static_cast<std::byte>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    _out->push_back(static_cast<std::byte>(v));
}

void writer::write_varint(int32_t v) {
    write_varlong(v);
}

void writer::write_varlong(int64_t v) {
    std::byte buf[10];
    write_raw({buf, write_zigzag(buf, v)});
}

void writer::write_uuid(const uuid& v) {
    write_raw(v.data);
}

void writer::write_raw(std::span<const std::byte> data) {
    if (data.empty()) return;
    std::memcpy(grow(data.size()), data.data(), data.size());
}

void writer::write_string(std::string_view s) {
    assert(s.size() <= max_string_length);
    write_int16(static_cast<int16_t>(s.size()));
    write_raw(as_bytes(s));
}

void writer::write_nullable_string(const std::optional<std::string>& s) {
    if (!s) return write_int16(-1);
    write_string(*s);
}

void writer::write_compact_string(std::string_view s) {
    assert(s.size() <= max_string_length);
    write_unsigned_varint(static_cast<uint32_t>(s.size()) + 1);
    write_raw(as_bytes(s));
}

void writer::write_compact_nullable_string(const std::optional<std::string>& s) {
    if (!s) return write_unsigned_varint(0);
    write_compact_string(*s);
}

void writer::write_string(std::string_view s, bool compact) {
    compact ? write_compact_string(s) : write_string(s);
}

void writer::write_nullable_string(const std::optional<std::string>& s, bool compact) {
    compact ? write_compact_nullable_string(s) : write_nullable_string(s);
}

void writer::write_bytes(std::span<const std::byte> b) {
    assert(b.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
    write_int32(static_cast<int32_t>(b.size()));
    write_raw(b);
}

void writer::write_nullable_bytes(const std::optional<bytes>& b) {
    if (!b) return write_int32(-1);
    write_bytes(*b);
}

void writer::write_compact_bytes(std::span<const std::byte> b) {
    assert(b.size() < std::numeric_limits<uint32_t>::max());
    write_unsigned_varint(static_cast<uint32_t>(b.size()) + 1);
    write_raw(b);
}

void writer::write_compact_nullable_bytes(const std::optional<bytes>& b) {
    if (!b) return write_unsigned_varint(0);
    write_compact_bytes(*b);
}

void writer::write_bytes(std::span<const std::byte> b, bool compact) {
    compact ? write_compact_bytes(b) : write_bytes(b);
}

void writer::write_nullable_bytes(const std::optional<bytes>& b, bool compact) {
    compact ? write_compact_nullable_bytes(b) : write_nullable_bytes(b);
}

void writer::write_array_length(int32_t n) {
    assert(n >= -1);
    write_int32(n);
}

void writer::write_compact_array_length(int32_t n) {
    assert(n >= -1);
    write_unsigned_varint(static_cast<uint32_t>(n + 1));
}

void writer::write_array_length(int32_t n, bool compact) {
    compact ? write_compact_array_length(n) : write_array_length(n);
}

void writer::write_tagged_fields(const tagged_fields& fields) {
    write_unsigned_varint(static_cast<uint32_t>(fields.size()));
    for (const auto& f : fields) {
        write_unsigned_varint(f.tag);
        write_unsigned_varint(static_cast<uint32_t>(f.data.size()));
        write_raw(f.data);
    }
}

// ---- reader -----------------------------------------------------------------------------------

error reader::fail(std::string_view what) const {
    return error::make(errc::corrupt_message, "{} at byte {} ({} bytes left)", what, _pos,
                       remaining());
}

result<std::span<const std::byte>> reader::read_raw(size_t n) {
    if (n > remaining()) return fail(fmt::format("{} bytes needed", n));
    auto out = _in.subspan(_pos, n);
    _pos += n;
    return out;
}

namespace {

template <typename T>
result<T> load(reader& r) {
    auto raw = r.read_raw(sizeof(T));
    if (!raw) return std::move(raw).err();
    return load_be<T>(raw->data());
}

} // namespace

result<bool> reader::read_bool() {
    auto v = load<uint8_t>(*this);
    if (!v) return std::move(v).err();
    return *v != 0;
}
result<int8_t> reader::read_int8() {
    return load<int8_t>(*this);
}
result<int16_t> reader::read_int16() {
    return load<int16_t>(*this);
}
result<uint16_t> reader::read_uint16() {
    return load<uint16_t>(*this);
}
result<int32_t> reader::read_int32() {
    return load<int32_t>(*this);
}
result<uint32_t> reader::read_uint32() {
    return load<uint32_t>(*this);
}
result<int64_t> reader::read_int64() {
    return load<int64_t>(*this);
}
result<double> reader::read_float64() {
    auto v = load<uint64_t>(*this);
    if (!v) return std::move(v).err();
    return std::bit_cast<double>(*v);
}

result<uint32_t> reader::read_unsigned_varint() {
    uint32_t v = 0;
    for (int i = 0; i < 5; ++i) {
        if (_pos == _in.size()) return fail("unsigned varint cut short");
        auto b = static_cast<uint8_t>(_in[_pos]);
        if (i == 4 && b > 0x0f) return fail("unsigned varint over 32 bits");
        v |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
        ++_pos;
        if ((b & 0x80) == 0) return v;
    }
    return fail("unsigned varint longer than 5 bytes");
}

result<int32_t> reader::read_varint() {
    auto in = _in.subspan(_pos);
    auto v = read_zigzag(in, 5);
    if (!v || *v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max())
        return fail("malformed varint");
    _pos = _in.size() - in.size();
    return static_cast<int32_t>(*v);
}

result<int64_t> reader::read_varlong() {
    auto in = _in.subspan(_pos);
    auto v = read_zigzag(in, 10);
    if (!v) return fail("malformed varlong");
    _pos = _in.size() - in.size();
    return *v;
}

result<uuid> reader::read_uuid() {
    auto raw = read_raw(16);
    if (!raw) return std::move(raw).err();
    uuid out;
    std::memcpy(out.data.data(), raw->data(), 16);
    return out;
}

// Checks a decoded length (-1 = null) of `unit`-byte items against the bytes left.
result<int32_t> reader::checked_length(int64_t n, size_t unit, std::string_view what) {
    if (n < -1) return fail(fmt::format("{} length {} is negative", what, n));
    if (n > std::numeric_limits<int32_t>::max())
        return fail(fmt::format("{} length {} is too large", what, n));
    if (n > 0 && static_cast<uint64_t>(n) > remaining() / unit) {
        return fail(
            fmt::format("{} length {} needs at least {} bytes", what, n, n * int64_t(unit)));
    }
    return static_cast<int32_t>(n);
}

namespace {

template <typename T>
T make_value(std::span<const std::byte> raw) {
    if constexpr (std::is_same_v<T, std::string>)
        return std::string(reinterpret_cast<const char*>(raw.data()), raw.size());
    else
        return bytes(raw.begin(), raw.end());
}

// Reads a length-prefixed string or bytes value: `length` is the decoded length (-1 = null).
template <typename T>
result<std::optional<T>> read_value(reader& r, result<int32_t> length) {
    if (!length) return std::move(length).err();
    if (*length < 0) return std::optional<T>();
    auto raw = r.read_raw(static_cast<size_t>(*length));
    if (!raw) return std::move(raw).err();
    return std::optional<T>(make_value<T>(*raw));
}

template <typename T>
result<T> not_null(result<std::optional<T>> v, std::string_view what, size_t pos) {
    if (!v) return std::move(v).err();
    if (!v->has_value()) {
        return error::make(errc::corrupt_message,
                           "null {} at byte {} where the field is not nullable", what, pos);
    }
    return std::move(**v);
}

} // namespace

result<std::optional<std::string>> reader::read_nullable_string() {
    auto n = read_int16();
    if (!n) return std::move(n).err();
    return read_value<std::string>(*this, checked_length(*n, 1, "string"));
}

result<std::optional<std::string>> reader::read_compact_nullable_string() {
    auto n = read_unsigned_varint();
    if (!n) return std::move(n).err();
    int64_t len = int64_t(*n) - 1;
    if (len > int64_t(max_string_length))
        return fail(fmt::format("compact string length {} is over 32767", len));
    return read_value<std::string>(*this, checked_length(len, 1, "string"));
}

result<std::string> reader::read_string() {
    size_t at = _pos;
    return not_null(read_nullable_string(), "string", at);
}

result<std::string> reader::read_compact_string() {
    size_t at = _pos;
    return not_null(read_compact_nullable_string(), "string", at);
}

result<std::string> reader::read_string(bool compact) {
    return compact ? read_compact_string() : read_string();
}

result<std::optional<std::string>> reader::read_nullable_string(bool compact) {
    return compact ? read_compact_nullable_string() : read_nullable_string();
}

result<std::optional<bytes>> reader::read_nullable_bytes() {
    auto n = read_int32();
    if (!n) return std::move(n).err();
    return read_value<bytes>(*this, checked_length(*n, 1, "bytes"));
}

result<std::optional<bytes>> reader::read_compact_nullable_bytes() {
    auto n = read_unsigned_varint();
    if (!n) return std::move(n).err();
    return read_value<bytes>(*this, checked_length(int64_t(*n) - 1, 1, "bytes"));
}

result<bytes> reader::read_bytes() {
    size_t at = _pos;
    return not_null(read_nullable_bytes(), "bytes", at);
}

result<bytes> reader::read_compact_bytes() {
    size_t at = _pos;
    return not_null(read_compact_nullable_bytes(), "bytes", at);
}

result<bytes> reader::read_bytes(bool compact) {
    return compact ? read_compact_bytes() : read_bytes();
}

result<std::optional<bytes>> reader::read_nullable_bytes(bool compact) {
    return compact ? read_compact_nullable_bytes() : read_nullable_bytes();
}

result<int32_t> reader::read_array_length(size_t min_element_size) {
    assert(min_element_size >= 1);
    auto n = read_int32();
    if (!n) return std::move(n).err();
    return checked_length(*n, min_element_size, "array");
}

result<int32_t> reader::read_compact_array_length(size_t min_element_size) {
    assert(min_element_size >= 1);
    auto n = read_unsigned_varint();
    if (!n) return std::move(n).err();
    return checked_length(int64_t(*n) - 1, min_element_size, "array");
}

result<int32_t> reader::read_array_length(size_t min_element_size, bool compact) {
    return compact ? read_compact_array_length(min_element_size)
                   : read_array_length(min_element_size);
}

result<tagged_fields> reader::read_tagged_fields() {
    auto count = read_unsigned_varint();
    if (!count) return std::move(count).err();
    // Each field takes at least two bytes (its tag and its size).
    if (*count > remaining() / 2) return fail(fmt::format("{} tagged fields cannot fit", *count));
    tagged_fields out;
    for (uint32_t i = 0; i < *count; ++i) {
        auto tag = read_unsigned_varint();
        if (!tag) return std::move(tag).err();
        if (!out.empty() && *tag <= out.back().tag)
            return fail(fmt::format("tag {} follows tag {}: tags must be strictly ascending", *tag,
                                    out.back().tag));
        auto size = read_unsigned_varint();
        if (!size) return std::move(size).err();
        auto data = read_raw(*size);
        if (!data) return std::move(data).err();
        out.push_back({*tag, bytes(data->begin(), data->end())});
    }
    return out;
}

} // namespace spate::kafka
