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

    e = error_of("SELECT rank() OVER (ORDER BY price) FROM bids");
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

namespace {

const plan::join_step& only_join(const plan::dataflow& d) {
    const plan::join_step* j = nullptr;
    for (const auto& st : d.steps)
        if (const auto* x = std::get_if<plan::join_step>(&st)) {
            EXPECT_EQ(j, nullptr) << "one join expected";
            j = x;
        }
    if (!j) throw std::runtime_error("no join step");
    return *j;
}

} // namespace

TEST(binder, a_join_takes_equality_keys_and_pushes_one_sided_conditions_into_its_inputs) {
    auto d = plan_of("SELECT a.auction, b.price FROM bids a JOIN bids b ON a.auction = b.auction "
                     "AND b.price > 10 AND a.price < b.price WHERE a.channel = 'web'");
    const auto& j = only_join(d);
    EXPECT_EQ(j.config.kind, exec::join_kind::inner);
    EXPECT_EQ(j.config.left.keys, (std::vector<uint32_t>{0}));
    EXPECT_EQ(j.config.right.keys, (std::vector<uint32_t>{0}));
    ASSERT_TRUE(j.config.residual);
    EXPECT_EQ(j.config.residual->to_string(), "(price < price)");
    EXPECT_FALSE(j.bounded_state);
    // WHERE a.channel = 'web' filters the left input, b.price > 10 the right one.
    ASSERT_TRUE(std::holds_alternative<plan::stateless_step>(d.steps[0]));
    EXPECT_EQ(std::get<plan::stateless_step>(d.steps[0]).predicate->to_string(),
              "(channel = 'web')");
    ASSERT_EQ(j.right->steps.size(), 1u);
    EXPECT_EQ(std::get<plan::stateless_step>(j.right->steps[0]).predicate->to_string(),
              "(price > 10)");
    EXPECT_EQ(visible_names(d), (std::vector<std::string>{"auction", "price"}));
    EXPECT_FALSE(d.changelog);
    EXPECT_EQ(plan::sources_of(d).size(), 2u);
}

TEST(binder, comma_joins_take_their_keys_from_where_and_outer_joins_keep_where_after) {
    auto d = plan_of("SELECT * FROM bids a, bids b WHERE a.auction = b.auction");
    EXPECT_EQ(only_join(d).config.left.keys.size(), 1u);
    EXPECT_FALSE(only_join(d).config.residual);

    // WHERE after a LEFT JOIN filters the padded rows too: it is not part of the join.
    d = plan_of("SELECT a.auction FROM bids a LEFT JOIN bids b ON a.auction = b.auction "
                "WHERE b.price IS NULL");
    const auto& j = only_join(d);
    EXPECT_EQ(j.config.kind, exec::join_kind::left);
    EXPECT_TRUE(j.right->steps.empty());
    EXPECT_TRUE(d.changelog) << "padded rows are retracted when a partner arrives";
    ASSERT_TRUE(std::holds_alternative<plan::stateless_step>(d.steps.back()));
    EXPECT_TRUE(std::get<plan::stateless_step>(d.steps.back()).predicate);

    // A condition on the preserved side of an outer join stays in the join.
    d = plan_of("SELECT a.auction FROM bids a LEFT JOIN bids b ON a.auction = b.auction AND "
                "a.price > 5");
    ASSERT_TRUE(only_join(d).config.residual);
    EXPECT_EQ(only_join(d).config.residual->to_string(), "(price > 5)");
}

TEST(binder, an_interval_on_both_watermark_columns_bounds_the_join_state) {
    auto d = plan_of("SELECT a.auction FROM bids a JOIN bids b ON a.auction = b.auction AND "
                     "a.ts BETWEEN b.ts - INTERVAL '10' SECOND AND b.ts + INTERVAL '2' SECOND");
    // No WATERMARK on the test source: nothing bounds it.
    EXPECT_FALSE(only_join(d).bounded_state);

    d = plan_of("SELECT * FROM (SELECT auction, count(*) AS n, window_end FROM "
                "TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND) GROUP BY auction, "
                "window_start, window_end) a JOIN (SELECT max(price) AS top, window_end FROM "
                "TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND) GROUP BY window_start, "
                "window_end) b ON a.window_end = b.window_end");
    const auto& j = only_join(d);
    EXPECT_TRUE(j.bounded_state) << j.state_note;
    ASSERT_TRUE(j.config.left.time && j.config.right.time);
    EXPECT_EQ(*j.config.left.time, 2u);
    EXPECT_EQ(*j.config.right.time, 1u);
    EXPECT_EQ(j.config.left.expire_after_ms, 0);
    EXPECT_FALSE(d.changelog);
    EXPECT_TRUE(plan::unbounded_state(d).empty());
}

