// CREATE SOURCE: column types and constraints, the watermark and the WITH options; type names;
// "did you mean" suggestions.

#include "columnar/text_format.h"
#include "plan/binder_internal.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace spate::plan {

using namespace detail;
namespace ast = sql;

columnar::data_type resolve_type(const sql::type_name& t) {
    using columnar::type_id;
    const std::string& n = t.name;
    auto no_params = [&] {
        if (!t.params.empty()) fail("42601", fmt::format("type {} takes no parameters", n), t.pos);
    };
    if (n == "boolean") {
        no_params();
        return type_id::boolean;
    }
    if (n == "smallint" || n == "integer") {
        no_params();
        return type_id::int32;
    }
    if (n == "bigint") {
        no_params();
        return type_id::int64;
    }
    if (n == "real" || n == "double") {
        no_params();
        return type_id::float64;
    }
    if (n == "decimal") {
        int64_t p = t.params.size() >= 1 ? t.params[0] : 18;
        int64_t s = t.params.size() >= 2 ? t.params[1] : (t.params.empty() ? 6 : 0);
        if (t.params.size() > 2) fail("42601", "decimal takes at most precision and scale", t.pos);
        if (p < 1 || p > 18)
            fail("0A000",
                 fmt::format("decimal precision {} is not supported: spate's decimals "
                             "have 1 to 18 digits",
                             p),
                 t.pos, "Use double precision for wider ranges.");
        if (s < 0 || s > p)
            fail("22023",
                 fmt::format("decimal scale {} must be between 0 and the precision {}", s, p),
                 t.pos);
        return columnar::data_type::decimal(uint8_t(p), uint8_t(s));
    }
    if (n == "varchar" || n == "text" || n == "char" || n == "string") return type_id::varchar;
    if (n == "timestamp" || n == "timestamptz" || n == "date") {
        if (!t.params.empty() && (t.params[0] < 0 || t.params[0] > 6))
            fail("22023", "timestamp precision must be between 0 and 6", t.pos);
        return type_id::timestamp;
    }
    if (n == "interval") return type_id::interval;
    if (n == "json" || n == "jsonb") return type_id::json;
    static const std::vector<std::string> known = {"boolean",  "integer", "bigint",   "double",
                                                   "decimal",  "varchar", "text",     "timestamp",
                                                   "interval", "json",    "smallint", "real"};
    std::string hint;
    if (auto c = closest_name(n, known)) hint = fmt::format("Perhaps you meant {}.", *c);
    fail("42704", fmt::format("type \"{}\" does not exist", n), t.pos, hint);
}

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
    auto distance = [](std::string_view a, std::string_view b) {
        std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j)
            prev[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            cur[0] = i;
            for (size_t j = 1; j <= b.size(); ++j) {
                size_t sub =
                    prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
            }
            std::swap(prev, cur);
        }
        return prev[b.size()];
    };
    std::optional<std::string> best;
    size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;
    for (const auto& c : candidates) {
        size_t d = distance(name, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

const std::vector<std::string>& source_option_names() {
    static const std::vector<std::string> names = {
        "topic",        "format",        "dead_letter_topic", "late_topic",
        "idle_timeout", "csv.delimiter", "scan.startup.mode"};
    return names;
}

source_def plan_source(const sql::create_source_statement& s, std::string_view sql_text) {
    if (s.kind == ast::statement_kind::create_table)
        fail("0A000", "CREATE TABLE is not supported yet; CREATE SOURCE reads a topic", s.pos);
    source_def def;
    def.name = s.name.back();
    def.sql = std::string(sql_text);
    if (s.columns.empty()) fail("42601", "a source needs at least one column", s.pos);
    std::set<std::string> seen;
    scope sc;
    for (const auto& c : s.columns) {
        if (!seen.insert(c.name).second)
            fail("42701", fmt::format("column \"{}\" specified more than once", c.name), c.pos);
        if (c.name == "_partition" || c.name == "_offset")
            fail("42701", fmt::format("column name \"{}\" is reserved", c.name), c.pos);
        column_info col{c.name, resolve_type(c.type), c.not_null || c.primary_key, false};
        sc.columns.push_back(
            {col.name, def.name, col.type, uint32_t(def.columns.size()), false, col.not_null});
        def.columns.push_back(col);
    }
    bind_options opt;
    expr_binder binder(opt);
    auto add_check = [&](const ast::expr& e) {
        if (expr_binder::contains_aggregate(e))
            fail("42803", "aggregate functions are not allowed in CHECK constraints", e.pos);
        auto b = binder.bind(e, sc);
        if (b->type.id != columnar::type_id::boolean)
            fail("42804",
                 fmt::format("a CHECK constraint must be boolean, not {}", b->type.to_string()),
                 e.pos);
        // to_sql parenthesizes every operator: "(price > 0)" reads as the CHECK's own parentheses.
        std::string text = sql::to_sql(e);
        if (text.size() >= 2 && text.front() == '(' && text.back() == ')')
            text = text.substr(1, text.size() - 2);
        def.checks.emplace_back(b, text);
    };
    for (const auto& c : s.columns)
        if (c.check) add_check(*c.check);
    for (const auto& c : s.checks)
        add_check(*c);
    if (s.watermarks.size() > 1)
        fail("42601", "a source has at most one WATERMARK", s.watermarks[1].pos);
    for (const auto& w : s.watermarks) {
        auto it = std::find_if(def.columns.begin(), def.columns.end(),
                               [&](const column_info& c) { return c.name == w.column; });
        if (it == def.columns.end()) {
            std::vector<std::string> names;
            for (const auto& c : def.columns)
                names.push_back(c.name);
            auto close = closest_name(w.column, names);
            fail("42703", fmt::format("WATERMARK FOR \"{}\": no such column", w.column), w.pos,
                 close ? fmt::format("Perhaps you meant \"{}\".", *close) : std::string());
        }
        if (it->type.id != columnar::type_id::timestamp)
            fail("42804",
                 fmt::format("WATERMARK FOR \"{}\": the column must be a timestamp, not {}",
                             w.column, it->type.to_string()),
                 w.pos);
        auto b = binder.bind(*w.value, sc);
        if (b->type.id != columnar::type_id::timestamp)
            fail("42804",
                 fmt::format("the watermark expression must be a timestamp, not {}",
                             b->type.to_string()),
                 w.value->pos);
        def.watermark_column = uint32_t(it - def.columns.begin());
        def.watermark = b;
    }
    def.topic = def.name;
    def.format = "json";
    for (const auto& o : s.options) {
        const std::string& k = o.key;
        if (k == "topic")
            def.topic = o.value;
        else if (k == "format") {
            if (o.value != "json" && o.value != "csv")
                fail("22023",
                     fmt::format("format '{}' is not supported: use 'json' or 'csv'", o.value),
                     o.pos);
            def.format = o.value;
        } else if (k == "dead_letter_topic")
            def.dead_letter_topic = o.value;
        else if (k == "late_topic")
            def.late_topic = o.value;
        else if (k == "idle_timeout") {
            std::string why;
            auto ms = columnar::parse_interval(o.value, &why);
            if (!ms)
                fail("22023", fmt::format("idle_timeout '{}' is not an interval: {}", o.value, why),
                     o.pos, "Write it as '5 seconds'.");
            if (*ms < 0)
                fail(
                    "22023", fmt::format("idle_timeout '{}' must not be negative", o.value), o.pos,
                    "'0 seconds' turns idleness off: a silent partition holds the watermark back.");
            def.idle_timeout_ms = *ms;
        } else if (k == "scan.startup.mode") {
            if (o.value != "earliest-offset")
                fail("0A000", "only scan.startup.mode = 'earliest-offset' is supported", o.pos);
        } else if (k.starts_with("csv.")) {
            if (k != "csv.delimiter")
                fail("22023", fmt::format("unknown option '{}'", k), o.pos,
                     "CSV takes csv.delimiter.");
            if (o.value.size() != 1) fail("22023", "csv.delimiter must be one character", o.pos);
            def.options[k] = o.value;
        } else {
            auto close = closest_name(k, source_option_names());
            std::string hint = close ? fmt::format("Perhaps you meant '{}'.", *close)
                                     : "Options: topic, format, dead_letter_topic, late_topic, "
                                       "idle_timeout, csv.delimiter.";
            fail("22023", fmt::format("unknown option '{}' for a source", k), o.pos, hint);
        }
    }
    if (def.dead_letter_topic.empty()) def.dead_letter_topic = def.name + "_dead_letter";
    if (def.late_topic.empty()) def.late_topic = def.name + "_late";
    return def;
}

} // namespace spate::plan
