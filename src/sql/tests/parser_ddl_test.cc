#include "sql/parser.h"
#include "test_util.h"

#include <gtest/gtest.h>

namespace spate::sql {
namespace {

using testing::stmt_rt;

TEST(parse_ddl, create_source) {
    const char* sql = "CREATE SOURCE IF NOT EXISTS bid (\n"
                      "  auction BIGINT NOT NULL,\n"
                      "  bidder BIGINT NULL,\n"
                      "  price BIGINT CHECK (price > 0),\n"
                      "  date_time TIMESTAMP(3),\n"
                      "  extra VARCHAR,\n"
                      "  CHECK (bidder <> auction),\n"
                      "  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND,\n"
                      "  PRIMARY KEY (auction, bidder)\n"
                      ") WITH (connector = 'kafka', topic = 'bids', 'scan.startup.mode' = "
                      "'earliest', properties.bootstrap.server = 'x:9092', partitions = 4, "
                      "rate = -1.5, strict = true, format = json)";
    auto s = stmt_rt(sql);
    ASSERT_EQ(s->kind, statement_kind::create_source);
    const auto& c = s->as<create_source_statement>();
    EXPECT_TRUE(c.if_not_exists);
    EXPECT_EQ(c.name, (qualified_name{"bid"}));
    ASSERT_EQ(c.columns.size(), 5u);
    EXPECT_TRUE(c.columns[0].not_null);
    EXPECT_FALSE(c.columns[1].not_null);
    EXPECT_TRUE(c.columns[2].check);
    EXPECT_EQ(to_sql(c.columns[3].type), "timestamp(3)");
    EXPECT_EQ(c.columns[3].pos.line, 5u);
    EXPECT_EQ(c.checks.size(), 1u);
    ASSERT_EQ(c.watermarks.size(), 1u);
    EXPECT_EQ(c.watermarks[0].column, "date_time");
    EXPECT_EQ(to_sql(*c.watermarks[0].value), "(date_time - INTERVAL '4' SECOND)");
    EXPECT_EQ(c.primary_key, (std::vector<std::string>{"auction", "bidder"}));
    ASSERT_EQ(c.options.size(), 8u);
    EXPECT_EQ(c.options[0].key, "connector");
    EXPECT_EQ(c.options[0].value, "kafka");
    EXPECT_EQ(c.options[2].key, "scan.startup.mode");
    EXPECT_EQ(c.options[3].key, "properties.bootstrap.server");
    EXPECT_EQ(c.options[4].kind, option_value_kind::number);
    EXPECT_EQ(c.options[4].value, "4");
    EXPECT_EQ(c.options[5].value, "-1.5");
    EXPECT_EQ(c.options[6].kind, option_value_kind::boolean);
    EXPECT_EQ(c.options[6].value, "true");
    EXPECT_EQ(c.options[7].kind, option_value_kind::identifier);
    EXPECT_EQ(c.options[7].value, "json");
    EXPECT_EQ(s->text(sql), sql);
}

TEST(parse_ddl, create_table_is_its_own_kind) {
    auto s = stmt_rt("CREATE TABLE people (id int PRIMARY KEY, name text) WITH (path = 'p.csv')");
    ASSERT_EQ(s->kind, statement_kind::create_table);
    const auto& c = s->as<create_source_statement>();
    EXPECT_TRUE(c.columns[0].primary_key);
    EXPECT_EQ(c.primary_key, (std::vector<std::string>{"id"}));
    EXPECT_THROW(parse_statement("CREATE TABLE t (a int PRIMARY KEY, PRIMARY KEY (a))"),
                 syntax_error);
    EXPECT_THROW(parse_statement("CREATE SOURCE s (a int) WITH (k 'v')"), syntax_error);
    EXPECT_THROW(parse_statement("CREATE SOURCE s (a) WITH (k = 'v')"), syntax_error);
    EXPECT_THROW(parse_statement("CREATE SOURCE s (a int,) WITH (k = 'v')"), syntax_error);
}

TEST(parse_ddl, create_views) {
    const char* sql = "CREATE MATERIALIZED VIEW IF NOT EXISTS mv (a, n) WITH (retention = '1h') "
                      "AS SELECT a, count(*) FROM t GROUP BY a";
    auto s = stmt_rt(sql);
    ASSERT_EQ(s->kind, statement_kind::create_materialized_view);
    const auto& v = s->as<create_view_statement>();
    EXPECT_TRUE(v.if_not_exists);
    EXPECT_EQ(v.column_aliases.size(), 2u);
    EXPECT_EQ(v.options.size(), 1u);
    EXPECT_EQ(std::string_view(sql).substr(v.query_offset, v.query_length),
              "SELECT a, count(*) FROM t GROUP BY a");
    s = stmt_rt("CREATE VIEW v AS SELECT 1");
    EXPECT_EQ(s->kind, statement_kind::create_view);
    EXPECT_THROW(parse_statement("CREATE VIEW v SELECT 1"), syntax_error);
    EXPECT_THROW(parse_statement("CREATE MATERIALIZED v AS SELECT 1"), syntax_error);
}

TEST(parse_ddl, create_sink_both_orders) {
    auto s = stmt_rt("CREATE SINK IF NOT EXISTS out FROM mv WITH (connector = 'kafka')");
    const auto& a = s->as<create_sink_statement>();
    EXPECT_EQ(a.from, (qualified_name{"mv"}));
    EXPECT_FALSE(a.body);
    s = stmt_rt("CREATE SINK out AS SELECT * FROM mv WITH (connector = 'kafka')");
    EXPECT_TRUE(s->as<create_sink_statement>().body);
    EXPECT_EQ(s->as<create_sink_statement>().options.size(), 1u);
    s = stmt_rt("CREATE SINK out WITH (connector = 'kafka') AS SELECT * FROM mv");
    EXPECT_TRUE(s->as<create_sink_statement>().body);
    EXPECT_THROW(parse_statement("CREATE SINK out WITH (connector = 'kafka')"), syntax_error);
    EXPECT_THROW(parse_statement("CREATE SINK out FROM mv"), syntax_error);
}

TEST(parse_ddl, drop) {
    auto s = stmt_rt("DROP MATERIALIZED VIEW IF EXISTS a, s.b CASCADE");
    const auto& d = s->as<drop_statement>();
    EXPECT_EQ(d.object, object_kind::materialized_view);
    EXPECT_TRUE(d.if_exists);
    EXPECT_TRUE(d.cascade);
    EXPECT_EQ(d.names.size(), 2u);
    EXPECT_EQ(stmt_rt("DROP SINK k RESTRICT")->as<drop_statement>().object, object_kind::sink);
    EXPECT_EQ(stmt_rt("DROP source k")->as<drop_statement>().object, object_kind::source);
    EXPECT_EQ(stmt_rt("DROP TABLE k")->as<drop_statement>().object, object_kind::table);
    EXPECT_EQ(stmt_rt("DROP VIEW k")->as<drop_statement>().object, object_kind::view);
    EXPECT_THROW(parse_statement("DROP INDEX k"), syntax_error);
    EXPECT_THROW(parse_statement("DROP VIEW"), syntax_error);
}

TEST(parse_ddl, show_and_describe) {
    struct {
        const char* sql;
        show_kind what;
    } cases[] = {
        {"SHOW SOURCES", show_kind::sources},
        {"SHOW VIEWS", show_kind::views},
        {"SHOW MATERIALIZED VIEWS", show_kind::materialized_views},
        {"SHOW SINKS", show_kind::sinks},
        {"SHOW TABLES", show_kind::tables},
        {"SHOW ALL", show_kind::all},
        {"SHOW COLUMNS FROM bid", show_kind::columns},
        {"SHOW CREATE MATERIALIZED VIEW mv", show_kind::create},
        {"SHOW search_path", show_kind::variable},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(stmt_rt(c.sql)->as<show_statement>().what, c.what) << c.sql;
    }
    auto s = stmt_rt("SHOW CREATE SOURCE s.bid");
    EXPECT_EQ(s->as<show_statement>().object, object_kind::source);
    EXPECT_EQ(s->as<show_statement>().name, (qualified_name{"s", "bid"}));
    EXPECT_EQ(stmt_rt("SHOW TRANSACTION ISOLATION LEVEL")->as<show_statement>().variable,
              "transaction isolation level");
    EXPECT_EQ(stmt_rt("DESCRIBE bid")->as<describe_statement>().name, (qualified_name{"bid"}));
    EXPECT_EQ(stmt_rt("DESC s.bid")->as<describe_statement>().name.size(), 2u);
    EXPECT_THROW(parse_statement("SHOW"), syntax_error);
    EXPECT_THROW(parse_statement("DESCRIBE"), syntax_error);
}

TEST(parse_ddl, explain) {
    auto s = stmt_rt("EXPLAIN SELECT 1");
    EXPECT_EQ(s->as<explain_statement>().target->kind, statement_kind::query);
    s = stmt_rt("EXPLAIN ANALYZE VERBOSE SELECT 1");
    EXPECT_TRUE(s->as<explain_statement>().analyze);
    EXPECT_TRUE(s->as<explain_statement>().verbose);
    s = stmt_rt("EXPLAIN (verbose, format json) CREATE MATERIALIZED VIEW v AS SELECT 1");
    const auto& e = s->as<explain_statement>();
    EXPECT_TRUE(e.verbose);
    EXPECT_FALSE(e.analyze);
    EXPECT_EQ(e.options[1].key, "format");
    EXPECT_EQ(e.options[1].value, "json");
    EXPECT_EQ(e.target->kind, statement_kind::create_materialized_view);
    EXPECT_EQ(stmt_rt("EXPLAIN (SELECT 1)")->as<explain_statement>().target->kind,
              statement_kind::query);
    EXPECT_THROW(parse_statement("EXPLAIN DROP VIEW v"), syntax_error);
}

TEST(parse_ddl, insert_and_copy) {
    auto s = stmt_rt("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')");
    const auto& i = s->as<insert_statement>();
    EXPECT_EQ(i.columns.size(), 2u);
    EXPECT_EQ(i.body->body->kind, query_body_kind::values);
    s = stmt_rt("INSERT INTO t SELECT * FROM u");
    EXPECT_TRUE(s->as<insert_statement>().columns.empty());
    EXPECT_THROW(parse_statement("INSERT t VALUES (1)"), syntax_error);

    s = stmt_rt("COPY (SELECT * FROM mv) TO 'out.csv' WITH (format csv, header)");
    const auto& c = s->as<copy_statement>();
    EXPECT_TRUE(c.to);
    EXPECT_TRUE(c.body);
    EXPECT_EQ(c.file, "out.csv");
    ASSERT_EQ(c.options.size(), 2u);
    EXPECT_EQ(c.options[1].key, "header");
    EXPECT_EQ(c.options[1].value, "true");
    s = stmt_rt("COPY t (a, b) FROM 'in.csv' (FORMAT 'csv', DELIMITER = ';')");
    EXPECT_FALSE(s->as<copy_statement>().to);
    EXPECT_EQ(s->as<copy_statement>().columns.size(), 2u);
    EXPECT_EQ(s->as<copy_statement>().options[1].value, ";");
    EXPECT_THROW(parse_statement("COPY t 'x'"), syntax_error);
    EXPECT_THROW(parse_statement("COPY t FROM x"), syntax_error);
}

TEST(parse_ddl, session_statements_keep_their_text) {
    struct {
        const char* sql;
        session_kind what;
        const char* name;
    } cases[] = {
        {"SET search_path TO public", session_kind::set, "search_path"},
        {"set application_name = 'psql'", session_kind::set, "application_name"},
        {"SET SESSION TIME ZONE 'UTC'", session_kind::set, "time"},
        {"SET a.b = 1", session_kind::set, "a.b"},
        {"RESET ALL", session_kind::reset, "all"},
        {"BEGIN", session_kind::begin, ""},
        {"START TRANSACTION READ ONLY", session_kind::begin, ""},
        {"COMMIT", session_kind::commit, ""},
        {"ROLLBACK", session_kind::rollback, ""},
    };
    for (const auto& c : cases) {
        auto s = parse_statement(c.sql);
        ASSERT_EQ(s->kind, statement_kind::session) << c.sql;
        EXPECT_EQ(s->as<session_statement>().what, c.what) << c.sql;
        EXPECT_EQ(s->as<session_statement>().name, c.name) << c.sql;
        EXPECT_EQ(s->as<session_statement>().text, c.sql);
    }
    EXPECT_THROW(parse_statement("SET"), syntax_error);
}

TEST(parse_statements, several_with_text_ranges) {
    std::string_view sql = "  SELECT 1;\n;CREATE VIEW v AS SELECT 2 ; SET x = 1; show sources";
    auto all = parse_statements(sql);
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0]->text(sql), "SELECT 1");
    EXPECT_EQ(all[1]->text(sql), "CREATE VIEW v AS SELECT 2");
    EXPECT_EQ(all[2]->text(sql), "SET x = 1");
    EXPECT_EQ(all[3]->text(sql), "show sources");
    EXPECT_EQ(all[1]->pos.line, 2u);
    EXPECT_EQ(all[1]->pos.column, 2u);
    EXPECT_TRUE(parse_statements("").empty());
    EXPECT_TRUE(parse_statements(" ;; -- nothing\n").empty());
    EXPECT_THROW(parse_statement(""), syntax_error);
    EXPECT_THROW(parse_statement("SELECT 1; SELECT 2"), syntax_error);
    EXPECT_NO_THROW(parse_statement("SELECT 1;"));
    EXPECT_THROW(parse_statements("SELECT 1 SELECT 2"), syntax_error);
}

} // namespace
} // namespace spate::sql
