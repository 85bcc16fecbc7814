#include "stream/result_rows.h"

#include <algorithm>
#include <numeric>

namespace spate::stream {

columnar::batch finish_rows(const plan::dataflow& d, std::vector<columnar::batch> parts) {
    columnar::batch all;
    for (auto& p : parts) {
        if (p.rows == 0) continue;
        if (all.rows == 0 && all.columns.empty()) {
            all = std::move(p);
            all.changes.clear();
            continue;
        }
        p.changes.clear();
        all.append(p);
    }
    if (all.columns.empty()) {
        std::vector<columnar::data_type> types;
        for (const auto& c : d.output)
            types.push_back(c.type);
        all = columnar::batch::with_types(types);
    }
    std::vector<uint32_t> order(all.rows);
    std::iota(order.begin(), order.end(), 0);
    if (!d.order_by.empty()) {
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
            for (const auto& k : d.order_by) {
                const auto& c = *all.columns[k.column];
                int r = exec::compare_sort_key(c, a, c, b, k.descending, k.nulls_first);
                if (r != 0) return r < 0;
            }
            return false;
        });
    }
    size_t from = std::min<size_t>(size_t(d.offset), order.size());
    size_t to = order.size();
    if (d.limit) to = std::min<size_t>(to, from + size_t(*d.limit));
    std::vector<uint32_t> rows(order.begin() + long(from), order.begin() + long(to));
    columnar::batch picked;
    picked.rows = rows.size();
    for (size_t c = 0; c < d.output.size() && c < all.columns.size(); ++c) {
        if (d.output[c].hidden) continue;
        auto col = std::make_shared<columnar::column>(all.columns[c]->type(), rows.size());
        col->gather_from(*all.columns[c], rows);
        picked.columns.push_back(std::move(col));
    }
    return picked;
}

} // namespace spate::stream
