#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace spate {

template <typename T>
constexpr T byte_swap(T v) {
    static_assert(std::is_integral_v<T>);
    using U = std::make_unsigned_t<T>;
    auto u = static_cast<U>(v);
    if constexpr (sizeof(T) == 1)
        return v;
    else if constexpr (sizeof(T) == 2)
        return static_cast<T>(__builtin_bswap16(u));
    else if constexpr (sizeof(T) == 4)
        return static_cast<T>(__builtin_bswap32(u));
    else
        return static_cast<T>(__builtin_bswap64(u));
}

/// Big-endian (network order) load of a fixed-width integer at any alignment, as the Kafka
/// wire and log formats store them.
template <typename T>
T load_be(const std::byte* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    if constexpr (std::endian::native == std::endian::little) v = byte_swap(v);
    return v;
}

/// Big-endian store of a fixed-width integer at any alignment.
template <typename T>
void store_be(std::byte* p, T v) {
    if constexpr (std::endian::native == std::endian::little) v = byte_swap(v);
    std::memcpy(p, &v, sizeof(T));
}

/// Little-endian load and store, for spate's own on-disk index and checkpoint files.
template <typename T>
T load_le(const std::byte* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    if constexpr (std::endian::native == std::endian::big) v = byte_swap(v);
    return v;
}
template <typename T>
void store_le(std::byte* p, T v) {
    if constexpr (std::endian::native == std::endian::big) v = byte_swap(v);
    std::memcpy(p, &v, sizeof(T));
}

} // namespace spate
