#include "files/tests/test_util.h"

#include <gtest/gtest.h>

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

namespace spate::files {
namespace {

using columnar::type_id;
using test::read_rows;
using test::schema;
using test::temp_dir;
using strings = std::vector<std::string>;

std::string gzip(const std::string& s) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&z, uLong(s.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
    z.avail_in = uInt(s.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string zstd(const std::string& s) {
    // With a content checksum, as the zstd program writes by default.
    std::string out(ZSTD_compressBound(s.size()), '\0');
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    size_t n = ZSTD_compress2(cctx, out.data(), out.size(), s.data(), s.size());
    ZSTD_freeCCtx(cctx);
    EXPECT_FALSE(ZSTD_isError(n));
    out.resize(n);
    return out;
}

/// A CSV with quoted fields spanning lines, doubled quotes and CRLF, `rows` records.
std::string tricky_csv(int rows) {
    std::string s = "id,text,amount\n";
    for (int i = 0; i < rows; ++i) {
        s += std::to_string(i) + ",";
        if (i % 3 == 0)
            s += "\"multi\nline \"\"" + std::to_string(i) + "\"\", with comma\"";
        else
            s += "plain" + std::to_string(i);
        s += "," + std::to_string(i) + ".25" + (i % 2 ? "\r\n" : "\n");
    }
    return s;
}

file_table open_ok(const std::string& pattern, read_options o = {}) {
    auto t = open_table(pattern, std::move(o));
    EXPECT_TRUE(t.has_value()) << (t ? "" : t.err().message);
    return t ? std::move(*t) : file_table{};
}

TEST(chunk_reader, small_chunks_give_the_same_rows) {
    temp_dir d;
    auto p = d.write("a.csv", tricky_csv(500));
    file_table t = open_ok(p);
    EXPECT_EQ(schema(t), "id bigint, text varchar, amount double precision");
    strings whole = read_rows(t);
    ASSERT_EQ(whole.size(), 500u);
    EXPECT_EQ(whole[3], "3|multi\nline \"3\", with comma|3.25");
    for (size_t chunk : {64, 100, 333, 1000}) {
        EXPECT_EQ(read_rows(t, chunk), whole) << chunk;
        // Every chunk holds whole records and starts at the line it says.
        chunk_reader reader(t, chunk);
        size_t chunks = 0;
        uint64_t line = 2;
        while (true) {
            auto c = reader.next();
            ASSERT_TRUE(c.has_value());
            if (!*c) break;
            ++chunks;
            EXPECT_EQ((*c)->first_line, line);
            line += std::count((*c)->bytes.begin(), (*c)->bytes.end(), '\n');
            EXPECT_EQ((*c)->bytes.back(), '\n');
        }
        EXPECT_GT(chunks, 10u);
        EXPECT_EQ(reader.bytes_read(), reader.total_bytes());
    }
}

TEST(chunk_reader, error_line_numbers_are_right_in_later_chunks) {
    temp_dir d;
    std::string s = tricky_csv(300);
    s += "x,y,z\n";
    auto p = d.write("a.csv", s);
    read_options o;
    o.header = true;
    o.types = {{"id", type_id::int64}};
    file_table t = open_ok(p, o);
    uint64_t line = uint64_t(std::count(s.begin(), s.end(), '\n'));
    for (size_t chunk : {64, 4 << 20})
        EXPECT_EQ(read_rows(t, chunk), (strings{"ERROR: " + p + ":" + std::to_string(line) +
                                                ":1 (column \"id\"): \"x\" is not a bigint"}));
}

TEST(chunk_reader, gzip_and_zstd) {
    temp_dir d;
    std::string csv = tricky_csv(2000);
    auto plain = d.write("p.csv", csv);
    auto gz = d.write("g.csv.gz", gzip(csv));
    // Two gzip members one after the other read as one file.
    auto two = d.write("two.csv.gz", gzip(csv.substr(0, 1000)) + gzip(csv.substr(1000)));
    auto zs = d.write("z.csv.zst", zstd(csv));
    auto two_zs = d.write("two.csv.zst", zstd(csv.substr(0, 777)) + zstd(csv.substr(777)));
    strings want = read_rows(open_ok(plain));
    ASSERT_EQ(want.size(), 2000u);
    for (auto path : {gz, two, zs, two_zs}) {
        file_table t = open_ok(path);
        EXPECT_EQ(read_rows(t, 4096), want) << path;
        chunk_reader reader(t);
        while (true) {
            auto c = reader.next();
            ASSERT_TRUE(c.has_value());
            if (!*c) break;
        }
        EXPECT_EQ(reader.bytes_read(), reader.total_bytes());
    }
}

TEST(chunk_reader, corrupt_and_truncated_streams) {
    temp_dir d;
    std::string csv = tricky_csv(3000);
    std::string g = gzip(csv);
    auto cut_gz = d.write("cut.csv.gz", g.substr(0, g.size() / 2));
    std::string z = zstd(csv);
    auto cut_zs = d.write("cut.csv.zst", z.substr(0, z.size() / 2));
    std::string bad = g;
    for (size_t i = 20; i < 60; ++i)
        bad[i] = char(bad[i] ^ 0x5a);
    auto bad_gz = d.write("bad.csv.gz", bad);
    read_options o;
    o.header = true;
    o.columns = std::vector<format::field_spec>{
        {"id", type_id::int64}, {"text", type_id::varchar}, {"amount", type_id::float64}};
    EXPECT_EQ(read_rows(open_ok(cut_gz, o)),
              (strings{"ERROR: " + cut_gz + ": truncated gzip stream"}));
    EXPECT_EQ(read_rows(open_ok(cut_zs, o)),
              (strings{"ERROR: " + cut_zs + ": truncated zstd stream"}));
    strings r = read_rows(open_ok(bad_gz, o));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].rfind("ERROR: " + bad_gz + ": corrupt gzip stream", 0), 0u) << r[0];
    std::string bad_z = z;
    for (size_t i = z.size() / 3; i < z.size() / 3 + 40; ++i)
        bad_z[i] = char(bad_z[i] ^ 0x5a);
    auto bad_zs = d.write("bad.csv.zst", bad_z);
    strings rz = read_rows(open_ok(bad_zs, o));
    ASSERT_EQ(rz.size(), 1u);
    EXPECT_EQ(rz[0].rfind("ERROR: " + bad_zs + ": corrupt zstd stream", 0), 0u) << rz[0];
    // Inference reads the sample, so it reports the broken stream too.
    auto tiny = d.write("tiny.csv.gz", g.substr(0, 30));
    auto t = open_table(tiny, {});
    ASSERT_FALSE(t.has_value());
    EXPECT_EQ(t.err().message, tiny + ": truncated gzip stream");
}

TEST(chunk_reader, glob_over_several_files_with_headers) {
    temp_dir d;
    d.write("b.csv", "id,name\n3,c\n4,d\n");
    d.write("a.csv", "id,name\n1,a\n2,b");
    d.write("c.txt", "not matched\n");
    read_options o;
    o.filename = true;
    file_table t = open_ok(d.path("*.csv"), o);
    ASSERT_EQ(t.files.size(), 2u);
    EXPECT_EQ(t.files[0], d.path("a.csv"));
    EXPECT_TRUE(*t.options.header);
    EXPECT_EQ(read_rows(t), (strings{"1|a|" + d.path("a.csv"), "2|b|" + d.path("a.csv"),
                                     "3|c|" + d.path("b.csv"), "4|d|" + d.path("b.csv")}));
}

TEST(chunk_reader, unreadable_file) {
    temp_dir d;
    auto p = d.write("a.csv", "a\n1\n");
    file_table t = open_ok(p);
    std::filesystem::remove(p);
    EXPECT_EQ(read_rows(t), (strings{"ERROR: " + p + ": No such file or directory"}));
    std::filesystem::create_directories(d.path("dir.csv"));
    auto r = open_table(d.path("dir.csv"), {});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.err().message, d.path("dir.csv") + ": Is a directory");
}

TEST(chunk_reader, threads_share_one_reader) {
    temp_dir d;
    std::string s = "n\n";
    for (int i = 0; i < 20000; ++i)
        s += std::to_string(i) + "\n";
    auto p = d.write("a.csv", s);
    file_table t = open_ok(p);
    chunk_reader reader(t, 1000);
    std::atomic<int64_t> sum{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k)
        threads.emplace_back([&] {
            chunk_parser parser(t, {0});
            columnar::batch out = columnar::batch::with_types(parser.output_types());
            parse_stats stats;
            while (true) {
                auto c = reader.next();
                if (!c) failed = true;
                if (!c || !*c) break;
                if (!parser.parse(**c, out, stats)) failed = true;
            }
            int64_t local = 0;
            for (size_t r = 0; r < out.rows; ++r)
                local += out.columns[0]->i64()[r];
            sum += local;
        });
    for (auto& th : threads)
        th.join();
    EXPECT_FALSE(failed);
    EXPECT_EQ(sum.load(), int64_t(20000) * 19999 / 2);
}

} // namespace
} // namespace spate::files

