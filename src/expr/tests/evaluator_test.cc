#include "expr/tests/test_util.h"

#include <gtest/gtest.h>

using namespace spate::expr;
using namespace spate::expr::testing;
namespace columnar = spate::columnar;

namespace {

// A boolean column with true, false, NULL in every combination with a second one.
columnar::batch truth_table() {
    std::vector<value> vals{boolean(true), boolean(false), null_of(type_id::boolean)};
    std::vector<std::vector<value>> rows;
    for (auto& a : vals)
        for (auto& b : vals)
            rows.push_back({a, b});
    return make_batch({type_id::boolean, type_id::boolean}, rows);
}

bound_expr_ptr col(uint32_t i, data_type t, std::string name = {}) {
    return make_column_ref(i, t, std::move(name));
}

} // namespace

TEST(three_valued_logic, and_or_not) {
    auto b = truth_table();
    auto a = col(0, type_id::boolean), c = col(1, type_id::boolean);
    // Rows: (t,t) (t,f) (t,N) (f,t) (f,f) (f,N) (N,t) (N,f) (N,N)
    EXPECT_EQ(eval_rows(make_and(a, c), b),
              (std::vector<std::string>{"t", "f", "NULL", "f", "f", "f", "NULL", "f", "NULL"}));
    EXPECT_EQ(eval_rows(make_or(a, c), b),
              (std::vector<std::string>{"t", "t", "t", "t", "f", "NULL", "t", "NULL", "NULL"}));
    EXPECT_EQ(eval_rows(make_not(a), b),
              (std::vector<std::string>{"f", "f", "f", "t", "t", "t", "NULL", "NULL", "NULL"}));
}

TEST(three_valued_logic, empty_batches_give_empty_results) {
    // A batch with no rows may have columns without buffers; no kernel may touch them (the
    // sanitizer build checks that no null pointer reaches memcpy or memset).
    auto empty = make_batch({type_id::boolean, type_id::boolean}, {});
    auto a = col(0, type_id::boolean), c = col(1, type_id::boolean);
    EXPECT_TRUE(eval_rows(make_and(a, c), empty).empty());
    EXPECT_TRUE(eval_rows(make_or(a, c), empty).empty());
    EXPECT_TRUE(eval_rows(make_not(a), empty).empty());
    EXPECT_TRUE(eval_rows(make_and(make_constant(boolean(true)), a), empty).empty());
    EXPECT_TRUE(eval_rows(make_cast(a, type_id::boolean), empty).empty());
}

TEST(three_valued_logic, is_true_false_null) {
    auto b = truth_table();
    auto a = col(0, type_id::boolean);
    std::vector<std::string> t{"t", "t", "t", "f", "f", "f", "f", "f", "f"};
    EXPECT_EQ(eval_rows(make_is_bool(a, true, false), b), t);
    EXPECT_EQ(eval_rows(make_is_bool(a, false, true), b),
              (std::vector<std::string>{"t", "t", "t", "f", "f", "f", "t", "t", "t"}));
    EXPECT_EQ(eval_rows(make_is_null(a, false), b),
              (std::vector<std::string>{"f", "f", "f", "f", "f", "f", "t", "t", "t"}));
    EXPECT_EQ(eval_rows(make_is_distinct_from(a, col(1, type_id::boolean), false), b),
              (std::vector<std::string>{"f", "t", "t", "t", "f", "t", "t", "t", "f"}));
    EXPECT_EQ(eval_rows(make_is_distinct_from(a, col(1, type_id::boolean), true), b),
              (std::vector<std::string>{"t", "f", "f", "f", "t", "f", "f", "f", "t"}));
}

TEST(three_valued_logic, and_needs_booleans) {
    try {
        make_and(col(0, type_id::int32), make_constant(boolean(true)));
        FAIL();
    } catch (const bind_error& e) {
        EXPECT_EQ(e.sqlstate, "42804");
        EXPECT_EQ(e.message, "argument of AND must be type boolean, not type integer");
    }
}

