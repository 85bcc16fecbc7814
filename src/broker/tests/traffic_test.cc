// Topic traffic counters and request latencies, on a broker run in-process.

#include "broker/tests/broker_test_support.h"
#include "broker/traffic.h"
#include "model/batch_builder.h"

#include <gtest/gtest.h>

namespace spate::broker {
namespace {

std::vector<std::byte> batch_of(int records, std::string_view value) {
    model::batch_builder b;
    for (int i = 0; i < records; ++i)
        b.add("k", value, model::timestamp_ms(1'700'000'000'000 + i));
    return b.build();
}

void create(testing::client& c, const std::string& name, int partitions) {
    kafka::create_topics_request_data create;
    kafka::create_topics_request_data::creatable_topic topic;
    topic.name = name;
    topic.num_partitions = partitions;
    topic.replication_factor = 1;
    create.topics.push_back(topic);
    ASSERT_TRUE(c.call(create, 7));
}

kafka::produce_response_data produce(testing::client& c, const std::string& topic,
                                     int32_t partition, std::vector<std::byte> records) {
    kafka::produce_request_data produce;
    produce.acks = -1;
    produce.timeout_ms = 5000;
    kafka::produce_request_data::topic_produce_data td;
    td.name = topic;
    kafka::produce_request_data::partition_produce_data pd;
    pd.index = partition;
    pd.records = std::move(records);
    td.partition_data.push_back(pd);
    produce.topic_data.push_back(td);
    auto r = c.call(produce, 9);
    EXPECT_TRUE(r);
    kafka::produce_response_data response;
    kafka::reader rd(*r);
    EXPECT_TRUE(response.decode(rd, 9));
    return response;
}

const topic_traffic* find(const std::vector<topic_traffic>& all, std::string_view name) {
    for (const auto& t : all)
        if (t.name == name) return &t;
    return nullptr;
}

TEST(traffic_counters, add_look_up_and_forget_topics) {
    traffic_counters c;
    EXPECT_EQ(c.of("a").records_in, 0u);
    c.add_in("a", 3, 100);
    c.add_in("a", 2, 50);
    c.add_out("a", 4, 70);
    c.add_out("b", 1, 10);
    EXPECT_EQ(c.of("a").records_in, 5u);
    EXPECT_EQ(c.of("a").bytes_in, 150u);
    EXPECT_EQ(c.of("a").records_out, 4u);
    EXPECT_EQ(c.of("a").bytes_out, 70u);
    EXPECT_EQ(c.of("b").records_in, 0u);
    EXPECT_EQ(c.by_topic().size(), 2u);
    c.forget("a");
    EXPECT_EQ(c.of("a").records_in, 0u);
    EXPECT_EQ(c.by_topic().size(), 1u);
}

TEST(traffic_counters, count_records_walks_whole_batches_only) {
    auto a = batch_of(3, "x");
    auto b = batch_of(4, "yy");
    std::vector<std::byte> both = a;
    both.insert(both.end(), b.begin(), b.end());
    EXPECT_EQ(count_records(both), 7u);
    EXPECT_EQ(count_records(std::span(both).first(both.size() - 1)), 3u) << "the cut batch";
    EXPECT_EQ(count_records({}), 0u);
    std::vector<std::byte> junk(80, std::byte{0x55});
    EXPECT_EQ(count_records(junk), 0u);
}

TEST(topic_traffic, counts_produced_and_fetched_records_per_topic) {
    testing::running_broker broker;
    testing::client c(broker.port());
    create(c, "orders", 2);
    create(c, "quiet", 1);
    auto b0 = batch_of(5, "hello");
    auto b1 = batch_of(2, "world!");
    const uint64_t bytes_in = b0.size() + b1.size();
    auto r0 = produce(c, "orders", 0, b0);
    auto r1 = produce(c, "orders", 1, b1);
    ASSERT_EQ(r0.responses.at(0).partition_responses.at(0).error_code, 0);
    ASSERT_EQ(r1.responses.at(0).partition_responses.at(0).error_code, 0);
    // A produce to a missing partition counts nothing.
    auto bad = produce(c, "orders", 7, batch_of(3, "no"));
    EXPECT_NE(bad.responses.at(0).partition_responses.at(0).error_code, 0);

    kafka::fetch_request_data fetch;
    fetch.max_wait_ms = 0;
    fetch.min_bytes = 1;
    fetch.max_bytes = 1 << 20;
    fetch.isolation_level = 0;
    kafka::fetch_request_data::fetch_topic ft;
    ft.topic = "orders";
    kafka::fetch_request_data::fetch_partition fp;
    fp.partition = 0;
    fp.fetch_offset = 0;
    fp.partition_max_bytes = 1 << 20;
    ft.partitions.push_back(fp);
    fetch.topics.push_back(ft);
    ASSERT_TRUE(c.call(fetch, 11));
    ASSERT_TRUE(c.call(fetch, 11)); // twice: out counts every read

    auto all = broker.run(broker.broker().topic_traffic());
    const auto* orders = find(all, "orders");
    ASSERT_NE(orders, nullptr);
    EXPECT_FALSE(orders->internal);
    EXPECT_EQ(orders->counters.records_in, 7u);
    EXPECT_EQ(orders->counters.bytes_in, bytes_in);
    EXPECT_EQ(orders->counters.records_out, 10u);
    EXPECT_EQ(orders->counters.bytes_out, 2 * b0.size());
    ASSERT_EQ(orders->partitions.size(), 2u);
    EXPECT_EQ(orders->partitions[0].partition, 0);
    EXPECT_EQ(orders->partitions[0].end_offset, 5);
    EXPECT_EQ(orders->partitions[1].end_offset, 2);
    EXPECT_EQ(orders->partitions[1].start_offset, 0);
    const auto* quiet = find(all, "quiet");
    ASSERT_NE(quiet, nullptr);
    EXPECT_EQ(quiet->counters.records_in, 0u);
    EXPECT_EQ(quiet->partitions.size(), 1u);
    const auto* offsets = find(all, "__consumer_offsets");
    ASSERT_NE(offsets, nullptr);
    EXPECT_TRUE(offsets->internal);

    // Every request was timed under its API key.
    auto* produce_latency = broker.broker().request_latency(0);
    ASSERT_NE(produce_latency, nullptr);
    EXPECT_EQ(produce_latency->count(), 3u);
    EXPECT_EQ(broker.broker().request_latency(1)->count(), 2u);
    EXPECT_EQ(broker.broker().request_latency(-1), nullptr);
    EXPECT_EQ(broker.broker().request_latency(kafka_broker::max_api_key + 1), nullptr);
}

} // namespace
} // namespace spate::broker
