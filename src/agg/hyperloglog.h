#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace spate::agg {

/// A HyperLogLog sketch of the number of distinct 64-bit hashes added: 2^12 one-byte registers
/// (standard error 1.04 / sqrt(4096) = 1.6%), preceded by an exact sorted list of hashes while
/// at most 256 distinct ones were seen (so small groups cost little memory and are exact).
/// Mergeable; not retractable.
///
/// Owned by one aggregate state, used by the operator's thread.
class hyperloglog {
public:
    static constexpr int precision = 12;
    static constexpr size_t registers = size_t{1} << precision;
    static constexpr size_t exact_limit = 256;

    /// Counts `hash` (a well-mixed 64-bit hash of a value).
    void add(uint64_t hash);
    /// Adds everything `other` counted.
    void merge(const hyperloglog& other);
    /// The estimated number of distinct hashes added (exact while in the exact list).
    double estimate() const;
    size_t heap_bytes() const;

private:
    void to_registers();
    void add_to_registers(uint64_t hash);

    std::vector<uint64_t> _exact; ///< sorted distinct hashes while _regs is null
    std::unique_ptr<uint8_t[]> _regs;
};

} // namespace spate::agg
