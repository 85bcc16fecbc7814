#include "columnar/batch.h"

namespace spate::columnar {

batch batch::with_types(std::span<const data_type> types, size_t capacity) {
    batch b;
    b.columns.reserve(types.size());
    for (const auto& t : types)
        b.columns.push_back(std::make_shared<column>(t, capacity));
    return b;
}

batch batch::gather(std::span<const uint32_t> rows) const {
    batch out;
    out.columns.reserve(columns.size());
    for (const auto& c : columns) {
        auto g = std::make_shared<column>(c->type(), rows.size());
        g->gather_from(*c, rows);
        out.columns.push_back(std::move(g));
    }
    out.rows = rows.size();
    if (!changes.empty()) {
        out.changes.reserve(rows.size());
        for (uint32_t r : rows)
            out.changes.push_back(changes[r]);
    }
    return out;
}

void batch::append(const batch& other) {
    if (columns.empty() && rows == 0) {
        for (const auto& c : other.columns)
            columns.push_back(std::make_shared<column>(c->type()));
    }
    if (!other.changes.empty() || !changes.empty()) {
        changes.resize(rows, change::insert);
        for (size_t i = 0; i < other.rows; ++i)
            changes.push_back(other.change_at(i));
    }
    for (size_t c = 0; c < columns.size(); ++c) {
        const column& src = *other.columns[c];
        for (size_t r = 0; r < other.rows; ++r)
            columns[c]->append_from(src, r);
    }
    rows += other.rows;
}

size_t batch::memory_bytes() const {
    size_t n = changes.capacity();
    for (const auto& c : columns)
        n += c->memory_bytes();
    return n;
}

} // namespace spate::columnar
