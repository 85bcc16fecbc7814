#include "files/read_options.h"
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

bool is_exchange_step(const step& s) {
    return std::holds_alternative<aggregate_step>(s) || std::holds_alternative<join_step>(s) ||
           std::holds_alternative<rank_step>(s);
}

std::vector<uint32_t> exchange_keys_of(const step& s, int port) {
    if (const auto* a = std::get_if<aggregate_step>(&s)) return exchange_keys(*a);
    if (const auto* j = std::get_if<join_step>(&s))
        return port == 0 ? j->config.left.keys : j->config.right.keys;
    if (const auto* r = std::get_if<rank_step>(&s)) return r->config.partition_keys;
    return {};
}

bool reads_files(const dataflow& d) {
    if (d.input == input_kind::file) return true;
    for (const auto& st : d.steps)
        if (auto* j = std::get_if<join_step>(&st); j && reads_files(*j->right)) return true;
    return false;
}

std::vector<std::shared_ptr<const source_def>> sources_of(const dataflow& d) {
    std::vector<std::shared_ptr<const source_def>> out;
    if (d.source) out.push_back(d.source);
    for (const auto& st : d.steps)
        if (const auto* j = std::get_if<join_step>(&st))
            for (auto& s : sources_of(*j->right))
                out.push_back(std::move(s));
    return out;
}

std::vector<std::string> unbounded_state(const dataflow& d) {
    std::vector<std::string> out;
    for (const auto& st : d.steps) {
        if (const auto* j = std::get_if<join_step>(&st)) {
            if (!j->bounded_state)
                out.push_back(j->config.lookup
                                  ? "the lookup join keeps every row of its right input"
                                  : "the join keeps every row of both inputs (its condition "
                                    "bounds neither input's event time)");
            for (auto& s : unbounded_state(*j->right))
                out.push_back(std::move(s));
        } else if (const auto* r = std::get_if<rank_step>(&st)) {
            if (!r->config.window_end_key)
                out.push_back(
                    r->config.changelog_input
                        ? "the top-N keeps every row of each partition (its input is a changelog)"
                        : fmt::format("the top-N keeps {} row(s) for each partition key ever seen",
                                      r->config.limit));
        } else if (const auto* a = std::get_if<aggregate_step>(&st)) {
            if (!a->config.window_end_key && !a->session && !a->config.keys.empty())
                out.push_back("the aggregate keeps one group for each key ever seen");
        }
    }
    return out;
}

namespace {

void explain_steps(const dataflow& d, std::vector<std::string>& lines);

std::string columns_text(const std::vector<uint32_t>& cols) {
    std::string s;
    for (size_t i = 0; i < cols.size(); ++i)
        s += fmt::format("{}${}", i ? ", " : "", cols[i] + 1);
    return s;
}

void explain_join(const join_step& j, std::vector<std::string>& lines) {
    const auto& c = j.config;
    static const char* kinds[] = {"Inner", "Left", "Right", "Full"};
    std::string keys;
    for (size_t i = 0; i < c.left.keys.size(); ++i)
        keys += fmt::format("{}left ${} = right ${}", i ? " AND " : "", c.left.keys[i] + 1,
                            c.right.keys[i] + 1);
    if (keys.empty()) keys = "no key (every row on one shard)";
    lines.push_back(fmt::format("  Exchange: left by hash of [{}], right by hash of [{}]",
                                columns_text(c.left.keys), columns_text(c.right.keys)));
    lines.push_back(fmt::format(
        "  {}{}Join on {}{}; state: {}", kinds[int(c.kind)], c.lookup ? "Lookup" : "", keys,
        c.residual ? " where " + c.residual->to_string() : std::string(), j.state_note));
    lines.push_back("    Right input:");
    auto right = explain(*j.right);
    for (auto& l : right)
        lines.push_back("      " + l);
}

} // namespace

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
    case input_kind::file: {
        const auto& t = *d.file;
        const char* fmt_name = t.options.format == files::file_format::csv    ? "csv"
                               : t.options.format == files::file_format::json ? "json"
                                                                              : "text";
        std::string cols;
        for (uint32_t c : d.file_columns)
            cols += (cols.empty() ? "" : ", ") + t.columns[c].name;
        lines.push_back(fmt::format("Files '{}' ({} file(s), {}; reads [{}] of {} column(s)), "
                                    "in parallel chunks",
                                    t.pattern, t.files.size(), fmt_name, cols, t.columns.size()));
        break;
    }
    }
    explain_steps(d, lines);
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

namespace {

void explain_steps(const dataflow& d, std::vector<std::string>& lines) {
    for (const auto& st : d.steps) {
        if (auto* j = std::get_if<join_step>(&st)) {
            explain_join(*j, lines);
        } else if (auto* r = std::get_if<rank_step>(&st)) {
            const auto& c = r->config;
            std::string order;
            for (const auto& o : c.order)
                order += fmt::format("{}${}{}", order.empty() ? "" : ", ", o.column + 1,
                                     o.descending ? " DESC" : "");
            lines.push_back(
                fmt::format("  Exchange: by hash of [{}]", columns_text(c.partition_keys)));
            lines.push_back(fmt::format(
                "  {}: first {} row(s) per [{}] by [{}]; state: {}",
                c.window_end_key ? "WindowTopN" : "TopN", c.limit, columns_text(c.partition_keys),
                order,
                c.window_end_key    ? "the top rows of each open window, emitted once and dropped "
                                      "when the watermark passes its end"
                : c.changelog_input ? "every row of each partition (the input retracts rows)"
                                    : "the top rows of each partition (unbounded: one entry per "
                                      "distinct key)"));
        } else if (auto* s = std::get_if<stateless_step>(&st)) {
            if (s->predicate) lines.push_back("  Filter: " + s->predicate->to_string());
            if (!s->projections.empty()) lines.push_back("  Project: " + exprs(s->projections));
        } else if (auto* u = std::get_if<unnest_step>(&st)) {
            lines.push_back(fmt::format("  Unnest: {}({}, {}) as a new column",
                                        u->regex ? "regexp_split_to_table" : "string_to_array",
                                        u->text->to_string(), u->separator->to_string()));
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
                : d.continuous             ? "one row per group, updates and retractions emitted "
                                             "(unbounded: one entry per distinct key)"
                                           : "one row per group, each sent once at the end of "
                                             "the input"));
        }
    }
}

} // namespace

} // namespace spate::plan
