#include "agg/hyperloglog.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace spate::agg {

void hyperloglog::add(uint64_t hash) {
    if (_regs) {
        add_to_registers(hash);
        return;
    }
    auto it = std::lower_bound(_exact.begin(), _exact.end(), hash);
    if (it != _exact.end() && *it == hash) return;
    _exact.insert(it, hash);
    if (_exact.size() > exact_limit) to_registers();
}

void hyperloglog::add_to_registers(uint64_t hash) {
    size_t index = hash >> (64 - precision);
    // The rank of the first 1 bit among the remaining 64 - p bits (a sentinel bit bounds it).
    uint64_t rest = (hash << precision) | (uint64_t{1} << (precision - 1));
    auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
    if (rank > _regs[index]) _regs[index] = rank;
}

void hyperloglog::to_registers() {
    _regs = std::make_unique<uint8_t[]>(registers);
    for (uint64_t h : _exact)
        add_to_registers(h);
    _exact.clear();
    _exact.shrink_to_fit();
}

void hyperloglog::merge(const hyperloglog& other) {
    if (!other._regs) {
        for (uint64_t h : other._exact)
            add(h);
        return;
    }
    if (!_regs) to_registers();
    for (size_t i = 0; i < registers; ++i)
        _regs[i] = std::max(_regs[i], other._regs[i]);
}

double hyperloglog::estimate() const {
    if (!_regs) return static_cast<double>(_exact.size());
    const double m = static_cast<double>(registers);
    double sum = 0;
    size_t zeros = 0;
    for (size_t i = 0; i < registers; ++i) {
        sum += std::ldexp(1.0, -_regs[i]);
        zeros += _regs[i] == 0;
    }
    double alpha = 0.7213 / (1 + 1.079 / m);
    double e = alpha * m * m / sum;
    // Small range: linear counting over the empty registers is more accurate.
    if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / static_cast<double>(zeros));
    return e;
}

size_t hyperloglog::heap_bytes() const {
    return _regs ? registers : _exact.capacity() * sizeof(uint64_t);
}

} // namespace spate::agg
