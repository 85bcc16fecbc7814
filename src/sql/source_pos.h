#pragma once

#include <cstdint>

namespace spate::sql {

/// A place in the SQL text: the byte offset (0-based) and the line and column (1-based, the
/// column counted in bytes) of a token's first byte. Plain value type.
struct source_pos {
    uint32_t offset = 0;
    uint32_t line = 1;
    uint32_t column = 1;

    friend bool operator==(const source_pos&, const source_pos&) = default;
};

} // namespace spate::sql
