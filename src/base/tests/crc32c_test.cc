#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace spate {
namespace {

std::span<const std::byte> bytes(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

TEST(crc32c, known_vectors) {
    // Check value from the CRC catalogue (CRC-32/ISCSI) and RFC 3720's test patterns.
    EXPECT_EQ(crc32c(bytes("123456789")), 0xE3069283u);
    EXPECT_EQ(crc32c(bytes(std::string(32, '\0'))), 0x8A9136AAu);
    EXPECT_EQ(crc32c(bytes(std::string(32, '\xff'))), 0x62A8AB43u);
    EXPECT_EQ(crc32c({}), 0u);
}

TEST(crc32c, incremental_equals_whole) {
    std::string data;
    for (int i = 0; i < 1000; ++i)
        data.push_back(static_cast<char>(i * 31 + 7));
    auto whole = crc32c(bytes(data));
    for (size_t cut : {0ul, 1ul, 7ul, 8ul, 9ul, 500ul, 999ul, 1000ul}) {
        auto b = bytes(data);
        EXPECT_EQ(crc32c(b.subspan(cut), crc32c(b.first(cut))), whole) << "cut at " << cut;
    }
}

TEST(crc32c, long_inputs_match_a_bytewise_reference) {
    // Inputs long enough for the three-stripe path, at lengths around its 3 KiB steps.
    auto reference = [](std::span<const std::byte> d) {
        uint32_t c = ~0u;
        for (auto b : d) {
            c ^= static_cast<uint8_t>(b);
            for (int i = 0; i < 8; ++i)
                c = (c >> 1) ^ ((c & 1) ? 0x82F63B78u : 0u);
        }
        return ~c;
    };
    std::vector<std::byte> data(20000);
    uint32_t x = 12345;
    for (auto& b : data) {
        x = x * 1103515245 + 12345;
        b = static_cast<std::byte>(x >> 16);
    }
    for (size_t len : {3071ul, 3072ul, 3073ul, 6144ul, 9000ul, 16384ul, 20000ul}) {
        auto d = std::span<const std::byte>(data).first(len);
        EXPECT_EQ(crc32c(d), reference(d)) << "length " << len;
        EXPECT_EQ(crc32c(d.subspan(100), crc32c(d.first(100))), reference(d)) << "length " << len;
    }
}

} // namespace
} // namespace spate
