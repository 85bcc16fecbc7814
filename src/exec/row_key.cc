#include "exec/row_key.h"

#include "base/hash.h"

#include <cstring>

namespace spate::exec {

using columnar::physical_type;

void encode_row_key(const columnar::batch& b, std::span<const uint32_t> columns, size_t row,
                    std::string& out) {
    out.clear();
    for (uint32_t c : columns) {
        const columnar::column& col = *b.columns[c];
        if (col.is_null(row)) {
            out.push_back('\0');
            continue;
        }
        out.push_back('\1');
        switch (col.physical()) {
        case physical_type::boolean: out.push_back(char(col.bools()[row])); break;
        case physical_type::i64:
            out.append(reinterpret_cast<const char*>(&col.i64()[row]), 8);
            break;
        case physical_type::f64: {
            double d = col.f64()[row];
            if (d == 0) d = 0; // -0.0 groups with 0.0
            out.append(reinterpret_cast<const char*>(&d), 8);
            break;
        }
        case physical_type::str: {
            auto s = col.strs()[row];
            out.append(reinterpret_cast<const char*>(&s.size), 4);
            out.append(s.data, s.size);
            break;
        }
        }
    }
}

uint64_t hash_key(std::string_view key) {
    return hash_bytes(key);
}

void hash_rows(const columnar::batch& b, std::span<const uint32_t> columns,
               std::vector<uint64_t>& hashes) {
    hashes.resize(b.rows);
    std::string key;
    for (size_t r = 0; r < b.rows; ++r) {
        encode_row_key(b, columns, r, key);
        hashes[r] = hash_key(key);
    }
}

} // namespace spate::exec
