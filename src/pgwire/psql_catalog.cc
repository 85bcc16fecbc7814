#include "pgwire/psql_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

// What is recognised (psql 15.x, non-verbose forms; run psql -E to see them):
//   \d, \dt, \dv, \dm [PATTERN]  "SELECT n.nspname as "Schema", c.relname as "Name", ..."
//                                 FROM pg_catalog.pg_class ... c.relkind IN (...)
//   \d NAME, step 1               "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class"
//                                 with the name pattern
//   \d NAME, step 2               "SELECT c.relchecks, c.relkind, ..." WHERE c.oid = '<oid>'
//   \d NAME, step 3               "... FROM pg_catalog.pg_attribute a WHERE a.attrelid = '<oid>'"
//   \d NAME, footers              any other pg_catalog query naming one of our oids in quotes
//                                 (indexes, policies, statistics, publications, inheritance):
//                                 answered with no rows
//   \l                            "... FROM pg_catalog.pg_database d ...": one database, spate

namespace spate::pgwire {

namespace {

bool contains(std::string_view s, std::string_view what) {
    return s.find(what) != std::string_view::npos;
}

column_desc col(std::string name, uint32_t type) {
    return column_desc{std::move(name), type, type_len(type)};
}

std::string kind_label(char kind) {
    switch (kind) {
    case 'v': return "view";
    case 'm': return "materialized view";
    default: return "table";
    }
}

/// The relkind psql sees: sinks are shown as tables.
char pg_kind(char kind) {
    return kind == 'v' || kind == 'm' ? kind : 'r';
}

/// The regex of `<what> OPERATOR(pg_catalog.~) '<regex>'` in psql's query, if present.
std::optional<std::string> pattern_of(std::string_view sql, std::string_view what) {
    auto key = std::string(what) + " OPERATOR(pg_catalog.~) '";
    auto at = sql.find(key);
    if (at == std::string_view::npos) return std::nullopt;
    at += key.size();
    std::string out;
    for (size_t i = at; i < sql.size(); ++i) {
        if (sql[i] == '\'') {
            if (i + 1 < sql.size() && sql[i + 1] == '\'') {
                out += '\'';
                ++i;
                continue;
            }
            return out;
        }
        out += sql[i];
    }
    return std::nullopt;
}

bool matches(const std::optional<std::string>& pattern, const std::string& name) {
    if (!pattern) return true;
    try {
        return std::regex_search(name, std::regex(*pattern, std::regex::ECMAScript));
    } catch (const std::regex_error&) {
        return false;
    }
}

/// The relation whose oid appears quoted ('16385') in the query, with its index.
std::optional<size_t> quoted_oid(std::string_view sql, const std::vector<relation_info>& rels) {
    for (size_t i = 0; i < rels.size(); ++i) {
        auto q = fmt::format("'{}'", first_relation_oid + i);
        if (contains(sql, q)) return i;
    }
    return std::nullopt;
}

std::optional<query_result> list_relations(std::string_view sql,
                                           const std::vector<relation_info>& rels) {
    auto in = sql.find("c.relkind IN (");
    if (in == std::string_view::npos) return std::nullopt;
    auto close = sql.find(')', in);
    auto kinds = sql.substr(in, close - in);
    // Verbose forms (\d+) ask for more columns than these; they are not recognised.
    if (contains(sql, "as \"Size\"") || contains(sql, "as \"Description\"")) return std::nullopt;
    auto schema = pattern_of(sql, "n.nspname");
    auto name = pattern_of(sql, "c.relname");
    query_result r;
    r.columns = {col("Schema", oid::name), col("Name", oid::name), col("Type", oid::text),
                 col("Owner", oid::name)};
    if (matches(schema, "public"))
        for (const auto& rel : rels) {
            auto k = pg_kind(rel.kind);
            if (!contains(kinds, fmt::format("'{}'", k)) || !matches(name, rel.name)) continue;
            r.rows.push_back({cell{std::string("public")}, cell{rel.name}, cell{kind_label(k)},
                              cell{std::string("spate")}});
        }
    r.command_tag = fmt::format("SELECT {}", r.rows.size());
    return r;
}

std::optional<query_result> lookup_relation(std::string_view sql,
                                            const std::vector<relation_info>& rels) {
    auto schema = pattern_of(sql, "n.nspname");
    auto name = pattern_of(sql, "c.relname");
    query_result r;
    r.columns = {col("oid", oid::oid), col("nspname", oid::name), col("relname", oid::name)};
    if (matches(schema, "public"))
        for (size_t i = 0; i < rels.size(); ++i)
            if (matches(name, rels[i].name))
                r.rows.push_back({cell{static_cast<int64_t>(first_relation_oid + i)},
                                  cell{std::string("public")}, cell{rels[i].name}});
    r.command_tag = fmt::format("SELECT {}", r.rows.size());
    return r;
}

query_result relation_details(const relation_info& rel) {
    query_result r;
    r.columns = {col("relchecks", oid::int2),
                 col("relkind", oid::char_),
                 col("relhasindex", oid::bool_),
                 col("relhasrules", oid::bool_),
                 col("relhastriggers", oid::bool_),
                 col("relrowsecurity", oid::bool_),
                 col("relforcerowsecurity", oid::bool_),
                 col("relhasoids", oid::bool_),
                 col("relispartition", oid::bool_),
                 col("array_to_string", oid::text),
                 col("reltablespace", oid::oid),
                 col("reloftype", oid::text),
                 col("relpersistence", oid::char_),
                 col("relreplident", oid::char_),
                 col("amname", oid::name)};
    const char k = pg_kind(rel.kind);
    r.rows.push_back({cell{int64_t{0}}, cell{std::string(1, k)}, cell{false}, cell{false},
                      cell{false}, cell{false}, cell{false}, cell{false}, cell{false},
                      cell{std::string()}, cell{int64_t{0}}, cell{std::string()},
                      cell{std::string("p")}, cell{std::string("d")},
                      k == 'v' ? cell{} : cell{std::string("heap")}});
    r.command_tag = "SELECT 1";
    return r;
}

query_result relation_columns(const relation_info& rel) {
    query_result r;
    r.columns = {col("attname", oid::name),      col("format_type", oid::text),
                 col("pg_get_expr", oid::text),  col("attnotnull", oid::bool_),
                 col("attcollation", oid::name), col("attidentity", oid::char_),
                 col("attgenerated", oid::char_)};
    for (const auto& c : rel.columns)
        r.rows.push_back(
            {cell{c.name},
             cell{c.type_name.empty() ? std::string(type_name(c.type_oid)) : c.type_name}, cell{},
             cell{c.not_null}, cell{}, cell{std::string()}, cell{std::string()}});
    r.command_tag = fmt::format("SELECT {}", r.rows.size());
    return r;
}

query_result list_databases() {
    query_result r;
    r.columns = {col("Name", oid::name),
                 col("Owner", oid::name),
                 col("Encoding", oid::name),
                 col("Collate", oid::text),
                 col("Ctype", oid::text),
                 col("ICU Locale", oid::text),
                 col("Locale Provider", oid::text),
                 col("Access privileges", oid::text)};
    r.rows.push_back({cell{std::string("spate")}, cell{std::string("spate")},
                      cell{std::string("UTF8")}, cell{std::string("C")}, cell{std::string("C")},
                      cell{}, cell{std::string("libc")}, cell{}});
    r.command_tag = "SELECT 1";
    return r;
}

} // namespace

bool mentions_catalog(std::string_view sql) {
    return contains(sql, "pg_catalog.");
}

std::optional<query_result> answer_psql_catalog(std::string_view sql,
                                                std::vector<relation_info> relations) {
    if (!mentions_catalog(sql)) return std::nullopt;
    std::sort(relations.begin(), relations.end(),
              [](const relation_info& a, const relation_info& b) { return a.name < b.name; });
    if (contains(sql, "FROM pg_catalog.pg_database d") && contains(sql, "as \"Name\""))
        return list_databases();
    if (contains(sql, "pg_catalog.pg_get_userbyid(c.relowner) as \"Owner\"") &&
        contains(sql, "FROM pg_catalog.pg_class c"))
        return list_relations(sql, relations);
    if (sql.rfind("SELECT c.oid,\n  n.nspname,\n  c.relname\nFROM pg_catalog.pg_class c", 0) == 0)
        return lookup_relation(sql, relations);
    auto which = quoted_oid(sql, relations);
    if (!which) return std::nullopt;
    const auto& rel = relations[*which];
    if (contains(sql, "SELECT c.relchecks, c.relkind, c.relhasindex")) return relation_details(rel);
    if (contains(sql, "FROM pg_catalog.pg_attribute a") && contains(sql, "a.attname"))
        return relation_columns(rel);
    // A footer query about one of our relations (indexes, policies, statistics, publications,
    // inheritance, ...): spate has none of those.
    query_result none;
    none.columns = {col("?column?", oid::text)};
    none.command_tag = "SELECT 0";
    return none;
}

} // namespace spate::pgwire
