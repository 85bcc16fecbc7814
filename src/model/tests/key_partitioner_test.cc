#include "model/key_partitioner.h"

#include <gtest/gtest.h>

namespace spate::model {
namespace {

// The values Kafka's own tests expect of Utils.murmur2 (as signed Java ints).
TEST(key_partitioner, murmur2_matches_kafka) {
    EXPECT_EQ(int32_t(kafka_murmur2("21")), -973932308);
    EXPECT_EQ(int32_t(kafka_murmur2("foobar")), -790332482);
    EXPECT_EQ(int32_t(kafka_murmur2("a-little-bit-long-string")), -985981536);
    EXPECT_EQ(int32_t(kafka_murmur2("a-little-bit-longer-string")), -1486304829);
    EXPECT_EQ(int32_t(kafka_murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")),
              -58897971);
    EXPECT_EQ(int32_t(kafka_murmur2("abc")), 479470107);
}

TEST(key_partitioner, partition_is_positive_hash_modulo_count) {
    // -973932308 & 0x7fffffff = 1173551340.
    EXPECT_EQ(partition_for_key("21", 7), int32_t(1173551340u % 7));
    for (int32_t n : {1, 2, 3, 16, 100})
        EXPECT_LT(partition_for_key("foobar", n), n);
    EXPECT_EQ(partition_for_key("anything", 1), 0);
}

} // namespace
} // namespace spate::model
