#include "nexmark/random_internal.h"
#include "nexmark/tables_internal.h"

#include <cstdlib>

#include <fmt/format.h>

namespace spate::nexmark::detail {
namespace {

constexpr uint64_t tables_seed = 0x6e65786d61726b31ULL; // fixed: tables never depend on a seed

// Random lowercase letters of length 3..max_len, for url path segments.
std::string letters(counter_rng& rng, uint64_t max_len) {
    std::string s(3 + rng.below(max_len - 2), 'a');
    for (char& c : s)
        c = static_cast<char>('a' + rng.below(26));
    return s;
}

std::string base_url(counter_rng& rng) {
    auto a = letters(rng, 5);
    auto b = letters(rng, 5);
    auto c = letters(rng, 5);
    return fmt::format("https://www.nexmark.com/{}/{}/{}/item.htm?query=1", a, b, c);
}

// Java's Math.abs(Integer.reverse(i)), computed without its overflow at i = 1.
int64_t reversed_channel_id(uint32_t i) {
    uint32_t r = 0;
    for (int bit = 0; bit < 32; ++bit)
        r |= ((i >> bit) & 1u) << (31 - bit);
    return std::llabs(static_cast<int64_t>(static_cast<int32_t>(r)));
}

shared_tables build() {
    shared_tables t;
    counter_rng rng(tables_seed, 0);
    t.extra_pool.resize(extra_pool_bytes);
    for (char& c : t.extra_pool)
        c = static_cast<char>('a' + rng.below(26));
    for (auto& url : t.hot_urls)
        url = base_url(rng);
    t.channel_names.reserve(num_channels);
    t.channel_urls.reserve(num_channels);
    for (uint32_t i = 0; i < num_channels; ++i) {
        t.channel_names.push_back(fmt::format("channel-{}", i));
        auto url = base_url(rng);
        if (rng.below(10) > 0) url += fmt::format("&channel_id={}", reversed_channel_id(i));
        t.channel_urls.push_back(std::move(url));
    }
    return t;
}

} // namespace

const shared_tables& tables() {
    static const shared_tables t = build();
    return t;
}

} // namespace spate::nexmark::detail
