#include "model/topic_id.h"
#include "model/topic_name.h"

#include <gtest/gtest.h>

#include <string>

namespace spate::model {
namespace {

TEST(topic_name, kafka_rules) {
    EXPECT_TRUE(validate_topic_name("orders"));
    EXPECT_TRUE(validate_topic_name("a.b_c-D9"));
    EXPECT_TRUE(validate_topic_name(std::string(249, 'x')));
    EXPECT_FALSE(validate_topic_name(""));
    EXPECT_FALSE(validate_topic_name("."));
    EXPECT_FALSE(validate_topic_name(".."));
    EXPECT_FALSE(validate_topic_name(std::string(250, 'x')));
    auto slash = validate_topic_name("a/b");
    ASSERT_FALSE(slash);
    EXPECT_EQ(slash.err().code, errc::invalid_topic_exception);
    EXPECT_NE(slash.err().message.find("position 1"), std::string::npos);
}

TEST(topic_id, prints_and_parses_like_kafka) {
    auto id = topic_id::random();
    EXPECT_FALSE(id.is_zero());
    auto text = id.to_string();
    EXPECT_EQ(text.size(), 22u);
    auto back = topic_id::parse(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, id);
    EXPECT_NE(topic_id::random(), id);
    // Kafka's AAAAAAAAAAAAAAAAAAAAAA is the zero id; the last character carries 2 bits.
    EXPECT_EQ(topic_id{}.to_string(), "AAAAAAAAAAAAAAAAAAAAAA");
    EXPECT_FALSE(topic_id::parse("AAAAAAAAAAAAAAAAAAAAAB")); // padding bits set
    EXPECT_FALSE(topic_id::parse("short"));
    EXPECT_FALSE(topic_id::parse("AAAAAAAAAAAAAAAAAAAA+A"));
}

} // namespace
} // namespace spate::model
