#include "log/tests/log_test_support.h"

#include "log/producer_state.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>

namespace spate::log::testing {
namespace {

using producer_state_test = log_fixture;

constexpr int32_t int32_max = std::numeric_limits<int32_t>::max();

/// A batch of `n` records from producer `id` at `epoch`, sequences from `seq`.
std::vector<std::byte> pbatch(int64_t id, int16_t epoch, int32_t seq, int n = 2) {
    model::batch_builder b;
    b.producer(id, epoch, seq);
    for (int i = 0; i < n; ++i)
        b.add("k", "p" + std::to_string(id) + "-" + std::to_string(seq) + "-" + std::to_string(i),
              model::timestamp_ms(1'700'000'000'000 + i));
    return b.build();
}

std::vector<std::byte> concat(std::vector<std::byte> a, const std::vector<std::byte>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

model::timestamp_ms wall_clock() {
    return model::timestamp_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

/// append() without waiting for durability; the bytes are copied (append rewrites them).
result<append_result> try_append(partition& p, std::vector<std::byte> batch) {
    return p.append(batch);
}

/// append_durable() keeping the bytes alive until it ends.
result<append_result> append_wait(log_fixture& t, partition& p, std::vector<std::byte> b) {
    return t.run(p.append_durable(b));
}

log_config small_segments() {
    log_config c;
    c.segment_bytes = 512;
    c.index_interval_bytes = 256;
    return c;
}

/// The epochs and batches of every producer (last append times aside: a rebuild from the log
/// sets them to the time of the open).
std::map<int64_t, std::pair<int16_t, std::vector<producer_batch>>>
batches_of(const producer_state& s, std::initializer_list<int64_t> ids) {
    std::map<int64_t, std::pair<int16_t, std::vector<producer_batch>>> out;
    for (auto id : ids)
        if (const auto* e = s.find(id))
            out[id] = {e->epoch, std::vector<producer_batch>(e->batches.begin(), e->batches.end())};
    return out;
}

std::vector<std::filesystem::path> snapshot_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".producers") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

TEST_F(producer_state_test, a_retry_of_any_of_the_last_five_batches_is_a_duplicate) {
    auto p = open();
    std::vector<append_result> first;
    for (int i = 0; i < 6; ++i)
        first.push_back(append_durable(*p, pbatch(7, 0, i * 2)));
    auto end = p->log_end_offset();
    EXPECT_EQ(end, model::offset(12));
    for (int i = 1; i < 6; ++i) {
        auto again = append_wait(*this, *p, pbatch(7, 0, i * 2));
        ASSERT_TRUE(again) << again.err().to_string();
        EXPECT_TRUE(again->duplicate);
        EXPECT_EQ(again->base_offset, first[i].base_offset);
        EXPECT_EQ(again->last_offset, first[i].last_offset);
        EXPECT_EQ(p->log_end_offset(), end);
    }
    // The sixth batch back is forgotten: its retry does not follow the last sequence.
    auto old = try_append(*p, pbatch(7, 0, 0));
    ASSERT_FALSE(old);
    EXPECT_EQ(old.err().code, errc::out_of_order_sequence_number);
    EXPECT_EQ(p->log_end_offset(), end);
    // A batch matching only the first sequence of a remembered one is no duplicate.
    auto partial = try_append(*p, pbatch(7, 0, 10, 1));
    ASSERT_FALSE(partial);
    EXPECT_EQ(partial.err().code, errc::out_of_order_sequence_number);
    auto next = try_append(*p, pbatch(7, 0, 12));
    ASSERT_TRUE(next);
    EXPECT_FALSE(next->duplicate);
    EXPECT_EQ(next->base_offset, end);
}

TEST_F(producer_state_test, sequence_gaps_and_old_epochs_are_refused) {
    auto p = open();
    append_durable(*p, pbatch(1, 3, 0));
    auto gap = try_append(*p, pbatch(1, 3, 5));
    ASSERT_FALSE(gap);
    EXPECT_EQ(gap.err().code, errc::out_of_order_sequence_number);
    auto old_epoch = try_append(*p, pbatch(1, 2, 2));
    ASSERT_FALSE(old_epoch);
    EXPECT_EQ(old_epoch.err().code, errc::invalid_producer_epoch);
    EXPECT_EQ(p->log_end_offset(), model::offset(2));
    // A new epoch starts at sequence 0, never elsewhere.
    auto bad_start = try_append(*p, pbatch(1, 4, 5));
    ASSERT_FALSE(bad_start);
    EXPECT_EQ(bad_start.err().code, errc::out_of_order_sequence_number);
    auto bumped = try_append(*p, pbatch(1, 4, 0));
    ASSERT_TRUE(bumped) << bumped.err().to_string();
    EXPECT_EQ(p->producers().find(1)->epoch, 4);
    EXPECT_EQ(p->producers().find(1)->batches.size(), 1u);
    // The previous epoch's batches are no longer duplicates but fenced.
    auto fenced = try_append(*p, pbatch(1, 3, 0));
    ASSERT_FALSE(fenced);
    EXPECT_EQ(fenced.err().code, errc::invalid_producer_epoch);
    // A batch with a producer id but no sequence is malformed.
    auto no_seq = try_append(*p, pbatch(1, 4, -1));
    ASSERT_FALSE(no_seq);
    EXPECT_EQ(no_seq.err().code, errc::invalid_record);
    EXPECT_EQ(p->log_end_offset(), model::offset(4));
}

TEST_F(producer_state_test, an_unknown_producer_may_start_at_any_sequence) {
    auto p = open();
    auto r = try_append(*p, pbatch(99, 5, 1234));
    ASSERT_TRUE(r) << r.err().to_string();
    ASSERT_TRUE(try_append(*p, pbatch(99, 5, 1236)));
    // Batches without a producer id are never checked.
    ASSERT_TRUE(try_append(*p, make_batch(3, "plain")));
    ASSERT_TRUE(try_append(*p, make_batch(3, "plain")));
    EXPECT_EQ(p->producers().size(), 1u);
}

TEST_F(producer_state_test, sequences_wrap_at_int32_max) {
    auto p = open();
    ASSERT_TRUE(try_append(*p, pbatch(5, 0, int32_max - 1))); // sequences max-1, max
    auto wrapped = try_append(*p, pbatch(5, 0, int32_max, 1));
    ASSERT_FALSE(wrapped); // max was already used
    EXPECT_EQ(wrapped.err().code, errc::out_of_order_sequence_number);
    auto next = try_append(*p, pbatch(5, 0, 0, 3)); // 0..2
    ASSERT_TRUE(next) << next.err().to_string();
    EXPECT_EQ(p->producers().find(5)->batches.back().last_sequence, 2);

    // A batch whose sequences run over the wrap: max-1, max, 0, 1.
    ASSERT_TRUE(try_append(*p, pbatch(6, 0, int32_max - 1, 4)));
    EXPECT_EQ(p->producers().find(6)->batches.back().last_sequence, 1);
    auto dup = try_append(*p, pbatch(6, 0, int32_max - 1, 4));
    ASSERT_TRUE(dup);
    EXPECT_TRUE(dup->duplicate);
    ASSERT_TRUE(try_append(*p, pbatch(6, 0, 2, 1)));
}

TEST_F(producer_state_test, batches_of_one_request_must_be_in_sequence_together) {
    auto p = open();
    auto both = try_append(*p, concat(pbatch(3, 0, 0), pbatch(3, 0, 2)));
    ASSERT_TRUE(both) << both.err().to_string();
    EXPECT_EQ(both->last_offset, model::offset(3));
    auto gap = try_append(*p, concat(pbatch(3, 0, 4), pbatch(3, 0, 9)));
    ASSERT_FALSE(gap);
    EXPECT_EQ(gap.err().code, errc::out_of_order_sequence_number);
    auto two_epochs = try_append(*p, concat(pbatch(3, 1, 0), pbatch(3, 0, 4)));
    ASSERT_FALSE(two_epochs);
    EXPECT_EQ(two_epochs.err().code, errc::invalid_producer_epoch);
    EXPECT_EQ(p->log_end_offset(), model::offset(4));

    // A retry of the whole two-batch request is one duplicate covering both.
    auto again = try_append(*p, concat(pbatch(3, 0, 0), pbatch(3, 0, 2)));
    ASSERT_TRUE(again) << again.err().to_string();
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->base_offset, model::offset(0));
    EXPECT_EQ(again->last_offset, model::offset(3));
    // Duplicates mixed with new batches are refused whole.
    auto mixed = try_append(*p, concat(pbatch(3, 0, 2), pbatch(3, 0, 4)));
    ASSERT_FALSE(mixed);
    EXPECT_EQ(mixed.err().code, errc::invalid_record);
    auto mixed_plain = try_append(*p, concat(pbatch(3, 0, 2), make_batch(1, "plain")));
    ASSERT_FALSE(mixed_plain);
    EXPECT_EQ(mixed_plain.err().code, errc::invalid_record);
    EXPECT_EQ(p->log_end_offset(), model::offset(4));
}

TEST_F(producer_state_test, a_clean_restart_keeps_the_state) {
    auto p = open();
    for (int i = 0; i < 8; ++i) {
        append_durable(*p, pbatch(1, 0, i * 2));
        append_durable(*p, pbatch(2, 1, 100 + i * 2));
    }
    auto before = p->producers();
    ASSERT_TRUE(p->close());
    p.reset();
    EXPECT_EQ(snapshot_files(dir.path() / "p0").size(), 1u);

    auto q = open();
    EXPECT_EQ(q->producers(), before); // taken from the snapshot, append times too
    auto dup = append_wait(*this, *q, pbatch(1, 0, 14));
    ASSERT_TRUE(dup);
    EXPECT_TRUE(dup->duplicate);
    EXPECT_EQ(dup->base_offset, model::offset(28));
    auto dup2 = append_wait(*this, *q, pbatch(2, 1, 106));
    ASSERT_TRUE(dup2);
    EXPECT_TRUE(dup2->duplicate);
    EXPECT_EQ(dup2->base_offset, model::offset(14));
    EXPECT_EQ(q->log_end_offset(), model::offset(32));
}

TEST_F(producer_state_test, a_crash_rebuilds_from_the_last_snapshot_and_the_headers_after_it) {
    auto p = open(small_segments());
    for (int i = 0; i < 30; ++i)
        append_durable(*p, pbatch(1 + i % 3, 0, (i / 3) * 2));
    ASSERT_GT(p->segment_count(), 3u);
    io.restart();
    while (p->producer_snapshots_pending() > 0)
        io.run_one();
    auto snapshots = snapshot_files(dir.path() / "p0");
    ASSERT_FALSE(snapshots.empty());
    EXPECT_LE(snapshots.size(), 3u);
    auto before = batches_of(p->producers(), {1, 2, 3});
    p.reset(); // no close(): a crash after the data was synced

    auto q = open(small_segments());
    EXPECT_EQ(batches_of(q->producers(), {1, 2, 3}), before);
    auto dup = append_wait(*this, *q, pbatch(3, 0, 18));
    ASSERT_TRUE(dup);
    EXPECT_TRUE(dup->duplicate);
    EXPECT_EQ(dup->base_offset, model::offset(58));
    auto next = append_wait(*this, *q, pbatch(3, 0, 20));
    ASSERT_TRUE(next) << next.err().to_string();
    EXPECT_EQ(next->base_offset, model::offset(60));
    io.restart();
    while (q->producer_snapshots_pending() > 0)
        io.run_one();
    q.reset();

    // Without any snapshot the state is rebuilt from the whole log.
    for (const auto& f : snapshot_files(dir.path() / "p0"))
        std::filesystem::remove(f);
    auto r = open(small_segments());
    auto expected = before;
    expected[3].second.erase(expected[3].second.begin());
    expected[3].second.push_back(producer_batch{20, 21, model::offset(60), model::offset(61),
                                                model::timestamp_ms(1'700'000'000'001)});
    EXPECT_EQ(batches_of(r->producers(), {1, 2, 3}), expected);
}

TEST_F(producer_state_test, a_snapshot_past_a_cut_tail_is_ignored) {
    auto c = small_segments();
    c.flush = flush_policy::never; // nothing past the open is known to be synced
    auto p = open(c);
    auto first_segment_batches = 0;
    while (p->segment_count() < 2) {
        append_durable(*p, pbatch(4, 0, first_segment_batches * 2));
        ++first_segment_batches;
    }
    // The batch that rolled went to the new segment; the snapshot is at its base.
    auto rolled_at = p->log_end_offset() - 2;
    io.restart();
    while (p->producer_snapshots_pending() > 0)
        io.run_one();
    auto snapshots = snapshot_files(dir.path() / "p0");
    ASSERT_EQ(snapshots.size(), 1u);
    EXPECT_EQ(snapshots[0], producer_state::snapshot_path(dir.path() / "p0", rolled_at));
    p.reset();

    // The crash lost the new segment and tore the last batch of the one before.
    std::filesystem::remove(segment::path_for(dir.path() / "p0", rolled_at));
    auto old = segment::path_for(dir.path() / "p0", model::offset(0));
    std::filesystem::resize_file(old, std::filesystem::file_size(old) - 5);

    auto q = open(c);
    EXPECT_FALSE(q->damage());
    EXPECT_EQ(q->log_end_offset(), rolled_at - 2);
    EXPECT_TRUE(snapshot_files(dir.path() / "p0").empty());
    // The state is the log's: the lost batch's retry is new data, in sequence.
    const auto* e = q->producers().find(4);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->batches.back().base_offset, rolled_at - 4);
    auto lost = (first_segment_batches - 2) * 2;
    auto retry = try_append(*q, pbatch(4, 0, lost));
    ASSERT_TRUE(retry) << retry.err().to_string();
    EXPECT_FALSE(retry->duplicate);
    EXPECT_EQ(retry->base_offset, rolled_at - 2);
}

TEST_F(producer_state_test, a_damaged_snapshot_is_ignored) {
    auto p = open();
    for (int i = 0; i < 4; ++i)
        append_durable(*p, pbatch(8, 2, i * 2));
    auto before = batches_of(p->producers(), {8});
    ASSERT_TRUE(p->close());
    p.reset();
    auto snapshots = snapshot_files(dir.path() / "p0");
    ASSERT_EQ(snapshots.size(), 1u);
    {
        std::fstream f(snapshots[0], std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(30);
        f.put('\x7f');
    }
    auto q = open();
    EXPECT_EQ(batches_of(q->producers(), {8}), before);
    EXPECT_TRUE(snapshot_files(dir.path() / "p0").empty());
    auto dup = try_append(*q, pbatch(8, 2, 6));
    ASSERT_TRUE(dup);
    EXPECT_TRUE(dup->duplicate);
    EXPECT_EQ(dup->base_offset, model::offset(6));
}

TEST_F(producer_state_test, snapshots_encode_and_refuse_damage) {
    producer_state s;
    model::batch_header h;
    h.producer_id = 11;
    h.producer_epoch = 1;
    h.base_sequence = 4;
    h.last_offset_delta = 2;
    h.base_offset = model::offset(40);
    h.max_timestamp = model::timestamp_ms(9);
    s.record(h, model::timestamp_ms(100));
    auto bytes = s.encode(model::offset(43));
    auto back = producer_state::decode(bytes, model::offset(43));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
    EXPECT_FALSE(producer_state::decode(bytes, model::offset(44)));
    for (size_t i = 0; i < bytes.size(); ++i) {
        auto bad = bytes;
        bad[i] ^= std::byte{0x01};
        EXPECT_FALSE(producer_state::decode(bad, model::offset(43))) << "byte " << i;
    }
    EXPECT_FALSE(
        producer_state::decode(std::span(bytes).first(bytes.size() - 1), model::offset(43)));
}

TEST_F(producer_state_test, idle_producers_expire) {
    auto p = open();
    append_durable(*p, pbatch(1, 0, 0));
    auto now = wall_clock();
    ASSERT_TRUE(p->maintain(now + 1000));
    EXPECT_EQ(p->producers().size(), 1u);
    ASSERT_TRUE(p->maintain(now + log_config{}.producer_id_expiration_ms + 1000));
    EXPECT_TRUE(p->producers().empty());
    // Forgotten, it may continue at any sequence.
    auto r = try_append(*p, pbatch(1, 0, 50));
    ASSERT_TRUE(r) << r.err().to_string();
}

} // namespace
} // namespace spate::log::testing
