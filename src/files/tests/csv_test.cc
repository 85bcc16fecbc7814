#include "files/tests/test_util.h"

#include <gtest/gtest.h>

namespace spate::files {
namespace {

using columnar::type_id;
using test::read_rows;
using test::schema;
using test::temp_dir;
using strings = std::vector<std::string>;

file_table open_ok(const std::string& pattern, read_options o = {}) {
    auto t = open_table(pattern, std::move(o));
    EXPECT_TRUE(t.has_value()) << (t ? "" : t.err().message);
    return t ? std::move(*t) : file_table{};
}

std::string open_error(const std::string& pattern, read_options o = {}) {
    auto t = open_table(pattern, std::move(o));
    return t ? "no error" : t.err().message;
}

TEST(csv_infer, header_detected_and_every_type) {
    temp_dir d;
    auto p = d.write("a.csv", "id,name,price,ok,ts,empty\n"
                              "1,apple,1.5,true,2024-01-02 03:04:05,\n"
                              "2,pear,2,FALSE,2024-01-02T03:04:05Z,\n"
                              "-3,fig,1e3,True,2024-01-03,\n");
    file_table t = open_ok(p);
    EXPECT_TRUE(*t.options.header);
    EXPECT_EQ(schema(t), "id bigint, name varchar, price double precision, ok boolean, "
                         "ts timestamp(3), empty varchar");
    EXPECT_EQ(t.sampled_rows, 3u);
    EXPECT_EQ(read_rows(t), (strings{"1|apple|1.5|t|2024-01-02 03:04:05|NULL",
                                     "2|pear|2|f|2024-01-02 03:04:05|NULL",
                                     "-3|fig|1000|t|2024-01-03 00:00:00|NULL"}));
}

TEST(csv_infer, no_header_when_first_row_typed_like_the_rest) {
    temp_dir d;
    auto p = d.write("a.csv", "1,x\n2,y\n");
    file_table t = open_ok(p);
    EXPECT_FALSE(*t.options.header);
    EXPECT_EQ(schema(t), "column0 bigint, column1 varchar");
    EXPECT_EQ(read_rows(t), (strings{"1|x", "2|y"}));
}

TEST(csv_infer, all_text_file_has_no_header) {
    temp_dir d;
    auto p = d.write("a.csv", "a,b\nc,d\n");
    file_table t = open_ok(p);
    EXPECT_FALSE(*t.options.header);
    EXPECT_EQ(read_rows(t), (strings{"a|b", "c|d"}));
}

TEST(csv_infer, header_forced_and_names_fixed) {
    temp_dir d;
    auto p = d.write("a.csv", " a ,,a,b\n1,2,3,4\n");
    read_options o;
    o.header = true;
    file_table t = open_ok(p, o);
    EXPECT_EQ(schema(t), "a bigint, column1 bigint, a_1 bigint, b bigint");
    EXPECT_EQ(read_rows(t), (strings{"1|2|3|4"}));
}

TEST(csv_infer, all_varchar_override_and_explicit_columns) {
    temp_dir d;
    auto p = d.write("a.csv", "id,v\n1,2.5\n2,3\n");
    read_options o;
    o.all_varchar = true;
    EXPECT_EQ(schema(open_ok(p, o)), "id varchar, v varchar");

    read_options o2;
    o2.types = {{"V", type_id::varchar}};
    file_table t2 = open_ok(p, o2);
    EXPECT_EQ(schema(t2), "id bigint, v varchar");
    EXPECT_EQ(read_rows(t2), (strings{"1|2.5", "2|3"}));

    read_options o3;
    o3.types = {{"nope", type_id::varchar}};
    EXPECT_EQ(open_error(p, o3), "types: no column named \"nope\" (the columns are id, v)");

    read_options o4;
    o4.header = true;
    o4.columns = std::vector<format::field_spec>{{"x", type_id::int32}, {"y", type_id::float64}};
    file_table t4 = open_ok(p, o4);
    EXPECT_EQ(schema(t4), "x integer, y double precision");
    EXPECT_EQ(read_rows(t4), (strings{"1|2.5", "2|3"}));
}

TEST(csv_infer, sample_limits_inference_and_error_says_so) {
    temp_dir d;
    auto p = d.write("a.csv", "n\n1\n2\nabc\n");
    read_options o;
    o.sample_rows = 2;
    o.header = true;
    file_table t = open_ok(p, o);
    EXPECT_EQ(schema(t), "n bigint");
    strings r = read_rows(t);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0], "ERROR: " + p +
                        ":4:1 (column \"n\"): \"abc\" is not a bigint (the type "
                        "bigint was inferred from the first 2 rows; give the column's type in "
                        "types to override it)");
}

