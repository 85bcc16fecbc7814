#include "expr/tests/test_util.h"

#include <gtest/gtest.h>

using namespace spate::expr;
using namespace spate::expr::testing;
namespace columnar = spate::columnar;

namespace {
bound_expr_ptr col(uint32_t i, data_type t) {
    return make_column_ref(i, t);
}
} // namespace

TEST(binder, unknown_function_hints_similar_names) {
    EXPECT_EQ(
        bind_failure("substrng", {col(0, type_id::varchar)}),
        "42883: function substrng(varchar) does not exist | Perhaps you meant substr, substring?");
    EXPECT_EQ(bind_failure("frobnicate", {col(0, type_id::int32)}),
              "42883: function frobnicate(integer) does not exist | No function matches the given "
              "name and argument types. You might need to add explicit type casts.");
    // Known name, wrong types: Postgres' hint.
    EXPECT_EQ(bind_failure("lower", {col(0, type_id::int32)}),
              "42883: function lower(integer) does not exist | No function matches the given "
              "name and argument types. You might need to add explicit type casts.");
    EXPECT_EQ(bind_failure("foo", {make_constant(str("a"))}).substr(0, 43),
              "42883: function foo(unknown) does not exist");
}

TEST(binder, names_are_case_insensitive) {
    auto e = make_call("UPPER", {col(0, type_id::varchar)});
    EXPECT_EQ(e->type.id, type_id::varchar);
}

TEST(binder, implicit_casts_follow_postgres) {
    // int -> bigint -> numeric -> double
    EXPECT_EQ(make_call("+", {col(0, type_id::int32), col(1, type_id::int64)})->type.id,
              type_id::int64);
    EXPECT_EQ(make_call("+", {col(0, type_id::int64), col(1, data_type::decimal(10, 2))})
                  ->type.to_string(),
              "numeric(18,2)");
    EXPECT_EQ(
        make_call("+", {col(0, data_type::decimal(10, 2)), col(1, type_id::float64)})->type.id,
        type_id::float64);
    // A string literal takes the type needed.
    auto cmp = make_call(">", {col(0, type_id::timestamp), make_constant(str("2024-01-01"))});
    EXPECT_EQ(cmp->args[1]->kind, expr_kind::constant);
    EXPECT_EQ(cmp->args[1]->type.id, type_id::timestamp);
    auto iv = make_call("+", {col(0, type_id::timestamp), make_constant(str("1 hour"))});
    EXPECT_EQ(iv->type.id, type_id::timestamp);
    // The literal takes the other argument's type first: timestamp - timestamp.
    auto diff = make_call("-", {col(0, type_id::timestamp), make_constant(str("2024-01-01"))});
    EXPECT_EQ(diff->type.id, type_id::interval);
    // ... unless it does not read as that type: '1 hour' is an interval.
    auto earlier = make_call("-", {col(0, type_id::timestamp), make_constant(str("1 hour"))});
    EXPECT_EQ(earlier->type.id, type_id::timestamp);
    // A literal that reads as no candidate's type fails at bind time, as in Postgres.
    EXPECT_EQ(bind_failure("=", {col(0, type_id::int32), make_constant(str("x"))}),
              "22P02: invalid input syntax for type integer: \"x\" | ");
    // An untyped NULL too.
    EXPECT_EQ(make_call("+", {col(0, type_id::int64), make_constant(value::null())})->kind,
              expr_kind::call);
    // A varchar column does not become a number.
    EXPECT_NE(bind_failure("=", {col(0, type_id::varchar), col(1, type_id::int32)}), "no error");
}

TEST(binder, constant_folding) {
    auto e = make_call("+", {make_constant(i32(2)), make_constant(i32(3))});
    ASSERT_EQ(e->kind, expr_kind::constant);
    EXPECT_EQ(e->constant.as_i64(), 5);
    // A failing constant stays a call: the error is reported only if evaluated.
    auto d = make_call("/", {make_constant(i32(1)), make_constant(i32(0))});
    EXPECT_EQ(d->kind, expr_kind::call);
    // now() and random() are never folded.
    EXPECT_EQ(make_call("now", {})->kind, expr_kind::call);
    EXPECT_EQ(make_call("random", {})->kind, expr_kind::call);
    EXPECT_FALSE(make_call("now", {})->is_constant_foldable());
}

