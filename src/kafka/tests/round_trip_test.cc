// Every generated message in every version it supports: a populated value encodes, decodes
// back equal, and encodes again to the same bytes.

#include "kafka/tests/test_support.h"

#include <gtest/gtest.h>

namespace spate::kafka {
namespace {

using test::encoded;
using test::populated;

template <typename T>
void check_round_trip(int16_t version, bool nulls) {
    SCOPED_TRACE(fmt::format("{} v{}{}", T::spec_name, version, nulls ? " with nulls" : ""));
    const T original = populated<T>(version, nulls);
    auto bytes = encoded(original, version);

    T decoded;
    reader rd(bytes);
    auto r = decoded.decode(rd, version);
    ASSERT_TRUE(r) << r.err().to_string();
    EXPECT_TRUE(rd.empty()) << rd.remaining() << " bytes left over";
    EXPECT_TRUE(decoded == original);
    EXPECT_EQ(encoded(decoded, version), bytes);
}

TEST(round_trip, every_message_in_every_version) {
    int checked = 0;
    for_each_message_type([&]<typename T>() {
        for (int16_t v = T::lowest_supported_version; v <= T::highest_supported_version; ++v) {
            check_round_trip<T>(v, false);
            check_round_trip<T>(v, true);
            ++checked;
        }
    });
    // 26 APIs' requests and responses in all their versions, and the two headers.
    EXPECT_GT(checked, 300);
}

TEST(round_trip, decoding_replaces_the_whole_value) {
    // Fields a version lacks go back to their defaults rather than keeping old values.
    auto v9 = populated<fetch_request_data>(9);
    auto bytes = encoded(populated<fetch_request_data>(3), 3);
    reader rd(bytes);
    ASSERT_TRUE(v9.decode(rd, 3));
    EXPECT_EQ(v9.isolation_level, 0);
    EXPECT_EQ(v9.session_epoch, -1);
    EXPECT_EQ(v9.rack_id, "");
}

TEST(round_trip, defaults_come_from_the_spec) {
    fetch_request_data fetch;
    EXPECT_EQ(fetch.replica_id, -1);
    EXPECT_EQ(fetch.max_bytes, 0x7fffffff);
    EXPECT_EQ(fetch.session_epoch, -1);
    EXPECT_FALSE(fetch.cluster_id.has_value()); // "default": "null"
    produce_request_data produce;
    EXPECT_FALSE(produce.transactional_id.has_value());
    metadata_request_data metadata;
    EXPECT_TRUE(metadata.allow_auto_topic_creation); // "default": "true"
    ASSERT_TRUE(metadata.topics.has_value());        // nullable, but no null default
    list_offsets_request_data list_offsets;
    EXPECT_EQ(list_offsets.replica_id, 0);
    list_offsets_request_data::list_offsets_partition partition;
    EXPECT_EQ(partition.current_leader_epoch, -1);
    join_group_request_data join;
    EXPECT_EQ(join.rebalance_timeout_ms, -1);
    EXPECT_FALSE(join.group_instance_id.has_value());
}

TEST(round_trip, known_tagged_fields_are_written_only_when_not_default) {
    api_versions_response_data response;
    response.api_keys.push_back({18, 0, 4});
    auto plain = encoded(response, 3);
    // error_code, 1 + one entry (2+2+2+1 tags), throttle, tagged section with no fields.
    EXPECT_EQ(plain.size(), 2u + 1 + 7 + 4 + 1);

    response.finalized_features_epoch = 7;
    response.zk_migration_ready = true;
    auto tagged = encoded(response, 3);
    // count, then tag 1 (size 8, int64), then tag 3 (size 1, bool).
    std::vector<std::byte> tail(tagged.end() - (1 + 2 + 8 + 2 + 1), tagged.end());
    EXPECT_EQ(tail, test::from_hex("0201080000000000000007030101"));

    api_versions_response_data decoded;
    reader rd(tagged);
    ASSERT_TRUE(decoded.decode(rd, 3));
    EXPECT_EQ(decoded.finalized_features_epoch, 7);
    EXPECT_TRUE(decoded.zk_migration_ready);
    EXPECT_TRUE(decoded.unknown_tagged_fields.empty());
}

TEST(round_trip, unknown_tagged_fields_are_kept_and_written_back_in_tag_order) {
    api_versions_response_data response;
    response.finalized_features_epoch = 7;                            // known tag 1
    response.unknown_tagged_fields.push_back({9, {std::byte{0x42}}}); // unknown, after it
    response.unknown_tagged_fields.push_back({0x4000, {}});           // a two-byte tag
    auto bytes = encoded(response, 4);

    api_versions_response_data decoded;
    reader rd(bytes);
    ASSERT_TRUE(decoded.decode(rd, 4));
    EXPECT_TRUE(decoded == response);
    // Tag 1, then 9, then 0x4000 (varint 80 80 01).
    std::vector<std::byte> tail(bytes.end() - (1 + 2 + 8 + 3 + 4), bytes.end());
    EXPECT_EQ(tail, test::from_hex("030108000000000000000709014280800100"));
}

TEST(round_trip, fields_missing_from_a_version_are_not_written) {
    produce_request_data request;
    request.transactional_id = "tx"; // versions 3+
    request.acks = 1;
    request.timeout_ms = 100;
    auto v2 = encoded(request, 2);
    EXPECT_EQ(v2, test::from_hex("0001"
                                 "00000064"
                                 "00000000"));
    auto v3 = encoded(request, 3);
    EXPECT_EQ(v3, test::from_hex("00027478"
                                 "0001"
                                 "00000064"
                                 "00000000"));
}

TEST(round_trip, null_where_a_version_cannot_send_it_is_sent_empty) {
    metadata_request_data request; // Topics: nullable from v1; null means "all topics"
    request.topics.reset();
    EXPECT_EQ(encoded(request, 0), test::from_hex("00000000"));
    EXPECT_EQ(encoded(request, 1), test::from_hex("ffffffff"));
}

} // namespace
} // namespace spate::kafka
