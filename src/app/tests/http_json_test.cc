#include "app/http_json_internal.h"

#include <gtest/gtest.h>

#include <cmath>

namespace spate::app {
namespace {

using columnar::data_type;
using columnar::type_id;

TEST(http_json, statement_results_become_columns_rows_tag_and_notices) {
    stream::statement_result r;
    r.returns_rows = true;
    std::vector<data_type> types = {data_type(type_id::int64),   data_type::decimal(5, 2),
                                    data_type(type_id::varchar), data_type(type_id::timestamp),
                                    data_type(type_id::json),    data_type(type_id::float64),
                                    data_type(type_id::boolean)};
    const char* names[] = {"n", "price", "name", "ts", "doc", "x", "ok"};
    for (size_t i = 0; i < types.size(); ++i)
        r.columns.push_back({names[i], types[i]});
    r.rows = columnar::batch::with_types(types);
    auto& c = r.rows.columns;
    c[0]->push_i64(7);
    c[1]->push_i64(1250);
    c[2]->push_string("d\"1");
    c[3]->push_i64(1'704'164'645'500); // 2024-01-02 03:04:05.5
    c[4]->push_string(R"({"a":[1,2]})");
    c[5]->push_f64(std::nan(""));
    c[6]->push_bool(true);
    for (auto& col : c)
        col->push_null();
    r.rows.rows = 2;
    r.tag = "SELECT 2";
    r.notices = {"careful"};

    auto j = statement_json(r);
    EXPECT_EQ(dump(j["columns"]),
              R"j([{"name":"n","type":"bigint"},{"name":"price","type":"numeric(5,2)"},)j"
              R"j({"name":"name","type":"text"},{"name":"ts","type":"timestamp"},)j"
              R"j({"name":"doc","type":"json"},{"name":"x","type":"double precision"},)j"
              R"j({"name":"ok","type":"boolean"}])j");
    EXPECT_EQ(dump(j["rows"]),
              R"j([[7,12.5,"d\"1","2024-01-02 03:04:05.5",{"a":[1,2]},"NaN",true],)j"
              R"j([null,null,null,null,null,null,null]])j");
    EXPECT_EQ(j["tag"], "SELECT 2");
    EXPECT_EQ(dump(j["notices"]), R"(["careful"])");
}

TEST(http_json, a_statement_without_rows_has_empty_columns_and_rows) {
    stream::statement_result r;
    r.tag = "CREATE SOURCE";
    EXPECT_EQ(dump(statement_json(r)),
              R"({"columns":[],"rows":[],"tag":"CREATE SOURCE","notices":[]})");
}

TEST(http_json, utf8_check_and_base64) {
    EXPECT_TRUE(valid_utf8(""));
    EXPECT_TRUE(valid_utf8("plain \xe2\x82\xac \xf0\x9f\x98\x80"));
    EXPECT_FALSE(valid_utf8("\xff"));
    EXPECT_FALSE(valid_utf8("\xc0\xaf"));         // overlong
    EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));     // surrogate
    EXPECT_FALSE(valid_utf8("\xe2\x82"));         // cut short
    EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80")); // past U+10FFFF
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64(std::string("\xff\x00", 2)), "/wA=");
}

TEST(http_json, identifiers_are_quoted) {
    EXPECT_EQ(quote_ident("avg_temp"), "\"avg_temp\"");
    EXPECT_EQ(quote_ident("a\"b"), "\"a\"\"b\"");
}

} // namespace
} // namespace spate::app
