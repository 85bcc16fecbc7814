// Malformed input never crashes, reads out of bounds or allocates what the input cannot hold:
// it fails with CORRUPT_MESSAGE naming the message, version and field. (Run under ASan and
// UBSan in build-asan/.)

#include "kafka/protocol/headers.h"
#include "kafka/tests/test_support.h"

#include <gtest/gtest.h>

#include <random>

namespace spate::kafka {
namespace {

using test::encoded;
using test::from_hex;
using test::populated;

template <typename T>
result<void> decode_bytes(std::span<const std::byte> bytes, int16_t version) {
    T value;
    reader rd(bytes);
    return value.decode(rd, version);
}

template <typename T>
void expect_corrupt(std::span<const std::byte> bytes, int16_t version, std::string_view mentions,
                    errc code = errc::corrupt_message) {
    auto r = decode_bytes<T>(bytes, version);
    ASSERT_FALSE(r) << T::spec_name << " v" << version << " decoded malformed input";
    EXPECT_EQ(r.err().code, code);
    EXPECT_NE(r.err().message.find(mentions), std::string::npos) << r.err().message;
}

TEST(malformed, every_truncation_of_every_message_fails_cleanly) {
    size_t cases = 0;
    for_each_message_type([&]<typename T>() {
        for (int16_t v = T::lowest_supported_version; v <= T::highest_supported_version; ++v) {
            auto bytes = encoded(populated<T>(v), v);
            for (size_t n = 0; n < bytes.size(); ++n) {
                auto r = decode_bytes<T>(std::span(bytes).first(n), v);
                ASSERT_FALSE(r) << T::spec_name << " v" << v << " cut to " << n << " bytes";
                ASSERT_EQ(r.err().code, errc::corrupt_message);
                ASSERT_NE(r.err().message.find(fmt::format("{} v{}", T::spec_name, v)),
                          std::string::npos)
                    << r.err().message;
                ++cases;
            }
        }
    });
    EXPECT_GT(cases, 10000u);
}

TEST(malformed, errors_name_the_message_version_and_field) {
    // ProduceRequest v7: transactional id (null), acks, timeout, then a topic whose name is cut.
    auto bytes = from_hex("ffff"
                          "ffff"
                          "00007530"
                          "00000001"
                          "0006657665");
    auto r = decode_bytes<produce_request_data>(bytes, 7);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().message, "ProduceRequest v7, TopicProduceData.Name: string length 6 needs "
                               "at least 6 bytes at byte 14 (3 bytes left)");
}

TEST(malformed, huge_array_lengths_are_refused_before_allocating) {
    // Produce v7 with 2^31-1 topics, and Metadata v9 (compact) with 2^32-2 topics.
    expect_corrupt<produce_request_data>(from_hex("ffff"
                                                  "0001"
                                                  "00007530"
                                                  "7fffffff"),
                                         7, "TopicData: array length 2147483647 needs at least");
    expect_corrupt<metadata_request_data>(from_hex("ffffffff0f"
                                                   "00"
                                                   "00"
                                                   "00"
                                                   "00"),
                                          9, "Topics: array length 4294967294 is too large");
    // A million partitions (varint 1000000 = length + 1) claimed with a few bytes: each needs at
    // least 6 bytes in v9.
    expect_corrupt<produce_request_data>(
        from_hex("00"
                 "0001"
                 "00007530"
                 "02"
                 "0265"
                 "c0843d"
                 "00000000"),
        9, "PartitionData: array length 999999 needs at least 5999994 bytes");
}

TEST(malformed, huge_string_and_bytes_lengths_are_refused) {
    // FindCoordinator v1 key of 32767 bytes with 2 present.
    expect_corrupt<find_coordinator_request_data>(from_hex("7fff"
                                                           "6731"),
                                                  1, "Key: string length 32767 needs at least");
    // Compact string over Kafka's 32767 limit.
    expect_corrupt<find_coordinator_request_data>(from_hex("8080ff0f"), 3,
                                                  "compact string length 33538047 is over 32767");
    // SyncGroup v1 assignment bytes of 2^31-1.
    auto sync = from_hex("00026731"
                         "00000003"
                         "00016d"
                         "00000001"
                         "00016d"
                         "7fffffff"
                         "00");
    expect_corrupt<sync_group_request_data>(sync, 1,
                                            "Assignment: bytes length 2147483647 needs at least");
}

TEST(malformed, negative_lengths_where_not_nullable_are_refused) {
    // Heartbeat v1: group id length -1 (null) and -2.
    expect_corrupt<heartbeat_request_data>(from_hex("ffff"), 1,
                                           "GroupId: null string at byte 0 where the field is not");
    expect_corrupt<heartbeat_request_data>(from_hex("fffe"), 1,
                                           "GroupId: string length -2 is negative");
    // Produce v7 topics array -1 (not nullable) and -5.
    expect_corrupt<produce_request_data>(from_hex("ffff"
                                                  "0001"
                                                  "00007530"
                                                  "ffffffff"),
                                         7, "TopicData: null, but the field is not nullable");
    expect_corrupt<produce_request_data>(from_hex("ffff"
                                                  "0001"
                                                  "00007530"
                                                  "fffffffb"),
                                         7, "TopicData: array length -5 is negative");
    // Metadata v0: topics cannot be null before v1.
    expect_corrupt<metadata_request_data>(from_hex("ffffffff"), 0, "Topics: null, but");
}

TEST(malformed, bad_varints_and_tagged_fields_are_refused) {
    // ApiVersions v3: a varint longer than 5 bytes; a tagged field longer than the input; a
    // known tag whose value has bytes left over.
    expect_corrupt<api_versions_request_data>(from_hex("8080808080800100"), 3, "unsigned varint");
    expect_corrupt<api_versions_request_data>(from_hex("0101"
                                                       "01"
                                                       "0705"
                                                       "0102"),
                                              3, "tagged fields: 5 bytes needed");
    api_versions_response_data response;
    auto bytes = encoded(response, 3);
    bytes.back() = std::byte{1}; // one tagged field: tag 3 (bool), 2 bytes
    for (auto b : {std::byte{3}, std::byte{2}, std::byte{1}, std::byte{0}})
        bytes.push_back(b);
    expect_corrupt<api_versions_response_data>(bytes, 3, "tagged field 3 has 1 bytes left over");
}

TEST(malformed, unsupported_versions_are_refused) {
    std::vector<std::byte> none;
    auto unsupported = errc::unsupported_version;
    expect_corrupt<produce_request_data>(none, 12, "unsupported version (spate reads 0-11)",
                                         unsupported);
    expect_corrupt<produce_request_data>(none, -1, "unsupported version", unsupported);
    expect_corrupt<offset_delete_request_data>(none, 1, "unsupported version (spate reads 0-0)",
                                               unsupported);
}

TEST(malformed, random_corruption_never_crashes) {
    // Flip, insert and delete bytes of every message's encoding; the decoder may accept or
    // refuse the result but must stay in bounds (checked by the sanitizer build).
    std::mt19937 rng(20241025);
    size_t refused = 0;
    size_t total = 0;
    for_each_message_type([&]<typename T>() {
        for (int16_t v = T::lowest_supported_version; v <= T::highest_supported_version; ++v) {
            auto good = encoded(populated<T>(v), v);
            if (good.empty()) continue;
            for (int i = 0; i < 40; ++i) {
                auto bad = good;
                std::uniform_int_distribution<size_t> pos(0, bad.size() - 1);
                switch (i % 4) {
                case 0: bad[pos(rng)] = std::byte(rng()); break;
                case 1: bad[pos(rng)] = std::byte{0xff}; break;
                case 2: bad.insert(bad.begin() + pos(rng), std::byte(rng())); break;
                case 3: bad.erase(bad.begin() + pos(rng)); break;
                }
                ++total;
                if (!decode_bytes<T>(bad, v)) ++refused;
            }
        }
    });
    EXPECT_GT(refused, total / 4);
}

TEST(malformed, tagged_fields_out_of_order_or_repeated_are_refused) {
    // A Fetch v12 request (found by the fuzzer) whose top-level tagged fields are tag 5 then
    // tag 3: KIP-482 writes tags strictly ascending, and re-encoding could not keep this order.
    auto frame = from_hex("0001000c00000001ffff00ffffffff000001f400000001032000000000000000ffffff"
                          "ff010101020500030000");
    reader rd(frame);
    auto header = read_request_header(rd);
    ASSERT_TRUE(header) << header.err().message;
    fetch_request_data request;
    auto r = request.decode(rd, 12);
    ASSERT_FALSE(r);
    EXPECT_NE(r.err().message.find("strictly ascending"), std::string::npos) << r.err().message;

    // The generic reader refuses a repeated tag the same way.
    auto repeated = from_hex("02"
                             "0101"
                             "00"
                             "0101"
                             "00");
    reader raw(repeated);
    auto fields = raw.read_tagged_fields();
    ASSERT_FALSE(fields);
    EXPECT_NE(fields.err().message.find("strictly ascending"), std::string::npos);
}

} // namespace
} // namespace spate::kafka
