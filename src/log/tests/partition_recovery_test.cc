#include "log/tests/log_test_support.h"

#include "log/checkpoint.h"

#include <algorithm>

namespace spate::log::testing {
namespace {

using partition_recovery = log_fixture;

std::vector<std::filesystem::path> segment_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".log") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

void flip_byte(const std::filesystem::path& p, uint64_t position) {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(position));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x10);
    f.seekp(static_cast<std::streamoff>(position));
    f.write(&c, 1);
}

log_config small_segments() {
    log_config c;
    c.segment_bytes = 2048;
    c.index_interval_bytes = 256;
    return c;
}

// Fills a partition with `batches` batches of 2 records each.
void fill(log_fixture& t, partition& p, int batches) {
    for (int i = 0; i < batches; ++i)
        t.append_durable(p, make_batch(2, "v" + std::to_string(i), 60));
}

std::vector<std::string> all_values(partition& p) {
    auto r = p.read_bytes(p.log_start_offset(), 1 << 30);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.err().to_string());
    return r ? values_of(*r) : std::vector<std::string>{};
}

TEST_F(partition_recovery, clean_and_unclean_restarts_keep_everything) {
    auto p = open(small_segments());
    fill(*this, *p, 40);
    auto before = all_values(*p);
    auto segments = p->segment_count();
    ASSERT_TRUE(p->close());
    p.reset();

    auto clean = open(small_segments());
    EXPECT_EQ(clean->log_end_offset(), model::offset(80));
    EXPECT_EQ(clean->segment_count(), segments);
    EXPECT_EQ(all_values(*clean), before);
    fill(*this, *clean, 5);
    clean.reset(); // no close(): a crash

    auto unclean = open(small_segments());
    EXPECT_EQ(unclean->log_end_offset(), model::offset(90));
    EXPECT_FALSE(unclean->damage());
    auto after = all_values(*unclean);
    ASSERT_EQ(after.size(), 90u);
    EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin()));
    auto next = append_durable(*unclean, make_batch(1, "z"));
    EXPECT_EQ(next.base_offset, model::offset(90));
}

TEST_F(partition_recovery, a_torn_tail_is_cut) {
    auto p = open(small_segments());
    fill(*this, *p, 10);
    p.reset();
    auto last = segment_files(dir.path() / "p0").back();
    auto size = std::filesystem::file_size(last);

    // Half a batch, as a crash in the middle of a write leaves it.
    auto partial = make_batch(3, "torn", 50);
    append_bytes_to_file(
        last, std::string_view(reinterpret_cast<const char*>(partial.data()), partial.size() / 2));
    auto r = open(small_segments());
    EXPECT_EQ(r->log_end_offset(), model::offset(20));
    EXPECT_FALSE(r->damage());
    EXPECT_EQ(std::filesystem::file_size(last), size);
    r.reset();

    // A whole batch with a bad CRC and some garbage after it.
    auto bad = make_batch(2, "bad");
    model::assign_base_offset(bad, model::offset(20));
    bad[bad.size() - 1] ^= std::byte{0x7};
    append_bytes_to_file(last,
                         std::string_view(reinterpret_cast<const char*>(bad.data()), bad.size()));
    append_bytes_to_file(last, "garbage");
    auto r2 = open(small_segments());
    EXPECT_EQ(r2->log_end_offset(), model::offset(20));
    EXPECT_EQ(std::filesystem::file_size(last), size);
    auto next = append_durable(*r2, make_batch(1, "after"));
    EXPECT_EQ(next.base_offset, model::offset(20));
}

TEST_F(partition_recovery, missing_and_corrupt_indexes_are_rebuilt) {
    auto p = open(small_segments());
    fill(*this, *p, 60);
    auto before = all_values(*p);
    ASSERT_TRUE(p->close());
    p.reset();
    auto files = segment_files(dir.path() / "p0");
    ASSERT_GT(files.size(), 4u);
    std::filesystem::remove(offset_index_path(files[1]));
    flip_byte(offset_index_path(files[2]), 3);
    std::filesystem::resize_file(time_index_path(files[3]), 5);

    auto r = open(small_segments());
    EXPECT_FALSE(r->damage());
    EXPECT_EQ(all_values(*r), before);
    for (int64_t o = 0; o < 120; o += 7) {
        auto one = r->read_bytes(model::offset(o), 1);
        ASSERT_TRUE(one) << o;
        auto h = model::parse_batch_header(*one);
        EXPECT_LE(h->base_offset, model::offset(o));
        EXPECT_GE(h->last_offset(), model::offset(o));
    }
    EXPECT_TRUE(std::filesystem::exists(offset_index_path(files[1]))) << "rebuilt index is saved";
}