TEST(case_expr, errors_only_from_taken_branches) {
    auto b = make_batch({type_id::int32}, {{i32(0)}, {i32(2)}, {null_of(type_id::int32)}});
    auto x = col(0, type_id::int32, "x");
    auto zero = make_constant(i32(0));
    // CASE WHEN x = 0 THEN 0 ELSE 10 / x END
    auto e =
        make_case({make_call("=", {x, zero})}, {zero}, make_call("/", {make_constant(i32(10)), x}));
    EXPECT_EQ(eval_rows(e, b), (std::vector<std::string>{"0", "5", "NULL"}));
    EXPECT_EQ(e->to_string(), "CASE WHEN (x = 0) THEN 0 ELSE (10 / x) END");
    // Without the guard the error is reported for row 0 only.
    EXPECT_EQ(eval_rows(make_call("/", {make_constant(i32(10)), x}), b),
              (std::vector<std::string>{"ERROR 22012: division by zero", "5", "NULL"}));
    // No ELSE: NULL.
    auto no_else = make_case({make_call(">", {x, zero})}, {make_constant(str("pos"))}, nullptr);
    EXPECT_EQ(eval_rows(no_else, b), (std::vector<std::string>{"NULL", "pos", "NULL"}));
}

TEST(case_expr, branch_types_meet) {
    auto x = col(0, type_id::int32);
    auto e = make_case({make_constant(boolean(true))}, {x}, make_constant(f64(1.5)));
    EXPECT_EQ(e->type.id, type_id::float64);
    try {
        make_case({make_constant(boolean(true))}, {x}, col(1, type_id::varchar));
        FAIL();
    } catch (const bind_error& e) {
        EXPECT_EQ(e.sqlstate, "42804");
        EXPECT_EQ(e.message, "CASE types integer and varchar cannot be matched");
    }
}

TEST(lazy_forms, and_or_coalesce_mask_errors) {
    auto b = make_batch({type_id::int32}, {{i32(0)}, {i32(5)}});
    auto x = col(0, type_id::int32);
    auto zero = make_constant(i32(0));
    auto div = make_call(">", {make_call("/", {make_constant(i32(10)), x}), make_constant(i32(1))});
    // x <> 0 AND 10 / x > 1
    EXPECT_EQ(eval_rows(make_and(make_call("<>", {x, zero}), div), b),
              (std::vector<std::string>{"f", "t"}));
    // x = 0 OR 10 / x > 1
    EXPECT_EQ(eval_rows(make_or(make_call("=", {x, zero}), div), b),
              (std::vector<std::string>{"t", "t"}));
    // COALESCE(x, 1/0) never evaluates the second argument here.
    auto c = make_coalesce({x, make_call("/", {make_constant(i32(1)), zero})});
    EXPECT_EQ(eval_rows(c, b), (std::vector<std::string>{"0", "5"}));
}

TEST(lazy_forms, coalesce_nullif_in) {
    auto b = make_batch({type_id::int64, type_id::int64},
                        {{null_of(type_id::int64), i64(2)}, {i64(1), i64(1)}, {i64(3), i64(4)}});
    auto a = col(0, type_id::int64), c = col(1, type_id::int64);
    EXPECT_EQ(eval_rows(make_coalesce({a, c}), b), (std::vector<std::string>{"2", "1", "3"}));
    EXPECT_EQ(eval_rows(make_nullif(a, c), b), (std::vector<std::string>{"NULL", "NULL", "3"}));
    auto in = make_in_list(a, {make_constant(i32(1)), make_constant(i32(4))}, false);
    EXPECT_EQ(eval_rows(in, b), (std::vector<std::string>{"NULL", "t", "f"}));
    auto in_null = make_in_list(a, {make_constant(i32(1)), make_constant(value::null())}, true);
    EXPECT_EQ(eval_rows(in_null, b), (std::vector<std::string>{"NULL", "f", "NULL"}));
    EXPECT_EQ(in->to_string(), "($1 IN (1, 4))");
}

