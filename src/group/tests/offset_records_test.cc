#include "group/offset_records.h"

#include <gtest/gtest.h>

namespace spate::group {
namespace {

TEST(OffsetRecords, OffsetKeyAndValueRoundTrip) {
    auto key = decode_key(encode_key(offset_key{"g1", "orders", 7}));
    ASSERT_TRUE(key) << key.err().message;
    const auto& k = std::get<offset_key>(*key);
    EXPECT_EQ(k.group, "g1");
    EXPECT_EQ(k.topic, "orders");
    EXPECT_EQ(k.partition, 7);

    offset_value v{42, 3, "meta", 1700000000000};
    auto back = decode_offset_value(encode_value(v));
    ASSERT_TRUE(back) << back.err().message;
    EXPECT_EQ(back->offset, 42);
    EXPECT_EQ(back->leader_epoch, 3);
    EXPECT_EQ(back->metadata, "meta");
    EXPECT_EQ(back->commit_timestamp, 1700000000000);
}

TEST(OffsetRecords, GroupValueRoundTrip) {
    group_value v;
    v.protocol_type = "consumer";
    v.generation = 5;
    v.protocol = "range";
    v.leader = "m1";
    v.state_timestamp = 99;
    member_value m;
    m.member_id = "m1";
    m.instance_id = "i1";
    m.client_id = "c";
    m.client_host = "/127.0.0.1";
    m.rebalance_timeout_ms = 300000;
    m.session_timeout_ms = 10000;
    m.subscription = {std::byte{1}, std::byte{2}};
    m.assignment = {std::byte{3}};
    v.members.push_back(m);
    auto key = decode_key(encode_key(group_key{"g1"}));
    ASSERT_TRUE(key);
    EXPECT_EQ(std::get<group_key>(*key).group, "g1");
    auto back = decode_group_value(encode_value(v));
    ASSERT_TRUE(back) << back.err().message;
    EXPECT_EQ(back->generation, 5);
    EXPECT_EQ(back->protocol, "range");
    ASSERT_EQ(back->members.size(), 1u);
    EXPECT_EQ(back->members[0].instance_id, "i1");
    EXPECT_EQ(back->members[0].subscription, m.subscription);
    EXPECT_EQ(back->members[0].assignment, m.assignment);
}

TEST(OffsetRecords, GarbageIsRefusedWithAReason) {
    std::vector<std::byte> junk{std::byte{0}, std::byte{9}, std::byte{1}};
    auto key = decode_key(junk);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.err().code, errc::corrupt_message);
    EXPECT_NE(key.err().message.find("unknown version 9"), std::string::npos);
    auto v = encode_value(offset_value{1, 0, "", 0});
    v.push_back(std::byte{0});
    auto back = decode_offset_value(v);
    ASSERT_FALSE(back);
    EXPECT_NE(back.err().message.find("unexpected bytes"), std::string::npos);
    v.resize(5);
    EXPECT_FALSE(decode_offset_value(v));
}

} // namespace
} // namespace spate::group