namespace spate::files {
namespace {

TEST(chunk_reader, random_records_parse_right_in_any_chunking) {
    test::temp_dir d;
    std::mt19937 rng(42);
    read_options o;
    o.header = false;
    o.columns = std::vector<format::field_spec>{{"a", columnar::type_id::varchar},
                                                {"b", columnar::type_id::varchar}};
    const char* plain[] = {"a", "1", "b", " ", "x y"};
    const char* inside[] = {"a", ",", "\n", "\"\"", "\r\n", " "};
    for (int round = 0; round < 200; ++round) {
        std::string file;
        std::vector<std::string> want;
        size_t records = rng() % 40;
        for (size_t r = 0; r < records; ++r) {
            std::string row;
            for (int f = 0; f < 2; ++f) {
                std::string value;
                if (f) file += ',';
                if (rng() % 2) {
                    file += '"';
                    for (size_t k = rng() % 5; k > 0; --k) {
                        std::string piece = inside[rng() % 6];
                        file += piece;
                        value += piece == "\"\"" ? "\"" : piece;
                    }
                    file += '"';
                } else {
                    for (size_t k = 1 + rng() % 3; k > 0; --k)
                        value += plain[rng() % 5];
                    file += value;
                }
                row += (f ? "|" : "") + value;
            }
            want.push_back(row);
            file += rng() % 2 ? "\r\n" : "\n";
            if (rng() % 8 == 0) file += "\n";
        }
        if (!file.empty() && rng() % 2) file.pop_back(); // no final line break
        if (!file.empty() && file.back() == '\r') file.pop_back();
        auto p = d.write("r.csv", file);
        auto t = open_table(p, o);
        ASSERT_TRUE(t.has_value());
        for (size_t chunk : {64, 100, 4 << 20})
            ASSERT_EQ(test::read_rows(*t, chunk), want) << chunk << "\n" << file;
    }
}

} // namespace
} // namespace spate::files
