#include "nexmark/json_writer.h"
#include "nexmark/ndjson_files.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace spate::nexmark {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> read_lines(const fs::path& p) {
    std::ifstream in(p);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

class ndjson_files_test : public ::testing::Test {
protected:
    void SetUp() override {
        _dir = fs::temp_directory_path() /
               ("spate-nexmark-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(_dir);
    }
    void TearDown() override { fs::remove_all(_dir); }
    fs::path _dir;
};

TEST_F(ndjson_files_test, writes_each_kind_to_its_file_in_order) {
    generator_config c;
    auto r = write_ndjson_files(c, 10'000, _dir / "sub");
    ASSERT_TRUE(r) << r.err().to_string();
    EXPECT_EQ(*r, (event_counts{200, 600, 9'200}));
    auto persons = read_lines(_dir / "sub" / "person.json");
    auto auctions = read_lines(_dir / "sub" / "auction.json");
    auto bids = read_lines(_dir / "sub" / "bid.json");
    ASSERT_EQ(persons.size(), 200u);
    ASSERT_EQ(auctions.size(), 600u);
    ASSERT_EQ(bids.size(), 9'200u);

    generator gen(c);
    size_t pi = 0, ai = 0, bi = 0;
    for (int i = 0; i < 10'000; ++i) {
        const event& e = gen.next();
        std::string want;
        append_json(e, want);
        switch (e.kind) {
        case event_kind::person: ASSERT_EQ(persons[pi++], want); break;
        case event_kind::auction: ASSERT_EQ(auctions[ai++], want); break;
        case event_kind::bid: ASSERT_EQ(bids[bi++], want); break;
        }
    }
    for (const auto& line : bids)
        ASSERT_TRUE(nlohmann::json::accept(line)) << line;
}

TEST_F(ndjson_files_test, zero_events_make_empty_files) {
    auto r = write_ndjson_files(generator_config{}, 0, _dir);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->total(), 0u);
    EXPECT_EQ(fs::file_size(_dir / "bid.json"), 0u);
}

TEST_F(ndjson_files_test, unwritable_directory_is_an_error) {
    fs::create_directories(_dir);
    std::ofstream(_dir / "file") << "x";
    auto r = write_ndjson_files(generator_config{}, 10, _dir / "file" / "below");
    ASSERT_FALSE(r);
    EXPECT_NE(r.err().message.find("file/below"), std::string::npos) << r.err().message;
}

TEST_F(ndjson_files_test, full_device_is_an_error) {
    if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
    fs::create_directories(_dir);
    fs::create_symlink("/dev/full", _dir / "bid.json");
    auto r = write_ndjson_files(generator_config{}, 100'000, _dir);
    ASSERT_FALSE(r);
    EXPECT_NE(r.err().message.find("bid.json"), std::string::npos) << r.err().message;
}

} // namespace
} // namespace spate::nexmark
