#include "columnar/text_format.h"
#include "columnar/value.h"
#include "format/decoder.h"
#include "format/encoder.h"
#include "test_util.h"

#include <cmath>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

using namespace spate;
using namespace spate::format;
using namespace spate::format::testing;
using columnar::data_type;
using columnar::type_id;
using columnar::value;

namespace {

struct table {
    std::vector<std::string> names;
    std::vector<data_type> types;
    columnar::batch batch;

    explicit table(std::vector<field_spec> f) {
        for (auto& x : f)
            names.push_back(x.name), types.push_back(x.type);
        batch = columnar::batch::with_types(types);
    }
    void row(std::vector<value> vals) {
        for (size_t c = 0; c < vals.size(); ++c)
            columnar::append_value(*batch.columns[c], vals[c]);
        ++batch.rows;
    }
    std::vector<field_spec> fields() const {
        std::vector<field_spec> f;
        for (size_t i = 0; i < names.size(); ++i)
            f.push_back({names[i], types[i]});
        return f;
    }
};

std::vector<field_spec> all_types() {
    return {{"b", type_id::boolean},
            {"i", type_id::int32},
            {"l", type_id::int64},
            {"d", type_id::float64},
            {"m", data_type::decimal(10, 2)},
            {"s", type_id::varchar},
            {"t", type_id::timestamp},
            {"iv", type_id::interval},
            {"j", type_id::json}};
}

int64_t ts(std::string_view s) {
    return *columnar::parse_timestamp(s);
}

} // namespace

TEST(json_encoder, writes_each_type_in_its_form) {
    table t(all_types());
    t.row({value::boolean(true), value::int64(-7, type_id::int32), value::int64(INT64_MIN),
           value::float64(0.1), value::int64(-5, data_type::decimal(10, 2)),
           value::string("q\"b\\n\n\x01\t\xc3\xa9"),
           value::int64(ts("2024-01-02 03:04:05"), type_id::timestamp),
           value::int64(-(86'400'000 + 1500), type_id::interval),
           value::string(R"({"a": [1, null]})", type_id::json)});
    t.row({value::null(type_id::boolean), value::null(type_id::int32), value::null(type_id::int64),
           value::float64(NAN), value::null(data_type::decimal(10, 2)),
           value::null(type_id::varchar),
           value::int64(ts("0001-01-01 00:00:00.5"), type_id::timestamp),
           value::null(type_id::interval), value::null(type_id::json)});
    json_encoder e(t.names, t.types);
    std::string out;
    e.encode(t.batch, 0, out);
    EXPECT_EQ(out, R"({"b":true,"i":-7,"l":-9223372036854775808,"d":0.1,"m":-0.05,)"
                   R"("s":"q\"b\\n\n\u0001\té","t":"2024-01-02 03:04:05.000",)"
                   R"("iv":"-1 days -00:00:01.5","j":{"a": [1, null]}})");
    out.clear();
    e.encode(t.batch, 1, out);
    EXPECT_EQ(out, R"({"b":null,"i":null,"l":null,"d":null,"m":null,"s":null,)"
                   R"("t":"0001-01-01 00:00:00.500","iv":null,"j":null})");
    // Infinities are null too; doubles are the shortest round-trip text.
    table d({{"x", type_id::float64}});
    d.row({value::float64(INFINITY)});
    d.row({value::float64(1e300)});
    d.row({value::float64(-0.0)});
    d.row({value::float64(123456789.125)});
    std::vector<std::string> rows;
    json_encoder(d.names, d.types).encode_batch(d.batch, rows);
    EXPECT_EQ(rows, (std::vector<std::string>{R"({"x":null})", R"({"x":1e+300})", R"({"x":-0})",
                                              R"({"x":123456789.125})"}));
}

TEST(json_encoder, escapes_names_and_repairs_bad_utf8) {
    table t({{"we\"ird\n", type_id::varchar}});
    t.row({value::string("a\xff"
                         "b\xe2\x82")});
    std::string out;
    json_encoder(t.names, t.types).encode(t.batch, 0, out);
    EXPECT_EQ(out, R"({"we\"ird\n":"a\ufffdb\ufffd\ufffd"})");
    // What it writes decodes.
    json_decoder dec(t.fields());
    auto r = run(dec, {out});
    ASSERT_EQ(r.errors.size(), 0u) << r.error();
    EXPECT_EQ(r.at(0, 0).as_string(), "a\xef\xbf\xbd"
                                      "b\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(csv_encoder, writes_each_type_and_quotes_when_needed) {
    table t(all_types());
    t.row({value::boolean(false), value::int64(3, type_id::int32), value::int64(4),
           value::float64(NAN), value::int64(1234, data_type::decimal(10, 2)),
           value::string("a,\"b\"\nc"),
           value::int64(ts("2024-01-02 03:04:05.25"), type_id::timestamp),
           value::int64(3'600'000, type_id::interval),
           value::string(R"({"a":1,"b":2})", type_id::json)});
    t.row({value::null(type_id::boolean), value::null(type_id::int32), value::null(type_id::int64),
           value::float64(-INFINITY), value::null(data_type::decimal(10, 2)), value::string(""),
           value::null(type_id::timestamp), value::null(type_id::interval),
           value::null(type_id::json)});
    csv_encoder e(t.names, t.types);
    std::vector<std::string> rows;
    e.encode_batch(t.batch, rows);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0], "false,3,4,NaN,12.34,\"a,\"\"b\"\"\nc\",2024-01-02 03:04:05.250,01:00:00,"
                       "\"{\"\"a\"\":1,\"\"b\"\":2}\"");
    EXPECT_EQ(rows[1], ",,,-Infinity,,\"\",,,");
    EXPECT_EQ(e.header(), "b,i,l,d,m,s,t,iv,j");
    // With a space delimiter, times are quoted; with a null text, values equal to it are too.
    csv_options o;
    o.delimiter = ' ';
    o.null_string = "4";
    std::string line;
    csv_encoder(t.names, t.types, o).encode(t.batch, 0, line);
    EXPECT_EQ(line,
              "false 3 \"4\" NaN 12.34 \"a,\"\"b\"\"\nc\" \"2024-01-02 03:04:05.250\" 01:00:00 "
              "\"{\"\"a\"\":1,\"\"b\"\":2}\"");
}

