#include "log/log_store.h"
#include "log/tests/log_test_support.h"

namespace spate::log::testing {
namespace {

class log_store_test : public log_fixture {
public:
    std::unique_ptr<log_store> open_store() {
        auto s = log_store::open({dir.path(), {}}, ctx());
        EXPECT_TRUE(s.has_value()) << (s ? "" : s.err().to_string());
        return s ? std::move(s).value() : nullptr;
    }
};

TEST_F(log_store_test, topics_survive_a_restart_with_their_data_and_config) {
    {
        auto store = open_store();
        auto t = store->create_topic("orders", 3, {{"retention.ms", "60000"}});
        ASSERT_TRUE(t) << t.err().to_string();
        auto p1 = store->get("orders", model::partition_id(1));
        ASSERT_TRUE(p1);
        append_durable(**p1, make_batch(4, "o"));
        ASSERT_TRUE(store->close());
    }
    auto store = open_store();
    ASSERT_EQ(store->topic_names(), std::vector<std::string>{"orders"});
    auto* t = store->find("orders");
    EXPECT_EQ(t->partitions.size(), 3u);
    EXPECT_EQ(t->config.retention_ms, 60000);
    EXPECT_EQ(t->partitions[1]->log_end_offset(), model::offset(4));
    EXPECT_EQ(t->partitions[0]->log_end_offset(), model::offset(0));
}

TEST_F(log_store_test, bad_requests_get_kafka_errors_and_leave_nothing_behind) {
    auto store = open_store();
    ASSERT_TRUE(store->create_topic("a", 1));
    auto dup = store->create_topic("a", 1);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.err().code, errc::topic_already_exists);
    auto bad_name = store->create_topic("no/slash", 1);
    ASSERT_FALSE(bad_name);
    EXPECT_EQ(bad_name.err().code, errc::invalid_topic_exception);
    auto zero = store->create_topic("z", 0);
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.err().code, errc::invalid_partitions);
    auto bad_config = store->create_topic("c", 1, {{"retention.ms", "soon"}});
    ASSERT_FALSE(bad_config);
    EXPECT_EQ(bad_config.err().code, errc::invalid_config);
    EXPECT_NE(bad_config.err().message.find("retention.ms"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "topics" / "c"));
    auto unknown_key = store->create_topic("k", 1, {{"colour", "blue"}});
    ASSERT_FALSE(unknown_key);
    EXPECT_NE(unknown_key.err().message.find("colour"), std::string::npos);
    auto missing = store->get("nope", model::partition_id(0));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.err().code, errc::unknown_topic_or_partition);
    EXPECT_FALSE(store->get("a", model::partition_id(1)));
}

TEST_F(log_store_test, delete_grow_and_reconfigure) {
    auto store = open_store();
    ASSERT_TRUE(store->create_topic("t", 1));
    ASSERT_TRUE(store->set_partition_count("t", 4));
    EXPECT_EQ(store->find("t")->partitions.size(), 4u);
    auto shrink = store->set_partition_count("t", 2);
    ASSERT_FALSE(shrink);
    EXPECT_EQ(shrink.err().code, errc::invalid_partitions);

    ASSERT_TRUE(store->set_topic_config("t", {{"segment.bytes", "100000"}}));
    // The new config reaches each partition as a message on its owner's event loop.
    io.poll();
    io.restart();
    EXPECT_EQ(store->find("t")->partitions[3]->config().segment_bytes, 100000);
    EXPECT_FALSE(store->set_topic_config("t", {{"segment.bytes", "-5"}}));
    EXPECT_EQ(store->find("t")->partitions[3]->config().segment_bytes, 100000);

    ASSERT_TRUE(store->delete_topic("t"));
    EXPECT_FALSE(store->find("t"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "topics" / "t"));
    ASSERT_TRUE(store->close());
    store.reset();
    auto again = open_store();
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->topic_names().empty());
    auto recreated = again->create_topic("t", 2);
    ASSERT_TRUE(recreated) << "a deleted name can be used again";
    EXPECT_FALSE((*recreated)->id.is_zero());
}

TEST_F(log_store_test, topic_ids_are_kept_across_restarts_and_new_for_a_new_topic) {
    model::topic_id first_id;
    {
        auto store = open_store();
        auto t = store->create_topic("t", 1);
        ASSERT_TRUE(t);
        first_id = (*t)->id;
        ASSERT_TRUE(store->close());
    }
    auto store = open_store();
    ASSERT_EQ(store->find("t")->id, first_id);
    ASSERT_TRUE(store->delete_topic("t"));
    auto again = store->create_topic("t", 1);
    ASSERT_TRUE(again);
    EXPECT_NE((*again)->id, first_id);
}

TEST_F(log_store_test, one_data_directory_serves_one_store) {
    auto first = open_store();
    auto second = log_store::open({dir.path(), {}}, ctx());
    ASSERT_FALSE(second);
    EXPECT_NE(second.err().message.find("in use by another spate process"), std::string::npos)
        << second.err().message;
}

TEST_F(log_store_test, an_unfinished_creation_is_cleaned_up) {
    std::filesystem::create_directories(dir.path() / "topics" / "half" / "0");
    auto store = open_store();
    EXPECT_TRUE(store->topic_names().empty());
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "topics" / "half"));
}

TEST_F(log_store_test, unreadable_metadata_is_a_clear_error) {
    std::filesystem::create_directories(dir.path() / "topics" / "broken");
    append_bytes_to_file(dir.path() / "topics" / "broken" / "topic.json", "{not json");
    auto s = log_store::open({dir.path(), {}}, ctx());
    ASSERT_FALSE(s);
    EXPECT_NE(s.err().message.find("topic.json"), std::string::npos) << s.err().message;
}

} // namespace
} // namespace spate::log::testing
