#include "model/batch_builder.h"

#include "base/crc32c.h"
#include "base/endian.h"
#include "base/varint.h"
#include "model/record_batch.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace spate::model {

namespace L = batch_layout;

namespace {

void put_varint(std::vector<std::byte>& out, int64_t v) {
    std::array<std::byte, 10> buf;
    auto n = write_zigzag(buf.data(), v);
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
}

void put_bytes(std::vector<std::byte>& out, std::optional<std::string_view> s) {
    if (!s) {
        put_varint(out, -1);
        return;
    }
    put_varint(out, static_cast<int64_t>(s->size()));
    const auto* p = reinterpret_cast<const std::byte*>(s->data());
    out.insert(out.end(), p, p + s->size());
}

} // namespace

batch_builder& batch_builder::add(std::optional<std::string_view> key,
                                  std::optional<std::string_view> value, timestamp_ms ts,
                                  std::span<const header> headers) {
    if (_count == 0) _base_timestamp = ts;
    if (ts > _max_timestamp) _max_timestamp = ts;

    std::vector<std::byte> body;
    body.push_back(std::byte{0}); // attributes
    put_varint(body, ts - _base_timestamp);
    put_varint(body, _count);
    put_bytes(body, key);
    put_bytes(body, value);
    put_varint(body, static_cast<int64_t>(headers.size()));
    for (const auto& h : headers) {
        put_bytes(body, h.key);
        put_bytes(body, h.value);
    }
    put_varint(_records, static_cast<int64_t>(body.size()));
    _records.insert(_records.end(), body.begin(), body.end());
    ++_count;
    return *this;
}

batch_builder& batch_builder::producer(int64_t id, int16_t epoch, int32_t base_sequence) {
    _producer_id = id;
    _producer_epoch = epoch;
    _base_sequence = base_sequence;
    return *this;
}

batch_builder& batch_builder::codec(compression c) {
    _codec = c;
    return *this;
}

size_t batch_builder::size_bytes() const {
    return L::header_size + _records.size();
}

std::vector<std::byte> batch_builder::build() const {
    std::vector<std::byte> compressed;
    std::span<const std::byte> records = _records;
    if (_codec != compression::none) {
        auto c = compress(_codec, _records);
        if (!c) {
            // Only memory running out in the library, or a codec() that is no codec (a
            // programmer error), gets here.
            std::fprintf(stderr, "batch_builder: %s\n", c.err().to_string().c_str());
            std::abort();
        }
        compressed = std::move(*c);
        records = compressed;
    }
    std::vector<std::byte> out(L::header_size + records.size());
    std::byte* p = out.data();
    store_be<int64_t>(p + L::base_offset, 0);
    store_be<int32_t>(p + L::batch_length, static_cast<int32_t>(out.size() - L::log_overhead));
    store_be<int32_t>(p + L::leader_epoch, 0);
    store_be<int8_t>(p + L::magic, 2);
    store_be<int16_t>(p + L::attributes, static_cast<int16_t>(_codec));
    store_be<int32_t>(p + L::last_offset_delta, _count - 1);
    store_be<int64_t>(p + L::base_timestamp, _base_timestamp.value());
    store_be<int64_t>(p + L::max_timestamp, _max_timestamp.value());
    store_be<int64_t>(p + L::producer_id, _producer_id);
    store_be<int16_t>(p + L::producer_epoch, _producer_epoch);
    store_be<int32_t>(p + L::base_sequence, _base_sequence);
    store_be<int32_t>(p + L::record_count, _count);
    if (!records.empty()) std::memcpy(p + L::header_size, records.data(), records.size());
    store_be<uint32_t>(p + L::crc, crc32c(std::span<const std::byte>(out).subspan(L::attributes)));
    return out;
}

void batch_builder::reset() {
    _records.clear();
    _count = 0;
    _base_timestamp = no_timestamp;
    _max_timestamp = no_timestamp;
    _producer_id = -1;
    _producer_epoch = -1;
    _base_sequence = -1;
    _codec = compression::none;
}

} // namespace spate::model
