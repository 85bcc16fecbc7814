#include "app/produce_command.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace spate::app {
namespace {

TEST(produce_format_of_name, follows_the_extension) {
    EXPECT_EQ(format_of_name("a.csv"), "csv");
    EXPECT_EQ(format_of_name("dir/a.tsv.gz"), "csv");
    EXPECT_EQ(format_of_name("a.json"), "json");
    EXPECT_EQ(format_of_name("logs/*.ndjson.zst"), "json");
    EXPECT_EQ(format_of_name("a.jsonl"), "json");
    EXPECT_EQ(format_of_name("a.txt"), "text");
    EXPECT_EQ(format_of_name("a.csv.bak"), "text");
    EXPECT_EQ(format_of_name("csv"), "text");
    EXPECT_EQ(format_of_name(""), "text");
}

// These checks fail before any connection is tried: the broker address is never reached.
class produce_arguments : public ::testing::Test {
protected:
    void SetUp() override {
        _dir = std::filesystem::temp_directory_path() /
               ("spate-produce-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(_dir);
    }
    void TearDown() override { std::filesystem::remove_all(_dir); }

    std::string write(const std::string& name, const std::string& text) {
        auto path = _dir / name;
        std::ofstream(path) << text;
        return path.string();
    }
    produce_options options(std::string pattern) {
        produce_options o;
        o.pattern = std::move(pattern);
        o.topic = "t";
        o.bootstrap_server = "127.0.0.1:1"; // never contacted by these tests
        o.timeout_s = 1;
        return o;
    }

    std::filesystem::path _dir;
};

TEST_F(produce_arguments, raw_values_need_a_text_file) {
    auto o = options(write("a.csv", "a,b\n1,2\n"));
    o.value_format = "raw";
    EXPECT_EQ(run_produce(o), 2);
    o.format = "text";
    o.key_column = "nope"; // stops at the key check, before the network
    EXPECT_EQ(run_produce(o), 2);
}

TEST_F(produce_arguments, unknown_key_column) {
    auto o = options(write("a.csv", "a,b\n1,2\n"));
    o.key_column = "c";
    EXPECT_EQ(run_produce(o), 2);
}

TEST_F(produce_arguments, bad_delimiter_and_format) {
    auto o = options(write("a.csv", "a,b\n1,2\n"));
    o.delimiter = ";;";
    EXPECT_EQ(run_produce(o), 2);
    o.delimiter = "";
    o.format = "xml";
    EXPECT_EQ(run_produce(o), 2);
}

TEST_F(produce_arguments, missing_file_and_bad_row_fail_before_sending) {
    EXPECT_EQ(run_produce(options((_dir / "none*.csv").string())), 1);
    auto o = options(write("bad.csv", "a,b\n1,2\n3,x\n"));
    EXPECT_EQ(run_produce(o), 1); // the check pass stops at line 3
}

} // namespace
} // namespace spate::app