TEST(evaluator, column_ref_is_shared_and_constants_expand) {
    auto b = make_batch({type_id::int64}, {{i64(1)}, {i64(2)}});
    evaluator ev(make_column_ref(0, type_id::int64));
    row_errors errors;
    EXPECT_EQ(ev.evaluate(b, errors).get(), b.columns[0].get());
    evaluator k(make_constant(str("x")));
    auto c = k.evaluate(b, errors);
    ASSERT_EQ(c->size(), 2u);
    EXPECT_EQ(c->strs()[1].view(), "x");
}

TEST(evaluator, predicate_selects_true_rows_only) {
    auto b =
        make_batch({type_id::int32}, {{i32(5)}, {null_of(type_id::int32)}, {i32(0)}, {i32(7)}});
    auto x = make_column_ref(0, type_id::int32);
    evaluator ev(
        make_call(">", {make_call("/", {make_constant(i32(10)), x}), make_constant(i32(1))}));
    row_errors errors;
    std::vector<uint32_t> rows{99};
    ev.evaluate_predicate(b, errors, rows);
    EXPECT_EQ(rows, (std::vector<uint32_t>{0}));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors.first()->row, 2u);
    EXPECT_EQ(errors.first()->sqlstate, "22012");
}

TEST(evaluator, large_batches_with_and_without_nulls) {
    for (bool nulls : {false, true}) {
        columnar::batch b =
            columnar::batch::with_types(std::vector<data_type>{type_id::float64, type_id::varchar});
        for (int i = 0; i < 10000; ++i) {
            if (nulls && i % 7 == 0)
                b.columns[0]->push_null();
            else
                b.columns[0]->push_f64(i);
            b.columns[1]->push_string(i % 3 == 0 ? "Google" : "Bing");
        }
        b.rows = 10000;
        auto price = make_column_ref(0, type_id::float64, "price");
        auto channel = make_column_ref(1, type_id::varchar, "channel");
        auto e = make_and(make_call(">", {make_call("*", {price, make_constant(dec(908, 3, 3))}),
                                          make_constant(i32(1000))}),
                          make_call("=", {channel, make_constant(str("Google"))}));
        evaluator ev(e);
        row_errors errors;
        std::vector<uint32_t> rows;
        ev.evaluate_predicate(b, errors, rows);
        size_t expect = 0;
        for (int i = 0; i < 10000; ++i)
            if (i * 0.908 > 1000 && i % 3 == 0 && !(nulls && i % 7 == 0)) ++expect;
        EXPECT_EQ(rows.size(), expect);
        EXPECT_TRUE(errors.empty());
        auto col = ev.evaluate(b, errors);
        EXPECT_EQ(col->size(), 10000u);
        // price NULL and channel 'Bing' -> FALSE; price NULL and 'Google' -> NULL.
        if (nulls) {
            EXPECT_FALSE(col->is_null(7 * 2 * 3 + 7)); // row 49: 49 % 3 != 0
            EXPECT_TRUE(col->is_null(21));             // row 21: NULL price, Google
        }
    }
}

TEST(bound_expr, structural_equality_and_text) {
    auto a = make_call("+", {make_column_ref(0, type_id::int64, "a"), make_constant(i64(1))});
    auto b = make_call("+", {make_column_ref(0, type_id::int64, "a"), make_constant(i64(1))});
    auto c = make_call("+", {make_column_ref(1, type_id::int64, "b"), make_constant(i64(1))});
    EXPECT_TRUE(a->equals(*b));
    EXPECT_FALSE(a->equals(*c));
    EXPECT_EQ(a->to_string(), "(a + 1)");
    auto l = make_like(make_column_ref(0, type_id::varchar, "s"), make_constant(str("a%")), nullptr,
                       true, true);
    EXPECT_EQ(l->to_string(), "(s NOT ILIKE 'a%')");
}

TEST(evaluator, empty_batch) {
    auto b = make_batch({type_id::int32}, {});
    auto x = make_column_ref(0, type_id::int32);
    auto e = make_case({make_call(">", {x, make_constant(i32(0))})},
                       {make_call("/", {make_constant(i32(1)), x})}, make_constant(i32(0)));
    evaluator ev(e);
    row_errors errors;
    EXPECT_EQ(ev.evaluate(b, errors)->size(), 0u);
    std::vector<uint32_t> rows;
    evaluator p(make_call(">", {x, make_constant(i32(0))}));
    p.evaluate_predicate(b, errors, rows);
    EXPECT_TRUE(rows.empty());
    EXPECT_TRUE(errors.empty());
}

