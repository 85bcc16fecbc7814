#include "expr/tests/test_util.h"

#include <gtest/gtest.h>

using namespace spate::expr;
using namespace spate::expr::testing;
namespace columnar = spate::columnar;

TEST(strings, case_and_length) {
    EXPECT_EQ(run("lower", {str("HeLLo")}), "hello");
    EXPECT_EQ(run("upper", {str("straße")}), "STRAßE"); // ASCII letters only
    EXPECT_EQ(run("length", {str("naïve")}), "5");
    EXPECT_EQ(run("char_length", {str("日本語")}), "3");
    EXPECT_EQ(run("octet_length", {str("日本語")}), "9");
    EXPECT_EQ(run("length", {null_of(type_id::varchar)}), "NULL");
}

TEST(strings, substring_in_characters) {
    EXPECT_EQ(run("substring", {str("hello"), i32(2), i32(3)}), "ell");
    EXPECT_EQ(run("substring", {str("hello"), i32(0), i32(2)}), "h");
    EXPECT_EQ(run("substring", {str("hello"), i32(-5), i32(2)}), "");
    EXPECT_EQ(run("substring", {str("hello"), i32(3)}), "llo");
    EXPECT_EQ(run("substr", {str("日本語テキスト"), i32(2), i32(2)}), "本語");
    EXPECT_EQ(run("substring", {str("hello"), i32(9)}), "");
    EXPECT_EQ(run("substring", {str("hello"), i32(1), i32(-1)}),
              "ERROR 22011: negative substring length not allowed");
}

TEST(strings, concat_family) {
    EXPECT_EQ(run("concat", {str("a"), null_of(type_id::varchar), i32(1), boolean(true)}), "a1t");
    EXPECT_EQ(run("concat_ws", {str(","), str("a"), null_of(type_id::varchar), str("b")}), "a,b");
    EXPECT_EQ(run("concat_ws", {null_of(type_id::varchar), str("a")}), "NULL");
    EXPECT_EQ(run("||", {str("a"), str("b")}), "ab");
    EXPECT_EQ(run("||", {str("a"), i32(7)}), "a7");
    EXPECT_EQ(run("||", {str("a"), null_of(type_id::varchar)}), "NULL");
}

TEST(strings, split) {
    EXPECT_EQ(run("split_part", {str("a,b,c"), str(","), i32(2)}), "b");
    EXPECT_EQ(run("split_part", {str("a,b,c"), str(","), i32(4)}), "");
    EXPECT_EQ(run("split_part", {str("a,b,c"), str(","), i32(-1)}), "c");
    EXPECT_EQ(run("split_part", {str("a,b"), str(","), i32(0)}),
              "ERROR 22023: field position must not be zero");
    EXPECT_EQ(run("split_index", {str("a,b,c"), str(","), i32(0)}), "a");
    EXPECT_EQ(run("split_index", {str("a,b,c"), str(","), i32(2)}), "c");
    EXPECT_EQ(run("split_index", {str("a,b,c"), str(","), i32(3)}), "NULL");
    EXPECT_EQ(run("split_index", {str("a,b,c"), str(","), i32(-1)}), "NULL");
}

TEST(strings, trim_replace_position) {
    EXPECT_EQ(run("trim", {str("  x y  ")}), "x y");
    EXPECT_EQ(run("btrim", {str("xxhixx"), str("x")}), "hi");
    EXPECT_EQ(run("ltrim", {str("  hi ")}), "hi ");
    EXPECT_EQ(run("rtrim", {str("hi!?!"), str("!?")}), "hi");
    EXPECT_EQ(run("btrim", {str("éaé"), str("é")}), "a");
    EXPECT_EQ(run("replace", {str("abcabc"), str("b"), str("XY")}), "aXYcaXYc");
    EXPECT_EQ(run("replace", {str("abc"), str(""), str("X")}), "abc");
    EXPECT_EQ(run("strpos", {str("höhle"), str("hl")}), "3");
    EXPECT_EQ(run("strpos", {str("abc"), str("z")}), "0");
    EXPECT_EQ(run("position", {str("c"), str("abc")}), "3");
}

TEST(strings, left_right_pad) {
    EXPECT_EQ(run("left", {str("abcde"), i32(2)}), "ab");
    EXPECT_EQ(run("left", {str("abcde"), i32(-2)}), "abc");
    EXPECT_EQ(run("right", {str("abcde"), i32(2)}), "de");
    EXPECT_EQ(run("right", {str("abcde"), i32(-2)}), "cde");
    EXPECT_EQ(run("lpad", {str("7"), i32(3), str("0")}), "007");
    EXPECT_EQ(run("lpad", {str("hello"), i32(3)}), "hel");
    EXPECT_EQ(run("rpad", {str("ab"), i32(5), str("xy")}), "abxyx");
    EXPECT_EQ(run("rpad", {str("ab"), i32(4)}), "ab  ");
}

