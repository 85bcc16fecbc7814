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

} // namespace
} // namespace spate::model
