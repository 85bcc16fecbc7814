#include "exec/row_key.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spate::exec {
namespace {

using columnar::type_id;

columnar::batch text_batch(const std::vector<std::optional<std::string>>& values) {
    const std::vector<columnar::data_type> types{type_id::varchar};
    auto b = columnar::batch::with_types(types);
    for (const auto& v : values) {
        if (v)
            b.columns[0]->push_string(*v);
        else
            b.columns[0]->push_null();
        b.rows++;
    }
    return b;
}

// Every string of 0..3 bytes over a small alphabet (NUL included), plus strings of 4..40 bytes
// differing in one byte or in length only: no two distinct values share a hash, NULL included,
// and a column with NULLs hashes each string as a column without.
TEST(hash_rows, text_values_hash_apart_and_alike) {
    std::vector<std::optional<std::string>> values{std::nullopt};
    const std::string alphabet("\0ab", 3);
    for (size_t n = 0; n <= 3; ++n) {
        size_t combos = 1;
        for (size_t i = 0; i < n; ++i)
            combos *= alphabet.size();
        for (size_t c = 0; c < combos; ++c) {
            std::string s;
            for (size_t i = 0, x = c; i < n; ++i, x /= alphabet.size())
                s.push_back(alphabet[x % alphabet.size()]);
            values.push_back(s);
        }
    }
    for (size_t n = 4; n <= 40; ++n) {
        std::string base(n, 'w');
        values.push_back(base);
        for (size_t at : {size_t(0), n / 2, n - 1}) {
            std::string s = base;
            s[at] = 'v';
            values.push_back(s);
        }
    }
    std::vector<std::optional<std::string>> unique;
    std::set<std::optional<std::string>> seen;
    for (const auto& v : values)
        if (seen.insert(v).second) unique.push_back(v);
    auto b = text_batch(unique);
    const std::vector<uint32_t> cols{0};
    std::vector<uint64_t> with_nulls;
    hash_rows(b, cols, with_nulls);
    std::set<uint64_t> hashes(with_nulls.begin(), with_nulls.end());
    EXPECT_EQ(hashes.size(), unique.size());
    for (size_t r = 0; r < b.rows; ++r)
        EXPECT_EQ(hash_row(b, cols, r), with_nulls[r]) << r;
    // The same strings without the NULL (the column takes the no-NULL path).
    std::vector<std::optional<std::string>> strings(unique.begin() + 1, unique.end());
    auto s = text_batch(strings);
    ASSERT_FALSE(s.columns[0]->has_nulls());
    std::vector<uint64_t> without;
    hash_rows(s, cols, without);
    for (size_t r = 0; r < s.rows; ++r)
        EXPECT_EQ(without[r], with_nulls[r + 1]) << *strings[r];
}

} // namespace
} // namespace spate::exec
