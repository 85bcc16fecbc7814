#include "base/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace spate {
namespace {

constexpr uint32_t reflected_polynomial = 0x82F63B78;

// Slicing-by-8 tables: table[k][b] is the CRC of byte b followed by k zero bytes.
struct tables {
    std::array<std::array<uint32_t, 256>, 8> t{};
    constexpr tables() {
        for (uint32_t b = 0; b < 256; ++b) {
            uint32_t c = b;
            for (int i = 0; i < 8; ++i)
                c = (c >> 1) ^ ((c & 1) ? reflected_polynomial : 0);
            t[0][b] = c;
        }
        for (uint32_t b = 0; b < 256; ++b)
            for (int k = 1; k < 8; ++k)
                t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
};
constexpr tables lookup;

uint32_t crc32c_software(const unsigned char* p, size_t n, uint32_t crc) {
    while (n >= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        word ^= crc;
        crc = lookup.t[7][word & 0xff] ^ lookup.t[6][(word >> 8) & 0xff] ^
              lookup.t[5][(word >> 16) & 0xff] ^ lookup.t[4][(word >> 24) & 0xff] ^
              lookup.t[3][(word >> 32) & 0xff] ^ lookup.t[2][(word >> 40) & 0xff] ^
              lookup.t[1][(word >> 48) & 0xff] ^ lookup.t[0][word >> 56];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = (crc >> 8) ^ lookup.t[0][(crc ^ *p++) & 0xff];
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_hardware(const unsigned char* p, size_t n,
                                                           uint32_t crc) {
    uint64_t c = crc;
    while (n >= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        c = _mm_crc32_u64(c, word);
        p += 8;
        n -= 8;
    }
    auto c32 = static_cast<uint32_t>(c);
    while (n--)
        c32 = _mm_crc32_u8(c32, *p++);
    return c32;
}

const bool have_sse42 = __builtin_cpu_supports("sse4.2");
#endif

} // namespace

uint32_t crc32c(std::span<const std::byte> data, uint32_t crc) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    crc = ~crc;
#if defined(__x86_64__)
    if (have_sse42) return ~crc32c_hardware(p, data.size(), crc);
#endif
    return ~crc32c_software(p, data.size(), crc);
}

} // namespace spate