TEST(binder, casts) {
    try {
        make_cast(col(0, type_id::timestamp), type_id::boolean);
        FAIL();
    } catch (const bind_error& e) {
        EXPECT_EQ(e.sqlstate, "42846");
        EXPECT_EQ(e.message, "cannot cast type timestamp to boolean");
    }
    try {
        make_cast(col(0, type_id::int64), type_id::timestamp);
        FAIL();
    } catch (const bind_error& e) {
        EXPECT_EQ(e.sqlstate, "42846");
        EXPECT_NE(e.hint.find("to_timestamp_ms"), std::string::npos);
    }
    auto c = make_cast(make_constant(str("42")), type_id::int32);
    ASSERT_EQ(c->kind, expr_kind::constant);
    EXPECT_EQ(c->constant.as_i64(), 42);
    auto bad = make_cast(make_constant(str("abc")), type_id::int32);
    EXPECT_EQ(bad->kind, expr_kind::cast);
    columnar::batch one;
    one.rows = 1;
    EXPECT_EQ(eval_rows(bad, one)[0],
              "ERROR 22P02: invalid input syntax for type integer: \"abc\"");
}

TEST(binder, common_type) {
    EXPECT_EQ(common_type(type_id::int32, type_id::int64).id, type_id::int64);
    EXPECT_EQ(common_type(type_id::int32, data_type::decimal(5, 2)).to_string(), "numeric(12,2)");
    EXPECT_EQ(common_type(type_id::null, type_id::varchar).id, type_id::varchar);
    try {
        common_type(type_id::int32, type_id::varchar, "COALESCE");
        FAIL();
    } catch (const bind_error& e) {
        EXPECT_EQ(e.sqlstate, "42804");
        EXPECT_EQ(e.message, "COALESCE types integer and varchar cannot be matched");
    }
}

TEST(binder, function_lists) {
    auto names = function_names();
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    EXPECT_NE(std::find(names.begin(), names.end(), "regexp_replace"), names.end());
    EXPECT_EQ(std::find(names.begin(), names.end(), "+"), names.end());
    auto sigs = function_signatures();
    EXPECT_NE(
        std::find(sigs.begin(), sigs.end(), "split_part(varchar, varchar, integer) -> varchar"),
        sigs.end());
}

TEST(binder, like_with_bad_constant_escape_fails_at_bind) {
    try {
        make_like(col(0, type_id::varchar), make_constant(str("ab\\")), nullptr, false, false);
        FAIL();
    } catch (const bind_error& e) {
        EXPECT_EQ(e.sqlstate, "22025");
    }
}

TEST(binder, number_literals) {
    auto type_of = [](std::string_view t) { return make_number_literal(t)->type.to_string(); };
    EXPECT_EQ(type_of("42"), "integer");
    EXPECT_EQ(type_of("2147483648"), "bigint");
    EXPECT_EQ(type_of("9223372036854775807"), "bigint");
    EXPECT_EQ(type_of("0.908"), "numeric(3,3)");
    EXPECT_EQ(type_of("12.50"), "numeric(4,2)");
    EXPECT_EQ(type_of("1e3"), "double precision");
    EXPECT_EQ(make_number_literal("12.50")->constant.as_i64(), 1250);
    EXPECT_EQ(make_number_literal("1.5e-1")->constant.as_f64(), 0.15);
    try {
        make_number_literal("9223372036854775808");
        FAIL();
    } catch (const bind_error& e) {
        EXPECT_EQ(e.sqlstate, "22003");
    }
    try {
        make_number_literal("1.2.3");
        FAIL();
    } catch (const bind_error& e) {
        EXPECT_EQ(e.sqlstate, "22P02");
    }
}
