#include "plan/binder.h"
#include "sql/parser.h"
#include "sql/sql_error.h"

#include <gtest/gtest.h>

using namespace spate;
using columnar::type_id;

namespace {

/// A catalog with one source, `bids(auction bigint, price bigint, channel varchar, ts
/// timestamp)` with a watermark, and one view `totals(channel varchar, n bigint)`.
class test_catalog final : public plan::catalog_reader {
public:
    test_catalog() {
        auto s = std::make_shared<plan::source_def>();
        s->name = "bids";
        s->topic = "bids";
        s->format = "json";
        s->columns = {{"auction", type_id::int64, true, false},
                      {"price", type_id::int64, false, false},
                      {"channel", type_id::varchar, false, false},
                      {"ts", type_id::timestamp, false, false}};
        _bids = s;
        _totals.name = "totals";
        _totals.columns = {{"channel", type_id::varchar, false, false},
                           {"n", type_id::int64, false, false}};
    }
    std::shared_ptr<const plan::source_def> find_source(const std::string& n) const override {
        return n == "bids" ? _bids : nullptr;
    }
    const plan::relation_shape* find_view(const std::string& n) const override {
        return n == "totals" ? &_totals : nullptr;
    }
    std::vector<std::string> relation_names() const override { return {"bids", "totals"}; }

private:
    std::shared_ptr<plan::source_def> _bids;
    plan::relation_shape _totals;
};

plan::dataflow plan_of(const std::string& sql, bool continuous = false) {
    test_catalog cat;
    auto q = sql::parse_query(sql);
    plan::bind_options opt;
    opt.continuous = continuous;
    return plan::plan_query(*q, cat, opt);
}

/// The error planning `sql` throws.
sql::sql_error error_of(const std::string& sql, bool continuous = false) {
    try {
        plan_of(sql, continuous);
    } catch (const sql::sql_error& e) {
        return e;
    }
    ADD_FAILURE() << "no error for: " << sql;
    return sql::sql_error("", "", {});
}

std::vector<std::string> visible_names(const plan::dataflow& d) {
    std::vector<std::string> n;
    for (const auto& c : d.output)
        if (!c.hidden) n.push_back(c.name);
    return n;
}

} // namespace

TEST(binder, a_filter_and_projection_keep_the_origin_columns_hidden) {
    auto d = plan_of("SELECT auction, price * 2 AS p2 FROM bids WHERE channel = 'Google'");
    EXPECT_EQ(d.input, plan::input_kind::source);
    EXPECT_EQ(visible_names(d), (std::vector<std::string>{"auction", "p2"}));
    EXPECT_EQ(d.output.size(), 4u) << "the source partition and offset travel hidden";
    EXPECT_FALSE(d.changelog);
    ASSERT_EQ(d.steps.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<plan::stateless_step>(d.steps[0]));
}

TEST(binder, a_tumbling_window_aggregate_is_windowed_and_keys_window_end) {
    auto d = plan_of("SELECT window_start, auction, count(*) AS n, max(price) FROM "
                     "TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND) "
                     "GROUP BY window_start, auction");
    EXPECT_TRUE(d.windowed);
    EXPECT_FALSE(d.changelog);
    EXPECT_EQ(visible_names(d), (std::vector<std::string>{"window_start", "auction", "n", "max"}));
    const plan::aggregate_step* agg = nullptr;
    for (const auto& s : d.steps)
        if (auto* a = std::get_if<plan::aggregate_step>(&s)) agg = a;
    ASSERT_NE(agg, nullptr);
    ASSERT_TRUE(agg->config.window_end_key.has_value()) << "window_end is added as a key";
    EXPECT_EQ(agg->config.keys.size(), 3u);
    auto lines = plan::explain(d);
    ASSERT_GE(lines.size(), 5u);
    // channel is not used: it is dropped before the window repeats rows.
    EXPECT_EQ(lines[2], "  Project: auction, price, ts, _partition, _offset");
    EXPECT_EQ(lines[3], "  Tumble: $3 into 10000 ms windows");
}

TEST(binder, unwindowed_aggregates_are_changelogs_and_group_by_accepts_positions_and_names) {
    auto d = plan_of("SELECT channel AS c, count(*) FROM bids GROUP BY 1 HAVING count(*) > 1");
    EXPECT_TRUE(d.changelog);
    auto e = plan_of("SELECT channel AS c, count(*) FROM bids GROUP BY c");
    EXPECT_EQ(visible_names(e), (std::vector<std::string>{"c", "count"}));
}

