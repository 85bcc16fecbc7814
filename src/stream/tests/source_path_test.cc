#include "columnar/text_format.h"
#include "columnar/value.h"
#include "expr/binder_support.h"
#include "model/batch_builder.h"
#include "model/record_batch.h"
#include "stream/dead_letters.h"
#include "stream/record_walk.h"
#include "stream/result_rows.h"
#include "stream/source_stage.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace spate;
using columnar::type_id;

namespace {

std::shared_ptr<plan::source_def> orders_source() {
    auto s = std::make_shared<plan::source_def>();
    s->name = "orders";
    s->topic = "orders";
    s->format = "json";
    s->dead_letter_topic = "orders_dead_letter";
    s->late_topic = "orders_late";
    s->columns = {{"id", type_id::int64, true, false},
                  {"qty", type_id::int64, false, false},
                  {"ts", type_id::timestamp, false, false}};
    // CHECK (qty > 0); WATERMARK FOR ts AS ts - 1 s.
    auto qty = expr::make_column_ref(1, type_id::int64, "qty");
    s->checks.emplace_back(
        expr::make_call(">", {qty, expr::make_constant(columnar::value::int64(0))}), "qty > 0");
    auto ts = expr::make_column_ref(2, type_id::timestamp, "ts");
    s->watermark = expr::make_call(
        "-", {ts, expr::make_constant(columnar::value::int64(1000, type_id::interval))});
    s->watermark_column = 2;
    return s;
}

std::vector<std::byte> batch_of(std::vector<std::string> values, int64_t base_offset,
                                model::compression codec = model::compression::none) {
    model::batch_builder b;
    for (const auto& v : values)
        b.add(std::nullopt, std::string_view(v), model::timestamp_ms(5));
    b.codec(codec);
    auto bytes = b.build();
    model::assign_base_offset(bytes, model::offset(base_offset));
    return bytes;
}

} // namespace

TEST(record_walk, reads_plain_and_compressed_batches_from_an_offset) {
    auto a = batch_of({"a0", "a1", "a2"}, 10);
    auto b = batch_of({"b0", "b1"}, 13, model::compression::zstd);
    std::vector<std::byte> bytes = a;
    bytes.insert(bytes.end(), b.begin(), b.end());
    std::vector<stream::raw_record> out;
    std::vector<std::vector<std::byte>> scratch;
    auto next = stream::walk_records(bytes, 11, out, scratch);
    ASSERT_TRUE(next) << next.err().to_string();
    EXPECT_EQ(*next, 15);
    ASSERT_EQ(out.size(), 4u) << "offset 10 is before the start";
    EXPECT_EQ(out[0].offset, 11);
    EXPECT_EQ(*out[0].value, "a1");
    EXPECT_EQ(out[3].offset, 14);
    EXPECT_EQ(*out[3].value, "b1");
    // A batch cut short at the end of a read is left for the next read.
    out.clear();
    auto cut = stream::walk_records(std::span(bytes).first(a.size() + 20), 10, out, scratch);
    ASSERT_TRUE(cut);
    EXPECT_EQ(*cut, 13);
    EXPECT_EQ(out.size(), 3u);
    // Garbage is an error, not a crash.
    std::vector<std::byte> junk(100, std::byte{0x7f});
    EXPECT_FALSE(stream::walk_records(junk, 0, out, scratch));
}

TEST(source_stage, decodes_checks_constraints_and_tracks_the_watermark) {
    auto src = orders_source();
    stream::source_stage stage(src, 3);
    stream::dead_letters letters("orders", "orders", "orders_dead_letter", "orders_late");
    std::vector<std::string> values = {
        R"({"id": 1, "qty": 2, "ts": "2024-01-01 00:00:10"})",
        R"({"qty": 2, "ts": "2024-01-01 00:00:11"})",          // id NULL
        R"({"id": 3, "qty": 0, "ts": "2024-01-01 00:00:12"})", // CHECK fails
        "not json",
        R"({"id": 5, "qty": 1, "ts": "2024-01-01 00:00:30"})",
    };
    std::vector<stream::raw_record> records;
    for (size_t i = 0; i < values.size(); ++i)
        records.push_back({int64_t(100 + i), 0, std::nullopt, std::string_view(values[i])});
    auto b = stage.process(records, letters);
    ASSERT_EQ(b.rows, 2u);
    ASSERT_EQ(b.columns.size(), 5u) << "three columns, then the hidden partition and offset";
    EXPECT_EQ(b.columns[0]->i64()[1], 5);
    EXPECT_EQ(b.columns[3]->i64()[0], 3) << "the partition";
    EXPECT_EQ(b.columns[4]->i64()[1], 104) << "the offset";
    EXPECT_EQ(stage.watermark(), columnar::parse_timestamp("2024-01-01 00:00:29").value());
    ASSERT_EQ(letters.records().size(), 3u);
    std::vector<std::string> reasons;
    for (const auto& r : letters.records()) {
        auto j = nlohmann::json::parse(r.value);
        EXPECT_EQ(j["topic"], "orders");
        EXPECT_EQ(j["partition"], 3);
        reasons.push_back(j["reason"].get<std::string>() + " @" +
                          std::to_string(j["offset"].get<int>()));
    }
    std::sort(reasons.begin(), reasons.end());
    EXPECT_EQ(reasons[0], "CHECK (qty > 0) is false @102");
    EXPECT_EQ(reasons[1], "column \"id\" is NULL but declared NOT NULL @101");
    EXPECT_NE(reasons[2].find("@103"), std::string::npos);
}

TEST(result_rows, sort_nulls_offset_limit_and_hidden_columns) {
    plan::dataflow d;
    d.output = {{"a", type_id::int64, false, false}, {"h", type_id::int64, false, true}};
    d.order_by = {{0, /*descending=*/false, /*nulls_first=*/false}};
    d.offset = 1;
    d.limit = 2;
    auto b = columnar::batch::with_types(
        std::vector<columnar::data_type>{type_id::int64, type_id::int64});
    for (int v : {3, -1, 2, 1}) {
        if (v < 0)
            b.columns[0]->push_null();
        else
            b.columns[0]->push_i64(v);
        b.columns[1]->push_i64(v * 10);
    }
    b.rows = 4;
    std::vector<columnar::batch> parts;
    parts.push_back(std::move(b));
    auto r = stream::finish_rows(d, std::move(parts));
    ASSERT_EQ(r.columns.size(), 1u) << "hidden columns are dropped";
    ASSERT_EQ(r.rows, 2u);
    EXPECT_EQ(r.columns[0]->i64()[0], 2);
    EXPECT_EQ(r.columns[0]->i64()[1], 3);
}
