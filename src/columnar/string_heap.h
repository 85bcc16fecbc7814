#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace spate::columnar {

/// A string value in a column: a pointer into a string_heap (or into memory the column keeps
/// alive) and a length. Trivially copyable, so gathering and hashing strings never allocates.
struct string_ref {
    const char* data = nullptr;
    uint32_t size = 0;

    std::string_view view() const { return {data, size}; }
    friend bool operator==(string_ref a, string_ref b) { return a.view() == b.view(); }
};

/// Bump allocator for string bytes: strings are appended into large chunks that are freed
/// together when the heap goes. Owned by one column (shared, read-only, with the columns that
/// borrow its strings); used by one thread at a time.
class string_heap {
public:
    string_heap() = default;
    string_heap(const string_heap&) = delete;
    string_heap& operator=(const string_heap&) = delete;

    /// Copies `s` into the heap and returns a reference to the copy.
    string_ref add(std::string_view s) {
        char* p = allocate(s.size());
        if (!s.empty()) std::memcpy(p, s.data(), s.size());
        return {p, static_cast<uint32_t>(s.size())};
    }
    /// Room for `n` bytes that the caller fills; valid as long as the heap.
    char* allocate(size_t n) {
        if (n > _left) grow(n);
        char* p = _next;
        _next += n;
        _left -= n;
        return p;
    }
    /// Bytes held in chunks (for memory accounting).
    size_t bytes_reserved() const { return _reserved; }

private:
    void grow(size_t n) {
        size_t chunk = n > chunk_size / 2 ? n : chunk_size;
        _chunks.push_back(std::make_unique_for_overwrite<char[]>(chunk));
        _next = _chunks.back().get();
        _left = chunk;
        _reserved += chunk;
    }

    static constexpr size_t chunk_size = 64 * 1024;
    std::vector<std::unique_ptr<char[]>> _chunks;
    char* _next = nullptr;
    size_t _left = 0;
    size_t _reserved = 0;
};

} // namespace spate::columnar
