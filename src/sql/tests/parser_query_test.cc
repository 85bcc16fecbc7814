#include "sql/parser.h"
#include "test_util.h"

#include <gtest/gtest.h>

namespace spate::sql {
namespace {

using testing::query_rt;
using testing::query_sql;
using testing::stmt_rt;

const select_core& core(const query& q) {
    return q.body->as<select_core>();
}

TEST(parse_query, select_clauses) {
    auto q = query_rt("SELECT DISTINCT a, b AS bee, c cee, * , t.* FROM t WHERE a > 1 "
                      "GROUP BY a, b HAVING count(*) > 2 ORDER BY a DESC, b NULLS FIRST "
                      "LIMIT 10 OFFSET 5");
    const auto& s = core(*q);
    EXPECT_TRUE(s.distinct);
    ASSERT_EQ(s.items.size(), 5u);
    EXPECT_EQ(s.items[1].alias, "bee");
    EXPECT_EQ(s.items[2].alias, "cee");
    EXPECT_EQ(s.items[3].value->kind, expr_kind::star);
    EXPECT_EQ(s.items[4].value->as<star_expr>().qualifier, (qualified_name{"t"}));
    EXPECT_TRUE(s.where);
    EXPECT_EQ(s.group_by.size(), 2u);
    EXPECT_TRUE(s.having);
    ASSERT_EQ(q->order_by.size(), 2u);
    EXPECT_TRUE(q->order_by[0].descending);
    EXPECT_EQ(q->order_by[1].nulls, nulls_order::first);
    EXPECT_EQ(q->limit->as<literal_expr>().int_value, 10);
    EXPECT_EQ(q->offset->as<literal_expr>().int_value, 5);
}

TEST(parse_query, distinct_on_limit_all_fetch_first) {
    auto q = query_rt("SELECT DISTINCT ON (a, b) a, c FROM t LIMIT ALL");
    EXPECT_EQ(core(*q).distinct_on.size(), 2u);
    EXPECT_FALSE(q->limit);
    q = query_rt("SELECT a FROM t OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY");
    EXPECT_EQ(q->limit->as<literal_expr>().int_value, 3);
    EXPECT_EQ(q->offset->as<literal_expr>().int_value, 2);
    q = query_rt("SELECT a FROM t FETCH NEXT ROW ONLY");
    EXPECT_EQ(q->limit->as<literal_expr>().int_value, 1);
    EXPECT_THROW(parse_query("SELECT a FROM t LIMIT 1 LIMIT 2"), syntax_error);
    EXPECT_THROW(parse_query("SELECT a FROM t FETCH FIRST 3 ROWS"), syntax_error);
}

TEST(parse_query, select_without_from_and_aliases_of_keywords) {
    auto q = query_rt("SELECT 1 AS from, 2 AS \"Select\", 3 value, 4 AS select");
    const auto& s = core(*q);
    EXPECT_TRUE(s.from.empty());
    EXPECT_EQ(s.items[0].alias, "from");
    EXPECT_EQ(s.items[1].alias, "Select");
    EXPECT_EQ(s.items[2].alias, "value");
}

TEST(parse_query, window_and_qualify_clauses) {
    auto q = query_rt("SELECT a, rank() OVER w AS r FROM t WINDOW w AS (PARTITION BY b ORDER BY "
                      "c) QUALIFY rank() OVER w <= 3");
    const auto& s = core(*q);
    ASSERT_EQ(s.windows.size(), 1u);
    EXPECT_EQ(s.windows[0].name, "w");
    EXPECT_EQ(s.windows[0].spec.partition_by.size(), 1u);
    EXPECT_TRUE(s.qualify);
    EXPECT_TRUE(core(*query_rt("SELECT a FROM t QUALIFY a > 1")).qualify);
}

TEST(parse_query, with_and_set_operations) {
    auto q = query_rt("WITH x (a, b) AS (SELECT 1, 2), y AS (SELECT * FROM x) "
                      "SELECT a FROM x UNION ALL SELECT b FROM y");
    ASSERT_EQ(q->with.size(), 2u);
    EXPECT_EQ(q->with[0].column_aliases, (std::vector<std::string>{"a", "b"}));
    ASSERT_EQ(q->body->kind, query_body_kind::set_operation);
    EXPECT_TRUE(q->body->as<set_operation_body>().all);

    // INTERSECT binds tighter than UNION and EXCEPT, which are left-associative.
    q = query_rt("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4");
    const auto& top = q->body->as<set_operation_body>();
    EXPECT_EQ(top.op, set_op::except);
    const auto& left = top.left->as<set_operation_body>();
    EXPECT_EQ(left.op, set_op::union_);
    EXPECT_EQ(left.right->as<set_operation_body>().op, set_op::intersect);

    q = query_rt("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
    EXPECT_EQ(q->body->as<set_operation_body>().left->as<set_operation_body>().op, set_op::union_);
    q = query_rt("(SELECT a FROM t ORDER BY a LIMIT 1) UNION SELECT 2 ORDER BY 1");
    EXPECT_EQ(q->body->as<set_operation_body>().left->kind, query_body_kind::nested);
    EXPECT_EQ(q->order_by.size(), 1u);
    q = query_rt("((SELECT 1))");
    EXPECT_EQ(q->body->kind, query_body_kind::select);
    EXPECT_THROW(parse_query("WITH RECURSIVE x AS (SELECT 1) SELECT 1"), not_supported_error);
}

TEST(parse_query, values) {
    auto q = query_rt("VALUES (1, 'a'), (2, 'b')");
    ASSERT_EQ(q->body->kind, query_body_kind::values);
    EXPECT_EQ(q->body->as<values_body>().rows.size(), 2u);
    q = query_rt("SELECT * FROM (VALUES (1), (2)) AS v (x)");
    const auto& t = *core(*q).from[0];
    EXPECT_EQ(t.kind, table_ref_kind::subquery);
    EXPECT_EQ(t.alias, "v");
    EXPECT_EQ(t.column_aliases, (std::vector<std::string>{"x"}));
    EXPECT_THROW(parse_query("VALUES ()"), syntax_error);
    EXPECT_THROW(parse_query("VALUES 1"), syntax_error);
}

TEST(parse_query, table_refs) {
    auto q = query_rt("SELECT * FROM s.t AS x (a, b), u y, 'data.csv' f, "
                      "(SELECT 1) sub, tumble(TABLE bid, DESCRIPTOR(date_time), "
                      "INTERVAL '10' SECOND) AS w");
    const auto& from = core(*q).from;
    ASSERT_EQ(from.size(), 5u);
    EXPECT_EQ(from[0]->as<named_table_ref>().name, (qualified_name{"s", "t"}));
    EXPECT_EQ(from[0]->alias, "x");
    EXPECT_EQ(from[0]->column_aliases.size(), 2u);
    EXPECT_EQ(from[1]->alias, "y");
    EXPECT_EQ(from[2]->as<file_table_ref>().path, "data.csv");
    EXPECT_EQ(from[3]->kind, table_ref_kind::subquery);
    const auto& f = from[4]->as<function_table_ref>();
    EXPECT_EQ(f.name, (qualified_name{"tumble"}));
    ASSERT_EQ(f.args.size(), 3u);
    EXPECT_EQ(f.args[0].kind, table_arg_kind::table);
    EXPECT_EQ(f.args[0].table_name, (qualified_name{"bid"}));
    EXPECT_EQ(f.args[1].kind, table_arg_kind::descriptor);
    EXPECT_EQ(f.args[1].columns, (std::vector<std::string>{"date_time"}));
    EXPECT_EQ(f.args[2].kind, table_arg_kind::value);
}

TEST(parse_query, table_function_named_args_and_flink_table_wrapper) {
    auto q = query_rt("SELECT * FROM hop(data => TABLE bid, timecol => DESCRIPTOR(ts), "
                      "slide => INTERVAL '2' SECOND, size => INTERVAL '10' SECOND)");
    const auto& f = core(*q).from[0]->as<function_table_ref>();
    EXPECT_EQ(f.args[0].name, "data");
    EXPECT_EQ(f.args[0].kind, table_arg_kind::table);
    EXPECT_EQ(f.args[3].name, "size");
    q = query_rt("SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND))");
    EXPECT_EQ(core(*q).from[0]->kind, table_ref_kind::function);
}

TEST(parse_query, joins) {
    auto q =
        query_rt("SELECT * FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (y) "
                 "RIGHT JOIN d ON TRUE FULL JOIN e ON FALSE CROSS JOIN f INNER JOIN g ON 1 = 1");
    const table_ref* t = core(*q).from[0].get();
    std::vector<join_type> types;
    while (t->kind == table_ref_kind::join) {
        types.push_back(t->as<join_table_ref>().type);
        t = t->as<join_table_ref>().left.get();
    }
    EXPECT_EQ(types, (std::vector<join_type>{join_type::inner, join_type::cross, join_type::full,
                                             join_type::right, join_type::left, join_type::inner}));
    q = query_rt("SELECT * FROM a LEFT JOIN b USING (y)");
    EXPECT_EQ(core(*q).from[0]->as<join_table_ref>().using_columns,
              (std::vector<std::string>{"y"}));
    q = query_rt("SELECT * FROM a JOIN (b JOIN c ON b.x = c.x) ON a.x = b.x");
    EXPECT_EQ(core(*q).from[0]->as<join_table_ref>().right->kind, table_ref_kind::join);
    q = query_rt("SELECT * FROM (a JOIN b ON TRUE) AS j");
    EXPECT_EQ(core(*q).from[0]->alias, "j");
    EXPECT_THROW(parse_query("SELECT * FROM a JOIN b"), syntax_error);
    EXPECT_THROW(parse_query("SELECT * FROM a NATURAL JOIN b"), not_supported_error);
}

TEST(parse_query, temporal_join) {
    auto q = query_rt("SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r "
                      "ON o.cur = r.cur");
    const auto& j = core(*q).from[0]->as<join_table_ref>();
    const auto& r = j.right->as<named_table_ref>();
    ASSERT_TRUE(r.system_time_as_of);
    EXPECT_EQ(to_sql(*r.system_time_as_of), "o.ts");
    EXPECT_EQ(r.alias, "r");
}

TEST(parse_query, printing_is_canonical) {
    EXPECT_EQ(query_sql("select a as \"A\",b from t where x=1 order by a limit 3"),
              "SELECT a AS \"A\", b FROM t WHERE (x = 1) ORDER BY a LIMIT 3");
    EXPECT_EQ(query_sql("SELECT * FROM a, b CROSS JOIN c"), "SELECT * FROM a, b CROSS JOIN c");
}

// spate versions of Nexmark queries (the originals are Flink SQL).
TEST(parse_query, nexmark) {
    const char* queries[] = {
        // q0: pass-through.
        "SELECT auction, bidder, price, date_time, extra FROM bid",
        // q1: currency conversion.
        "SELECT auction, bidder, 0.908 * price AS price, date_time, extra FROM bid",
        // q2: selection.
        "SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0",
        // q5 inner: bids per auction per hopping window.
        "SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime\n"
        "FROM hop(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND, INTERVAL '10' SECOND)\n"
        "GROUP BY auction, window_start, window_end",
        // q5 whole.
        "SELECT AuctionBids.auction, AuctionBids.num\n"
        " FROM (\n"
        "   SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime\n"
        "   FROM TABLE(HOP(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND,\n"
        "                  INTERVAL '10' SECOND))\n"
        "   GROUP BY auction, window_start, window_end\n"
        " ) AS AuctionBids\n"
        " JOIN (\n"
        "   SELECT max(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime\n"
        "   FROM (\n"
        "     SELECT count(*) AS num, window_start AS starttime, window_end AS endtime\n"
        "     FROM hop(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND,\n"
        "              INTERVAL '10' SECOND)\n"
        "     GROUP BY auction, window_start, window_end\n"
        "   ) AS CountBids\n"
        "   GROUP BY CountBids.starttime, CountBids.endtime\n"
        " ) AS MaxBids\n"
        " ON AuctionBids.starttime = MaxBids.starttime AND\n"
        "    AuctionBids.endtime = MaxBids.endtime AND\n"
        "    AuctionBids.num >= MaxBids.maxn",
        // q7 inner: highest bid per tumbling window.
        "SELECT MAX(price) AS maxprice, window_end AS date_time\n"
        "FROM tumble(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)\n"
        "GROUP BY window_start, window_end",
        // q7 whole.
        "SELECT B.auction, B.price, B.bidder, B.date_time, B.extra\n"
        "FROM bid B\n"
        "JOIN (\n"
        "  SELECT MAX(price) AS maxprice, window_end AS date_time\n"
        "  FROM tumble(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)\n"
        "  GROUP BY window_start, window_end\n"
        ") B1\n"
        "ON B.price = B1.maxprice\n"
        "WHERE B.date_time BETWEEN B1.date_time - INTERVAL '10' SECOND AND B1.date_time",
    };
    for (const char* sql : queries) {
        SCOPED_TRACE(sql);
        auto s = stmt_rt(sql);
        EXPECT_EQ(s->kind, statement_kind::query);
        EXPECT_EQ(s->text(sql), sql);
    }
    auto q = parse_query(queries[6]);
    const auto& j = core(*q).from[0]->as<join_table_ref>();
    EXPECT_EQ(j.left->alias, "b");
    EXPECT_EQ(j.right->alias, "b1");
    EXPECT_EQ(core(*q).where->kind, expr_kind::between);
}

TEST(parse_query, subqueries_everywhere) {
    query_rt("SELECT (SELECT 1), a IN (SELECT b FROM u), EXISTS (SELECT 1) FROM "
             "(SELECT * FROM (SELECT 1 AS a) x) y WHERE a = (SELECT max(a) FROM z)");
    query_rt("SELECT * FROM ((SELECT 1) UNION (SELECT 2)) AS u");
    // A "((" may open a query or an expression / a parenthesised FROM item.
    auto e = testing::expr_rt("((SELECT 1) UNION (SELECT 2))");
    ASSERT_EQ(e->kind, expr_kind::subquery);
    EXPECT_EQ(e->as<subquery_expr>().subquery->body->kind, query_body_kind::set_operation);
    e = testing::expr_rt("((SELECT 1) + 1)");
    EXPECT_EQ(e->kind, expr_kind::binary);
    e = testing::expr_rt("a IN ((SELECT 1) UNION (SELECT 2))");
    EXPECT_EQ(e->kind, expr_kind::in_subquery);
    e = testing::expr_rt("a IN ((SELECT 1), 2)");
    ASSERT_EQ(e->kind, expr_kind::in_list);
    EXPECT_EQ(e->as<in_list_expr>().list.size(), 2u);
    auto q = query_rt("SELECT * FROM ((SELECT 1) AS a JOIN b ON TRUE)");
    EXPECT_EQ(core(*q).from[0]->kind, table_ref_kind::join);
    EXPECT_THROW(parse_expression("((SELECT 1) UNION (SELECT 2)"), syntax_error);
}

} // namespace
} // namespace spate::sql
