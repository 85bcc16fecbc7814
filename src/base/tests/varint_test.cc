#include "base/varint.h"

#include <gtest/gtest.h>

#include <array>
#include <limits>

namespace spate {
namespace {

TEST(varint, round_trip) {
    for (int64_t v : {0l, 1l, -1l, 63l, -64l, 64l, 300l, -300l, 1l << 40,
                      std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
        std::array<std::byte, 10> buf{};
        auto n = write_zigzag(buf.data(), v);
        std::span<const std::byte> in(buf.data(), n);
        auto got = read_zigzag(in);
        ASSERT_TRUE(got) << v;
        EXPECT_EQ(*got, v);
        EXPECT_TRUE(in.empty());
    }
}

TEST(varint, zigzag_encoding_matches_kafka) {
    std::array<std::byte, 10> buf{};
    EXPECT_EQ(write_zigzag(buf.data(), -1), 1u);
    EXPECT_EQ(buf[0], std::byte{0x01});
    EXPECT_EQ(write_zigzag(buf.data(), 1), 1u);
    EXPECT_EQ(buf[0], std::byte{0x02});
    EXPECT_EQ(write_zigzag(buf.data(), 64), 2u);
    EXPECT_EQ(buf[0], std::byte{0x80});
    EXPECT_EQ(buf[1], std::byte{0x01});
}

TEST(varint, truncated_and_overlong_inputs_fail) {
    std::array<std::byte, 2> cut{std::byte{0x80}, std::byte{0x80}};
    std::span<const std::byte> in(cut);
    EXPECT_FALSE(read_zigzag(in));
    EXPECT_EQ(in.size(), 2u) << "input is not consumed on failure";

    std::array<std::byte, 6> longer{};
    longer.fill(std::byte{0xff});
    longer[5] = std::byte{0x01};
    std::span<const std::byte> in2(longer);
    EXPECT_FALSE(read_zigzag(in2, 5)) << "a varint is at most 5 bytes";
}

} // namespace
} // namespace spate
