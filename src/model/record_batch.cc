#include "model/record_batch.h"

#include "base/crc32c.h"
#include "base/endian.h"
#include "base/varint.h"

#include <limits>
#include <string>
#include <string_view>

namespace spate::model {

namespace L = batch_layout;

result<batch_header> parse_batch_header(std::span<const std::byte> bytes) {
    if (bytes.size() < L::header_size)
        return error::make(errc::corrupt_message, "batch header needs {} bytes but only {} remain",
                           L::header_size, bytes.size());
    const std::byte* p = bytes.data();
    batch_header h;
    h.base_offset = offset(load_be<int64_t>(p + L::base_offset));
    h.batch_length = load_be<int32_t>(p + L::batch_length);
    h.leader_epoch = load_be<int32_t>(p + L::leader_epoch);
    h.magic = load_be<int8_t>(p + L::magic);
    h.crc = load_be<uint32_t>(p + L::crc);
    h.attributes = load_be<int16_t>(p + L::attributes);
    h.last_offset_delta = load_be<int32_t>(p + L::last_offset_delta);
    h.base_timestamp = timestamp_ms(load_be<int64_t>(p + L::base_timestamp));
    h.max_timestamp = timestamp_ms(load_be<int64_t>(p + L::max_timestamp));
    h.producer_id = load_be<int64_t>(p + L::producer_id);
    h.producer_epoch = load_be<int16_t>(p + L::producer_epoch);
    h.base_sequence = load_be<int32_t>(p + L::base_sequence);
    h.record_count = load_be<int32_t>(p + L::record_count);

    if (h.magic != 2)
        return error::make(errc::unsupported_for_message_format,
                           "batch has magic {}; only record batch v2 (magic 2) is supported",
                           h.magic);
    if (h.batch_length < static_cast<int32_t>(L::header_size - L::log_overhead))
        return error::make(errc::corrupt_message,
                           "batchLength {} is smaller than the {}-byte batch header",
                           h.batch_length, L::header_size - L::log_overhead);
    if (h.record_count < 0)
        return error::make(errc::corrupt_message, "record count {} is negative", h.record_count);
    if (h.last_offset_delta < 0)
        return error::make(errc::corrupt_message, "lastOffsetDelta {} is negative",
                           h.last_offset_delta);
    if (h.codec() > compression::zstd)
        return error::make(errc::corrupt_message, "unknown compression codec {} in attributes",
                           static_cast<int>(h.codec()));
    return h;
}

namespace {

// Walks every record of a records section and checks its framing, the offset deltas 0..n-1,
// the record count against the header's, and that the records fill the section exactly.
// Messages place a bad record at `base` + its position, `where` (e.g. "of the batch").
result<void> check_records(const batch_header& h, std::span<const std::byte> records, size_t base,
                           std::string_view where) {
    record_reader reader(records);
    int32_t n = 0;
    while (!reader.at_end()) {
        size_t at = reader.position();
        auto rec = reader.next();
        if (!rec)
            return error::make(rec.err().code, "record {} (byte {} {}): {}", n, base + at, where,
                               rec.err().message);
        if (rec->offset_delta != n)
            return error::make(errc::invalid_record,
                               "record {} has offset delta {}; deltas must run 0, 1, 2, ...", n,
                               rec->offset_delta);
        if (++n > h.record_count) break;
    }
    if (n != h.record_count)
        return error::make(errc::invalid_record, "header says {} records but the batch holds {}",
                           h.record_count,
                           n > h.record_count ? std::string("more") : std::to_string(n));
    if (h.last_offset_delta != n - 1)
        return error::make(errc::invalid_record,
                           "lastOffsetDelta {} does not match the last record's delta {}",
                           h.last_offset_delta, n - 1);
    return ok();
}

} // namespace

result<batch_header> validate_batch(std::span<const std::byte> bytes, size_t max_decompressed) {
    auto parsed = parse_batch_header(bytes);
    if (!parsed) return parsed;
    const batch_header& h = *parsed;
    if (h.size_bytes() != bytes.size())
        return error::make(errc::corrupt_message,
                           "batchLength {} says the batch is {} bytes but {} were given",
                           h.batch_length, h.size_bytes(), bytes.size());
    uint32_t actual = crc32c(bytes.subspan(L::attributes));
    if (actual != h.crc)
        return error::make(errc::corrupt_message,
                           "CRC-32C mismatch: header says {:#010x}, bytes give {:#010x}", h.crc,
                           actual);
    if (h.record_count == 0) return error::make(errc::invalid_record, "batch holds no records");
    auto section = bytes.subspan(L::header_size);
    if (h.codec() == compression::none) {
        // Read in place: no copy.
        if (auto r = check_records(h, section, L::header_size, "of the batch"); !r)
            return std::move(r).err();
        return parsed;
    }
    auto records = decompress(h.codec(), section, max_decompressed);
    if (!records) return std::move(records).err();
    auto r = check_records(h, *records, 0,
                           fmt::format("of the {}-decompressed records", codec_name(h.codec())));
    if (!r) return std::move(r).err();
    return parsed;
}

void assign_base_offset(std::span<std::byte> batch, offset base, int32_t leader_epoch) {
    store_be<int64_t>(batch.data() + L::base_offset, base.value());
    store_be<int32_t>(batch.data() + L::leader_epoch, leader_epoch);
}

namespace {

// Reads a varint length-prefixed byte string (-1 means null) from `in`.
bool read_nullable_bytes(std::span<const std::byte>& in,
                         std::optional<std::span<const std::byte>>& out) {
    auto len = read_zigzag(in, 5);
    if (!len || *len < -1) return false;
    if (*len == -1) {
        out.reset();
        return true;
    }
    if (static_cast<uint64_t>(*len) > in.size()) return false;
    out = in.first(static_cast<size_t>(*len));
    in = in.subspan(static_cast<size_t>(*len));
    return true;
}

} // namespace

result<record_view> record_reader::next() {
    auto in = _rest;
    auto length = read_zigzag(in, 5);
    if (!length) return error::make(errc::corrupt_message, "record length varint is malformed");
    if (*length < 0 || static_cast<uint64_t>(*length) > in.size())
        return error::make(errc::corrupt_message,
                           "record length {} runs past the end of the batch ({} bytes left)",
                           *length, in.size());
    auto body = in.first(static_cast<size_t>(*length));
    size_t consumed = (_rest.size() - in.size()) + body.size();

    record_view r;
    if (body.empty()) return error::make(errc::corrupt_message, "record is empty");
    body = body.subspan(1); // attributes, unused in v2
    auto ts = read_zigzag(body, 10);
    auto od = read_zigzag(body, 5);
    if (!ts || !od)
        return error::make(errc::corrupt_message, "record timestamp or offset delta is malformed");
    if (*od < 0 || *od > std::numeric_limits<int32_t>::max())
        return error::make(errc::corrupt_message, "record offset delta {} is out of range", *od);
    r.timestamp_delta = *ts;
    r.offset_delta = static_cast<int32_t>(*od);
    if (!read_nullable_bytes(body, r.key))
        return error::make(errc::corrupt_message, "record key length is malformed or too long");
    if (!read_nullable_bytes(body, r.value))
        return error::make(errc::corrupt_message, "record value length is malformed or too long");
    auto hc = read_zigzag(body, 5);
    if (!hc || *hc < 0)
        return error::make(errc::corrupt_message, "record header count is malformed");
    r.header_count = static_cast<int32_t>(*hc);
    auto headers_start = body;
    for (int64_t i = 0; i < *hc; ++i) {
        std::optional<std::span<const std::byte>> k, v;
        if (!read_nullable_bytes(body, k) || !k)
            return error::make(errc::corrupt_message, "header {} key is malformed", i);
        if (!read_nullable_bytes(body, v))
            return error::make(errc::corrupt_message, "header {} value is malformed", i);
    }
    if (!body.empty())
        return error::make(errc::corrupt_message,
                           "record length says {} bytes but its fields end {} bytes early", *length,
                           body.size());
    r.headers = headers_start;
    _rest = _rest.subspan(consumed);
    _position += consumed;
    return r;
}

} // namespace spate::model
