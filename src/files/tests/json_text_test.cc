#include "files/tests/test_util.h"

#include <gtest/gtest.h>

namespace spate::files {
namespace {

using columnar::type_id;
using test::read_rows;
using test::schema;
using test::temp_dir;
using strings = std::vector<std::string>;

file_table open_ok(const std::string& pattern, read_options o) {
    auto t = open_table(pattern, std::move(o));
    EXPECT_TRUE(t.has_value()) << (t ? "" : t.err().message);
    return t ? std::move(*t) : file_table{};
}

read_options json() {
    read_options o;
    o.format = file_format::json;
    return o;
}

read_options text() {
    read_options o;
    o.format = file_format::text;
    return o;
}

TEST(json_files, ndjson_inference_and_rows) {
    temp_dir d;
    auto p = d.write("e.json", "{\"id\": 1, \"name\": \"a\", \"at\": \"2024-01-02 03:04:05\"}\n"
                               "\n"
                               "{\"id\": 2, \"price\": 2.5, \"tags\": [1, 2], \"ok\": true}\n"
                               "  \r\n"
                               "{\"name\": null, \"price\": 3, \"id\": 3, \"at\": \"2024-01-03\"}");
    file_table t = open_ok(p, json());
    EXPECT_EQ(schema(t), "id bigint, name varchar, at timestamp(3), price double precision, "
                         "tags json, ok boolean");
    EXPECT_EQ(t.sampled_rows, 3u);
    strings want{"1|a|2024-01-02 03:04:05|NULL|NULL|NULL", "2|NULL|NULL|2.5|[1, 2]|t",
                 "3|NULL|2024-01-03 00:00:00|3|NULL|NULL"};
    EXPECT_EQ(read_rows(t), want);
    EXPECT_EQ(read_rows(t, 64), want);
}

TEST(json_files, mixed_kinds_become_varchar) {
    temp_dir d;
    auto p = d.write("e.json", "{\"a\": 1, \"b\": \"x\", \"c\": null}\n{\"a\": true, \"b\": 2}\n");
    file_table t = open_ok(p, json());
    EXPECT_EQ(schema(t), "a varchar, b varchar, c varchar");
    EXPECT_EQ(read_rows(t), (strings{"1|x|NULL", "true|2|NULL"}));
}

TEST(json_files, top_level_array) {
    temp_dir d;
    auto p = d.write("a.json", "  [\n {\"k\": 1, \"v\": \"x\"},\n {\"k\": 2}\n]\n");
    read_options o = json();
    o.filename = true;
    file_table t = open_ok(p, o);
    EXPECT_EQ(schema(t), "k bigint, v varchar, filename varchar");
    EXPECT_EQ(read_rows(t, 64), (strings{"1|x|" + p, "2|NULL|" + p}));
    auto bad = d.write("b.json", "[{\"k\": 1}, 5]");
    read_options given = json();
    given.columns = std::vector<format::field_spec>{{"k", type_id::int64}};
    EXPECT_EQ(read_rows(open_ok(bad, given)),
              (strings{"ERROR: " + bad + ": element 1 of the array is not a JSON object"}));
}

TEST(json_files, errors_name_file_line_column) {
    temp_dir d;
    auto p = d.write("e.json", "{\"id\": 1}\n{\"id\": 2}\n{\"id\" 3}\n{\"id\": \"z\"}\n");
    read_options o = json();
    o.columns = std::vector<format::field_spec>{{"id", type_id::int64}};
    EXPECT_EQ(read_rows(open_ok(p, o)),
              (strings{"ERROR: " + p +
                       ":3:7: not valid JSON: The JSON document has an improper structure: "
                       "missing or superfluous commas, braces, missing keys, etc"}));

    o.ignore_errors = true;
    parse_stats stats;
    EXPECT_EQ(read_rows(open_ok(p, o), 4 << 20, &stats), (strings{"1", "2"}));
    EXPECT_EQ(stats.skipped, 2u);
    EXPECT_EQ(stats.rows, 2u);
}

TEST(json_files, ndjson_line_holding_an_array_is_a_bad_record) {
    temp_dir d;
    // Four lines of 16 bytes: the second chunk of 64 bytes starts with the array.
    std::string line = "{\"k\": 10000000}\n";
    auto p = d.write("e.json", line + line + line + line + "[1, 2]\n" + line);
    read_options o = json();
    o.columns = std::vector<format::field_spec>{{"k", type_id::int64}};
    for (size_t chunk : {64, 4 << 20})
        EXPECT_EQ(read_rows(open_ok(p, o), chunk),
                  (strings{"ERROR: " + p + ":5: expected a JSON object, got an array"}));
}

TEST(json_files, empty_file_needs_columns) {
    temp_dir d;
    auto p = d.write("e.json", "\n\n");
    auto t = open_table(p, json());
    ASSERT_FALSE(t.has_value());
    EXPECT_EQ(t.err().message,
              p + ": no JSON object with keys to infer the columns from; give the columns");
}

TEST(text_files, lines_crlf_skip_and_blank_lines) {
    temp_dir d;
    auto p = d.write("t.txt", "skipped\nhello world\r\n\nlast line");
    read_options o = text();
    o.skip = 1;
    file_table t = open_ok(p, o);
    EXPECT_EQ(schema(t), "line varchar");
    strings want{"hello world", "", "last line"};
    EXPECT_EQ(read_rows(t), want);
    EXPECT_EQ(read_rows(t, 64), want);
    auto e = d.write("empty.txt", "");
    EXPECT_TRUE(read_rows(open_ok(e, text())).empty());
}

TEST(text_files, invalid_utf8) {
    temp_dir d;
    auto p = d.write("t.txt", "ok\nbad \xc3\x28 here\nfine\n");
    EXPECT_EQ(read_rows(open_ok(p, text())), (strings{"ERROR: " + p + ":2: invalid UTF-8"}));
    read_options o = text();
    o.ignore_errors = true;
    parse_stats stats;
    EXPECT_EQ(read_rows(open_ok(p, o), 4 << 20, &stats), (strings{"ok", "fine"}));
    EXPECT_EQ(stats.skipped, 1u);
    EXPECT_EQ(stats.first_skipped, p + ":2: invalid UTF-8");
}

TEST(text_files, missing_file) {
    temp_dir d;
    auto t = open_table(d.path("x*.txt"), text());
    ASSERT_FALSE(t.has_value());
    EXPECT_EQ(t.err().message, "no file matches '" + d.path("x*.txt") + "'");
}

} // namespace
} // namespace spate::files
