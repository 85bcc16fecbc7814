#include "base/crc32c.h"

#include <gtest/gtest.h>

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

} // namespace
} // namespace spate