TEST(csv_parse, quoting_crlf_and_no_final_newline) {
    temp_dir d;
    auto p = d.write("a.csv", "a,b\r\n\"x,y\",\"line1\nline2\"\r\n\"say \"\"hi\"\"\",\"\"\r\n"
                              "plain,last");
    read_options o;
    o.header = true;
    file_table t = open_ok(p, o);
    EXPECT_EQ(read_rows(t), (strings{"x,y|line1\nline2", "say \"hi\"|", "plain|last"}));
}

TEST(csv_parse, nulls_and_custom_delimiter_quote_skip) {
    temp_dir d;
    auto p = d.write("a.csv", "junk line\nk;v\n1;NA\n2;'NA'\n3;'a;b'\n\n\n");
    read_options o;
    o.delimiter = ';';
    o.quote = '\'';
    o.null_string = "NA";
    o.skip = 1;
    file_table t = open_ok(p, o);
    EXPECT_TRUE(*t.options.header);
    EXPECT_EQ(schema(t), "k bigint, v varchar");
    EXPECT_EQ(read_rows(t), (strings{"1|NULL", "2|NA", "3|a;b"}));
}

TEST(csv_parse, projection_and_filename) {
    temp_dir d;
    auto p = d.write("a.csv", "a,b,c\n1,x,2.5\n2,y,3.5\n");
    read_options o;
    o.filename = true;
    file_table t = open_ok(p, o);
    EXPECT_EQ(schema(t), "a bigint, b varchar, c double precision, filename varchar");
    EXPECT_EQ(read_rows(t, 1 << 20, nullptr, {3, 2}), (strings{p + "|2.5", p + "|3.5"}));
}

TEST(csv_parse, count_only_counts_records) {
    temp_dir d;
    std::vector<std::pair<std::string, size_t>> cases = {
        {d.write("blank.csv", "a,b\n1,2\n\n3,4\r\n5,6"), 3},
        {d.write("crlf_blank.csv", "a,b\r\n1,2\r\n\r\n3,4\r\n\r\n"), 2},
        {d.write("plain.csv", "a,b\n1,2\n3,4\r\n5,6\n7,8"), 4},
        {d.write("quoted.csv", "a,b\n1,\"x\ny\"\n3,4\n"), 2}};
    for (auto [path, want] : cases) {
        read_options o;
        o.header = true;
        file_table t = open_ok(path, o);
        for (size_t chunk : {64, 4 << 20}) {
            chunk_reader reader(t, chunk);
            chunk_parser parser(t, {});
            columnar::batch out;
            parse_stats stats;
            while (true) {
                auto c = reader.next();
                ASSERT_TRUE(c.has_value());
                if (!*c) break;
                ASSERT_TRUE(parser.parse(**c, out, stats).has_value());
            }
            EXPECT_EQ(out.rows, want) << path;
            EXPECT_EQ(stats.rows, want) << path;
        }
    }
}

