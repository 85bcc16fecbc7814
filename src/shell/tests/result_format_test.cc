#include "shell/result_format.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace spate::shell {
namespace {

// A result held in vectors, for the tests.
class memory_table final : public tabular {
public:
    memory_table(std::vector<std::string> names, std::vector<value_kind> kinds,
                 std::vector<std::vector<std::optional<std::string>>> rows)
        : _names(std::move(names)), _kinds(std::move(kinds)), _rows(std::move(rows)) {}
    size_t column_count() const override { return _names.size(); }
    size_t row_count() const override { return _rows.size(); }
    std::string_view column_name(size_t c) const override { return _names[c]; }
    value_kind column_kind(size_t c) const override { return _kinds[c]; }
    bool is_null(size_t r, size_t c) const override { return !_rows[r][c].has_value(); }
    std::string_view value(size_t r, size_t c) const override {
        return _rows[r][c] ? std::string_view(*_rows[r][c]) : std::string_view();
    }

private:
    std::vector<std::string> _names;
    std::vector<value_kind> _kinds;
    std::vector<std::vector<std::optional<std::string>>> _rows;
};

memory_table sample() {
    return memory_table(
        {"id", "name", "ok"}, {value_kind::number, value_kind::text, value_kind::boolean},
        {{"1", "a,b", "t"}, {"12345", std::nullopt, "f"}, {std::nullopt, "", std::nullopt}});
}

std::string render(const tabular& t, output_format f) {
    std::string out;
    write_result(t, f, out);
    return out;
}

TEST(result_format, table_aligns_numbers_right_and_text_left) {
    EXPECT_EQ(render(sample(), output_format::table), "  id   | name | ok\n"
                                                      "-------+------+----\n"
                                                      "     1 | a,b  | t\n"
                                                      " 12345 |      | f\n"
                                                      "       |      |\n"
                                                      "(3 rows)\n");
}

TEST(result_format, table_counts_code_points_not_bytes) {
    memory_table t({"ville", "n"}, {value_kind::text, value_kind::number},
                   {{"Zürich", "1"}, {"日本", "22"}});
    EXPECT_EQ(render(t, output_format::table), " ville  | n\n"
                                               "--------+----\n"
                                               " Zürich |  1\n"
                                               " 日本     | 22\n"
                                               "(2 rows)\n");
}

TEST(result_format, table_never_truncates_and_says_row) {
    std::string wide(300, 'x');
    memory_table t({"v"}, {value_kind::text}, {{wide}});
    auto out = render(t, output_format::table);
    EXPECT_NE(out.find(" " + wide + "\n"), std::string::npos);
    EXPECT_NE(out.find("(1 row)\n"), std::string::npos);
    memory_table empty({"a"}, {value_kind::text}, {});
    EXPECT_EQ(render(empty, output_format::table), " a\n---\n(0 rows)\n");
}

TEST(result_format, table_shows_newlines_as_continued_lines) {
    memory_table t({"a", "b"}, {value_kind::text, value_kind::text},
                   {{"one\ntwo\nthree", "x"}, {"y", "p\nq"}});
    EXPECT_EQ(render(t, output_format::table), "   a   | b\n"
                                               "-------+---\n"
                                               " one  +| x\n"
                                               " two  +|\n"
                                               " three |\n"
                                               " y     | p+\n"
                                               "       | q\n"
                                               "(2 rows)\n");
}

TEST(result_format, csv_quotes_what_needs_it_and_tells_null_from_empty) {
    EXPECT_EQ(render(sample(), output_format::csv), "id,name,ok\n"
                                                    "1,\"a,b\",t\n"
                                                    "12345,,f\n"
                                                    ",\"\",\n");
    memory_table t({"q\"uote"}, {value_kind::text}, {{"say \"hi\"\nbye"}});
    EXPECT_EQ(render(t, output_format::csv), "\"q\"\"uote\"\n\"say \"\"hi\"\"\nbye\"\n");
}

TEST(result_format, json_lines_with_typed_values) {
    EXPECT_EQ(render(sample(), output_format::json), "{\"id\":1,\"name\":\"a,b\",\"ok\":true}\n"
                                                     "{\"id\":12345,\"name\":null,\"ok\":false}\n"
                                                     "{\"id\":null,\"name\":\"\",\"ok\":null}\n");
}

TEST(result_format, json_quotes_numbers_json_cannot_hold_and_escapes_text) {
    memory_table t({"f", "s"}, {value_kind::number, value_kind::text},
                   {{"NaN", "tab\there \"q\" \\ \x01"}, {"-1.5e3", "ü"}});
    EXPECT_EQ(render(t, output_format::json),
              "{\"f\":\"NaN\",\"s\":\"tab\\there \\\"q\\\" \\\\ \\u0001\"}\n"
              "{\"f\":-1.5e3,\"s\":\"ü\"}\n");
}

TEST(result_format, json_numbers) {
    for (const char* good : {"0", "-0", "12", "1.25", "1e9", "-3.5E-2"})
        EXPECT_TRUE(is_json_number(good)) << good;
    for (const char* bad : {"", "-", "01", "1.", ".5", "1e", "Infinity", "NaN", "1 ", "+1"})
        EXPECT_FALSE(is_json_number(bad)) << bad;
}

TEST(result_format, kinds_and_names) {
    EXPECT_EQ(kind_of_type_oid(23), value_kind::number);
    EXPECT_EQ(kind_of_type_oid(20), value_kind::number);
    EXPECT_EQ(kind_of_type_oid(1700), value_kind::number);
    EXPECT_EQ(kind_of_type_oid(701), value_kind::number);
    EXPECT_EQ(kind_of_type_oid(16), value_kind::boolean);
    EXPECT_EQ(kind_of_type_oid(25), value_kind::text);
    EXPECT_EQ(kind_of_type_oid(1114), value_kind::text);
    EXPECT_EQ(display_width("aü日"), 3u);
    EXPECT_EQ(*parse_output_format("csv"), output_format::csv);
    EXPECT_EQ(*parse_output_format("json"), output_format::json);
    EXPECT_EQ(*parse_output_format("table"), output_format::table);
    auto bad = parse_output_format("xml");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.err().message.find("xml"), std::string::npos);
    EXPECT_FALSE(parse_output_format("CSV"));
}

} // namespace
} // namespace spate::shell