TEST(binder, bounded_queries_sort_and_limit) {
    auto d = plan_of("SELECT auction, price FROM bids ORDER BY price DESC, 1 LIMIT 5 OFFSET 2");
    ASSERT_EQ(d.order_by.size(), 2u);
    EXPECT_EQ(d.order_by[0].column, 1u);
    EXPECT_TRUE(d.order_by[0].descending);
    EXPECT_TRUE(d.order_by[0].nulls_first) << "DESC puts NULLs first, as in Postgres";
    EXPECT_EQ(d.order_by[1].column, 0u);
    EXPECT_EQ(d.limit, 5);
    EXPECT_EQ(d.offset, 2);
}

TEST(binder, errors_name_what_is_wrong_and_where) {
    auto e = error_of("SELECT prise FROM bids");
    EXPECT_EQ(e.sqlstate, "42703");
    EXPECT_EQ(e.message, "column \"prise\" does not exist");
    EXPECT_EQ(e.hint, "Perhaps you meant to reference the column \"price\".");
    EXPECT_EQ(e.pos.column, 8u);

    e = error_of("SELECT * FROM bidz");
    EXPECT_EQ(e.sqlstate, "42P01");
    EXPECT_EQ(e.hint, "Perhaps you meant \"bids\".");

    e = error_of("SELECT channel, price FROM bids GROUP BY channel");
    EXPECT_EQ(e.sqlstate, "42803");
    EXPECT_NE(e.message.find("\"price\" must appear in the GROUP BY clause"), std::string::npos);

    e = error_of("SELECT * FROM bids WHERE count(*) > 1");
    EXPECT_EQ(e.sqlstate, "42803");

    e = error_of("SELECT auction FROM bids ORDER BY auction", /*continuous=*/true);
    EXPECT_EQ(e.sqlstate, "0A000");

    e = error_of("SELECT * FROM TUMBLE(TABLE bids, DESCRIPTOR(channel), INTERVAL '1' SECOND)");
    EXPECT_EQ(e.sqlstate, "42804") << e.message;

    e = error_of("SELECT * FROM bids a JOIN totals b ON a.channel = b.channel");
    EXPECT_EQ(e.sqlstate, "0A000");

    e = error_of("SELECT lower(price) FROM bids");
    EXPECT_EQ(e.sqlstate, "42883");
}

TEST(binder, create_source_checks_columns_constraints_and_options) {
    auto parse = [](const std::string& sql) {
        auto s = sql::parse_statement(sql);
        return plan::plan_source(s->as<sql::create_source_statement>(), sql);
    };
    auto def = parse("CREATE SOURCE s (a BIGINT NOT NULL, b TEXT CHECK (b <> ''), ts TIMESTAMP, "
                     "WATERMARK FOR ts AS ts - INTERVAL '4' SECOND) "
                     "WITH (topic = 't', format = 'csv', idle_timeout = '2 seconds')");
    EXPECT_EQ(def.topic, "t");
    EXPECT_EQ(def.format, "csv");
    EXPECT_EQ(def.idle_timeout_ms, 2000);
    EXPECT_TRUE(def.columns[0].not_null);
    ASSERT_EQ(def.checks.size(), 1u);
    EXPECT_EQ(def.checks[0].second, "b <> ''");
    EXPECT_EQ(def.watermark_column, 2u);
    EXPECT_EQ(def.dead_letter_topic, "s_dead_letter");
    EXPECT_EQ(def.late_topic, "s_late");
    try {
        parse("CREATE SOURCE s (a BIGINT) WITH (fromat = 'json')");
        FAIL() << "an unknown option is refused";
    } catch (const sql::sql_error& e) {
        EXPECT_EQ(e.sqlstate, "22023");
        EXPECT_EQ(e.hint, "Perhaps you meant 'format'.");
    }
    try {
        parse("CREATE SOURCE s (a BIGINT, WATERMARK FOR a AS a)");
        FAIL() << "a watermark needs a timestamp";
    } catch (const sql::sql_error& e) {
        EXPECT_EQ(e.sqlstate, "42804");
    }
}
