#include "log/tests/log_test_support.h"

#include "base/endian.h"
#include "io/file.h"

#include <boost/asio/detached.hpp>

#include <cerrno>

namespace spate::log::testing {
namespace {

namespace L = model::batch_layout;

using partition_append = log_fixture;

TEST_F(partition_append, assigns_offsets_and_reads_back) {
    auto p = open();
    auto a = append_durable(*p, make_batch(3, "a"));
    auto b = append_durable(*p, make_batch(2, "b"));
    EXPECT_EQ(a.base_offset, model::offset(0));
    EXPECT_EQ(a.last_offset, model::offset(2));
    EXPECT_EQ(b.base_offset, model::offset(3));
    EXPECT_EQ(b.last_offset, model::offset(4));
    EXPECT_EQ(p->log_end_offset(), model::offset(5));
    EXPECT_EQ(p->high_watermark(), model::offset(5));

    auto all = p->read_bytes(model::offset(0), 1 << 20);
    ASSERT_TRUE(all) << all.err().to_string();
    EXPECT_EQ(values_of(*all), (std::vector<std::string>{"a-0", "a-1", "a-2", "b-0", "b-1"}));

    // Reading from an offset inside a batch returns the whole batch that holds it.
    auto mid = p->read_bytes(model::offset(4), 1 << 20);
    ASSERT_TRUE(mid);
    EXPECT_EQ(values_of(*mid), (std::vector<std::string>{"b-0", "b-1"}));
    auto h = model::parse_batch_header(*mid);
    EXPECT_EQ(h->base_offset, model::offset(3)) << "stored batches carry their assigned offsets";
}

TEST_F(partition_append, several_batches_in_one_append_are_all_or_nothing) {
    auto p = open();
    auto good = make_batch(2, "g");
    auto bad = make_batch(2, "x");
    bad[bad.size() - 1] ^= std::byte{1}; // breaks the CRC
    std::vector<std::byte> request = good;
    request.insert(request.end(), bad.begin(), bad.end());
    auto r = p->append(request);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::corrupt_message);
    EXPECT_NE(r.err().message.find("batch 1 at byte " + std::to_string(good.size())),
              std::string::npos)
        << r.err().message;
    EXPECT_EQ(p->log_end_offset(), model::offset(0));
    EXPECT_EQ(p->size_bytes(), 0u) << "nothing of a rejected append is written";

    std::vector<std::byte> two = good;
    auto more = make_batch(3, "h");
    two.insert(two.end(), more.begin(), more.end());
    auto ok = p->append(two);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->base_offset, model::offset(0));
    EXPECT_EQ(ok->last_offset, model::offset(4));
}

TEST_F(partition_append, rejects_bad_input_with_specific_errors) {
    log_config c;
    c.max_message_bytes = 2000;
    auto p = open(c);

    auto big = make_batch(10, "big", 300);
    auto too_large = p->append(big);
    ASSERT_FALSE(too_large);
    EXPECT_EQ(too_large.err().code, errc::message_too_large);
    EXPECT_NE(too_large.err().message.find("max.message.bytes is 2000"), std::string::npos);

    auto v1 = make_batch(1, "m");
    v1[L::magic] = std::byte{1};
    auto magic = p->append(v1);
    ASSERT_FALSE(magic);
    EXPECT_EQ(magic.err().code, errc::unsupported_for_message_format);

    auto cut = make_batch(2, "c");
    cut.resize(cut.size() - 3);
    auto truncated = p->append(cut);
    ASSERT_FALSE(truncated);
    EXPECT_EQ(truncated.err().code, errc::corrupt_message);
    EXPECT_NE(truncated.err().message.find("runs past the end of the request"), std::string::npos)
        << truncated.err().message;

    std::vector<std::byte> empty;
    EXPECT_FALSE(p->append(empty));
    std::vector<std::byte> tiny(10);
    EXPECT_FALSE(p->append(tiny));
    EXPECT_EQ(p->log_end_offset(), model::offset(0));
}

TEST_F(partition_append, read_limits_and_ranges) {
    auto p = open();
    for (int i = 0; i < 10; ++i)
        append_durable(*p, make_batch(1, "r" + std::to_string(i), 100));
    auto one = p->read(model::offset(0), 1);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->next_offset, model::offset(1)) << "the first batch is returned even if larger";
    auto batch_size = one->size_bytes;
    auto three = p->read(model::offset(2), batch_size * 3 + 5);
    ASSERT_TRUE(three);
    EXPECT_EQ(three->size_bytes, batch_size * 3);
    EXPECT_EQ(three->next_offset, model::offset(5));

    auto at_end = p->read(model::offset(10), 1000);
    ASSERT_TRUE(at_end);
    EXPECT_EQ(at_end->size_bytes, 0u);
    auto past = p->read(model::offset(11), 1000);
    ASSERT_FALSE(past);
    EXPECT_EQ(past.err().code, errc::offset_out_of_range);
    auto negative = p->read(model::offset(-1), 1000);
    EXPECT_FALSE(negative);
}

