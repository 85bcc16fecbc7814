#pragma once

// Internal to the nexmark module: the counter-based random numbers behind the generator.

#include <cstdint>

namespace spate::nexmark::detail {

/// The splitmix64 finalizer: a bijective 64-bit mix with good avalanche.
constexpr uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/// A small random stream (splitmix64) whose start depends only on (seed, counter), so that any
/// event's numbers can be drawn without drawing those of the events before it. A value type,
/// owned by whoever draws from it.
class counter_rng {
public:
    counter_rng(uint64_t seed, uint64_t counter)
        : _state(mix64(seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL) ^
                 mix64(counter + 0x2545f4914f6cdd1dULL)) {}

    /// The next 64 random bits.
    uint64_t next() {
        _state += 0x9e3779b97f4a7c15ULL;
        return mix64(_state);
    }
    /// Uniform in [0, n) for n >= 1 (multiply-shift; the bias is below 2^-40 for the bounds
    /// used here).
    uint64_t below(uint64_t n) {
        return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
    }
    /// Uniform in [0, 1) with 53 bits.
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
    uint64_t _state;
};

} // namespace spate::nexmark::detail
