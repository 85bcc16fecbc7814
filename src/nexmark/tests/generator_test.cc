#include "nexmark/generator.h"
#include "nexmark/json_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

namespace spate::nexmark {
namespace {

// The JSON lines of `n` events from a generator started at `start` (0: the first event).
std::string stream(const generator_config& config, uint64_t n, uint64_t start = 0) {
    generator gen = start == 0 ? generator(config) : generator(config, start);
    std::string out;
    for (uint64_t i = 0; i < n; ++i) {
        const event& e = gen.next();
        out += std::to_string(e.event_id) + ' ';
        append_json(e, out);
        out.push_back('\n');
    }
    return out;
}

TEST(generator, same_seed_same_bytes) {
    generator_config c;
    EXPECT_EQ(stream(c, 5'000), stream(c, 5'000));
    c.seed = 77;
    EXPECT_EQ(stream(c, 5'000), stream(c, 5'000));
}

TEST(generator, different_seed_differs_in_most_events) {
    generator_config a;
    generator_config b;
    b.seed = 2;
    generator ga(a);
    generator gb(b);
    int same = 0;
    for (int i = 0; i < 1'000; ++i) {
        std::string ja;
        std::string jb;
        append_json(ga.next(), ja);
        append_json(gb.next(), jb);
        same += ja == jb;
    }
    EXPECT_LT(same, 10);
}

TEST(generator, halves_equal_the_whole) {
    generator_config c;
    c.seed = 12345;
    std::string whole = stream(c, 20'000);
    std::string halves = stream(c, 10'000) + stream(c, 10'000, c.first_event_id + 10'000);
    EXPECT_EQ(whole, halves);
    // An uneven split in the middle of a proportion epoch.
    std::string thirds = stream(c, 7'777) + stream(c, 5'000, c.first_event_id + 7'777) +
                         stream(c, 7'223, c.first_event_id + 12'777);
    EXPECT_EQ(whole, thirds);
}

TEST(generator, next_event_id_counts_from_the_start) {
    generator_config c;
    generator gen(c);
    EXPECT_EQ(gen.next_event_id(), 1u);
    EXPECT_EQ(gen.next().event_id, 1u);
    EXPECT_EQ(gen.next_event_id(), 2u);
    generator later(c, 500);
    EXPECT_EQ(later.next_event_id(), 500u);
    EXPECT_EQ(later.next().event_id, 500u);
    c.first_event_id = 0;
    generator from_zero(c);
    EXPECT_EQ(from_zero.next().kind, event_kind::person); // 0 % 50 == 0
}

TEST(generator, proportions_exact_by_event_id) {
    generator_config c;
    generator gen(c);
    event_counts counts;
    for (uint64_t id = 1; id <= 10'000; ++id) {
        const event& e = gen.next();
        ASSERT_EQ(e.event_id, id);
        uint64_t rem = id % 50;
        event_kind want = rem == 0   ? event_kind::person
                          : rem <= 3 ? event_kind::auction
                                     : event_kind::bid;
        ASSERT_EQ(e.kind, want) << "event " << id;
        counts.add(e.kind);
    }
    EXPECT_EQ(counts, (event_counts{200, 600, 9'200}));

    generator_config other;
    other.person_proportion = 2;
    other.auction_proportion = 2;
    other.bid_proportion = 6;
    EXPECT_EQ(kind_of(other, 10), event_kind::person);
    EXPECT_EQ(kind_of(other, 11), event_kind::person);
    EXPECT_EQ(kind_of(other, 12), event_kind::auction);
    EXPECT_EQ(kind_of(other, 13), event_kind::auction);
    EXPECT_EQ(kind_of(other, 14), event_kind::bid);
    EXPECT_EQ(kind_of(other, 19), event_kind::bid);
}

TEST(generator, ids_are_consecutive_and_references_in_range) {
    generator_config c;
    generator gen(c);
    int64_t next_person = 1001; // the first person is event 50
    int64_t next_auction = 1000;
    for (int i = 0; i < 100'000; ++i) {
        const event& e = gen.next();
        int64_t last_person = next_person - 1;   // the newest person so far
        int64_t last_auction = next_auction - 1; // the newest auction so far
        switch (e.kind) {
        case event_kind::person: ASSERT_EQ(e.p.id, next_person++); break;
        case event_kind::auction: {
            ASSERT_EQ(e.a.id, next_auction++);
            ASSERT_GE(e.a.seller, 1000);
            ASSERT_LE(e.a.seller, std::max<int64_t>(last_person, 1000) + 10);
            ASSERT_GE(e.a.category, 10);
            ASSERT_LE(e.a.category, 14);
            ASSERT_GE(e.a.initial_bid, 100);
            ASSERT_LE(e.a.initial_bid, 100'000'000);
            ASSERT_GT(e.a.reserve, e.a.initial_bid);
            break;
        }
        case event_kind::bid: {
            ASSERT_GE(e.b.auction, std::max<int64_t>(last_auction - 100, 1000) / 100 * 100);
            ASSERT_LE(e.b.auction, last_auction + 10);
            // The reference's bidders are person ids + 1000.
            ASSERT_GE(e.b.bidder, 2000);
            ASSERT_LE(e.b.bidder, std::max<int64_t>(last_person, 1000) + 1000 + 10);
            ASSERT_GE(e.b.price, 100);
            ASSERT_LE(e.b.price, 100'000'000);
            break;
        }
        }
    }
    EXPECT_EQ(next_person, 1001 + 2'000);
    EXPECT_EQ(next_auction, 1000 + 6'000);
}

TEST(generator, bidders_are_people_without_the_reference_offset) {
    generator_config c;
    c.reference_bidder_offset = false;
    generator gen(c);
    int64_t last_person = 1000;
    for (int i = 0; i < 50'000; ++i) {
        const event& e = gen.next();
        if (e.kind == event_kind::person) last_person = e.p.id;
        if (e.kind != event_kind::bid) continue;
        ASSERT_GE(e.b.bidder, 1000);
        ASSERT_LE(e.b.bidder, last_person + 10);
    }
}

TEST(generator, hot_entities_dominate) {
    generator gen{generator_config{}};
    int bids = 0;
    int hot_auction = 0;
    std::set<std::string_view> channels;
    int hot_channel = 0;
    for (int i = 0; i < 100'000; ++i) {
        const event& e = gen.next();
        if (e.kind != event_kind::bid) continue;
        ++bids;
        hot_auction += e.b.auction % 100 == 0;
        bool hot = e.b.channel == "Google" || e.b.channel == "Facebook" || e.b.channel == "Baidu" ||
                   e.b.channel == "Apple";
        hot_channel += hot;
        if (!hot) {
            EXPECT_EQ(e.b.channel.substr(0, 8), "channel-");
            channels.insert(e.b.channel);
        }
        EXPECT_EQ(e.b.url.substr(0, 24), "https://www.nexmark.com/");
    }
    // Half the bids go to the hot auction (and some random ones land on a multiple of 100).
    EXPECT_NEAR(static_cast<double>(hot_auction) / bids, 0.5, 0.03);
    EXPECT_NEAR(static_cast<double>(hot_channel) / bids, 0.5, 0.03);
    EXPECT_GT(channels.size(), 9'000u);
}

TEST(generator, date_time_advances_at_the_configured_rate) {
    generator_config c; // 10,000 events/s: 10 events per ms
    generator gen(c);
    int64_t previous = INT64_MIN;
    for (uint64_t id = 1; id <= 100'000; ++id) {
        const event& e = gen.next();
        int64_t ts = e.date_time_ms();
        ASSERT_EQ(ts, c.base_time_ms + static_cast<int64_t>((id - 1) / 10)) << id;
        ASSERT_GE(ts, previous);
        previous = ts;
    }
    c.event_rate_per_s = 1'000; // one per ms
    EXPECT_EQ(timestamp_of(c, 1), c.base_time_ms);
    EXPECT_EQ(timestamp_of(c, 2), c.base_time_ms + 1);
    EXPECT_EQ(timestamp_of(c, 1'001), c.base_time_ms + 1'000);
    c.event_rate_per_s = 3; // 333.33 ms per event, rounded down
    EXPECT_EQ(timestamp_of(c, 2), c.base_time_ms + 333);
    EXPECT_EQ(timestamp_of(c, 4), c.base_time_ms + 1'000);
}

TEST(generator, expires_after_date_time_within_the_horizon) {
    generator_config c;
    generator gen(c);
    // 100 in-flight auctions take 1666 events, 166.6 ms at 10,000/s; expiry is up to twice that.
    int64_t longest = 0;
    for (int i = 0; i < 100'000; ++i) {
        const event& e = gen.next();
        if (e.kind != event_kind::auction) continue;
        ASSERT_GT(e.a.expires_ms, e.a.date_time_ms);
        longest = std::max(longest, e.a.expires_ms - e.a.date_time_ms);
        ASSERT_LE(e.a.expires_ms - e.a.date_time_ms, 2 * 167 + 1);
    }
    EXPECT_GT(longest, 300);
}

TEST(generator, average_sizes_match_the_model) {
    generator gen{generator_config{}};
    double sum[3] = {0, 0, 0};
    double n[3] = {0, 0, 0};
    for (int i = 0; i < 100'000; ++i) {
        const event& e = gen.next();
        auto k = static_cast<size_t>(e.kind);
        n[k] += 1;
        switch (e.kind) {
        case event_kind::person: sum[k] += model_size_bytes(e.p); break;
        case event_kind::auction: sum[k] += model_size_bytes(e.a); break;
        case event_kind::bid: sum[k] += model_size_bytes(e.b); break;
        }
    }
    EXPECT_NEAR(sum[0] / n[0], 200, 20);
    EXPECT_NEAR(sum[1] / n[1], 500, 50);
    EXPECT_NEAR(sum[2] / n[2], 100, 10);
}

bool all_of_class(std::string_view s, int (*pred)(int)) {
    return std::all_of(s.begin(), s.end(), [&](char c) { return pred(c) != 0; });
}

TEST(generator, string_fields_follow_the_model) {
    generator gen{generator_config{}};
    for (int i = 0; i < 50'000; ++i) {
        const event& e = gen.next();
        if (e.kind == event_kind::person) {
            const person& p = e.p;
            auto space = p.name.find(' ');
            ASSERT_NE(space, std::string_view::npos) << p.name;
            auto at = p.email_address.find('@');
            ASSERT_NE(at, std::string_view::npos) << p.email_address;
            ASSERT_GE(at, 1u);
            ASSERT_LE(at, 7u);
            ASSERT_EQ(p.email_address.substr(p.email_address.size() - 4), ".com");
            ASSERT_EQ(p.credit_card.size(), 19u) << p.credit_card;
            for (size_t j = 0; j < 19; ++j) {
                if (j % 5 == 4)
                    ASSERT_EQ(p.credit_card[j], ' ');
                else
                    ASSERT_TRUE(std::isdigit(static_cast<unsigned char>(p.credit_card[j])));
            }
            ASSERT_FALSE(p.city.empty());
            ASSERT_EQ(p.state.size(), 2u);
            ASSERT_TRUE(all_of_class(p.extra, islower)) << p.extra;
        } else if (e.kind == event_kind::auction) {
            const auction& a = e.a;
            ASSERT_LE(a.item_name.size(), 20u);
            ASSERT_LE(a.description.size(), 100u);
            for (auto s : {a.item_name, a.description}) {
                if (s.empty()) continue;
                ASSERT_NE(s.front(), ' ');
                ASSERT_NE(s.back(), ' ');
                for (char ch : s)
                    ASSERT_TRUE(ch == ' ' || (ch >= 'a' && ch <= 'z')) << s;
            }
        }
    }
}

} // namespace
} // namespace spate::nexmark
