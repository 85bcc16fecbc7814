// Requests captured from real Kafka clients (librdkafka through kcat, and kafka-python) and
// responses encoded by kafka-python, decoded with the generated codec; encoding the decoded
// value must give the client's bytes back. The vectors are printed by
// tools/kafka_golden_vectors.py, which says how each was produced.

#include "kafka/protocol/headers.h"
#include "kafka/tests/test_support.h"

#include "model/record_batch.h"

#include <gtest/gtest.h>

namespace spate::kafka {
namespace {

using test::as_bytes;
using test::encoded;
using test::from_hex;

// librdkafka 2.0.2 (kcat 1.7.1): its first request, ApiVersions v3 (flexible, header v2).
constexpr std::string_view kcat_api_versions_v3 =
    "000000240012000300000001000772646b61666b61000b6c696272646b61666b6106322e302e3200";
// Its next request (`kcat -L -t mytopic`), after an ApiVersions response offering Metadata 0-12.
constexpr std::string_view kcat_metadata =
    "0000001f0003000400000002000772646b61666b610000000100076d79746f70696301";
// kafka-python 2.0.2 requests (client id "kafka-python", correlation ids from 100).
constexpr std::string_view kp_api_versions_v0 =
    "000000160012000000000064000c6b61666b612d707974686f6e";
constexpr std::string_view kp_api_versions_v1 =
    "000000160012000100000065000c6b61666b612d707974686f6e";
constexpr std::string_view kp_metadata_v1 =
    "000000280003000100000066000c6b61666b612d707974686f6e0000000200066576656e747300046c6f6773";
constexpr std::string_view kp_metadata_v5_all =
    "0000001b0003000500000067000c6b61666b612d707974686f6effffffff01";
constexpr std::string_view kp_produce_v7 =
    "000000910000000700000068000c6b61666b612d707974686f6effffffff000075300000000100066576656e"
    "747300000001000000000000005b00000000000000000000004f00000000024bf42f08000000000001000001"
    "8bcfe568000000018bcfe56805ffffffffffffffffffffffffffff0000000222000000046b310a68656c6c6f"
    "020268027616000a02010a776f726c6400";
constexpr std::string_view kp_fetch_v4 =
    "000000570001000400000069000c6b61666b612d707974686f6effffffff000001f400000001032000000000"
    "00000100066576656e74730000000200000000000000000000002a0010000000000001000000000000000700"
    "100000";
constexpr std::string_view kp_fetch_v10 =
    "0000005f0001000a0000006a000c6b61666b612d707974686f6effffffff000001f400000001032000000100"
    "000000ffffffff0000000100066576656e7473000000010000000000000005000000000000002affffffffff"
    "ffffff0010000000000000";
constexpr std::string_view kp_list_offsets_v1 =
    "00000042000200010000006b000c6b61666b612d707974686f6effffffff0000000100066576656e74730000"
    "000200000000ffffffffffffffff00000001fffffffffffffffe";
constexpr std::string_view kp_join_group_v2 =
    "00000043000b00020000006c000c6b61666b612d707974686f6e0002673100002710000493e000000008636f"
    "6e73756d657200000001000572616e67650000000600016d657461";
constexpr std::string_view kp_sync_group_v1 =
    "00000042000e00010000006d000c6b61666b612d707974686f6e000267310000000300086d656d6265722d31"
    "0000000100086d656d6265722d3100000008000161737369676e";
constexpr std::string_view kp_heartbeat_v1 =
    "00000028000c00010000006e000c6b61666b612d707974686f6e000267310000000300086d656d6265722d31";
constexpr std::string_view kp_offset_commit_v2 =
    "0000004f000800020000006f000c6b61666b612d707974686f6e000267310000000300086d656d6265722d31"
    "ffffffffffffffff0000000100066576656e74730000000100000000000000000000006400016d";
constexpr std::string_view kp_offset_fetch_v3 =
    "000000320009000300000070000c6b61666b612d707974686f6e000267310000000100066576656e74730000"
    "00020000000000000001";
constexpr std::string_view kp_find_coordinator_v1 =
    "0000001b000a000100000071000c6b61666b612d707974686f6e0002673100";
constexpr std::string_view kp_create_topics_v3 =
    "0000005e0013000300000072000c6b61666b612d707974686f6e0000000100096e65772d746f706963000000"
    "0300010000000000000002000c726574656e74696f6e2e6d73000431303030000e636c65616e75702e706f6c"
    "696379ffff0000753000";
constexpr std::string_view kp_describe_configs_v2 =
    "000000280020000200000073000c6b61666b612d707974686f6e000000010200066576656e7473ffffffff01";
// kafka-python 2.0.2 response bodies (no header).
constexpr std::string_view kp_produce_response_v7 =
    "0000000100066576656e74730000000100000000000000000000000004d2ffffffffffffffff000000000000"
    "000000000000";
constexpr std::string_view kp_metadata_response_v5 =
    "00000000000000010000000100096c6f63616c686f737400002384ffff0009636c75737465722d3100000001"
    "00000001000000066576656e7473000000000100000000000000000001000000010000000100000001000000"
    "0100000000";
constexpr std::string_view kp_fetch_response_v4 =
    "000000000000000100066576656e747300000001000000000000000000000000000200000000000000020000"
    "00000000005b00000000000000000000004f00000000024bf42f080000000000010000018bcfe56800000001"
    "8bcfe56805ffffffffffffffffffffffffffff0000000222000000046b310a68656c6c6f020268027616000a"
    "02010a776f726c6400";
constexpr std::string_view kp_api_versions_response_v2 =
    "00000000000200000000000700120000000200000000";

// The record batch kafka-python put in its produce request and fetch response.
constexpr std::string_view kafka_python_batch =
    "00000000000000000000004f00000000024bf42f080000000000010000018bcfe568000000018bcfe56805ffff"
    "ffffffffffffffffffffffff0000000222000000046b310a68656c6c6f020268027616000a02010a776f726c6400";

/// A request as a client framed it, decoded: its header and body of type T.
template <typename T>
struct decoded_request {
    request_header header;
    T body;
};

/// Decodes a framed request (4-byte size, header, body) as T and checks that nothing is left
/// over and that encoding the header and body again gives the client's bytes.
template <typename T>
decoded_request<T> decode_request(std::string_view hex) {
    auto frame = from_hex(hex);
    decoded_request<T> out;
    reader size_reader(frame);
    auto size = size_reader.read_int32();
    EXPECT_TRUE(size);
    EXPECT_EQ(static_cast<size_t>(*size), frame.size() - 4);
    std::span<const std::byte> message(frame.data() + 4, frame.size() - 4);

    reader rd(message);
    auto header = read_request_header(rd);
    EXPECT_TRUE(header) << header.err().to_string();
    if (!header) return out;
    out.header = *header;
    EXPECT_EQ(out.header.data.request_api_key, T::api_key);
    auto r = out.body.decode(rd, out.header.data.request_api_version);
    EXPECT_TRUE(r) << r.err().to_string();
    EXPECT_TRUE(rd.empty()) << rd.remaining() << " bytes left over";

    std::vector<std::byte> again;
    writer w(again);
    out.header.data.encode(w, out.header.version);
    out.body.encode(w, out.header.data.request_api_version);
    EXPECT_EQ(again, std::vector<std::byte>(message.begin(), message.end()));
    return out;
}

/// Decodes a response body as T at `version`; encoding it again must give the same bytes.
template <typename T>
T decode_response(std::string_view hex, int16_t version) {
    auto bytes = from_hex(hex);
    T out;
    reader rd(bytes);
    auto r = out.decode(rd, version);
    EXPECT_TRUE(r) << r.err().to_string();
    EXPECT_TRUE(rd.empty()) << rd.remaining() << " bytes left over";
    EXPECT_EQ(encoded(out, version), bytes);
    return out;
}

TEST(golden, librdkafka_api_versions_v3_flexible_with_header_v2) {
    auto req = decode_request<api_versions_request_data>(kcat_api_versions_v3);
    EXPECT_EQ(req.header.version, 2);
    EXPECT_EQ(req.header.data.request_api_version, 3);
    EXPECT_EQ(req.header.data.correlation_id, 1);
    EXPECT_EQ(req.header.data.client_id, "rdkafka");
    EXPECT_TRUE(req.header.data.unknown_tagged_fields.empty());
    EXPECT_EQ(req.body.client_software_name, "librdkafka");
    EXPECT_EQ(req.body.client_software_version, "2.0.2");
}

TEST(golden, librdkafka_metadata) {
    auto req = decode_request<metadata_request_data>(kcat_metadata);
    EXPECT_EQ(req.header.version, 1);
    EXPECT_EQ(req.header.data.request_api_version, 4);
    EXPECT_EQ(req.header.data.correlation_id, 2);
    EXPECT_EQ(req.header.data.client_id, "rdkafka");
    ASSERT_TRUE(req.body.topics.has_value());
    ASSERT_EQ(req.body.topics->size(), 1u);
    EXPECT_EQ((*req.body.topics)[0].name, "mytopic");
    EXPECT_TRUE(req.body.allow_auto_topic_creation);
}

TEST(golden, kafka_python_api_versions_v0_v1) {
    auto v0 = decode_request<api_versions_request_data>(kp_api_versions_v0);
    EXPECT_EQ(v0.header.version, 1);
    EXPECT_EQ(v0.header.data.request_api_version, 0);
    EXPECT_EQ(v0.header.data.correlation_id, 100);
    EXPECT_EQ(v0.header.data.client_id, "kafka-python");
    auto v1 = decode_request<api_versions_request_data>(kp_api_versions_v1);
    EXPECT_EQ(v1.header.data.request_api_version, 1);
    EXPECT_EQ(v1.body.client_software_name, ""); // not in v1
}

TEST(golden, kafka_python_metadata) {
    auto v1 = decode_request<metadata_request_data>(kp_metadata_v1);
    ASSERT_TRUE(v1.body.topics.has_value());
    ASSERT_EQ(v1.body.topics->size(), 2u);
    EXPECT_EQ((*v1.body.topics)[0].name, "events");
    EXPECT_EQ((*v1.body.topics)[1].name, "logs");

    auto all = decode_request<metadata_request_data>(kp_metadata_v5_all);
    EXPECT_EQ(all.header.data.request_api_version, 5);
    EXPECT_FALSE(all.body.topics.has_value()); // null: every topic
    EXPECT_TRUE(all.body.allow_auto_topic_creation);
}

TEST(golden, kafka_python_produce_v7_carries_the_record_batch_as_sent) {
    auto req = decode_request<produce_request_data>(kp_produce_v7);
    EXPECT_EQ(req.header.data.request_api_version, 7);
    EXPECT_FALSE(req.body.transactional_id.has_value());
    EXPECT_EQ(req.body.acks, -1);
    EXPECT_EQ(req.body.timeout_ms, 30000);
    ASSERT_EQ(req.body.topic_data.size(), 1u);
    const auto& topic = req.body.topic_data[0];
    EXPECT_EQ(topic.name, "events");
    ASSERT_EQ(topic.partition_data.size(), 1u);
    EXPECT_EQ(topic.partition_data[0].index, 0);
    ASSERT_TRUE(topic.partition_data[0].records.has_value());
    const bytes& records = *topic.partition_data[0].records;
    EXPECT_EQ(records, from_hex(kafka_python_batch));
    auto batch = model::validate_batch(records);
    ASSERT_TRUE(batch) << batch.err().to_string();
    EXPECT_EQ(batch->record_count, 2);
}

TEST(golden, kafka_python_fetch_v4_and_v10) {
    auto v4 = decode_request<fetch_request_data>(kp_fetch_v4);
    EXPECT_EQ(v4.body.replica_id, -1);
    EXPECT_EQ(v4.body.max_wait_ms, 500);
    EXPECT_EQ(v4.body.min_bytes, 1);
    EXPECT_EQ(v4.body.max_bytes, 52428800);
    EXPECT_EQ(v4.body.isolation_level, 0);
    ASSERT_EQ(v4.body.topics.size(), 1u);
    EXPECT_EQ(v4.body.topics[0].topic, "events");
    ASSERT_EQ(v4.body.topics[0].partitions.size(), 2u);
    EXPECT_EQ(v4.body.topics[0].partitions[0].partition, 0);
    EXPECT_EQ(v4.body.topics[0].partitions[0].fetch_offset, 42);
    EXPECT_EQ(v4.body.topics[0].partitions[0].partition_max_bytes, 1048576);
    EXPECT_EQ(v4.body.topics[0].partitions[1].partition, 1);
    EXPECT_EQ(v4.body.topics[0].partitions[1].fetch_offset, 7);

    auto v10 = decode_request<fetch_request_data>(kp_fetch_v10);
    EXPECT_EQ(v10.body.isolation_level, 1);
    EXPECT_EQ(v10.body.session_id, 0);
    EXPECT_EQ(v10.body.session_epoch, -1);
    ASSERT_EQ(v10.body.topics.size(), 1u);
    const auto& p = v10.body.topics[0].partitions.at(0);
    EXPECT_EQ(p.current_leader_epoch, 5);
    EXPECT_EQ(p.fetch_offset, 42);
    EXPECT_EQ(p.log_start_offset, -1);
    EXPECT_EQ(p.partition_max_bytes, 1048576);
    EXPECT_TRUE(v10.body.forgotten_topics_data.empty());
}

TEST(golden, kafka_python_list_offsets_v1) {
    auto req = decode_request<list_offsets_request_data>(kp_list_offsets_v1);
    EXPECT_EQ(req.body.replica_id, -1);
    ASSERT_EQ(req.body.topics.size(), 1u);
    EXPECT_EQ(req.body.topics[0].name, "events");
    ASSERT_EQ(req.body.topics[0].partitions.size(), 2u);
    EXPECT_EQ(req.body.topics[0].partitions[0].timestamp, -1); // latest
    EXPECT_EQ(req.body.topics[0].partitions[1].partition_index, 1);
    EXPECT_EQ(req.body.topics[0].partitions[1].timestamp, -2); // earliest
}

TEST(golden, kafka_python_consumer_group_requests) {
    auto join = decode_request<join_group_request_data>(kp_join_group_v2);
    EXPECT_EQ(join.body.group_id, "g1");
    EXPECT_EQ(join.body.session_timeout_ms, 10000);
    EXPECT_EQ(join.body.rebalance_timeout_ms, 300000);
    EXPECT_EQ(join.body.member_id, "");
    EXPECT_EQ(join.body.protocol_type, "consumer");
    ASSERT_EQ(join.body.protocols.size(), 1u);
    EXPECT_EQ(join.body.protocols[0].name, "range");
    EXPECT_EQ(join.body.protocols[0].metadata, as_bytes(std::string_view("\0\1meta", 6)));

    auto sync = decode_request<sync_group_request_data>(kp_sync_group_v1);
    EXPECT_EQ(sync.body.generation_id, 3);
    EXPECT_EQ(sync.body.member_id, "member-1");
    ASSERT_EQ(sync.body.assignments.size(), 1u);
    EXPECT_EQ(sync.body.assignments[0].assignment, as_bytes(std::string_view("\0\1assign", 8)));

    auto heartbeat = decode_request<heartbeat_request_data>(kp_heartbeat_v1);
    EXPECT_EQ(heartbeat.body.group_id, "g1");
    EXPECT_EQ(heartbeat.body.generation_id, 3);
    EXPECT_EQ(heartbeat.body.member_id, "member-1");

    auto commit = decode_request<offset_commit_request_data>(kp_offset_commit_v2);
    EXPECT_EQ(commit.body.generation_id_or_member_epoch, 3);
    EXPECT_EQ(commit.body.retention_time_ms, -1);
    ASSERT_EQ(commit.body.topics.size(), 1u);
    const auto& partition = commit.body.topics[0].partitions.at(0);
    EXPECT_EQ(partition.committed_offset, 100);
    EXPECT_EQ(partition.committed_metadata, "m");

    auto fetch = decode_request<offset_fetch_request_data>(kp_offset_fetch_v3);
    EXPECT_EQ(fetch.body.group_id, "g1");
    ASSERT_TRUE(fetch.body.topics.has_value());
    EXPECT_EQ(fetch.body.topics->at(0).partition_indexes, (std::vector<int32_t>{0, 1}));

    auto coordinator = decode_request<find_coordinator_request_data>(kp_find_coordinator_v1);
    EXPECT_EQ(coordinator.body.key, "g1");
    EXPECT_EQ(coordinator.body.key_type, 0);
}

TEST(golden, kafka_python_admin_requests) {
    auto create = decode_request<create_topics_request_data>(kp_create_topics_v3);
    ASSERT_EQ(create.body.topics.size(), 1u);
    const auto& topic = create.body.topics[0];
    EXPECT_EQ(topic.name, "new-topic");
    EXPECT_EQ(topic.num_partitions, 3);
    EXPECT_EQ(topic.replication_factor, 1);
    EXPECT_TRUE(topic.assignments.empty());
    ASSERT_EQ(topic.configs.size(), 2u);
    EXPECT_EQ(topic.configs[0].name, "retention.ms");
    EXPECT_EQ(topic.configs[0].value, "1000");
    EXPECT_EQ(topic.configs[1].name, "cleanup.policy");
    EXPECT_FALSE(topic.configs[1].value.has_value());
    EXPECT_EQ(create.body.timeout_ms, 30000);
    EXPECT_FALSE(create.body.validate_only);

    auto describe = decode_request<describe_configs_request_data>(kp_describe_configs_v2);
    ASSERT_EQ(describe.body.resources.size(), 1u);
    EXPECT_EQ(describe.body.resources[0].resource_type, 2); // topic
    EXPECT_EQ(describe.body.resources[0].resource_name, "events");
    EXPECT_FALSE(describe.body.resources[0].configuration_keys.has_value()); // all
    EXPECT_TRUE(describe.body.include_synonyms);
}

TEST(golden, kafka_python_responses) {
    auto produce = decode_response<produce_response_data>(kp_produce_response_v7, 7);
    ASSERT_EQ(produce.responses.size(), 1u);
    const auto& p = produce.responses[0].partition_responses.at(0);
    EXPECT_EQ(p.base_offset, 1234);
    EXPECT_EQ(p.log_append_time_ms, -1);
    EXPECT_EQ(p.log_start_offset, 0);

    auto metadata = decode_response<metadata_response_data>(kp_metadata_response_v5, 5);
    ASSERT_EQ(metadata.brokers.size(), 1u);
    EXPECT_EQ(metadata.brokers[0].node_id, 1);
    EXPECT_EQ(metadata.brokers[0].host, "localhost");
    EXPECT_EQ(metadata.brokers[0].port, 9092);
    EXPECT_FALSE(metadata.brokers[0].rack.has_value());
    EXPECT_EQ(metadata.cluster_id, "cluster-1");
    EXPECT_EQ(metadata.controller_id, 1);
    ASSERT_EQ(metadata.topics.size(), 1u);
    EXPECT_EQ(metadata.topics[0].name, "events");
    EXPECT_EQ(metadata.topics[0].partitions.at(0).replica_nodes, (std::vector<int32_t>{1}));

    auto fetch = decode_response<fetch_response_data>(kp_fetch_response_v4, 4);
    const auto& data = fetch.responses.at(0).partitions.at(0);
    EXPECT_EQ(data.high_watermark, 2);
    EXPECT_EQ(data.last_stable_offset, 2);
    EXPECT_EQ(data.records, from_hex(kafka_python_batch));

    auto versions = decode_response<api_versions_response_data>(kp_api_versions_response_v2, 2);
    ASSERT_EQ(versions.api_keys.size(), 2u);
    EXPECT_EQ(versions.api_keys[1].api_key, 18);
    EXPECT_EQ(versions.api_keys[1].max_version, 2);
}

TEST(golden, spate_encodes_requests_as_the_clients_do) {
    // The same produce request built field by field encodes to kafka-python's bytes.
    produce_request_data request;
    request.acks = -1;
    request.timeout_ms = 30000;
    auto& topic = request.topic_data.emplace_back();
    topic.name = "events";
    auto& partition = topic.partition_data.emplace_back();
    partition.index = 0;
    partition.records = from_hex(kafka_python_batch);

    std::vector<std::byte> message;
    writer w(message);
    request_header_data header{produce_request_data::api_key, 7, 104, "kafka-python", {}};
    header.encode(w, 1);
    request.encode(w, 7);
    std::vector<std::byte> frame;
    writer f(frame);
    f.write_int32(static_cast<int32_t>(message.size()));
    f.write_raw(message);
    EXPECT_EQ(frame, from_hex(kp_produce_v7));
}

} // namespace
} // namespace spate::kafka
