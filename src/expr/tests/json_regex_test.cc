#include "expr/tests/test_util.h"

#include <gtest/gtest.h>

using namespace spate::expr;
using namespace spate::expr::testing;
namespace columnar = spate::columnar;

TEST(json, access) {
    value doc = json(R"({"a": {"b": [10, "x", null, true]}, "s": "hi", "n": 1.5})");
    EXPECT_EQ(run("->", {doc, str("a")}), R"({"b":[10,"x",null,true]})");
    EXPECT_EQ(run("->>", {doc, str("s")}), "hi");
    EXPECT_EQ(run("->", {doc, str("s")}), "\"hi\"");
    EXPECT_EQ(run("->>", {doc, str("n")}), "1.5");
    EXPECT_EQ(run("->>", {doc, str("missing")}), "NULL");
    EXPECT_EQ(run("#>>", {doc, str("{a,b,1}")}), "x");
    EXPECT_EQ(run("#>>", {doc, str("{a,b,2}")}), "NULL"); // JSON null -> SQL NULL
    EXPECT_EQ(run("#>", {doc, str("{a,b,3}")}), "true");
    EXPECT_EQ(run("#>>", {doc, str("{a,zz}")}), "NULL");
    value arr = json("[1, [2, 3]]");
    EXPECT_EQ(run("->", {arr, i32(1)}), "[2,3]");
    EXPECT_EQ(run("->>", {arr, i32(-1)}), "[2,3]");
    EXPECT_EQ(run("->>", {arr, i32(5)}), "NULL");
    EXPECT_EQ(run("->>", {doc, i32(0)}), "NULL"); // index into an object
    EXPECT_EQ(run("json_typeof", {doc}), "object");
    EXPECT_EQ(run("json_typeof", {json("3")}), "number");
    EXPECT_EQ(run("json_typeof", {json("null")}), "null");
    EXPECT_EQ(run("->>", {json("{bad"), str("a")}),
              "ERROR 22P02: invalid input syntax for type json: \"{bad\"");
}

TEST(json, casts_validate) {
    auto ok = make_cast(make_column_ref(0, type_id::varchar), type_id::json);
    auto b = make_batch({type_id::varchar}, {{str(R"({"a":1})")}, {str("nope")}});
    EXPECT_EQ(eval_rows(ok, b),
              (std::vector<std::string>{
                  R"({"a":1})", "ERROR 22P02: invalid input syntax for type json: \"nope\""}));
    auto back = make_cast(make_column_ref(0, type_id::json), type_id::varchar);
    auto jb = make_batch({type_id::json}, {{json("[1]")}});
    EXPECT_EQ(eval_rows(back, jb)[0], "[1]");
}

TEST(regex, like_and_operators) {
    EXPECT_EQ(run("regexp_like", {str("abc123"), str("[0-9]+$")}), "t");
    EXPECT_EQ(run("~", {str("abc"), str("^b")}), "f");
    EXPECT_EQ(run("~*", {str("ABC"), str("^a")}), "t");
    EXPECT_EQ(run("!~", {str("abc"), str("^b")}), "t");
    EXPECT_EQ(run("regexp_like", {str("ABC"), str("b"), str("i")}), "t");
}

TEST(regex, extract) {
    EXPECT_EQ(run("regexp_extract", {str("100-200"), str("(\\d+)-(\\d+)"), i32(1)}), "100");
    EXPECT_EQ(run("regexp_extract", {str("100-200"), str("(\\d+)-(\\d+)"), i32(2)}), "200");
    EXPECT_EQ(run("regexp_extract", {str("x 100-200"), str("(\\d+)-(\\d+)")}), "100-200");
    EXPECT_EQ(run("regexp_extract", {str("abc"), str("(\\d+)")}), "NULL");
    EXPECT_EQ(run("regexp_extract", {str("100-200"), str("(\\d+)"), i32(3)}), "NULL");
}

TEST(regex, replace) {
    EXPECT_EQ(run("regexp_replace", {str("foo bar foo"), str("fo+"), str("X")}), "X bar foo");
    EXPECT_EQ(run("regexp_replace", {str("foo bar foo"), str("fo+"), str("X"), str("g")}),
              "X bar X");
    EXPECT_EQ(run("regexp_replace", {str("John Smith"), str("(\\w+) (\\w+)"), str("\\2, \\1")}),
              "Smith, John");
    EXPECT_EQ(run("regexp_replace", {str("abc"), str("b"), str("[\\&]")}), "a[b]c");
    EXPECT_EQ(run("regexp_replace", {str("ABC"), str("b"), str("x"), str("gi")}), "AxC");
}

TEST(regex, bad_patterns) {
    // Constant pattern: a bind error.
    EXPECT_EQ(run_const("regexp_like", {str("a"), str("(")}).substr(0, 41),
              "BIND 2201B: invalid regular expression: m");
    EXPECT_EQ(run_const("regexp_replace", {str("a"), str("a"), str("b"), str("z")}),
              "BIND 22023: invalid regular expression option: \"z\"");
    // Pattern per row: a row error.
    EXPECT_EQ(run("regexp_like", {str("a"), str("(")}).substr(0, 42),
              "ERROR 2201B: invalid regular expression: m");
    EXPECT_EQ(run("regexp_like", {null_of(type_id::varchar), str("(")}), "NULL");
}

TEST(regex, replacement_per_row) {
    auto b =
        make_batch({type_id::varchar, type_id::varchar}, {{str("a1"), str("<\\&>")},
                                                          {str("b2"), str("<\\&>")},
                                                          {str("c3"), str("#")},
                                                          {null_of(type_id::varchar), str("#")},
                                                          {str("d4"), str("<\\&>")}});
    auto e = make_call("regexp_replace",
                       {make_column_ref(0, type_id::varchar), make_constant(str("[0-9]")),
                        make_column_ref(1, type_id::varchar)});
    EXPECT_EQ(eval_rows(e, b), (std::vector<std::string>{"a<1>", "b<2>", "c#", "NULL", "d<4>"}));
}