TEST(csv_errors, exact_messages) {
    temp_dir d;
    read_options o;
    o.header = true;
    auto ragged = d.write("ragged.csv", "a,b,c,d\n1,2,3,4\n5,6,7\n");
    EXPECT_EQ(read_rows(open_ok(ragged, o)),
              (strings{"ERROR: " + ragged + ":3: expected 4 fields, got 3"}));
    auto many = d.write("many.csv", "a,b\n1,2,3\n");
    EXPECT_EQ(read_rows(open_ok(many, o)),
              (strings{"ERROR: " + many + ":2: expected 2 fields, got 3"}));
    auto unterminated = d.write("u.csv", "a,b\n1,2\n3,\"abc\n4,5\n");
    EXPECT_EQ(read_rows(open_ok(unterminated, o)),
              (strings{"ERROR: " + unterminated + ":3:3: unterminated quoted field"}));
    auto after = d.write("after.csv", "a,b\n1,\"x\"y\n");
    EXPECT_EQ(read_rows(open_ok(after, o)),
              (strings{"ERROR: " + after + ":2:6: unexpected text after a closing quote"}));
    read_options typed = o;
    typed.columns =
        std::vector<format::field_spec>{{"id", type_id::int64}, {"price", type_id::float64}};
    auto num = d.write("num.csv", "id,price\n1,2.5\n12,abc\n");
    EXPECT_EQ(read_rows(open_ok(num, typed)),
              (strings{"ERROR: " + num + ":3:4 (column \"price\"): \"abc\" is not a double"}));
    auto big = d.write("big.csv", "id,price\n99999999999999999999,1\n");
    EXPECT_EQ(read_rows(open_ok(big, typed)),
              (strings{"ERROR: " + big +
                       ":2:1 (column \"id\"): \"99999999999999999999\" is "
                       "not a bigint"}));
    auto utf = d.write("utf.csv", "id,name\n1,ok\n2,b\xff\xfe\n");
    EXPECT_EQ(read_rows(open_ok(utf, o)),
              (strings{"ERROR: " + utf + ":3:3 (column \"name\"): invalid UTF-8"}));
}

TEST(csv_errors, ignore_errors_counts_and_skips) {
    temp_dir d;
    auto p = d.write("a.csv", "a,b\n1,x\n2\nzz,y\n3,\"w\"q\n4,z\n5,\"open\n");
    read_options o;
    o.header = true;
    o.ignore_errors = true;
    o.types = {{"a", type_id::int64}};
    file_table t = open_ok(p, o);
    parse_stats stats;
    EXPECT_EQ(read_rows(t, 4 << 20, &stats), (strings{"1|x", "4|z"}));
    EXPECT_EQ(stats.rows, 2u);
    EXPECT_EQ(stats.skipped, 4u);
    EXPECT_EQ(stats.first_skipped, p + ":3: expected 2 fields, got 1");
}

TEST(csv_errors, same_messages_with_small_chunks) {
    temp_dir d;
    read_options o;
    o.header = true;
    std::string body = "a,b\n";
    for (int i = 0; i < 50; ++i)
        body += std::to_string(i) + ",\"q\"\"x\"\n";
    auto unterminated = d.write("u.csv", body + "50,\"abc\n51,5\n52,6\n");
    for (size_t chunk : {64, 128, 4 << 20})
        EXPECT_EQ(read_rows(open_ok(unterminated, o), chunk),
                  (strings{"ERROR: " + unterminated + ":52:4: unterminated quoted field"}));
    auto utf = d.write("utf.csv", body + "50,x\xc3\n51,ok\n");
    o.ignore_errors = true;
    for (size_t chunk : {64, 4 << 20}) {
        parse_stats stats;
        strings rows = read_rows(open_ok(utf, o), chunk, &stats);
        ASSERT_EQ(rows.size(), 51u);
        EXPECT_EQ(rows[0], "0|q\"x");
        EXPECT_EQ(rows.back(), "51|ok");
        EXPECT_EQ(stats.skipped, 1u);
        EXPECT_EQ(stats.first_skipped, utf + ":52:4 (column \"b\"): invalid UTF-8");
    }
}

TEST(csv_errors, empty_and_missing_files) {
    temp_dir d;
    auto e = d.write("empty.csv", "");
    EXPECT_EQ(open_error(e), e + ": the file is empty; a CSV file needs a header or columns");
    read_options o;
    o.columns = std::vector<format::field_spec>{{"a", type_id::int64}};
    file_table t = open_ok(e, o);
    EXPECT_TRUE(read_rows(t).empty());
    EXPECT_EQ(open_error(d.path("nope/*.csv")), "no file matches '" + d.path("nope/*.csv") + "'");
    EXPECT_EQ(open_error(d.path("missing.csv")), "no file matches '" + d.path("missing.csv") + "'");
    auto only_header = d.write("h.csv", "a,b\n");
    file_table h = open_ok(only_header);
    EXPECT_TRUE(*h.options.header);
    EXPECT_EQ(schema(h), "a varchar, b varchar");
    EXPECT_TRUE(read_rows(h).empty());
}

} // namespace
} // namespace spate::files