TEST(strings, misc) {
    EXPECT_EQ(run("starts_with", {str("alphabet"), str("alph")}), "t");
    EXPECT_EQ(run("starts_with", {str("alphabet"), str("beta")}), "f");
    EXPECT_EQ(run("reverse", {str("añb")}), "bña");
    EXPECT_EQ(run("initcap", {str("hello wORLD-foo")}), "Hello World-Foo");
    EXPECT_EQ(run("repeat", {str("ab"), i32(3)}), "ababab");
    EXPECT_EQ(run("repeat", {str("ab"), i32(-1)}), "");
}

TEST(like, patterns_and_escapes) {
    auto b = make_batch(
        {type_id::varchar},
        {{str("abc")}, {str("a_c")}, {str("xabcx")}, {null_of(type_id::varchar)}, {str("ÄBC")}});
    auto s = make_column_ref(0, type_id::varchar);
    auto like = [&](const char* p, bool ci = false, const char* esc = nullptr) {
        return eval_rows(
            make_like(s, make_constant(str(p)), esc ? make_constant(str(esc)) : nullptr, ci, false),
            b);
    };
    using v = std::vector<std::string>;
    EXPECT_EQ(like("abc"), (v{"t", "f", "f", "NULL", "f"}));
    EXPECT_EQ(like("a%"), (v{"t", "t", "f", "NULL", "f"}));
    EXPECT_EQ(like("%c"), (v{"t", "t", "f", "NULL", "f"}));
    EXPECT_EQ(like("%bc%"), (v{"t", "f", "t", "NULL", "f"}));
    EXPECT_EQ(like("a_c"), (v{"t", "t", "f", "NULL", "f"}));
    EXPECT_EQ(like("_BC"), (v{"f", "f", "f", "NULL", "t"})); // _ is one UTF-8 character
    EXPECT_EQ(like("a\\_c"), (v{"f", "t", "f", "NULL", "f"}));
    EXPECT_EQ(like("a#_c", false, "#"), (v{"f", "t", "f", "NULL", "f"}));
    EXPECT_EQ(like("A%C", true), (v{"t", "t", "f", "NULL", "f"}));
    EXPECT_EQ(like("%"), (v{"t", "t", "t", "NULL", "t"}));
    EXPECT_EQ(like("x%b%x"), (v{"f", "f", "t", "NULL", "f"}));
    auto not_like = make_like(s, make_constant(str("a%")), nullptr, false, true);
    EXPECT_EQ(eval_rows(not_like, b), (v{"f", "f", "t", "NULL", "t"}));
}

TEST(like, pattern_per_row) {
    auto b =
        make_batch({type_id::varchar, type_id::varchar},
                   {{str("abc"), str("a%")}, {str("abc"), str("b%")}, {str("abc"), str("a\\")}});
    auto e = make_like(make_column_ref(0, type_id::varchar), make_column_ref(1, type_id::varchar),
                       nullptr, false, false);
    EXPECT_EQ(eval_rows(e, b),
              (std::vector<std::string>{
                  "t", "f", "ERROR 22025: LIKE pattern must not end with escape character"}));
}

TEST(like, general_patterns_backtrack_linearly) {
    std::string many_a(5000, 'a');
    auto b = make_batch(
        {type_id::varchar},
        {{str(many_a)}, {str(many_a + "b")}, {str("xaybzc")}, {str("日本x語")}, {str("abcbc")}});
    auto s = make_column_ref(0, type_id::varchar);
    auto like = [&](const char* p) {
        return eval_rows(make_like(s, make_constant(str(p)), nullptr, false, false), b);
    };
    using v = std::vector<std::string>;
    EXPECT_EQ(like("%a%a%a%a%a%a%b"), (v{"f", "t", "f", "f", "f"}));
    EXPECT_EQ(like("%a%b%c"), (v{"f", "f", "t", "f", "t"}));
    EXPECT_EQ(like("_本%語"), (v{"f", "f", "f", "t", "f"}));
    EXPECT_EQ(like("%b_"), (v{"f", "f", "f", "f", "t"}));
    EXPECT_EQ(like("a%bc"), (v{"f", "f", "f", "f", "t"}));
    EXPECT_EQ(like("%%_"), (v{"t", "t", "t", "t", "t"}));
}
