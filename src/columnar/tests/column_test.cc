#include "columnar/batch.h"
#include "columnar/value.h"

#include <gtest/gtest.h>

using namespace spate::columnar;

TEST(column, push_and_nulls) {
    column c(type_id::int64);
    c.push_i64(1);
    EXPECT_FALSE(c.has_nulls());
    c.push_null();
    c.push_i64(3);
    ASSERT_EQ(c.size(), 3u);
    EXPECT_TRUE(c.has_nulls());
    EXPECT_FALSE(c.is_null(0));
    EXPECT_TRUE(c.is_null(1));
    EXPECT_FALSE(c.is_null(2));
    EXPECT_EQ(c.i64()[1], 0); // a NULL's slot is zero
    EXPECT_EQ(c.i64()[2], 3);
}

TEST(column, strings_survive_their_source_column) {
    std::vector<uint32_t> rows{2, 0};
    auto out = std::make_shared<column>(type_id::varchar);
    {
        column src(type_id::varchar);
        src.push_string("alpha");
        src.push_null();
        src.push_string(std::string(100, 'z'));
        out->gather_from(src, rows);
    }
    ASSERT_EQ(out->size(), 2u);
    EXPECT_EQ(out->strs()[0].view(), std::string(100, 'z'));
    EXPECT_EQ(out->strs()[1].view(), "alpha");
    EXPECT_FALSE(out->has_nulls() && out->is_null(0));
}

TEST(column, gather_keeps_validity) {
    column src(type_id::float64);
    for (int i = 0; i < 10; ++i) {
        if (i % 3 == 0)
            src.push_null();
        else
            src.push_f64(i * 1.5);
    }
    column out(type_id::float64);
    std::vector<uint32_t> rows{0, 1, 3, 4};
    out.gather_from(src, rows);
    EXPECT_TRUE(out.is_null(0));
    EXPECT_EQ(out.f64()[1], 1.5);
    EXPECT_TRUE(out.is_null(2));
    EXPECT_EQ(out.f64()[3], 6.0);
}

TEST(batch, gather_and_append_carry_changes) {
    std::vector<data_type> types{type_id::int64, type_id::varchar};
    batch b = batch::with_types(types);
    for (int i = 0; i < 4; ++i) {
        b.columns[0]->push_i64(i);
        b.columns[1]->push_string(std::to_string(i));
    }
    b.rows = 4;
    b.changes = {change::insert, change::retract, change::insert, change::retract};
    std::vector<uint32_t> rows{1, 2};
    batch g = b.gather(rows);
    ASSERT_EQ(g.rows, 2u);
    EXPECT_EQ(g.change_at(0), change::retract);
    EXPECT_EQ(g.columns[1]->strs()[1].view(), "2");
    batch all;
    all.append(g);
    all.append(b);
    EXPECT_EQ(all.rows, 6u);
    EXPECT_EQ(all.change_at(5), change::retract);
    EXPECT_EQ(value_at(*all.columns[0], 3), value::int64(1));
}

TEST(value, text_forms) {
    EXPECT_EQ(value::boolean(true).to_string(), "t");
    EXPECT_EQ(value::int64(1250, data_type::decimal(10, 2)).to_string(), "12.50");
    EXPECT_EQ(value::int64(-5, data_type::decimal(10, 3)).to_string(), "-0.005");
    EXPECT_EQ(value::null(type_id::int64).to_string(), "NULL");
    EXPECT_EQ(value::int64(0, type_id::timestamp).to_string(), "1970-01-01 00:00:00");
}
