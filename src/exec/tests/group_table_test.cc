#include "agg/aggregate_function.h"
#include "columnar/value.h"
#include "exec/group_table.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>
#include <string>

namespace spate::exec {
namespace {

using columnar::type_id;

std::vector<aggregate_call> count_star() {
    auto fn = std::make_shared<agg::aggregate_function>(
        agg::resolve_aggregate("count", {}, false, agg::input_kind::append_only));
    return {aggregate_call{fn, {}, std::nullopt}};
}

// One text key: short keys (<= 8 bytes) are told apart by their length and bytes alone, longer
// ones by their first 8 bytes and then the whole string; NULL is a key of its own, distinct
// from the empty string. Checked against a std::map over random keys built to collide on
// prefixes and lengths.
TEST(group_table, one_text_key_groups_like_a_map) {
    auto calls = count_star();
    group_table t(calls, {type_id::varchar});
    std::mt19937 rng(7);
    const std::vector<std::string> stems = {
        "", "a", "ab", "abcdefgh", "abcdefghi", "abcdefghij", "abcdefgX", "abcdefghijklmnopq"};
    std::map<std::optional<std::string>, uint32_t> groups;
    std::vector<columnar::data_type> types{type_id::varchar};
    const std::vector<uint32_t> keys{0};
    for (int round = 0; round < 20; ++round) {
        auto b = columnar::batch::with_types(types);
        std::vector<std::optional<std::string>> values;
        for (int r = 0; r < 200; ++r) {
            std::optional<std::string> v;
            if (rng() % 10) {
                v = stems[rng() % stems.size()];
                if (rng() % 3 == 0) v->push_back(char('a' + rng() % 3));
            }
            values.push_back(v);
            if (v)
                b.columns[0]->push_string(*v);
            else
                b.columns[0]->push_null();
            b.rows++;
        }
        for (size_t r = 0; r < b.rows; ++r) {
            bool added;
            // One hash for every key: the table must tell keys apart by their values alone.
            uint32_t g = t.find_or_add(b, keys, r, 42, added);
            auto it = groups.find(values[r]);
            if (it == groups.end()) {
                EXPECT_TRUE(added) << (values[r] ? *values[r] : "NULL");
                groups.emplace(values[r], g);
            } else {
                EXPECT_FALSE(added) << (values[r] ? *values[r] : "NULL");
                EXPECT_EQ(g, it->second) << (values[r] ? *values[r] : "NULL");
            }
        }
    }
    EXPECT_EQ(t.size(), groups.size());
    EXPECT_TRUE(groups.count(std::nullopt));
    EXPECT_TRUE(groups.count(std::string()));
}

} // namespace
} // namespace spate::exec
