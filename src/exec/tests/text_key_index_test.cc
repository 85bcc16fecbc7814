#include "exec/text_key_index.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace spate::exec {
namespace {

columnar::string_ref sref(const std::string& s) {
    return {s.data(), uint32_t(s.size())};
}

// The head is the first min(n, 16) bytes, zero-padded, whatever lies around the string: every
// length from 0 to 40, cut out of a buffer of non-zero bytes so that reading past either end
// would show.
TEST(text_key, head_is_the_first_16_bytes_zero_padded) {
    std::string buffer(128, '\xff');
    std::mt19937 rng(3);
    for (auto& c : buffer)
        c = char(1 + rng() % 255);
    for (uint32_t n = 0; n <= 40; ++n) {
        for (uint32_t at : {0u, 1u, 7u, 40u}) {
            text_key k = text_key::of({buffer.data() + at, n}, 99);
            unsigned char want[16] = {};
            std::memcpy(want, buffer.data() + at, std::min<uint32_t>(n, 16));
            unsigned char got[16];
            std::memcpy(got, k.head, 16);
            EXPECT_EQ(0, std::memcmp(want, got, 16)) << "length " << n << " at " << at;
            EXPECT_EQ(k.length, n);
            EXPECT_EQ(k.hash, 99u);
            EXPECT_EQ(k.long_key(), n > 16);
        }
    }
}

TEST(text_key, null_differs_from_the_empty_string) {
    text_key null = text_key::null(5);
    text_key empty = text_key::of({"", 0}, 5);
    EXPECT_EQ(null.length, text_key::null_length);
    EXPECT_EQ(empty.length, 0u);
    EXPECT_FALSE(null.long_key());
    EXPECT_EQ(empty.head[0], 0u);
    EXPECT_EQ(empty.head[1], 0u);
}

/// Keys by id with a map of their values, as group_table keeps them: the reference the index
/// is checked against.
struct keys_by_id {
    std::vector<std::optional<std::string>> values;
    int tail_calls = 0;

    text_key key(const std::optional<std::string>& v, uint64_t h) const {
        return v ? text_key::of(sref(*v), h) : text_key::null(h);
    }
    /// find + put when absent: the id of `v`.
    uint32_t find_or_add(text_key_index& index, const std::optional<std::string>& v, uint64_t h,
                         bool& added) {
        text_key k = key(v, h);
        index.reserve_one();
        size_t pos = index.find(k, [&](uint32_t id) {
            ++tail_calls;
            EXPECT_TRUE(values[id].has_value());
            EXPECT_GT(k.length, 16u);
            return values[id]->compare(16, std::string::npos, v->data() + 16, v->size() - 16) == 0;
        });
        added = !index.occupied(pos);
        if (!added) return index.id_at(pos);
        uint32_t id = uint32_t(values.size());
        values.push_back(v);
        index.put(pos, id, k);
        return id;
    }
};

// Keys built to share lengths, prefixes and (with one hash for all) hashes: NULL, the empty
// string, keys of exactly 8 and 16 bytes, keys of 17+ bytes that differ only after byte 16 or
// only in their last byte. Each must get an id of its own, and the same id again.
TEST(text_key_index, tells_colliding_keys_apart) {
    const std::vector<std::optional<std::string>> keys = {
        std::nullopt,
        std::string(),
        std::string(1, '\0'),
        std::string(2, '\0'),
        "a",
        "abcdefgh",
        "abcdefgi",
        "abcdefghijklmnop",
        "abcdefghijklmnoq",
        "abcdefghijklmnopq",
        "abcdefghijklmnopr",
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "abcdefghijklmnopqrstuvwxyz0123456788",
        std::string("abcdefgh\0", 9),
        std::string("abcdefghijklmnop\0", 17),
    };
    for (uint64_t h : {uint64_t(42), uint64_t(0)}) {
        text_key_index index;
        keys_by_id ref_keys;
        std::map<std::optional<std::string>, uint32_t> ids;
        for (int round = 0; round < 3; ++round) {
            for (const auto& v : keys) {
                bool added;
                uint32_t id = ref_keys.find_or_add(index, v, h, added);
                auto it = ids.find(v);
                if (it == ids.end()) {
                    EXPECT_TRUE(added) << (v ? *v : "NULL");
                    ids.emplace(v, id);
                } else {
                    EXPECT_FALSE(added) << (v ? *v : "NULL");
                    EXPECT_EQ(id, it->second) << (v ? *v : "NULL");
                }
            }
        }
        EXPECT_EQ(index.size(), keys.size());
        // Only long keys reach the tail comparison.
        EXPECT_GT(ref_keys.tail_calls, 0);
    }
}

// Random keys under a few hashes (long probe runs), with erasures in between, against a
// std::map; the index grows past its first size on the way.
TEST(text_key_index, erase_keeps_the_other_keys_findable) {
    text_key_index index;
    keys_by_id ref_keys;
    std::map<std::string, uint32_t> live;
    std::mt19937 rng(11);
    auto hash_of = [](const std::string& s) { return uint64_t(s.size() % 5) * 0x9e3779b97f4a7c15; };
    for (int step = 0; step < 6000; ++step) {
        std::string v(rng() % 24, 'x');
        for (auto& c : v)
            c = char('a' + rng() % 3);
        auto it = live.find(v);
        if (it != live.end() && rng() % 3 == 0) {
            index.erase(it->second, hash_of(v));
            live.erase(it);
            continue;
        }
        bool added;
        uint32_t id = ref_keys.find_or_add(index, v, hash_of(v), added);
        EXPECT_EQ(added, it == live.end()) << v;
        if (it != live.end()) {
            EXPECT_EQ(id, it->second) << v;
        }
        live[v] = id;
        ASSERT_EQ(index.size(), live.size());
    }
    EXPECT_GT(live.size(), 600u);
    for (const auto& [v, id] : live) {
        text_key k = text_key::of(sref(v), hash_of(v));
        size_t pos = index.find(k, [&](uint32_t other) { return *ref_keys.values[other] == v; });
        ASSERT_TRUE(index.occupied(pos)) << v;
        EXPECT_EQ(index.id_at(pos), id) << v;
    }
}

TEST(text_key_index, empty_index_finds_nothing) {
    text_key_index index;
    std::string v = "word";
    size_t pos = index.find(text_key::of(sref(v), 1), [](uint32_t) { return true; });
    EXPECT_FALSE(index.occupied(pos));
    EXPECT_EQ(index.size(), 0u);
    index.prefetch(1); // no slots: no effect
}

} // namespace
} // namespace spate::exec
