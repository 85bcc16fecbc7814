#include "log/log_config.h"

#include <gtest/gtest.h>

namespace spate::log {
namespace {

TEST(log_config, kafka_keys_round_trip) {
    log_config c;
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"segment.bytes", "1048576"},
             {"segment.ms", "3600000"},
             {"retention.ms", "-1"},
             {"retention.bytes", "1073741824"},
             {"max.message.bytes", "2000000"},
             {"index.interval.bytes", "8192"},
             {"flush.policy", "interval"},
             {"flush.ms", "250"},
             {"cleanup.policy", "delete"},
             {"message.timestamp.type", "LogAppendTime"}}) {
        ASSERT_TRUE(c.set(k, v)) << k;
        EXPECT_EQ(c.get(k), v) << k;
    }
    EXPECT_EQ(c.flush, flush_policy::interval);
}

TEST(log_config, bad_values_name_the_key) {
    log_config c;
    auto r = c.set("segment.bytes", "10");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::invalid_config);
    EXPECT_EQ(r.err().message, "segment.bytes: 10 is out of range [14, 2147483647]");
    EXPECT_FALSE(c.set("retention.ms", "12x"));
    EXPECT_FALSE(c.set("flush.policy", "sometimes"));
    auto compact = c.set("cleanup.policy", "compact");
    ASSERT_FALSE(compact);
    EXPECT_NE(compact.err().message.find("not supported yet"), std::string::npos);
    EXPECT_FALSE(c.set("no.such.key", "1"));
    EXPECT_FALSE(c.get("no.such.key"));
}

} // namespace
} // namespace spate::log