TEST(evaluator, string_results_outlive_their_input) {
    columnar::column_ptr out;
    {
        columnar::batch b = columnar::batch::with_types(std::vector<data_type>{type_id::varchar});
        for (int i = 0; i < 10000; ++i) {
            if (i % 5 == 0)
                b.columns[0]->push_null();
            else
                b.columns[0]->push_string("item-" + std::to_string(i));
        }
        b.rows = 10000;
        auto s = make_column_ref(0, type_id::varchar);
        evaluator ev(make_call("substring", {s, make_constant(i32(6))}));
        row_errors errors;
        out = ev.evaluate(b, errors);
        EXPECT_TRUE(errors.empty());
    }
    ASSERT_EQ(out->size(), 10000u);
    EXPECT_TRUE(out->is_null(0));
    EXPECT_EQ(out->strs()[9999].view(), "9999");
    EXPECT_EQ(out->strs()[1].view(), "1");
}

TEST(evaluator, row_errors_map_to_original_rows_in_branches) {
    std::vector<std::vector<value>> rows;
    for (int i = 0; i < 10000; ++i)
        rows.push_back({i % 1000 == 999 ? str("bad") : str(std::to_string(i))});
    auto b = make_batch({type_id::varchar}, rows);
    auto s = make_column_ref(0, type_id::varchar);
    // CASE WHEN s LIKE '%9' THEN CAST(s AS integer) ELSE 0 END: only rows ending in 9 convert.
    auto e = make_case({make_like(s, make_constant(str("%9")), nullptr, false, false)},
                       {make_cast(s, type_id::int32)}, make_constant(i32(0)));
    evaluator ev(e);
    row_errors errors;
    auto c = ev.evaluate(b, errors);
    EXPECT_TRUE(errors.empty()); // 'bad' never ends in 9
    EXPECT_EQ(c->i64()[19], 19);
    EXPECT_EQ(c->i64()[20], 0);
    // Errors inside a branch evaluated over a subset name the batch's rows:
    // CASE WHEN s NOT LIKE '%0' THEN CAST(s AS integer) END fails on 'bad' (rows 999, 1999...).
    auto e2 = make_case({make_like(s, make_constant(str("%0")), nullptr, false, true)},
                        {make_cast(s, type_id::int32)}, nullptr);
    evaluator ev2(e2);
    auto c2 = ev2.evaluate(b, errors);
    ASSERT_EQ(errors.size(), 10u);
    EXPECT_EQ(errors.all()[0].row, 999u);
    EXPECT_EQ(errors.all()[9].row, 9999u);
    EXPECT_EQ(errors.all()[0].message, "invalid input syntax for type integer: \"bad\"");
    EXPECT_TRUE(c2->is_null(999));
    EXPECT_TRUE(c2->is_null(10)); // not taken, no ELSE
    EXPECT_EQ(c2->i64()[11], 11);
    errors.clear();
    auto e3 = make_cast(s, type_id::int32);
    evaluator ev3(e3);
    ev3.evaluate(b, errors);
    ASSERT_EQ(errors.size(), 10u);
    EXPECT_EQ(errors.first()->row, 999u);
    EXPECT_EQ(errors.all().back().row, 9999u);
}

TEST(case_expr, literal_branch_must_read_as_the_common_type) {
    auto x = make_column_ref(0, type_id::int32);
    auto e = make_case({make_constant(boolean(true))}, {x}, make_constant(str("7")));
    EXPECT_EQ(e->type.id, type_id::int32);
    EXPECT_EQ(e->args.back()->kind, expr_kind::constant);
    try {
        make_case({make_constant(boolean(true))}, {x}, make_constant(str("seven")));
        FAIL();
    } catch (const bind_error& err) {
        EXPECT_EQ(err.sqlstate, "22P02");
        EXPECT_EQ(err.message, "invalid input syntax for type integer: \"seven\"");
    }
}
