#include "model/batch_builder.h"
#include "model/compression.h"
#include "model/record_batch.h"

#include "base/crc32c.h"
#include "base/endian.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace spate::model {
namespace {

namespace L = batch_layout;

constexpr std::array<compression, 4> codecs = {compression::gzip, compression::snappy,
                                               compression::lz4, compression::zstd};

std::string name_of(compression c) {
    return std::string(codec_name(c));
}

std::vector<std::byte> from_hex(std::string_view hex) {
    std::vector<std::byte> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(
            static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

std::vector<std::byte> bytes_of(std::string_view s) {
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    return {p, p + s.size()};
}

std::vector<std::byte> concat(std::span<const std::byte> a, std::span<const std::byte> b) {
    std::vector<std::byte> out(a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// Text that compresses, but not to nothing: numbered lines, some repetition.
std::vector<std::byte> sample(size_t n) {
    std::string s;
    for (size_t i = 0; s.size() < n; ++i)
        s += "line " + std::to_string(i * 7919 % 100003) + ": the quick brown fox\n";
    s.resize(n);
    return bytes_of(s);
}

std::span<const std::byte> records_section(std::span<const std::byte> batch) {
    return batch.subspan(L::header_size);
}

// Re-seals a batch after editing it: batchLength from its size, then the CRC-32C.
void reseal(std::vector<std::byte>& b) {
    store_be<int32_t>(b.data() + L::batch_length, static_cast<int32_t>(b.size() - L::log_overhead));
    store_be<uint32_t>(b.data() + L::crc,
                       spate::crc32c(std::span<const std::byte>(b).subspan(L::attributes)));
}

// A batch with `batch`'s header but `payload` as its records section, resealed.
std::vector<std::byte> with_payload(std::span<const std::byte> batch,
                                    std::span<const std::byte> payload) {
    auto out = concat(batch.first(L::header_size), payload);
    reseal(out);
    return out;
}

// The three records of tools/compressed_batch_vectors.py.
batch_builder golden_records(compression c) {
    std::string v;
    for (int i = 0; i < 4; ++i)
        v += "spate compressed batch ";
    batch_builder b;
    b.codec(c);
    batch_builder::header h{"h", "v"};
    b.add("k0", v + "0", timestamp_ms(1700000000000), std::span(&h, 1));
    b.add(std::nullopt, v + "1", timestamp_ms(1700000000005));
    b.add("k2", v + "2", timestamp_ms(1700000000009));
    return b;
}

// `n` records of about `value_size` bytes each.
batch_builder many_records(compression c, int n, size_t value_size) {
    batch_builder b;
    b.codec(c);
    auto value = sample(value_size);
    std::string_view v(reinterpret_cast<const char*>(value.data()), value.size());
    for (int i = 0; i < n; ++i)
        b.add("key-" + std::to_string(i), v, timestamp_ms(1700000000000 + i));
    return b;
}

::testing::AssertionResult fails_with(const result<batch_header>& r, errc code,
                                      std::string_view text) {
    if (r) return ::testing::AssertionFailure() << "validation passed";
    if (r.err().code != code || r.err().message.find(text) == std::string::npos)
        return ::testing::AssertionFailure() << "got " << r.err().to_string() << "; expected "
                                             << errc_name(code) << " with \"" << text << "\"";
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult fails_with(const result<std::vector<std::byte>>& r,
                                      std::string_view text) {
    if (r) return ::testing::AssertionFailure() << "decompression passed";
    if (r.err().code != errc::corrupt_message || r.err().message.find(text) == std::string::npos)
        return ::testing::AssertionFailure()
               << "got " << r.err().to_string() << "; expected CORRUPT_MESSAGE with \"" << text
               << "\"";
    return ::testing::AssertionSuccess();
}

// ---- decompress / compress -----------------------------------------------------------------

TEST(compression, every_codec_round_trips) {
    std::vector<std::vector<std::byte>> inputs = {
        {}, bytes_of("hello"), sample(1000), sample(300 * 1024)};
    for (auto c : codecs) {
        for (const auto& in : inputs) {
            auto packed = compress(c, in);
            ASSERT_TRUE(packed) << name_of(c) << ": " << packed.err().to_string();
            auto unpacked = decompress(c, *packed, max_decompressed_batch_bytes);
            ASSERT_TRUE(unpacked) << name_of(c) << ": " << unpacked.err().to_string();
            EXPECT_EQ(*unpacked, in) << name_of(c) << ", " << in.size() << " bytes";
            if (in.size() > 1000) {
                EXPECT_LT(packed->size(), in.size() / 2) << name_of(c);
            }
        }
    }
    auto copy = decompress(compression::none, bytes_of("abc"), 3);
    ASSERT_TRUE(copy);
    EXPECT_EQ(*copy, bytes_of("abc"));
}

TEST(compression, snappy_reads_the_xerial_framing_and_raw_blocks) {
    auto in = sample(100 * 1024); // four 32 KiB xerial blocks
    auto xerial = compress(compression::snappy, in);
    ASSERT_TRUE(xerial);
    const auto magic = from_hex("82534e415050590000000001"
                                "00000001");
    ASSERT_GT(xerial->size(), magic.size());
    EXPECT_TRUE(std::equal(magic.begin(), magic.end(), xerial->begin()))
        << "compress() writes the Java client's xerial framing";
    auto raw = compress_raw_snappy(in);
    EXPECT_FALSE(std::equal(magic.begin(), magic.begin() + 8, raw.begin()));

    for (const auto& packed : {*xerial, raw}) {
        auto out = decompress(compression::snappy, packed, max_decompressed_batch_bytes);
        ASSERT_TRUE(out) << out.err().to_string();
        EXPECT_EQ(*out, in);
    }
    // A xerial stream with only its header holds nothing.
    auto empty = decompress(compression::snappy, magic, 100);
    ASSERT_TRUE(empty) << empty.err().to_string();
    EXPECT_TRUE(empty->empty());
}

TEST(compression, concatenated_gzip_members_and_frames_are_read_whole) {
    auto a = bytes_of("first part, ");
    auto b = sample(5000);
    for (auto c : {compression::gzip, compression::lz4, compression::zstd}) {
        auto packed = concat(*compress(c, a), *compress(c, b));
        auto out = decompress(c, packed, 1 << 20);
        ASSERT_TRUE(out) << name_of(c) << ": " << out.err().to_string();
        EXPECT_EQ(*out, concat(a, b)) << name_of(c);
    }
}

TEST(compression, zstd_frames_are_written_without_a_content_size) {
    // Frame header descriptor (after the 4-byte magic): Frame_Content_Size_flag (bits 7-6) and
    // Single_Segment_flag (bit 5) both clear means no content size, as a streaming producer
    // writes it; decompress() must not need one.
    auto packed = compress(compression::zstd, sample(10000));
    ASSERT_TRUE(packed);
    ASSERT_GT(packed->size(), 5u);
    EXPECT_EQ(std::to_integer<int>((*packed)[4]) & 0xe0, 0);
}

TEST(compression, truncated_streams_are_rejected) {
    auto in = sample(20000);
    for (auto c : codecs) {
        auto packed = *compress(c, in);
        for (size_t keep : {size_t{0}, size_t{3}, packed.size() / 2, packed.size() - 1}) {
            auto cut = std::span<const std::byte>(packed).first(keep);
            auto out = decompress(c, cut, 1 << 20);
            ASSERT_FALSE(out) << name_of(c) << " cut to " << keep << " bytes decompressed";
            EXPECT_EQ(out.err().code, errc::corrupt_message);
            EXPECT_NE(out.err().message.find(name_of(c)), std::string::npos) << out.err().message;
        }
    }
    auto gz = *compress(compression::gzip, in);
    EXPECT_TRUE(
        fails_with(decompress(compression::gzip, std::span(gz).first(gz.size() - 4), 1 << 20),
                   "gzip stream is truncated"));
    auto lz = *compress(compression::lz4, in);
    EXPECT_TRUE(
        fails_with(decompress(compression::lz4, std::span(lz).first(lz.size() - 1), 1 << 20),
                   "lz4 frame is truncated"));
    auto zs = *compress(compression::zstd, in);
    EXPECT_TRUE(
        fails_with(decompress(compression::zstd, std::span(zs).first(zs.size() - 1), 1 << 20),
                   "zstd frame is truncated"));
    auto sn = *compress(compression::snappy, in);
    EXPECT_TRUE(
        fails_with(decompress(compression::snappy, std::span(sn).first(sn.size() - 1), 1 << 20),
                   "snappy xerial block 0 at byte 16 has length"));
    auto raw = compress_raw_snappy(in);
    EXPECT_TRUE(
        fails_with(decompress(compression::snappy, std::span(raw).first(raw.size() - 1), 1 << 20),
                   "snappy block is corrupt or truncated"));
}

TEST(compression, corrupt_and_trailing_bytes_are_rejected) {
    auto in = sample(20000);
    auto gz = *compress(compression::gzip, in);
    gz[gz.size() / 2] ^= std::byte{0x55};
    EXPECT_TRUE(fails_with(decompress(compression::gzip, gz, 1 << 20), "gzip stream is corrupt"));

    // Bytes after the last member or frame that do not start another one.
    auto junk = bytes_of("junk");
    for (auto c : {compression::gzip, compression::lz4, compression::zstd}) {
        auto out = decompress(c, concat(*compress(c, in), junk), 1 << 20);
        EXPECT_TRUE(fails_with(out, name_of(c) + (c == compression::gzip ? " stream" : " frame")))
            << name_of(c);
    }

    auto lz = *compress(compression::lz4, in);
    lz[0] ^= std::byte{0xff}; // the frame magic
    EXPECT_TRUE(fails_with(decompress(compression::lz4, lz, 1 << 20), "lz4 frame is corrupt"));
    auto zs = *compress(compression::zstd, in);
    zs[0] ^= std::byte{0xff};
    EXPECT_TRUE(fails_with(decompress(compression::zstd, zs, 1 << 20), "zstd frame is corrupt"));
    auto sn = *compress(compression::snappy, in);
    store_be<int32_t>(sn.data() + 16, -5); // the first block's length
    EXPECT_TRUE(fails_with(decompress(compression::snappy, sn, 1 << 20),
                           "snappy xerial block 0 at byte 16 has length -5"));
    auto raw = compress_raw_snappy(in);
    raw[0] = std::byte{0xff}; // an uncompressed-length varint that never ends
    raw[1] = std::byte{0xff};
    raw[2] = std::byte{0xff};
    raw[3] = std::byte{0xff};
    raw[4] = std::byte{0xff};
    EXPECT_TRUE(fails_with(decompress(compression::snappy, raw, 1 << 20),
                           "uncompressed-length header is malformed"));

    EXPECT_TRUE(fails_with(decompress(static_cast<compression>(6), in, 1 << 20),
                           "unknown compression codec 6"));
    EXPECT_TRUE(
        fails_with(compress(static_cast<compression>(7), in), "unknown compression codec 7"));
}

TEST(compression, output_beyond_the_limit_is_a_bomb) {
    std::vector<std::byte> zeros(1 << 20);
    for (auto c : codecs) {
        auto packed = *compress(c, zeros);
        EXPECT_LT(packed.size(), zeros.size() / 20) << name_of(c);
        auto at_limit = decompress(c, packed, zeros.size());
        ASSERT_TRUE(at_limit) << name_of(c) << ": " << at_limit.err().to_string();
        EXPECT_EQ(at_limit->size(), zeros.size());
        EXPECT_TRUE(fails_with(decompress(c, packed, zeros.size() - 1),
                               name_of(c) + " batch decompresses to more than 1048575 bytes"));
        EXPECT_TRUE(fails_with(decompress(c, packed, 4096),
                               name_of(c) + " batch decompresses to more than 4096 bytes"));
    }
    auto raw = compress_raw_snappy(zeros);
    EXPECT_TRUE(fails_with(decompress(compression::snappy, raw, 1000),
                           "snappy batch decompresses to more than 1000 bytes"));
    EXPECT_TRUE(fails_with(decompress(compression::none, zeros, 1000),
                           "none batch decompresses to more than 1000 bytes"));
}

// ---- validate_batch ------------------------------------------------------------------------

TEST(compressed_batch, valid_batches_of_every_codec_pass) {
    auto plain = golden_records(compression::none).build();
    for (auto c : codecs) {
        for (auto b : {golden_records(c), many_records(c, 500, 300)}) {
            auto batch = b.build();
            auto h = validate_batch(batch);
            ASSERT_TRUE(h) << name_of(c) << ": " << h.err().to_string();
            EXPECT_EQ(h->codec(), c);
            EXPECT_EQ(h->record_count, static_cast<int32_t>(b.record_count()));
            EXPECT_EQ(h->last_offset_delta, h->record_count - 1);
        }
        auto batch = golden_records(c).build();
        auto records = decompress(c, records_section(batch), 1 << 20);
        ASSERT_TRUE(records);
        EXPECT_TRUE(std::ranges::equal(*records, records_section(plain)))
            << name_of(c) << ": the builder compresses exactly the uncompressed records";
    }
    // Raw snappy, as librdkafka may send it.
    auto xerial = golden_records(compression::snappy).build();
    auto raw = with_payload(
        xerial, compress_raw_snappy(records_section(golden_records(compression::none).build())));
    auto h = validate_batch(raw);
    ASSERT_TRUE(h) << h.err().to_string();
    EXPECT_EQ(h->codec(), compression::snappy);
}

TEST(compressed_batch, a_corrupt_payload_behind_a_valid_crc_is_rejected) {
    for (auto c : codecs) {
        auto batch = golden_records(c).build();
        auto body =
            std::vector<std::byte>(records_section(batch).begin(), records_section(batch).end());
        std::string expected;
        switch (c) {
        case compression::gzip:
            body[body.size() / 2] ^= std::byte{0x55};
            expected = "gzip stream is corrupt";
            break;
        case compression::snappy:
            body[16] = std::byte{0x7f}; // the first xerial block's length, now past the end
            expected = "snappy xerial block 0 at byte 16 has length";
            break;
        case compression::lz4:
            body[6] ^= std::byte{0x01}; // the frame header checksum
            expected = "lz4 frame is corrupt";
            break;
        default:
            body[0] ^= std::byte{0x01}; // the frame magic
            expected = "zstd frame is corrupt";
            break;
        }
        auto bad = with_payload(batch, body);
        EXPECT_TRUE(fails_with(validate_batch(bad), errc::corrupt_message, expected)) << name_of(c);

        // Garbage of the same length in place of the compressed records.
        auto garbage = with_payload(batch, sample(body.size()));
        EXPECT_TRUE(fails_with(validate_batch(garbage), errc::corrupt_message, name_of(c)))
            << name_of(c);
    }
}

TEST(compressed_batch, the_record_count_must_match_the_decompressed_records) {
    for (auto c : codecs) {
        auto batch = golden_records(c).build();
        auto more = batch;
        store_be<int32_t>(more.data() + L::record_count, 4);
        store_be<int32_t>(more.data() + L::last_offset_delta, 3);
        reseal(more);
        EXPECT_TRUE(fails_with(validate_batch(more), errc::invalid_record,
                               "header says 4 records but the batch holds 3"))
            << name_of(c);

        auto fewer = batch;
        store_be<int32_t>(fewer.data() + L::record_count, 2);
        store_be<int32_t>(fewer.data() + L::last_offset_delta, 1);
        reseal(fewer);
        EXPECT_TRUE(fails_with(validate_batch(fewer), errc::invalid_record,
                               "header says 2 records but the batch holds more"))
            << name_of(c);

        auto delta = batch;
        store_be<int32_t>(delta.data() + L::last_offset_delta, 7);
        reseal(delta);
        EXPECT_TRUE(fails_with(validate_batch(delta), errc::invalid_record, "lastOffsetDelta 7"))
            << name_of(c);
    }
}

TEST(compressed_batch, decompressed_records_are_walked_like_uncompressed_ones) {
    for (auto c : codecs) {
        auto batch = golden_records(c).build();
        auto plain = golden_records(compression::none).build();
        auto records =
            std::vector<std::byte>(records_section(plain).begin(), records_section(plain).end());

        // The last record cut short by one byte, then compressed: the stream is fine, the
        // records inside it are not.
        auto short_records = std::span<const std::byte>(records).first(records.size() - 1);
        auto cut = with_payload(batch, *compress(c, short_records));
        auto r = validate_batch(cut);
        EXPECT_TRUE(fails_with(r, errc::corrupt_message,
                               "record 2 (byte 210 of the " + name_of(c) +
                                   "-decompressed records): record length"))
            << name_of(c);

        // A byte after the last record: the walk reads it as the start of a fourth record.
        auto extra = with_payload(batch, *compress(c, concat(records, bytes_of("\x02"))));
        EXPECT_TRUE(fails_with(validate_batch(extra), errc::corrupt_message,
                               "record 3 (byte " + std::to_string(records.size()) + " of the " +
                                   name_of(c) + "-decompressed"))
            << name_of(c);

        // Offset deltas 0, 0: two single-record sections back to back.
        batch_builder one;
        one.add("a", "first", timestamp_ms(1));
        batch_builder other;
        other.add("b", "second", timestamp_ms(2));
        auto a = one.build();
        auto b = other.build();
        auto twice =
            with_payload(batch, *compress(c, concat(records_section(a), records_section(b))));
        store_be<int32_t>(twice.data() + L::record_count, 2);
        store_be<int32_t>(twice.data() + L::last_offset_delta, 1);
        reseal(twice);
        EXPECT_TRUE(
            fails_with(validate_batch(twice), errc::invalid_record, "record 1 has offset delta 0"))
            << name_of(c);
    }
}

TEST(compressed_batch, a_truncated_stream_is_rejected) {
    for (auto c : codecs) {
        auto batch = golden_records(c).build();
        auto body = records_section(batch);
        auto cut = with_payload(batch, body.first(body.size() - 2));
        EXPECT_TRUE(fails_with(validate_batch(cut), errc::corrupt_message, name_of(c)))
            << name_of(c);
    }
}

TEST(compressed_batch, a_bomb_beyond_the_limit_is_rejected) {
    // 40 records of 64 KiB: about 2.5 MiB of records that compress to almost nothing.
    for (auto c : codecs) {
        batch_builder b;
        b.codec(c);
        std::string value(64 * 1024, 'x');
        for (int i = 0; i < 40; ++i)
            b.add(std::nullopt, value, timestamp_ms(1));
        auto batch = b.build();
        EXPECT_LT(batch.size(), 256u * 1024) << name_of(c);
        auto ok = validate_batch(batch);
        EXPECT_TRUE(ok) << name_of(c) << ": " << ok.err().to_string();
        EXPECT_TRUE(fails_with(validate_batch(batch, 1 << 20), errc::corrupt_message,
                               name_of(c) + " batch decompresses to more than 1048576 bytes"));
    }
}

TEST(compressed_batch, the_default_limit_is_max_decompressed_batch_bytes) {
    // Concatenated members/frames of 1 MiB of zeros each, one more MiB than the limit allows:
    // a small batch that would decompress to 257 MiB.
    std::vector<std::byte> zeros(1 << 20);
    for (auto c : {compression::gzip, compression::zstd}) {
        auto one = *compress(c, zeros);
        std::vector<std::byte> payload;
        for (size_t i = 0; i <= max_decompressed_batch_bytes / zeros.size(); ++i)
            payload.insert(payload.end(), one.begin(), one.end());
        auto batch = with_payload(golden_records(c).build(), payload);
        EXPECT_LT(batch.size(), 2u << 20) << name_of(c);
        EXPECT_TRUE(fails_with(validate_batch(batch), errc::corrupt_message,
                               name_of(c) + " batch decompresses to more than 268435456 bytes"));
    }
}

TEST(compressed_batch, codecs_5_to_7_are_rejected) {
    auto batch = golden_records(compression::none).build();
    for (int codec : {5, 6, 7}) {
        auto bad = batch;
        store_be<int16_t>(bad.data() + L::attributes, static_cast<int16_t>(codec));
        reseal(bad);
        EXPECT_TRUE(fails_with(validate_batch(bad), errc::corrupt_message,
                               "unknown compression codec " + std::to_string(codec)));
    }
}

// ---- batches compressed by a real client ---------------------------------------------------

// Printed by tools/compressed_batch_vectors.py: kafka-python's DefaultRecordBatchBuilder with
// each codec, holding golden_records(). kp_snappy_raw_batch is raw snappy without the xerial
// framing (librdkafka's form), kp_zstd_streamed_batch a zstd frame without a content size.
constexpr std::string_view kp_gzip_batch =
    "0000000000000000000000860000000002b7848e800001000000020000018bcfe568000000018bcfe56809ff"
    "ffffffffffffffffffffffffff000000031f8b080000f1536502ffbbc2c8c0c0c0926db08bb1b820b1245521"
    "393fb7a028b5b83835452129b1243943812ac2064c4c194c65271819b89818696b9321c31946062116966c23"
    "dada63c40000be532bcb3a010000";
constexpr std::string_view kp_snappy_xerial_batch =
    "0000000000000000000000950000000002f02a8c1c0002000000020000018bcfe568000000018bcfe56809ff"
    "ffffffffffffffffffffffffff0000000382534e4150505900000000010000000100000050ba0280d4010000"
    "00046b30ba01737061746520636f6d7072657373656420626174636820fe170005172c300202680276c80100"
    "0a0201fe6a00766a00243100cc01001204046b32fe6800766800043200";
constexpr std::string_view kp_lz4_batch =
    "00000000000000000000009200000000023135e3880003000000020000018bcfe568000000018bcfe56809ff"
    "ffffffffffffffffffffffffff0000000304224d1868403a01000000000000344a000000ff12d40100000004"
    "6b30ba01737061746520636f6d7072657373656420626174636820170032cf300202680276c801000a02016a"
    "004baf3100cc01001204046b3268004850636820320000000000";
constexpr std::string_view kp_zstd_batch =
    "000000000000000000000082000000000217f667cb0004000000020000018bcfe568000000018bcfe56809ff"
    "ffffffffffffffffffffffffff0000000328b52ffd603a003d02009403d401000000046b30ba017370617465"
    "20636f6d7072657373656420626174636820300202680276c801000a02013100cc01001204046b3232000300"
    "bbc684b60d538a283a9f";
constexpr std::string_view kp_snappy_raw_batch =
    "000000000000000000000081000000000237e3e2bf0002000000020000018bcfe568000000018bcfe56809ff"
    "ffffffffffffffffffffffffff00000003ba0280d401000000046b30ba01737061746520636f6d7072657373"
    "656420626174636820fe170005172c300202680276c801000a0201fe6a00766a00243100cc01001204046b32"
    "fe6800766800043200";
constexpr std::string_view kp_zstd_streamed_batch =
    "0000000000000000000000810000000002955fc4380004000000020000018bcfe568000000018bcfe56809ff"
    "ffffffffffffffffffffffffff0000000328b52ffd00003d02009403d401000000046b30ba01737061746520"
    "636f6d7072657373656420626174636820300202680276c801000a02013100cc01001204046b3232000300bb"
    "c684b60d538a283a9f";

TEST(compressed_batch, batches_compressed_by_kafka_python_validate) {
    struct golden {
        std::string_view name;
        std::string_view hex;
        compression codec;
    };
    const golden vectors[] = {
        {"gzip", kp_gzip_batch, compression::gzip},
        {"snappy (xerial)", kp_snappy_xerial_batch, compression::snappy},
        {"snappy (raw)", kp_snappy_raw_batch, compression::snappy},
        {"lz4", kp_lz4_batch, compression::lz4},
        {"zstd", kp_zstd_batch, compression::zstd},
        {"zstd (no content size)", kp_zstd_streamed_batch, compression::zstd},
    };
    auto plain = golden_records(compression::none).build();
    for (const auto& g : vectors) {
        auto bytes = from_hex(g.hex);
        auto h = validate_batch(bytes);
        ASSERT_TRUE(h) << g.name << ": " << h.err().to_string();
        EXPECT_EQ(h->codec(), g.codec) << g.name;
        EXPECT_EQ(h->record_count, 3) << g.name;
        EXPECT_EQ(h->base_timestamp, timestamp_ms(1700000000000)) << g.name;
        EXPECT_EQ(h->max_timestamp, timestamp_ms(1700000000009)) << g.name;

        // The client's records, decompressed, are byte for byte what the builder writes.
        auto records = decompress(g.codec, records_section(bytes), 1 << 20);
        ASSERT_TRUE(records) << g.name << ": " << records.err().to_string();
        EXPECT_TRUE(std::ranges::equal(*records, records_section(plain))) << g.name;

        // The header fields outside the compressed data match the builder's too.
        auto ours = golden_records(g.codec).build();
        EXPECT_TRUE(std::ranges::equal(
            std::span(bytes).subspan(L::attributes + 2, L::header_size - L::attributes - 2),
            std::span(ours).subspan(L::attributes + 2, L::header_size - L::attributes - 2)))
            << g.name;

        assign_base_offset(bytes, offset(1000), 3);
        EXPECT_TRUE(validate_batch(bytes)) << g.name << " after offset assignment";
    }
}

TEST(compression, snappy_length_claims_are_checked_before_allocating) {
    // Found by the fuzzer: a 4-byte raw snappy block whose header claims 200 MiB. Allocating
    // the claim first would let tiny requests make the broker zero-fill 200 MiB each.
    std::vector<std::byte> block{std::byte{0x80}, std::byte{0x80}, std::byte{0x80},
                                 std::byte{0x64}};
    auto r = decompress(compression::snappy, block, max_decompressed_batch_bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::corrupt_message);
    EXPECT_NE(r.err().message.find("claims 209715200"), std::string::npos) << r.err().message;
}

} // namespace
} // namespace spate::model
