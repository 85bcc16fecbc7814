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
    if ((d.input != input_kind::source && d.input != input_kind::file) || d.steps.size() < 2)
        return;
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

namespace spate::plan {

void prune_join_columns(dataflow& d) {
    for (size_t i = 0; i < d.steps.size(); ++i) {
        auto* j = std::get_if<join_step>(&d.steps[i]);
        if (!j) continue;
        auto right = std::make_shared<dataflow>(*j->right);
        prune_join_columns(*right);
        j->right = std::move(right);
        auto* next =
            i + 1 < d.steps.size() ? std::get_if<stateless_step>(&d.steps[i + 1]) : nullptr;
        if (!next || next->projections.empty()) continue;
        auto& cfg = j->config;
        const uint32_t lw = uint32_t(cfg.left.keep.size());
        const uint32_t width = lw + uint32_t(cfg.right.keep.size());
        std::vector<uint8_t> used(width, 0);
        if (cfg.residual) collect_columns(*cfg.residual, used);
        if (next->predicate) collect_columns(*next->predicate, used);
        for (const auto& p : next->projections)
            collect_columns(*p, used);
        std::vector<uint32_t> map(width, 0), left_keep, right_keep;
        for (uint32_t c = 0; c < width; ++c) {
            if (!used[c]) continue;
            map[c] = uint32_t(left_keep.size() + right_keep.size());
            (c < lw ? left_keep : right_keep)
                .push_back(c < lw ? cfg.left.keep[c] : cfg.right.keep[c - lw]);
        }
        if (left_keep.size() + right_keep.size() == width) continue;
        cfg.left.keep = std::move(left_keep);
        cfg.right.keep = std::move(right_keep);
        if (cfg.residual) cfg.residual = remap_columns(cfg.residual, map);
        if (next->predicate) next->predicate = remap_columns(next->predicate, map);
        for (auto& p : next->projections)
            p = remap_columns(p, map);
    }
}

} // namespace spate::plan

namespace spate::plan {

void prune_file_columns(dataflow& d) {
    for (auto& st : d.steps)
        if (auto* j = std::get_if<join_step>(&st)) {
            auto right = std::make_shared<dataflow>(*j->right);
            prune_file_columns(*right);
            j->right = std::move(right);
        }
    if (d.input != input_kind::file) return;
    const uint32_t n = uint32_t(d.input_schema.size());
    std::vector<uint8_t> used(n, 0);
    // Filters in front pass every column on: the step after them decides what is read.
    size_t first = 0;
    while (first < d.steps.size()) {
        auto* f = std::get_if<stateless_step>(&d.steps[first]);
        if (!f || !f->projections.empty()) break;
        if (f->predicate) collect_columns(*f->predicate, used);
        ++first;
    }
    if (first == d.steps.size()) return;
    auto* stateless = std::get_if<stateless_step>(&d.steps[first]);
    auto* aggregate = std::get_if<aggregate_step>(&d.steps[first]);
    if (stateless) {
        if (stateless->predicate) collect_columns(*stateless->predicate, used);
        for (const auto& p : stateless->projections)
            collect_columns(*p, used);
    } else if (aggregate && !aggregate->session) {
        for (uint32_t k : aggregate->config.keys)
            used[k] = 1;
        for (const auto& c : aggregate->config.calls) {
            for (uint32_t a : c.args)
                used[a] = 1;
            if (c.filter) used[*c.filter] = 1;
        }
    } else {
        return;
    }
    std::vector<uint32_t> map(n, 0), columns;
    schema input;
    for (uint32_t i = 0; i < n; ++i) {
        if (!used[i]) continue;
        map[i] = uint32_t(columns.size());
        columns.push_back(d.file_columns[i]);
        input.push_back(d.input_schema[i]);
    }
    if (columns.size() == n) return;
    d.file_columns = std::move(columns);
    d.input_schema = std::move(input);
    for (size_t k = 0; k < first; ++k) {
        auto& f = std::get<stateless_step>(d.steps[k]);
        if (f.predicate) f.predicate = remap_columns(f.predicate, map);
    }
    if (stateless) {
        if (stateless->predicate) stateless->predicate = remap_columns(stateless->predicate, map);
        for (auto& p : stateless->projections)
            p = remap_columns(p, map);
        return;
    }
    for (auto& k : aggregate->config.keys)
        k = map[k];
    for (auto& c : aggregate->config.calls) {
        for (auto& a : c.args)
            a = map[a];
        if (c.filter) c.filter = map[*c.filter];
    }
}

} // namespace spate::plan