TEST_F(partition_append, readers_see_only_durable_data_under_the_always_policy) {
    auto p = open();
    auto a = p->append(*std::make_unique<std::vector<std::byte>>(make_batch(2, "x")));
    ASSERT_TRUE(a);
    EXPECT_EQ(p->log_end_offset(), model::offset(2));
    EXPECT_EQ(p->high_watermark(), model::offset(0));
    auto r = run(p->wait_durable(model::offset(2)));
    ASSERT_TRUE(r);
    EXPECT_EQ(p->high_watermark(), model::offset(2));
    EXPECT_EQ(p->durable_offset(), model::offset(2));
}

TEST_F(partition_append, concurrent_appends_share_fsyncs) {
    auto p = open();
    constexpr int appenders = 32;
    constexpr int rounds = 20;
    int done = 0;
    for (int i = 0; i < appenders; ++i) {
        boost::asio::co_spawn(
            io,
            [&, i]() -> boost::asio::awaitable<void> {
                for (int j = 0; j < rounds; ++j) {
                    auto batch = make_batch(1, "c" + std::to_string(i) + "-" + std::to_string(j));
                    auto r = co_await p->append_durable(batch);
                    EXPECT_TRUE(r.has_value());
                    EXPECT_LE(r->last_offset, p->durable_offset() - 1)
                        << "acknowledged before sync";
                }
                ++done;
            },
            boost::asio::detached);
    }
    io.run();
    EXPECT_EQ(done, appenders);
    EXPECT_EQ(p->log_end_offset(), model::offset(appenders * rounds));
    EXPECT_LT(p->sync_rounds(), static_cast<uint64_t>(appenders * rounds / 4))
        << "group commit should need far fewer fsyncs than appends";
}

TEST_F(partition_append, flush_policy_never_makes_data_visible_at_once) {
    log_config c;
    c.flush = flush_policy::never;
    auto p = open(c);
    auto b = make_batch(2, "n");
    ASSERT_TRUE(p->append(b));
    EXPECT_EQ(p->high_watermark(), model::offset(2));
    EXPECT_EQ(p->durable_offset(), model::offset(0));
    auto r = run(p->append_durable(*std::make_unique<std::vector<std::byte>>(make_batch(1, "m"))));
    ASSERT_TRUE(r);
    EXPECT_EQ(p->durable_offset(), model::offset(0)) << "never does not wait for a sync";
}

TEST_F(partition_append, segments_roll_by_size_and_every_offset_stays_readable) {
    log_config c;
    c.segment_bytes = 4096;
    c.index_interval_bytes = 512;
    auto p = open(c);
    std::vector<std::string> expected;
    for (int i = 0; i < 200; ++i) {
        int n = 1 + i % 5;
        auto b = make_batch(n, "s" + std::to_string(i), 40);
        for (int k = 0; k < n; ++k) {
            expected.push_back("s" + std::to_string(i) + "-" + std::to_string(k));
            expected.back().resize(40, '.');
        }
        ASSERT_TRUE(p->append(b));
    }
    ASSERT_TRUE(run(p->wait_durable(p->log_end_offset())));
    EXPECT_GT(p->segment_count(), 10u);
    for (int64_t o = 0; o < static_cast<int64_t>(expected.size()); ++o) {
        auto r = p->read_bytes(model::offset(o), 1);
        ASSERT_TRUE(r) << "offset " << o << ": " << r.err().to_string();
        auto h = model::parse_batch_header(*r);
        ASSERT_TRUE(h);
        ASSERT_LE(h->base_offset, model::offset(o));
        ASSERT_GE(h->last_offset(), model::offset(o));
        auto values = values_of(*r);
        EXPECT_EQ(values[static_cast<size_t>(o - h->base_offset.value())],
                  expected[static_cast<size_t>(o)]);
    }
    auto everything = p->read_bytes(model::offset(0), 1 << 30);
    ASSERT_TRUE(everything);
    EXPECT_EQ(values_of(*everything), expected) << "one read spans every segment";
}

