#pragma once

namespace spate::exec {

/// Asks the CPU to bring the cache line holding `p` into the caches (a hint: no effect on
/// results, never faults). On x86-64 an explicit prefetcht0, because GCC 12 drops
/// __builtin_prefetch as dead code once inlined into a const member function of a class
/// holding the memory (the hash indexes' prefetch() then compiled to nothing).
inline void prefetch_line(const void* p) {
#if defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
    __builtin_prefetch(p);
#endif
}

} // namespace spate::exec
