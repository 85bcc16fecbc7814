#include "pgwire/psql_catalog.h"

#include <gtest/gtest.h>

namespace spate::pgwire {
namespace {

std::vector<relation_info> rels() {
    return {{"zeta", 'r', "source", {{"id", oid::int8, "bigint", true}}},
            {"alpha", 'v', "view", {{"x", oid::text, "", false}}},
            {"mid", 'm', "materialized view", {}},
            {"out", 's', "sink", {}}};
}

// psql 15's \d query, with the kind list and pattern substituted as psql does.
std::string list_query(std::string kinds, std::string pattern = "") {
    std::string q =
        "SELECT n.nspname as \"Schema\",\n  c.relname as \"Name\",\n  CASE c.relkind WHEN 'r' "
        "THEN 'table' END as \"Type\",\n  pg_catalog.pg_get_userbyid(c.relowner) as \"Owner\"\n"
        "FROM pg_catalog.pg_class c\n     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = "
        "c.relnamespace\nWHERE c.relkind IN (" +
        kinds + ")\n";
    if (!pattern.empty())
        q +=
            "  AND c.relname OPERATOR(pg_catalog.~) '" + pattern + "' COLLATE pg_catalog.default\n";
    return q + "ORDER BY 1,2;";
}

std::vector<std::string> names(const query_result& r, size_t col) {
    std::vector<std::string> out;
    for (const auto& row : r.rows)
        out.push_back(std::get<std::string>(row.at(col)));
    return out;
}

TEST(psql_catalog, lists_relations_by_kind_and_pattern) {
    auto all = answer_psql_catalog(list_query("'r','p','v','m','S','f',''"), rels());
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ(names(*all, 1), (std::vector<std::string>{"alpha", "mid", "out", "zeta"}));
    EXPECT_EQ(names(*all, 2),
              (std::vector<std::string>{"view", "materialized view", "table", "table"}));
    auto tables = answer_psql_catalog(list_query("'r','p',''"), rels());
    EXPECT_EQ(names(*tables, 1), (std::vector<std::string>{"out", "zeta"}));
    auto views = answer_psql_catalog(list_query("'v',''"), rels());
    EXPECT_EQ(names(*views, 1), (std::vector<std::string>{"alpha"}));
    auto pattern = answer_psql_catalog(list_query("'r','p',''", "^(z.*)$"), rels());
    EXPECT_EQ(names(*pattern, 1), (std::vector<std::string>{"zeta"}));
    auto bad = answer_psql_catalog(list_query("'r'", "^(($"), rels());
    EXPECT_TRUE(bad->rows.empty());
}

TEST(psql_catalog, describes_one_relation) {
    std::string lookup = "SELECT c.oid,\n  n.nspname,\n  c.relname\nFROM pg_catalog.pg_class c\n"
                         "     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
                         "WHERE c.relname OPERATOR(pg_catalog.~) '^(zeta)$' COLLATE "
                         "pg_catalog.default\n";
    auto found = answer_psql_catalog(lookup, rels());
    ASSERT_TRUE(found.has_value());
    ASSERT_EQ(found->rows.size(), 1u);
    // Sorted by name, zeta is the fourth relation.
    EXPECT_EQ(std::get<int64_t>(found->rows[0][0]), first_relation_oid + 3);
    auto details = answer_psql_catalog(
        "SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules FROM pg_catalog.pg_class c "
        "WHERE c.oid = '16387';",
        rels());
    ASSERT_TRUE(details.has_value());
    EXPECT_EQ(std::get<std::string>(details->rows[0][1]), "r");
    auto columns = answer_psql_catalog(
        "SELECT a.attname,\n  pg_catalog.format_type(a.atttypid, a.atttypmod)\nFROM "
        "pg_catalog.pg_attribute a\nWHERE a.attrelid = '16384' AND a.attnum > 0",
        rels());
    ASSERT_TRUE(columns.has_value());
    ASSERT_EQ(columns->rows.size(), 1u);
    EXPECT_EQ(std::get<std::string>(columns->rows[0][0]), "x");
    EXPECT_EQ(std::get<std::string>(columns->rows[0][1]), "text"); // from the type oid
    auto footer = answer_psql_catalog(
        "SELECT pol.polname FROM pg_catalog.pg_policy pol WHERE pol.polrelid = '16384'", rels());
    ASSERT_TRUE(footer.has_value());
    EXPECT_TRUE(footer->rows.empty());
}

TEST(psql_catalog, leaves_other_queries_alone) {
    EXPECT_FALSE(answer_psql_catalog("SELECT 1", rels()).has_value());
    EXPECT_FALSE(
        answer_psql_catalog("SELECT * FROM pg_catalog.pg_type WHERE oid = '99999'", rels()));
    // Verbose listings (\d+) are not recognised.
    EXPECT_FALSE(answer_psql_catalog(list_query("'r'") + " as \"Size\"", rels()).has_value());
}

} // namespace
} // namespace spate::pgwire
