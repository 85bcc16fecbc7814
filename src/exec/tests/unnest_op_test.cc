#include "exec/unnest_op.h"

#include "columnar/value.h"
#include "exec/tests/capture.h"
#include "expr/binder_support.h"
#include "expr/bound_expr.h"

#include <gtest/gtest.h>

#include <random>

namespace spate::exec {
namespace {

using columnar::type_id;
using columnar::value;
using test_support::capture;

/// A batch of (id bigint, text varchar) rows; std::nullopt text is NULL.
columnar::batch texts(const std::vector<std::optional<std::string>>& rows) {
    std::vector<columnar::data_type> types{type_id::int64, type_id::varchar};
    auto b = columnar::batch::with_types(types);
    for (size_t i = 0; i < rows.size(); ++i) {
        b.columns[0]->push_i64(int64_t(i));
        if (rows[i])
            b.columns[1]->push_string(*rows[i]);
        else
            b.columns[1]->push_null();
    }
    b.rows = rows.size();
    return b;
}

std::vector<std::string> run(const std::vector<std::optional<std::string>>& rows, value sep,
                             bool regex, capture& out) {
    unnest_op op(&out, &out, expr::make_column_ref(1, type_id::varchar, "s"),
                 expr::make_constant(std::move(sep)), regex);
    op.push(texts(rows));
    std::vector<std::string> got;
    for (const auto& r : out.rows())
        got.push_back(r.substr(0, r.find('|')) + ":" + r.substr(r.rfind('|') + 1));
    return got;
}

TEST(unnest_op, splits_each_row_and_repeats_its_columns) {
    capture out;
    auto got = run({"a b  c", std::nullopt, "", "one"}, value::string(" "), false, out);
    // Postgres' string_to_array: empty pieces between separators stay; NULL and '' give none.
    EXPECT_EQ(got, (std::vector<std::string>{"0:a", "0:b", "0:", "0:c", "3:one"}));
    EXPECT_TRUE(out.invalid_rows.empty());
}

TEST(unnest_op, multi_character_and_empty_and_null_separators) {
    capture a, b, c;
    EXPECT_EQ(run({"x--y--"}, value::string("--"), false, a),
              (std::vector<std::string>{"0:x", "0:y", "0:"}));
    EXPECT_EQ(run({"keep whole"}, value::string(""), false, b),
              (std::vector<std::string>{"0:keep whole"}));
    // NULL separator: one piece per character, UTF-8 sequences kept whole.
    EXPECT_EQ(run({"aé"}, value::null(type_id::varchar), false, c),
              (std::vector<std::string>{"0:a", "0:é"}));
}

TEST(unnest_op, regex_splits_like_regexp_split_to_table) {
    capture a, b;
    EXPECT_EQ(run({"Hello, world! ok"}, value::string("\\W+"), true, a),
              (std::vector<std::string>{"0:Hello", "0:world", "0:ok"}));
    // A match at the start gives an empty first piece; an empty string one empty piece.
    EXPECT_EQ(run({" a", ""}, value::string("\\s+"), true, b),
              (std::vector<std::string>{"0:", "0:a", "1:"}));
}

TEST(unnest_op, whitespace_and_non_word_runs_split_as_the_regex_engine_does) {
    // \s+ and \W+ take a path of their own; the same strings through an equivalent pattern
    // that goes to RE2 must give the same pieces.
    std::vector<std::optional<std::string>> rows = {
        "  two  words ", "", "a\tb\nc", "x", "caf\xc3\xa9 ol\xc3\xa9!", "--a__b--", " "};
    for (auto [fast, slow] :
         {std::pair{"\\s+", "[\\t\\n\\f\\r ]+"}, std::pair{"\\W+", "[^0-9A-Za-z_]+"}}) {
        capture a, b;
        EXPECT_EQ(run(rows, value::string(fast), true, a), run(rows, value::string(slow), true, b))
            << fast;
    }
}

// A one-byte separator is searched for eight bytes at a time: random strings of 0..40 bytes with
// the separator anywhere (first, last, at word boundaries 7/8/15/16, doubled), bytes next to it
// in value (0x7f/0x80/0xfe/0xff) and multi-byte UTF-8, split as a byte-by-byte search does.
TEST(unnest_op, one_byte_separator_splits_like_a_plain_search) {
    std::mt19937 rng(5);
    for (std::string sep : {" ", ",", "\x80", "\xff"}) {
        const std::string alphabet = std::string("ab\x7f\x80\xfe\xff\xc3\xa9") + sep + sep;
        std::vector<std::optional<std::string>> rows;
        for (int i = 0; i < 400; ++i) {
            std::string s(rng() % 41, 'x');
            for (auto& ch : s)
                ch = alphabet[rng() % alphabet.size()];
            rows.push_back(s);
        }
        rows.push_back(std::string(17, sep[0]));
        rows.push_back("abcdefg" + sep + "hijklmn" + sep + "opqrstuvw");
        std::vector<std::string> want;
        for (size_t r = 0; r < rows.size(); ++r) {
            const std::string& s = *rows[r];
            if (s.empty()) continue;
            size_t from = 0;
            for (size_t at = 0; at < s.size(); ++at) {
                if (s[at] != sep[0]) continue;
                want.push_back(std::to_string(r) + ":" + s.substr(from, at - from));
                from = at + 1;
            }
            want.push_back(std::to_string(r) + ":" + s.substr(from));
        }
        capture out;
        EXPECT_EQ(run(rows, value::string(sep), false, out), want) << int(sep[0]);
    }
}

// unnest(string_to_array(lower(s), sep)) lowers s into the pieces' buffer itself: the pieces
// are those of the lowered string, ASCII letters only (bytes next to 'A'/'Z' and bytes >= 0x80,
// such as 0xC1 = 0x80 | 'A', unchanged), NULL and '' give no row, and the row's other columns
// come along.
TEST(unnest_op, lower_is_applied_to_the_pieces) {
    std::mt19937 rng(9);
    const std::string alphabet("AZaz@[`{ \xc1\xda\xe1\xfa\xc3\x89\x7f", 16);
    std::vector<std::optional<std::string>> rows = {"The QUICK Brown  FOX", std::nullopt, "",
                                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ ok"};
    for (int i = 0; i < 300; ++i) {
        std::string s(rng() % 40, 'x');
        for (auto& ch : s)
            ch = alphabet[rng() % alphabet.size()];
        rows.push_back(s);
    }
    for (bool regex : {false, true}) {
        std::vector<std::string> want;
        for (size_t r = 0; r < rows.size(); ++r) {
            if (!rows[r]) continue;
            std::string s = *rows[r];
            for (auto& ch : s)
                if (ch >= 'A' && ch <= 'Z') ch = char(ch - 'A' + 'a');
            if (s.empty() && !regex) continue;
            // Pieces as a plain ' ' split, or \s+ (runs of spaces) for the regex.
            size_t from = 0;
            for (size_t at = 0; at < s.size(); ++at) {
                if (s[at] != ' ') continue;
                if (regex && at == from && at > 0 && s[at - 1] == ' ') {
                    from = at + 1;
                    continue;
                }
                want.push_back(std::to_string(r) + ":" + s.substr(from, at - from));
                from = at + 1;
            }
            want.push_back(std::to_string(r) + ":" + s.substr(from));
        }
        capture out;
        unnest_op op(&out, &out,
                     expr::make_call("lower", {expr::make_column_ref(1, type_id::varchar, "s")}),
                     expr::make_constant(value::string(regex ? "\\s+" : " ")), regex);
        EXPECT_NE(op.describe().find("lower"), std::string::npos);
        op.push(texts(rows));
        std::vector<std::string> got;
        for (const auto& r : out.rows())
            got.push_back(r.substr(0, r.find('|')) + ":" + r.substr(r.rfind('|') + 1));
        EXPECT_EQ(got, want) << (regex ? "regex" : "plain");
    }
}

TEST(unnest_op, a_bad_pattern_rejects_the_row) {
    capture out;
    auto got = run({"abc"}, value::string("(unclosed"), true, out);
    EXPECT_TRUE(got.empty());
    ASSERT_EQ(out.invalid_rows.size(), 1u);
    EXPECT_NE(out.invalid_rows[0].find("invalid regular expression"), std::string::npos);
}

} // namespace
} // namespace spate::exec
