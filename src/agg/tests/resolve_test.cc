// Name and type resolution, and the bind errors a user sees.

#include "agg/tests/agg_test_util.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace spate::agg::test {
namespace {

bind_error error_of(std::string_view name, std::vector<data_type> args, bool distinct = false) {
    try {
        (void)resolve(name, args, distinct);
    } catch (const bind_error& e) {
        return e;
    }
    ADD_FAILURE() << name << " resolved";
    return bind_error("", "");
}

TEST(resolve, names_are_case_insensitive) {
    EXPECT_TRUE(is_aggregate_name("SUM"));
    EXPECT_TRUE(is_aggregate_name("Approx_Percentile"));
    EXPECT_FALSE(is_aggregate_name("lower"));
    EXPECT_FALSE(is_aggregate_name(""));
    auto f = resolve("CoUnT", {});
    EXPECT_EQ(f.name, "count");
    auto names = aggregate_names();
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    for (auto& n : names)
        EXPECT_TRUE(is_aggregate_name(n)) << n;
}

TEST(resolve, unknown_name_suggests_similar_ones) {
    auto e = error_of("summ", {type_id::int64});
    EXPECT_EQ(e.sqlstate, "42883");
    EXPECT_EQ(e.message, "function summ(bigint) does not exist");
    EXPECT_NE(e.hint.find("sum"), std::string::npos);
    auto p = error_of("percentile", {type_id::float64});
    EXPECT_NE(p.hint.find("approx_percentile"), std::string::npos);
    auto none = error_of("frobnicate", {});
    EXPECT_EQ(none.sqlstate, "42883");
    EXPECT_NE(none.hint.find("explicit type casts"), std::string::npos);
}

TEST(resolve, wrong_types_and_arity) {
    EXPECT_EQ(error_of("sum", {type_id::varchar}).sqlstate, "42883");
    EXPECT_EQ(error_of("sum", {type_id::varchar}).message, "function sum(varchar) does not exist");
    EXPECT_EQ(error_of("avg", {type_id::boolean}).sqlstate, "42883");
    EXPECT_EQ(error_of("avg", {type_id::timestamp}).sqlstate, "42883");
    EXPECT_EQ(error_of("stddev", {type_id::varchar}).sqlstate, "42883");
    EXPECT_EQ(error_of("bool_and", {type_id::int64}).sqlstate, "42883");
    EXPECT_EQ(error_of("min", {type_id::json}).sqlstate, "42883");
    EXPECT_EQ(error_of("sum", {}).sqlstate, "42883");
    EXPECT_EQ(error_of("sum", {type_id::int64, type_id::int64}).sqlstate, "42883");
    EXPECT_EQ(error_of("count", {type_id::int64, type_id::int64}).sqlstate, "42883");
    EXPECT_EQ(error_of("approx_percentile", {type_id::float64}).sqlstate, "42883");
    EXPECT_EQ(error_of("string_agg", {type_id::varchar}).sqlstate, "42883");
    EXPECT_EQ(error_of("string_agg", {type_id::int64, type_id::varchar}).message,
              "function string_agg(bigint, varchar) does not exist");
    EXPECT_EQ(error_of("approx_percentile", {type_id::varchar, type_id::float64}).sqlstate,
              "42883");
    EXPECT_EQ(error_of("approx_percentile", {type_id::float64, type_id::varchar}).sqlstate,
              "42883");
}

TEST(resolve, untyped_null_and_distinct_star) {
    EXPECT_EQ(error_of("sum", {type_id::null}).sqlstate, "42725");
    EXPECT_EQ(error_of("count", {}, true).sqlstate, "0A000");
    // count(NULL) and min(NULL) are fine and give 0 and NULL.
    group c(resolve("count", {type_id::null}));
    auto nulls = std::make_shared<column>(data_type(type_id::null));
    nulls->push_null();
    c.update({nulls});
    EXPECT_EQ(c.result().as_i64(), 0);
    group m(resolve("min", {type_id::null}));
    m.update({nulls});
    EXPECT_TRUE(m.result().is_null());
}

TEST(resolve, result_types_and_flags) {
    EXPECT_EQ(resolve("sum", {type_id::interval}).result_type, data_type(type_id::interval));
    EXPECT_EQ(resolve("approx_percentile", {type_id::int64, type_id::float64}).result_type,
              data_type(type_id::float64));
    EXPECT_EQ(
        resolve("percentile_approx", {type_id::interval, data_type::decimal(3, 2)}).result_type,
        data_type(type_id::interval));
    EXPECT_FALSE(resolve("approx_count_distinct", {type_id::varchar}).retractable);
    EXPECT_TRUE(resolve("approx_percentile", {type_id::float64, type_id::float64}).retractable);
    EXPECT_FALSE(resolve("approx_count_distinct", {type_id::varchar}, true).retractable);
    auto d = resolve("max", {type_id::int64}, true);
    EXPECT_TRUE(d.distinct);
    EXPECT_NE(d.merge, nullptr); // DISTINCT changes nothing for max: the plain form
    for (auto& n : aggregate_names()) {
        std::vector<data_type> args = {type_id::float64};
        if (n == "bool_and" || n == "bool_or" || n == "every") args = {type_id::boolean};
        if (n.find("percentile") != std::string::npos) args.push_back(type_id::float64);
        if (n == "string_agg") args = {type_id::varchar, type_id::varchar};
        auto f = resolve(n, args);
        EXPECT_GT(f.state_size, 0u) << n;
        EXPECT_TRUE(f.init && f.update && f.finalize) << n;
        EXPECT_EQ(f.state_align & (f.state_align - 1), 0u) << n;
    }
}

} // namespace
} // namespace spate::agg::test
