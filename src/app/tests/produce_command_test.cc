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

    // run_produce's exit code, and what it printed to stderr in `err`.
    int run(const produce_options& o, std::string& err) {
        ::testing::internal::CaptureStderr();
        int code = run_produce(o);
        err = ::testing::internal::GetCapturedStderr();
        return code;
    }

    std::filesystem::path _dir;
};

TEST_F(produce_arguments, raw_values_need_a_text_file) {
    std::string err;
    auto o = options(write("a.csv", "a,b\n1,2\n"));
    o.value_format = "raw";
    EXPECT_EQ(run(o, err), 2);
    EXPECT_NE(err.find("raw is only for text files"), std::string::npos) << err;
    o.format = "text";
    o.key_column = "line2"; // a text file has one column, `line`
    EXPECT_EQ(run(o, err), 2);
    EXPECT_NE(err.find("--key line2 is not a column"), std::string::npos) << err;
    EXPECT_NE(err.find("(columns: line)"), std::string::npos) << err;
}

TEST_F(produce_arguments, unknown_key_column) {
    std::string err;
    auto o = options(write("a.csv", "a,b\n1,2\n"));
    o.key_column = "c";
    EXPECT_EQ(run(o, err), 2);
    EXPECT_NE(err.find("(columns: a, b)"), std::string::npos) << err;
}

TEST_F(produce_arguments, bad_delimiter_and_format) {
    std::string err;
    auto o = options(write("a.csv", "a,b\n1,2\n"));
    o.delimiter = ";;";
    EXPECT_EQ(run(o, err), 2);
    EXPECT_NE(err.find("one character"), std::string::npos) << err;
    o.delimiter = "";
    o.format = "xml";
    EXPECT_EQ(run(o, err), 2);
    EXPECT_NE(err.find("unknown --format xml"), std::string::npos) << err;
}

TEST_F(produce_arguments, missing_file_and_bad_row_fail_before_connecting) {
    std::string err;
    EXPECT_EQ(run(options((_dir / "none*.csv").string()), err), 1);
    EXPECT_NE(err.find("no file matches"), std::string::npos) << err;
    auto o = options(write("bad.csv", "a,b\n1,2\n3\n"));
    EXPECT_EQ(run(o, err), 1);
    EXPECT_NE(err.find("bad.csv:3: expected 2 fields, got 1"), std::string::npos) << err;
    EXPECT_EQ(err.find("127.0.0.1:1"), std::string::npos) << err; // never got to the broker
}

TEST_F(produce_arguments, tab_delimiter_reads_tsv) {
    std::string err;
    auto o = options(write("a.txt", "a\tb\n1\tx\n"));
    o.format = "csv";
    o.delimiter = "\\t";
    o.key_column = "b";        // exists only when the tab splits the header
    EXPECT_EQ(run(o, err), 1); // gets past the checks; the broker is unreachable
    EXPECT_NE(err.find("127.0.0.1:1"), std::string::npos) << err;
}

} // namespace
} // namespace spate::app