TEST(binder, using_merges_the_named_columns) {
    auto d = plan_of("SELECT * FROM bids a FULL JOIN bids b USING (auction)");
    auto names = visible_names(d);
    ASSERT_EQ(names.size(), 7u);
    EXPECT_EQ(names[0], "auction");
    EXPECT_EQ(names[1], "price");
    EXPECT_EQ(error_of("SELECT * FROM bids a JOIN bids b USING (nope)").sqlstate, "42703");
}

TEST(binder, with_queries_are_planned_where_they_are_used) {
    auto d = plan_of("WITH cheap AS (SELECT auction, price FROM bids WHERE price < 5), "
                     "n AS (SELECT auction, count(*) AS c FROM cheap GROUP BY auction) "
                     "SELECT * FROM n WHERE c > 1");
    EXPECT_EQ(visible_names(d), (std::vector<std::string>{"auction", "c"}));
    EXPECT_TRUE(d.changelog);
    auto e = error_of("WITH x AS (SELECT * FROM x) SELECT * FROM x");
    EXPECT_EQ(e.sqlstate, "0A000") << e.message;
}

TEST(binder, row_number_takes_its_limit_from_the_enclosing_filter) {
    const std::string inner = "SELECT auction, price, ROW_NUMBER() OVER (PARTITION BY auction "
                              "ORDER BY price DESC) AS rn FROM bids";
    auto d = plan_of("SELECT * FROM (" + inner + ") WHERE rn <= 3", true);
    const plan::rank_step* r = nullptr;
    for (const auto& st : d.steps)
        if (const auto* x = std::get_if<plan::rank_step>(&st)) r = x;
    ASSERT_TRUE(r);
    EXPECT_EQ(r->config.limit, 3);
    EXPECT_EQ(r->config.partition_keys, (std::vector<uint32_t>{0}));
    ASSERT_EQ(r->config.order.size(), 1u);
    EXPECT_TRUE(r->config.order[0].descending);
    EXPECT_TRUE(d.changelog);
    EXPECT_EQ(visible_names(d), (std::vector<std::string>{"auction", "price", "rn"}));

    d = plan_of("SELECT * FROM (" + inner + ") WHERE 1 = rn", true);
    for (const auto& st : d.steps)
        if (const auto* x = std::get_if<plan::rank_step>(&st)) {
            EXPECT_EQ(x->config.limit, 1);
        }

    auto e = error_of("SELECT * FROM (" + inner + ") WHERE price > 1", true);
    EXPECT_EQ(e.sqlstate, "0A000");
    EXPECT_NE(e.message.find("rank filter"), std::string::npos) << e.message;
    // A bounded query numbers every row.
    EXPECT_NO_THROW(plan_of(inner));
    e = error_of("SELECT auction, count(*), ROW_NUMBER() OVER () FROM bids GROUP BY auction");
    EXPECT_EQ(e.sqlstate, "0A000");
}

TEST(binder, a_join_keeps_only_the_columns_read_after_it) {
    auto d = plan_of("SELECT a.price FROM bids a JOIN bids b ON a.auction = b.auction AND "
                     "a.ts < b.ts");
    const auto& j = only_join(d);
    // price for the SELECT list, ts on both sides for the residual; keys are kept anyway.
    EXPECT_EQ(j.config.left.keep, (std::vector<uint32_t>{1, 3}));
    EXPECT_EQ(j.config.right.keep, (std::vector<uint32_t>{3}));
    ASSERT_TRUE(j.config.residual);
    EXPECT_EQ(j.config.residual->to_string(), "(ts < ts)");
    EXPECT_EQ(j.config.residual->args[0]->column_index, 1u);
    EXPECT_EQ(j.config.residual->args[1]->column_index, 2u);
    const auto& after = std::get<plan::stateless_step>(d.steps.back());
    ASSERT_EQ(after.projections.size(), 1u);
    EXPECT_EQ(after.projections[0]->column_index, 0u);
}
