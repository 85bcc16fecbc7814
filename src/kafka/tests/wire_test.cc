// The hand-written wire layer: Kafka's primitive encodings and their bounds-checked reads.

#include "kafka/protocol/codegen_support.h"
#include "kafka/tests/test_support.h"

#include <gtest/gtest.h>

#include <limits>

namespace spate::kafka {
namespace {

using test::from_hex;

template <typename F>
std::vector<std::byte> write(F&& f) {
    std::vector<std::byte> out;
    writer w(out);
    f(w);
    return out;
}

TEST(wire, fixed_width_integers_are_big_endian) {
    auto out = write([](writer& w) {
        w.write_bool(true);
        w.write_int8(-2);
        w.write_int16(0x0102);
        w.write_uint16(0xfffe);
        w.write_int32(-1);
        w.write_uint32(0x01020304);
        w.write_int64(0x0102030405060708);
        w.write_float64(1.5);
    });
    EXPECT_EQ(out, from_hex("01"
                            "fe"
                            "0102"
                            "fffe"
                            "ffffffff"
                            "01020304"
                            "0102030405060708"
                            "3ff8000000000000"));
    reader rd(out);
    EXPECT_EQ(*rd.read_bool(), true);
    EXPECT_EQ(*rd.read_int8(), -2);
    EXPECT_EQ(*rd.read_int16(), 0x0102);
    EXPECT_EQ(*rd.read_uint16(), 0xfffe);
    EXPECT_EQ(*rd.read_int32(), -1);
    EXPECT_EQ(*rd.read_uint32(), 0x01020304u);
    EXPECT_EQ(*rd.read_int64(), 0x0102030405060708);
    EXPECT_EQ(*rd.read_float64(), 1.5);
    EXPECT_TRUE(rd.empty());
    auto r = rd.read_int8();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().message, "1 bytes needed at byte 30 (0 bytes left)");
}

TEST(wire, unsigned_varints) {
    struct {
        uint32_t value;
        std::string_view hex;
    } cases[] = {{0, "00"},
                 {1, "01"},
                 {127, "7f"},
                 {128, "8001"},
                 {300, "ac02"},
                 {16384, "808001"},
                 {0x0fffffff, "ffffff7f"},
                 {0xffffffff, "ffffffff0f"}};
    for (const auto& c : cases) {
        auto out = write([&](writer& w) { w.write_unsigned_varint(c.value); });
        EXPECT_EQ(out, from_hex(c.hex)) << c.value;
        reader rd(out);
        EXPECT_EQ(*rd.read_unsigned_varint(), c.value);
        EXPECT_TRUE(rd.empty());
    }
    for (auto bad : {"80", "ffffffff10", "8080808080"}) {
        auto bytes = from_hex(bad);
        reader rd(bytes);
        EXPECT_FALSE(rd.read_unsigned_varint()) << bad;
    }
}

TEST(wire, zigzag_varints_and_varlongs) {
    auto out = write([](writer& w) {
        w.write_varint(0);
        w.write_varint(-1);
        w.write_varint(1);
        w.write_varint(std::numeric_limits<int32_t>::min());
        w.write_varlong(std::numeric_limits<int64_t>::max());
    });
    EXPECT_EQ(out, from_hex("00"
                            "01"
                            "02"
                            "ffffffff0f"
                            "feffffffffffffffff01"));
    reader rd(out);
    EXPECT_EQ(*rd.read_varint(), 0);
    EXPECT_EQ(*rd.read_varint(), -1);
    EXPECT_EQ(*rd.read_varint(), 1);
    EXPECT_EQ(*rd.read_varint(), std::numeric_limits<int32_t>::min());
    EXPECT_EQ(*rd.read_varlong(), std::numeric_limits<int64_t>::max());
    auto long_varint = from_hex("ffffffffff01");
    reader bad(long_varint);
    EXPECT_FALSE(bad.read_varint());
}

TEST(wire, strings_classic_and_compact) {
    auto out = write([](writer& w) {
        w.write_string("ab");
        w.write_nullable_string(std::nullopt);
        w.write_compact_string("ab");
        w.write_compact_nullable_string(std::nullopt);
        w.write_compact_string("");
        w.write_string("x", true);
        w.write_nullable_string(std::optional<std::string>("y"), false);
    });
    EXPECT_EQ(out, from_hex("00026162"
                            "ffff"
                            "036162"
                            "00"
                            "01"
                            "0278"
                            "000179"));
    reader rd(out);
    EXPECT_EQ(*rd.read_string(), "ab");
    EXPECT_EQ(*rd.read_nullable_string(), std::nullopt);
    EXPECT_EQ(*rd.read_compact_string(), "ab");
    EXPECT_EQ(*rd.read_compact_nullable_string(), std::nullopt);
    EXPECT_EQ(*rd.read_compact_string(), "");
    EXPECT_EQ(*rd.read_string(true), "x");
    EXPECT_EQ(**rd.read_nullable_string(false), "y");
    EXPECT_TRUE(rd.empty());

    auto null = from_hex("ffff00");
    reader r1(null);
    auto s = r1.read_string();
    ASSERT_FALSE(s);
    EXPECT_EQ(s.err().message, "null string at byte 0 where the field is not nullable");
    reader r2(std::span<const std::byte>(null).subspan(2));
    EXPECT_FALSE(r2.read_compact_string());
}

TEST(wire, bytes_classic_and_compact) {
    bytes b{std::byte{1}, std::byte{2}};
    auto out = write([&](writer& w) {
        w.write_bytes(b);
        w.write_nullable_bytes(std::nullopt);
        w.write_compact_bytes(b);
        w.write_compact_nullable_bytes(std::nullopt);
    });
    EXPECT_EQ(out, from_hex("000000020102"
                            "ffffffff"
                            "030102"
                            "00"));
    reader rd(out);
    EXPECT_EQ(*rd.read_bytes(), b);
    EXPECT_EQ(*rd.read_nullable_bytes(), std::nullopt);
    EXPECT_EQ(*rd.read_compact_bytes(), b);
    EXPECT_EQ(*rd.read_compact_nullable_bytes(), std::nullopt);
}

TEST(wire, uuids) {
    uuid id;
    for (size_t i = 0; i < 16; ++i)
        id.data[i] = std::byte(i);
    auto out = write([&](writer& w) { w.write_uuid(id); });
    EXPECT_EQ(out, from_hex("000102030405060708090a0b0c0d0e0f"));
    reader rd(out);
    EXPECT_EQ(*rd.read_uuid(), id);
}

TEST(wire, array_lengths_are_checked_against_the_bytes_left) {
    auto out = write([](writer& w) {
        w.write_array_length(2);
        w.write_array_length(-1);
        w.write_compact_array_length(2);
        w.write_compact_array_length(-1);
        w.write_int32(0); // room for two 2-byte elements
    });
    EXPECT_EQ(out, from_hex("00000002"
                            "ffffffff"
                            "03"
                            "00"
                            "00000000"));
    reader rd(out);
    EXPECT_EQ(*rd.read_array_length(1), 2);
    EXPECT_EQ(*rd.read_array_length(1), -1);
    EXPECT_EQ(*rd.read_compact_array_length(2), 2);
    EXPECT_EQ(*rd.read_compact_array_length(2), -1);

    auto three = from_hex("00000003"
                          "0000000000");
    reader r1(three);
    auto n = r1.read_array_length(2);
    ASSERT_FALSE(n);
    EXPECT_EQ(n.err().message, "array length 3 needs at least 6 bytes at byte 4 (5 bytes left)");
    reader r2(three);
    EXPECT_EQ(*r2.read_array_length(1), 3);
}

TEST(wire, tagged_field_sections) {
    tagged_fields fields{{1, {std::byte{7}}}, {300, {}}};
    auto out = write([&](writer& w) { w.write_tagged_fields(fields); });
    EXPECT_EQ(out, from_hex("02"
                            "010107"
                            "ac0200"));
    reader rd(out);
    EXPECT_EQ(*rd.read_tagged_fields(), fields);

    auto lying = from_hex("05"
                          "0100");
    reader bad(lying);
    EXPECT_FALSE(bad.read_tagged_fields());
}

TEST(wire, tagged_field_writer_merges_known_and_unknown_in_tag_order) {
    tagged_fields unknown{{5, {std::byte{0x55}}}, {0, {std::byte{0x00}}}, {2, {}}};
    auto out = write([&](writer& w) {
        tagged_field_writer tw;
        tw.add(2).write_int8(0x22); // wins over the unknown tag 2
        tw.add(3).write_int8(0x33);
        tw.finish(w, unknown);
    });
    EXPECT_EQ(out, from_hex("04"
                            "000100"
                            "020122"
                            "030133"
                            "050155"));
}

} // namespace
} // namespace spate::kafka