TEST_F(partition_append, finds_offsets_by_timestamp) {
    log_config c;
    c.segment_bytes = 2048;
    c.index_interval_bytes = 256;
    auto p = open(c);
    // Batch i holds 3 records with timestamps 1000*i, 1000*i+1, 1000*i+2.
    for (int i = 0; i < 60; ++i)
        ASSERT_TRUE(
            p->append(*std::make_unique<std::vector<std::byte>>(make_batch(3, "t", 30, 1000 * i))));
    ASSERT_TRUE(run(p->wait_durable(p->log_end_offset())));
    ASSERT_GT(p->segment_count(), 3u);
    auto exact = p->offset_for_timestamp(model::timestamp_ms(25'001));
    ASSERT_TRUE(exact && *exact);
    EXPECT_EQ((*exact)->offset, model::offset(25 * 3 + 1));
    EXPECT_EQ((*exact)->timestamp, model::timestamp_ms(25'001));
    auto between = p->offset_for_timestamp(model::timestamp_ms(25'500));
    ASSERT_TRUE(between && *between);
    EXPECT_EQ((*between)->offset, model::offset(26 * 3));
    auto first = p->offset_for_timestamp(model::timestamp_ms(0));
    EXPECT_EQ((*first)->offset, model::offset(0));
    auto none = p->offset_for_timestamp(model::timestamp_ms(1'000'000));
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());

    // The time index survives a clean close and is rebuilt after a crash.
    ASSERT_TRUE(p->close());
    p.reset();
    for (int round = 0; round < 2; ++round) {
        auto again = open(c);
        auto found = again->offset_for_timestamp(model::timestamp_ms(41'002));
        ASSERT_TRUE(found && *found) << "round " << round;
        EXPECT_EQ((*found)->offset, model::offset(41 * 3 + 2));
        // round 0 ends without close(): round 1 recovers from the files alone
    }
}

TEST_F(partition_append, log_append_time_replaces_producer_timestamps) {
    log_config c;
    c.message_timestamp_type = timestamp_type::log_append_time;
    auto p = open(c);
    auto r = append_durable(*p, make_batch(2, "l", 0, 5));
    EXPECT_GT(r.log_append_time.value(), 1'700'000'000'000);
    auto bytes = p->read_bytes(model::offset(0), 1 << 20);
    ASSERT_TRUE(bytes) << bytes.err().to_string();
    auto h = model::validate_batch(*bytes);
    ASSERT_TRUE(h) << "the CRC was recomputed";
    EXPECT_TRUE(h->log_append_time());
    EXPECT_EQ(h->max_timestamp, r.log_append_time);
}

TEST_F(partition_append, full_disk_rejects_the_append_and_writes_nothing) {
    auto p = open();
    append_durable(*p, make_batch(2, "before"));
    auto size_before = p->size_bytes();
    io::fault_injection::fail_writes_after(30, ENOSPC);
    auto b = make_batch(5, "lost", 50);
    auto r = p->append(b);
    io::fault_injection::clear();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::kafka_storage_error);
    EXPECT_NE(r.err().message.find("No space left on device"), std::string::npos)
        << r.err().message;
    EXPECT_EQ(p->size_bytes(), size_before);
    EXPECT_EQ(p->log_end_offset(), model::offset(2));
    EXPECT_FALSE(p->damage());

    // Space is back: appending works and the log has no trace of the failed write.
    auto after = append_durable(*p, make_batch(1, "after"));
    EXPECT_EQ(after.base_offset, model::offset(2));
    auto all = p->read_bytes(model::offset(0), 1 << 20);
    ASSERT_TRUE(all);
    EXPECT_EQ(values_of(*all), (std::vector<std::string>{"before-0", "before-1", "after-0"}));
    ASSERT_TRUE(p->close());
    auto reopened = open();
    EXPECT_EQ(reopened->log_end_offset(), model::offset(3));
}

TEST_F(partition_append, failed_fsync_fails_waiters_and_stops_writes) {
    auto p = open();
    io::fault_injection::fail_syncs(1, EIO);
    auto b = make_batch(1, "x");
    auto r = run(p->append_durable(b));
    io::fault_injection::clear();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::kafka_storage_error);
    EXPECT_NE(r.err().message.find("fdatasync"), std::string::npos) << r.err().message;
    ASSERT_TRUE(p->damage());
    auto again = p->append(*std::make_unique<std::vector<std::byte>>(make_batch(1, "y")));
    ASSERT_FALSE(again);
    EXPECT_NE(again.err().message.find("read-only"), std::string::npos);
}

} // namespace
} // namespace spate::log::testing
