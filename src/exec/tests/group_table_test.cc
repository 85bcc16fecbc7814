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

// One text key: short keys (<= 16 bytes) are told apart by their length and bytes alone, longer
// ones by their first 16 bytes and then the whole string; NULL is a key of its own, distinct
// from the empty string. Checked against a std::map over random keys built to collide on
// prefixes and lengths.
TEST(group_table, one_text_key_groups_like_a_map) {
    auto calls = count_star();
    group_table t(calls, {type_id::varchar});
    std::mt19937 rng(7);
    const std::vector<std::string> stems = {"",
                                            "a",
                                            "ab",
                                            "abcdefgh",
                                            "abcdefghi",
                                            "abcdefghij",
                                            "abcdefgX",
                                            "abcdefghijklmnop",
                                            "abcdefghijklmnoX",
                                            "abcdefghijklmnopq",
                                            "abcdefghijklmnopqrstuvwxyz012345"};
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

/// A batch of one varchar column holding `values` (nullopt: NULL).
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

// A removed text group is gone from the index (its key makes a new group), the others stay,
// and the freed slot is reused.
TEST(group_table, one_text_key_remove_and_reuse) {
    auto calls = count_star();
    group_table t(calls, {type_id::varchar});
    const std::vector<uint32_t> keys{0};
    auto b = text_batch(
        {"short", "exactly-16-bytes", "a key longer than sixteen bytes", "", std::nullopt});
    std::vector<uint32_t> g(b.rows);
    for (size_t r = 0; r < b.rows; ++r) {
        bool added;
        g[r] = t.find_or_add(b, keys, r, 7, added); // one hash: every key collides
        EXPECT_TRUE(added);
    }
    EXPECT_EQ(t.size(), 5u);
    t.remove(g[2]);
    t.remove(g[4]);
    EXPECT_EQ(t.size(), 3u);
    for (size_t r : {0u, 1u, 3u}) {
        bool added;
        EXPECT_EQ(t.find_or_add(b, keys, r, 7, added), g[r]);
        EXPECT_FALSE(added);
    }
    bool added;
    uint32_t again = t.find_or_add(b, keys, 2, 7, added);
    EXPECT_TRUE(added);
    EXPECT_TRUE(again == g[2] || again == g[4]); // a freed slot
    EXPECT_EQ(t.size(), 4u);
    (void)t.find_or_add(b, keys, 4, 7, added);
    EXPECT_TRUE(added);
    EXPECT_EQ(t.size(), 5u);
}

// Two text tables merged by key: counts add up, and each key lands in exactly one part.
TEST(group_table, one_text_key_merge) {
    auto calls = count_star();
    group_table x(calls, {type_id::varchar}), y(calls, {type_id::varchar});
    const std::vector<uint32_t> keys{0};
    auto bx = text_batch({"the", "the", "a key longer than sixteen bytes", std::nullopt, ""});
    auto by = text_batch({"the", "a key longer than sixteen bytes!", std::nullopt, "of"});
    for (auto* p : {&x, &y}) {
        const auto& b = p == &x ? bx : by;
        for (size_t r = 0; r < b.rows; ++r) {
            bool added;
            uint32_t g = p->find_or_add(b, keys, r, added);
            p->rows(g) += 1;
        }
    }
    std::map<std::optional<std::string>, int64_t> counts;
    size_t total_groups = 0;
    for (unsigned part = 0; part < 2; ++part) {
        group_table m(calls, {type_id::varchar});
        m.merge_from(x, part, 2);
        m.merge_from(y, part, 2);
        total_groups += m.size();
        columnar::batch out = m.result_batch();
        for (uint32_t g : m.groups()) {
            EXPECT_TRUE(m.append_result(g, out).ok());
            std::optional<std::string> key;
            if (!out.columns[0]->is_null(out.rows - 1))
                key = std::string(out.columns[0]->strs()[out.rows - 1].view());
            EXPECT_EQ(counts.count(key), 0u);
            counts[key] = m.rows(g);
        }
    }
    EXPECT_EQ(total_groups, 6u);
    EXPECT_EQ(counts["the"], 3);
    EXPECT_EQ(counts["a key longer than sixteen bytes"], 1);
    EXPECT_EQ(counts["a key longer than sixteen bytes!"], 1);
    EXPECT_EQ(counts[std::nullopt], 2);
    EXPECT_EQ(counts[""], 1);
    EXPECT_EQ(counts["of"], 1);
}

} // namespace
} // namespace spate::exec
