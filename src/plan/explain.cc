#include "plan/dataflow.h"

#include <fmt/format.h>

namespace spate::plan {

namespace {

std::string exprs(const std::vector<expr::bound_expr_ptr>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) s += ", ";
        s += v[i]->to_string();
    }
    return s;
}

} // namespace

std::vector<uint32_t> exchange_keys(const aggregate_step& a) {
    if (!a.session) return a.config.keys;
    std::vector<uint32_t> keys;
    for (size_t k = 0; k < a.config.keys.size(); ++k)
        if (k != a.session_start_key && k != a.session_end_key) keys.push_back(a.config.keys[k]);
    return keys;
}

std::vector<std::string> explain(const dataflow& d) {
    std::vector<std::string> lines;
    switch (d.input) {
    case input_kind::source:
        lines.push_back(fmt::format(
            "Source {} (topic {}, format {}{})", d.source->name, d.source->topic, d.source->format,
            d.source->watermark ? ", watermark " + d.source->watermark->to_string()
                                : std::string()));
        lines.push_back("  Decode: invalid records -> " + d.source->dead_letter_topic);
        break;
    case input_kind::view: lines.push_back("View " + d.view_name + " (its current rows)"); break;
    case input_kind::none: lines.push_back("One row (no FROM)"); break;
    }
    for (const auto& st : d.steps) {
        if (auto* s = std::get_if<stateless_step>(&st)) {
            if (s->predicate) lines.push_back("  Filter: " + s->predicate->to_string());
            if (!s->projections.empty()) lines.push_back("  Project: " + exprs(s->projections));
        } else if (auto* w = std::get_if<window_step>(&st)) {
            if (w->session)
                lines.push_back(fmt::format("  Session: ${} with a gap of {} ms (each row's own "
                                            "window, merged by the aggregate)",
                                            w->time_column + 1, w->size_ms));
            else if (w->size_ms == w->slide_ms)
                lines.push_back(fmt::format("  Tumble: ${} into {} ms windows", w->time_column + 1,
                                            w->size_ms));
            else
                lines.push_back(fmt::format("  Hop: ${} into {} ms windows every {} ms",
                                            w->time_column + 1, w->size_ms, w->slide_ms));
        } else if (auto* a = std::get_if<aggregate_step>(&st)) {
            std::string keys;
            for (size_t i = 0; i < a->config.keys.size(); ++i)
                keys += fmt::format("{}${}", i ? ", " : "", a->config.keys[i] + 1);
            if (!a->config.keys.empty())
                lines.push_back(
                    fmt::format("  Exchange: by hash of {} to the shard owning the key", keys));
            std::string calls;
            for (const auto& c : a->config.calls) {
                if (!calls.empty()) calls += ", ";
                calls += c.fn->name + (c.fn->distinct ? "(DISTINCT " : "(");
                for (size_t i = 0; i < c.args.size(); ++i)
                    calls += fmt::format("{}${}", i ? ", " : "", c.args[i] + 1);
                calls += ")";
                if (c.filter) calls += fmt::format(" FILTER ${}", *c.filter + 1);
            }
            lines.push_back(fmt::format(
                "  {}: group by [{}] compute [{}]; state: {}",
                a->session                 ? "SessionAggregate"
                : a->config.window_end_key ? "WindowAggregate"
                                           : "HashAggregate",
                keys, calls,
                a->session ? "open sessions per key, merged as rows bridge them, each emitted once "
                             "and dropped when the watermark passes its end"
                : a->config.early_updates
                    ? "open windows' groups, changes sent as they happen (a changelog), dropped "
                      "when the watermark passes the window's end"
                : a->config.window_end_key ? "open windows' groups, each emitted once and dropped "
                                             "when the watermark passes its end"
                                           : "one row per group, updates and retractions emitted "
                                             "(unbounded: one entry per distinct key)"));
        }
    }
    if (!d.order_by.empty()) {
        std::string keys;
        for (const auto& k : d.order_by)
            keys += fmt::format("{}${}{}", keys.empty() ? "" : ", ", k.column + 1,
                                k.descending ? " DESC" : "");
        lines.push_back("  Sort: " + keys);
    }
    if (d.limit || d.offset)
        lines.push_back(fmt::format("  Limit: {} offset {}",
                                    d.limit ? std::to_string(*d.limit) : "all", d.offset));
    return lines;
}

} // namespace spate::plan
