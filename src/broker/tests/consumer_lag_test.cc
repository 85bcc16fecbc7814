// Consumer lag from committed offsets and high watermarks, on a broker run in-process.

#include "broker/consumer_lag.h"
#include "broker/tests/broker_test_support.h"
#include "model/batch_builder.h"

#include <gtest/gtest.h>

namespace spate::broker {
namespace {

TEST(consumer_lag, is_the_high_watermark_minus_the_committed_offset) {
    testing::running_broker broker;
    testing::client c(broker.port());

    kafka::create_topics_request_data create;
    kafka::create_topics_request_data::creatable_topic topic;
    topic.name = "orders";
    topic.num_partitions = 2;
    topic.replication_factor = 1;
    create.topics.push_back(topic);
    ASSERT_TRUE(c.call(create, 7));

    // Ten records into partition 1.
    model::batch_builder b;
    for (int i = 0; i < 10; ++i)
        b.add("k", "v", model::timestamp_ms(1'700'000'000'000 + i));
    kafka::produce_request_data produce;
    produce.acks = -1;
    produce.timeout_ms = 5000;
    kafka::produce_request_data::topic_produce_data td;
    td.name = "orders";
    kafka::produce_request_data::partition_produce_data pd;
    pd.index = 1;
    pd.records = b.build();
    td.partition_data.push_back(pd);
    produce.topic_data.push_back(td);
    auto produced = c.call(produce, 9);
    ASSERT_TRUE(produced);

    // A group without members that committed 0 on partition 0 and 3 on partition 1.
    kafka::offset_commit_request_data commit;
    commit.group_id = "billing";
    commit.generation_id_or_member_epoch = -1;
    kafka::offset_commit_request_data::offset_commit_request_topic ct;
    ct.name = "orders";
    ct.partitions.push_back({0, 0, -1, -1, "", {}});
    ct.partitions.push_back({1, 3, -1, -1, "", {}});
    commit.topics.push_back(ct);
    auto committed = c.call(commit, 8);
    ASSERT_TRUE(committed);
    kafka::offset_commit_response_data response;
    kafka::reader rd(*committed);
    ASSERT_TRUE(response.decode(rd, 8));
    for (const auto& p : response.topics.at(0).partitions)
        EXPECT_EQ(p.error_code, 0);

    auto lag = broker.run(consumer_lag(broker.broker()));
    ASSERT_EQ(lag.size(), 2u);
    EXPECT_EQ(lag[0].group, "billing");
    EXPECT_EQ(lag[0].partition, 0);
    EXPECT_EQ(lag[0].log_end, 0);
    EXPECT_EQ(lag[0].lag, 0);
    EXPECT_EQ(lag[1].partition, 1);
    EXPECT_EQ(lag[1].committed, 3);
    EXPECT_EQ(lag[1].log_end, 10);
    EXPECT_EQ(lag[1].lag, 7);
}

} // namespace
} // namespace spate::broker