namespace {

/// A random value of `type` that the text forms carry exactly.
value random_value(const data_type& type, std::mt19937_64& rng) {
    if (rng() % 8 == 0) return value::null(type);
    switch (type.id) {
    case type_id::boolean: return value::boolean(rng() % 2);
    case type_id::int32: return value::int64(int32_t(rng()), type);
    case type_id::int64: return value::int64(int64_t(rng()) >> (rng() % 64), type);
    case type_id::float64: {
        double d;
        do {
            uint64_t bits = rng();
            std::memcpy(&d, &bits, 8);
        } while (!std::isfinite(d));
        if (rng() % 2) d = double(int64_t(rng() % 100000)) / 8;
        return value::float64(d);
    }
    case type_id::decimal: {
        int64_t lim = columnar::pow10_i64(type.precision);
        return value::int64(int64_t(rng() % uint64_t(2 * lim - 1)) - (lim - 1), type);
    }
    case type_id::varchar: {
        static const std::string pieces[] = {"a",
                                             "Z",
                                             " ",
                                             ",",
                                             "\"",
                                             "\\",
                                             "\n",
                                             "\r",
                                             "\t",
                                             "\x01",
                                             "\xc3\xa9",
                                             "\xe2\x82\xac",
                                             "\xf0\x9f\x98\x80",
                                             "''",
                                             ";",
                                             "{"};
        std::string s;
        size_t n = rng() % 12;
        for (size_t i = 0; i < n; ++i)
            s += pieces[rng() % std::size(pieces)];
        return value::string(s);
    }
    case type_id::timestamp: {
        int64_t lo = columnar::days_from_civil(1, 1, 1) * 86'400'000;
        int64_t hi = columnar::days_from_civil(9999, 12, 31) * 86'400'000;
        return value::int64(lo + int64_t(rng() % uint64_t(hi - lo)), type);
    }
    case type_id::interval:
        return value::int64(int64_t(rng() % 2'000'000'000'000) - 1'000'000'000'000, type);
    case type_id::json: {
        static const std::string docs[] = {
            R"({"a":[1,2,{"b":null}],"c":"x,y"})", "[]", "3.5", R"("str\"ing")", "true",
            R"({ "spaced" : [ 1 , 2 ] })"};
        return value::string(docs[rng() % std::size(docs)], type);
    }
    default: return value::null(type);
    }
}

table random_table(std::mt19937_64& rng, size_t rows) {
    std::vector<field_spec> f = all_types();
    f.push_back({"m0", data_type::decimal(18, 0)});
    f.push_back({"m6", data_type::decimal(18, 6)});
    f.push_back({"s2", type_id::varchar});
    table t(f);
    for (size_t r = 0; r < rows; ++r) {
        std::vector<value> vals;
        for (const auto& type : t.types)
            vals.push_back(random_value(type, rng));
        t.row(vals);
    }
    return t;
}

void expect_same(const columnar::batch& a, const columnar::batch& b,
                 const std::vector<std::string>& text) {
    ASSERT_EQ(a.rows, b.rows);
    for (size_t r = 0; r < a.rows; ++r)
        for (size_t c = 0; c < a.columns.size(); ++c)
            ASSERT_EQ(columnar::value_at(*a.columns[c], r), columnar::value_at(*b.columns[c], r))
                << "row " << r << " column " << c << ": " << text[r];
}

} // namespace

TEST(round_trip, json_random_batches) {
    std::mt19937_64 rng(1);
    for (int round = 0; round < 20; ++round) {
        table t = random_table(rng, 200);
        std::vector<std::string> text;
        json_encoder(t.names, t.types).encode_batch(t.batch, text);
        json_decoder d(t.fields());
        auto r = run(d, text);
        ASSERT_EQ(r.errors.size(), 0u) << r.error() << " in " << text[r.errors[0].index];
        expect_same(t.batch, r.batch, text);
    }
}

TEST(round_trip, csv_random_batches) {
    std::mt19937_64 rng(2);
    for (const char* null_text : {"", "\\N"}) {
        csv_options o;
        o.null_string = null_text;
        for (int round = 0; round < 10; ++round) {
            table t = random_table(rng, 200);
            std::vector<std::string> text;
            csv_encoder(t.names, t.types, o).encode_batch(t.batch, text);
            csv_decoder d(t.fields(), o);
            auto r = run(d, text);
            ASSERT_EQ(r.errors.size(), 0u) << r.error() << " in " << text[r.errors[0].index];
            expect_same(t.batch, r.batch, text);
        }
    }
}
