#pragma once

#include "columnar/value.h"
#include "files/files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

// Helpers of the files module's tests: a temporary folder, and reading a whole table into
// rows of text.

namespace spate::files::test {

/// A fresh folder under the system's temp folder, removed at the end of the test.
class temp_dir {
public:
    temp_dir() {
        static int n = 0;
        _path = std::filesystem::temp_directory_path() /
                ("spate_files_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
        std::filesystem::remove_all(_path);
        std::filesystem::create_directories(_path);
    }
    ~temp_dir() { std::filesystem::remove_all(_path); }
    std::string path(const std::string& name) const { return (_path / name).string(); }
    std::string write(const std::string& name, const std::string& bytes) const {
        std::ofstream f(path(name), std::ios::binary);
        f << bytes;
        return path(name);
    }

private:
    std::filesystem::path _path;
};

/// Reads every chunk of `t` (chunks of `chunk_bytes`) with one parser over all columns (or
/// `projection`) into rows of text values joined by '|'. On error returns {"ERROR: msg"}.
inline std::vector<std::string> read_rows(const file_table& t, size_t chunk_bytes = 4 << 20,
                                          parse_stats* stats_out = nullptr,
                                          std::vector<uint32_t> projection = {},
                                          bool all_columns = true) {
    if (all_columns && projection.empty())
        for (uint32_t i = 0; i < t.columns.size(); ++i)
            projection.push_back(i);
    chunk_reader reader(t, chunk_bytes);
    chunk_parser parser(t, projection);
    auto types = parser.output_types();
    columnar::batch out = columnar::batch::with_types(types);
    parse_stats stats;
    for (;;) {
        auto c = reader.next();
        if (!c) return {"ERROR: " + c.err().message};
        if (!*c) break;
        auto r = parser.parse(**c, out, stats);
        if (!r) return {"ERROR: " + r.err().message};
    }
    if (stats_out) *stats_out = stats;
    std::vector<std::string> rows;
    for (size_t r = 0; r < out.rows; ++r) {
        std::string row;
        for (size_t c = 0; c < out.columns.size(); ++c) {
            if (c) row += '|';
            row += columnar::value_at(*out.columns[c], r).to_string();
        }
        rows.push_back(row);
    }
    return rows;
}

/// "name type, name type" of a table's columns.
inline std::string schema(const file_table& t) {
    std::string s;
    for (const auto& c : t.columns) {
        if (!s.empty()) s += ", ";
        s += c.name + " " + c.type.to_string();
    }
    return s;
}

} // namespace spate::files::test
