// Rewrites of a planned dataflow that change its cost, not its result.

#include "plan/binder.h"
#include "plan/expr_rewrite.h"

#include <algorithm>

namespace spate::plan {

using detail::collect_columns;
using detail::remap_columns;

void prune_before_window(dataflow& d) {
    for (auto& st : d.steps)
        if (auto* j = std::get_if<join_step>(&st)) {
            auto right = std::make_shared<dataflow>(*j->right);
            prune_before_window(*right);
            j->right = std::move(right);
        }
    if (d.input != input_kind::source || d.steps.size() < 2) return;
    auto* window = std::get_if<window_step>(&d.steps[0]);
    auto* next = std::get_if<stateless_step>(&d.steps[1]);
    if (!window || !next || next->projections.empty()) return;
    const uint32_t n = uint32_t(d.input_schema.size());
    // The window appends window_start and window_end after the input's columns.
    std::vector<uint8_t> used(n + 2, 0);
    used[window->time_column] = 1;
    if (next->predicate) collect_columns(*next->predicate, used);
    for (const auto& p : next->projections)
        collect_columns(*p, used);
    std::vector<uint32_t> map(n + 2, 0);
    std::vector<expr::bound_expr_ptr> keep;
    for (uint32_t i = 0; i < n; ++i) {
        if (!used[i]) continue;
        map[i] = uint32_t(keep.size());
        keep.push_back(expr::make_column_ref(i, d.input_schema[i].type, d.input_schema[i].name));
    }
    if (keep.size() == n) return;
    map[n] = uint32_t(keep.size());
    map[n + 1] = uint32_t(keep.size() + 1);
    window->time_column = map[window->time_column];
    if (next->predicate) next->predicate = remap_columns(next->predicate, map);
    for (auto& p : next->projections)
        p = remap_columns(p, map);
    d.steps.insert(d.steps.begin(), stateless_step{nullptr, std::move(keep)});
}

} // namespace spate::plan