TEST_F(partition_recovery, a_truncated_segment_is_damage_readable_up_to_it) {
    auto p = open(small_segments());
    fill(*this, *p, 60);
    ASSERT_TRUE(p->close());
    p.reset();
    auto files = segment_files(dir.path() / "p0");
    ASSERT_GT(files.size(), 4u);
    auto victim = files[2];
    auto victim_base = *segment::parse_file_name(victim);
    std::filesystem::resize_file(victim, std::filesystem::file_size(victim) - 100);

    auto r = open(small_segments());
    ASSERT_TRUE(r->damage());
    EXPECT_NE(r->damage()->message.find("truncated"), std::string::npos) << r->damage()->message;
    EXPECT_NE(r->damage()->message.find(victim.filename().string()), std::string::npos);

    // Everything before the damaged segment reads fine.
    auto before = r->read_bytes(model::offset(0), 1 << 30);
    ASSERT_TRUE(before);
    EXPECT_GE(values_of(*before).size(), static_cast<size_t>(victim_base.value()));

    // The lost offsets give a clear error, not silence or wrong data.
    auto lost_from = model::offset(victim_base.value());
    bool saw_error = false;
    for (int64_t o = lost_from.value(); o < 120; ++o) {
        auto x = r->read_bytes(model::offset(o), 1 << 20);
        if (!x) {
            saw_error = true;
            EXPECT_EQ(x.err().code, errc::kafka_storage_error) << x.err().to_string();
            EXPECT_NE(x.err().message.find("missing"), std::string::npos) << x.err().message;
            break;
        }
    }
    EXPECT_TRUE(saw_error);

    // Later segments are still served.
    auto tail = r->read_bytes(model::offset(118), 1 << 20);
    ASSERT_TRUE(tail);
    EXPECT_EQ(values_of(*tail).size(), 2u);

    // No writes until an operator looks at it.
    auto w = r->append(*std::make_unique<std::vector<std::byte>>(make_batch(1, "x")));
    ASSERT_FALSE(w);
    EXPECT_EQ(w.err().code, errc::kafka_storage_error);
}

TEST_F(partition_recovery, a_flipped_byte_is_caught_on_read) {
    auto p = open(small_segments());
    fill(*this, *p, 40);
    ASSERT_TRUE(p->close());
    p.reset();
    auto files = segment_files(dir.path() / "p0");
    auto victim = files[1];
    auto victim_base = *segment::parse_file_name(victim);
    // A byte inside the second batch's records: the header still parses, the CRC does not match.
    auto first = make_batch(2, "v0", 60).size();
    flip_byte(victim, first + 80);

    auto r = open(small_segments());
    auto good = r->read_bytes(victim_base, 1 << 20);
    ASSERT_TRUE(good) << "the batch before the damage is still served";
    EXPECT_EQ(values_of(*good).size(), 2u);
    auto bad = r->read_bytes(victim_base + 2, 1 << 20);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.err().code, errc::corrupt_message);
    EXPECT_NE(bad.err().message.find("CRC-32C mismatch"), std::string::npos) << bad.err().message;
    auto later = r->read_bytes(victim_base + 4, 1 << 20);
    ASSERT_TRUE(later) << "batches after the damaged one are served";
}

TEST_F(partition_recovery, the_active_segment_cut_below_synced_data_is_damage) {
    auto p = open(small_segments());
    fill(*this, *p, 3);
    ASSERT_TRUE(p->close());
    p.reset();
    auto last = segment_files(dir.path() / "p0").back();
    std::filesystem::resize_file(last, std::filesystem::file_size(last) - 10);

    auto r = open(small_segments());
    ASSERT_TRUE(r->damage());
    EXPECT_NE(r->damage()->message.find("truncated"), std::string::npos) << r->damage()->message;
    EXPECT_EQ(r->log_end_offset(), model::offset(4)) << "two whole batches are still readable";
    EXPECT_EQ(all_values(*r).size(), 4u);
}

