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
__attribute__((target("sse4.2"))) uint32_t crc32c_hardware_serial(const unsigned char* p, size_t n,
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

// The crc32 instruction has a latency of three cycles but a throughput of one per cycle, so
// three independent streams over three adjacent stripes run three times as fast. The CRC
// register is linear: the state after stripes A, B, C from state s is
// shift(shift(crc(s, A)) ^ crc(0, B)) ^ crc(0, C), where shift(x) advances x over
// stripe_bytes zero bytes; shift is applied with four 256-entry tables.
constexpr size_t stripe_bytes = 1024;

struct shift_tables {
    std::array<std::array<uint32_t, 256>, 4> t{};
    shift_tables() {
        static const unsigned char zeros[stripe_bytes] = {};
        for (int k = 0; k < 4; ++k)
            for (uint32_t b = 0; b < 256; ++b)
                t[k][b] = crc32c_software(zeros, stripe_bytes, b << (8 * k));
    }
    uint32_t shift(uint32_t x) const {
        return t[0][x & 0xff] ^ t[1][(x >> 8) & 0xff] ^ t[2][(x >> 16) & 0xff] ^ t[3][x >> 24];
    }
};

__attribute__((target("sse4.2"))) uint32_t crc32c_hardware(const unsigned char* p, size_t n,
                                                           uint32_t crc) {
    static const shift_tables tables;
    while (n >= 3 * stripe_bytes) {
        uint64_t a = crc, b = 0, c = 0;
        for (size_t i = 0; i < stripe_bytes; i += 8) {
            uint64_t wa, wb, wc;
            std::memcpy(&wa, p + i, 8);
            std::memcpy(&wb, p + stripe_bytes + i, 8);
            std::memcpy(&wc, p + 2 * stripe_bytes + i, 8);
            a = _mm_crc32_u64(a, wa);
            b = _mm_crc32_u64(b, wb);
            c = _mm_crc32_u64(c, wc);
        }
        auto ab = tables.shift(static_cast<uint32_t>(a)) ^ static_cast<uint32_t>(b);
        crc = tables.shift(ab) ^ static_cast<uint32_t>(c);
        p += 3 * stripe_bytes;
        n -= 3 * stripe_bytes;
    }
    return crc32c_hardware_serial(p, n, crc);
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
