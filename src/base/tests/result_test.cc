#include "base/result.h"

#include <gtest/gtest.h>

namespace spate {
namespace {

result<int> parse_positive(int v) {
    if (v <= 0) return error::make(errc::invalid_record, "value {} is not positive", v);
    return v;
}

TEST(result, value_and_error) {
    auto good = parse_positive(3);
    ASSERT_TRUE(good);
    EXPECT_EQ(*good, 3);

    auto bad = parse_positive(-2);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.err().code, errc::invalid_record);
    EXPECT_EQ(bad.err().to_string(), "INVALID_RECORD: value -2 is not positive");
}

TEST(result, error_codes_mirror_kafka) {
    EXPECT_EQ(static_cast<int>(errc::corrupt_message), 2);
    EXPECT_EQ(static_cast<int>(errc::kafka_storage_error), 56);
    EXPECT_EQ(static_cast<int>(errc::invalid_record), 87);
    std::error_code ec = errc::corrupt_message;
    EXPECT_EQ(ec.message(), "CORRUPT_MESSAGE");
}

} // namespace
} // namespace spate
