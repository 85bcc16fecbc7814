#include "model/batch_builder.h"
#include "model/record_batch.h"

#include "base/crc32c.h"
#include "base/endian.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace spate::model {
namespace {

namespace L = batch_layout;

std::vector<std::byte> from_hex(std::string_view hex) {
    std::vector<std::byte> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(
            static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

// Two records built by kafka-python's DefaultRecordBatchBuilder (Debian python3-kafka):
// (key "k1", value "hello", header h=v, ts 1700000000000) and (null key, "world", ts +5).
constexpr std::string_view kafka_python_batch =
    "00000000000000000000004f00000000024bf42f080000000000010000018bcfe568000000018bcfe56805ffff"
    "ffffffffffffffffffffffff0000000222000000046b310a68656c6c6f020268027616000a02010a776f726c6400";

std::string str(std::span<const std::byte> s) {
    return {reinterpret_cast<const char*>(s.data()), s.size()};
}

TEST(record_batch, validates_a_batch_written_by_a_kafka_client) {
    auto bytes = from_hex(kafka_python_batch);
    auto h = validate_batch(bytes);
    ASSERT_TRUE(h) << h.err().to_string();
    EXPECT_EQ(h->record_count, 2);
    EXPECT_EQ(h->last_offset_delta, 1);
    EXPECT_EQ(h->base_timestamp, timestamp_ms(1700000000000));
    EXPECT_EQ(h->max_timestamp, timestamp_ms(1700000000005));
    EXPECT_EQ(h->codec(), compression::none);

    record_reader reader(std::span<const std::byte>(bytes).subspan(L::header_size));
    auto r0 = reader.next();
    ASSERT_TRUE(r0);
    EXPECT_EQ(str(*r0->key), "k1");
    EXPECT_EQ(str(*r0->value), "hello");
    EXPECT_EQ(r0->header_count, 1);
    auto r1 = reader.next();
    ASSERT_TRUE(r1);
    EXPECT_FALSE(r1->key.has_value());
    EXPECT_EQ(str(*r1->value), "world");
    EXPECT_EQ(r1->timestamp_delta, 5);
    EXPECT_TRUE(reader.at_end());
}

TEST(record_batch, builder_matches_kafka_client_bytes) {
    batch_builder b;
    batch_builder::header h{"h", "v"};
    b.add("k1", "hello", timestamp_ms(1700000000000), std::span(&h, 1));
    b.add(std::nullopt, "world", timestamp_ms(1700000000005));
    EXPECT_EQ(b.build(), from_hex(kafka_python_batch));
}

TEST(record_batch, assigning_offsets_keeps_the_crc_valid) {
    auto bytes = from_hex(kafka_python_batch);
    assign_base_offset(bytes, offset(123456789), 7);
    auto h = validate_batch(bytes);
    ASSERT_TRUE(h) << h.err().to_string();
    EXPECT_EQ(h->base_offset, offset(123456789));
    EXPECT_EQ(h->last_offset(), offset(123456790));
    EXPECT_EQ(h->leader_epoch, 7);
}

TEST(record_batch, every_flipped_byte_in_the_crc_range_is_caught) {
    auto good = from_hex(kafka_python_batch);
    for (size_t i = L::magic; i < good.size(); ++i) {
        auto bad = good;
        bad[i] ^= std::byte{0x01};
        auto h = validate_batch(bad);
        EXPECT_FALSE(h) << "flip at byte " << i << " passed validation";
    }
}

TEST(record_batch, header_errors_are_specific) {
    auto bytes = from_hex(kafka_python_batch);

    auto short_input = validate_batch(std::span<const std::byte>(bytes).first(40));
    ASSERT_FALSE(short_input);
    EXPECT_EQ(short_input.err().code, errc::corrupt_message);
    EXPECT_NE(short_input.err().message.find("needs 61 bytes"), std::string::npos);

    auto v1 = bytes;
    v1[L::magic] = std::byte{1};
    auto magic = validate_batch(v1);
    ASSERT_FALSE(magic);
    EXPECT_EQ(magic.err().code, errc::unsupported_for_message_format);

    auto truncated = validate_batch(std::span<const std::byte>(bytes).first(bytes.size() - 1));
    ASSERT_FALSE(truncated);
    EXPECT_NE(truncated.err().message.find("batchLength"), std::string::npos);

    auto crc = bytes;
    crc[bytes.size() - 2] ^= std::byte{0x40};
    auto mismatch = validate_batch(crc);
    ASSERT_FALSE(mismatch);
    EXPECT_NE(mismatch.err().message.find("CRC-32C mismatch"), std::string::npos);
}

// Re-seals a batch after editing it, so that a test reaches the checks behind the CRC.
void reseal(std::vector<std::byte>& b) {
    store_be<uint32_t>(b.data() + L::crc,
                       spate::crc32c(std::span<const std::byte>(b).subspan(L::attributes)));
}

TEST(record_batch, record_count_and_offset_deltas_are_checked) {
    auto bytes = from_hex(kafka_python_batch);
    auto wrong_count = bytes;
    store_be<int32_t>(wrong_count.data() + L::record_count, 3);
    reseal(wrong_count);
    auto c = validate_batch(wrong_count);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.err().code, errc::invalid_record);
    EXPECT_NE(c.err().message.find("header says 3 records but the batch holds 2"),
              std::string::npos)
        << c.err().message;

    auto wrong_delta = bytes;
    store_be<int32_t>(wrong_delta.data() + L::last_offset_delta, 5);
    reseal(wrong_delta);
    auto d = validate_batch(wrong_delta);
    ASSERT_FALSE(d);
    EXPECT_NE(d.err().message.find("lastOffsetDelta 5"), std::string::npos) << d.err().message;

    auto empty = batch_builder().build();
    store_be<int32_t>(empty.data() + L::last_offset_delta, 0);
    reseal(empty);
    auto e = validate_batch(empty);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.err().code, errc::invalid_record);
    EXPECT_EQ(e.err().message, "batch holds no records");
}

TEST(record_batch, a_record_running_past_the_batch_is_rejected) {
    auto bytes = from_hex(kafka_python_batch);
    // The first record's length varint (0x22 = 17 bytes) sits right after the header.
    bytes[L::header_size] = std::byte{0x7e}; // 63 bytes: longer than the batch
    reseal(bytes);
    auto r = validate_batch(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::corrupt_message);
    EXPECT_NE(r.err().message.find("record 0 (byte 61 of the batch)"), std::string::npos)
        << r.err().message;
}

} // namespace
} // namespace spate::model