TEST_F(partition_recovery, truncation_damage_is_still_reported_on_the_next_open) {
    auto p = open(small_segments());
    fill(*this, *p, 60);
    ASSERT_TRUE(p->close());
    p.reset();
    auto files = segment_files(dir.path() / "p0");
    std::filesystem::resize_file(files[1], std::filesystem::file_size(files[1]) - 50);
    for (int round = 0; round < 2; ++round) {
        auto r = open(small_segments());
        ASSERT_TRUE(r->damage()) << "round " << round;
        EXPECT_FALSE(r->append(*std::make_unique<std::vector<std::byte>>(make_batch(1, "x"))));
    }
}

TEST_F(partition_recovery, a_segment_cut_at_a_batch_boundary_without_indexes_is_a_gap) {
    auto p = open(small_segments());
    fill(*this, *p, 60);
    ASSERT_TRUE(p->close());
    p.reset();
    auto files = segment_files(dir.path() / "p0");
    auto one_batch = make_batch(2, "v0", 60).size(); // every batch here has this size
    std::filesystem::resize_file(files[0], std::filesystem::file_size(files[0]) - one_batch);
    std::filesystem::remove(offset_index_path(files[0]));
    std::filesystem::remove(time_index_path(files[0]));
    auto r = open(small_segments());
    ASSERT_TRUE(r->damage());
    EXPECT_NE(r->damage()->message.find("missing"), std::string::npos) << r->damage()->message;
}

TEST_F(partition_recovery, corruption_past_the_recovery_point_with_data_after_it_is_not_cut) {
    auto p = open(small_segments());
    fill(*this, *p, 60);
    p.reset(); // unclean: the recovery point is still where the last open put it (0)
    auto files = segment_files(dir.path() / "p0");
    std::filesystem::remove(offset_index_path(files[0]));
    std::filesystem::remove(time_index_path(files[0]));
    auto one_batch = make_batch(2, "v0", 60).size();
    flip_byte(files[0], one_batch + 90); // inside the second batch's records

    auto r = open(small_segments());
    ASSERT_TRUE(r->damage()) << "acknowledged data must not be cut silently";
    EXPECT_NE(r->damage()->message.find("corruption"), std::string::npos) << r->damage()->message;
    EXPECT_EQ(r->segment_count(), files.size()) << "no segment was removed";
    auto first = r->read_bytes(model::offset(0), 1);
    ASSERT_TRUE(first) << "readable up to the damage";
}

TEST_F(partition_recovery, an_unsynced_finished_segment_shorter_than_its_index_is_a_torn_tail) {
    // A power failure after a roll can keep the finished segment's index but lose the end of
    // the segment: nothing there was acknowledged, so it is cut, not reported as damage.
    log_config c = small_segments();
    c.flush = flush_policy::never;
    auto p = open(c);
    for (int i = 0; i < 12; ++i)
        ASSERT_TRUE(p->append(*std::make_unique<std::vector<std::byte>>(make_batch(2, "u", 60))));
    ASSERT_GE(p->segment_count(), 2u);
    p.reset();
    io.restart();
    io.run(); // let the roll's background sync finish
    auto files = segment_files(dir.path() / "p0");
    for (size_t i = 1; i < files.size(); ++i)
        std::filesystem::remove(files[i]);
    std::filesystem::resize_file(files[0], std::filesystem::file_size(files[0]) - 30);

    auto r = open(c);
    EXPECT_FALSE(r->damage()) << r->damage()->message;
    EXPECT_GT(r->log_end_offset(), model::offset(0));
    auto next = r->append(*std::make_unique<std::vector<std::byte>>(make_batch(1, "after")));
    ASSERT_TRUE(next);
}

TEST_F(partition_recovery, a_corrupt_checkpoint_means_validating_everything) {
    auto p = open(small_segments());
    fill(*this, *p, 10);
    ASSERT_TRUE(p->close());
    p.reset();
    flip_byte(partition_checkpoint::path_in(dir.path() / "p0"), 9);
    auto r = open(small_segments());
    EXPECT_FALSE(r->damage());
    EXPECT_EQ(r->log_end_offset(), model::offset(20));
    EXPECT_EQ(all_values(*r).size(), 20u);
}

} // namespace
} // namespace spate::log::testing
