#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/kafka_errors.h"
#include "broker/topic_ids.h"
#include "model/record_batch.h"
#include "runtime/invoke.h"
#include "runtime/when_all.h"

#include <algorithm>
#include <chrono>

namespace spate::broker::handlers {

namespace asio = boost::asio;

namespace {

using partition_data = kafka::fetch_response_data::partition_data;

/// What one partition's owner found for a fetch: the file ranges of whole batches from the
/// fetch offset, and the partition's offsets, read together on the owner's thread.
struct owner_read {
    std::optional<error> failure;
    log::read_result data;
    int64_t high_watermark = -1;
    int64_t log_start_offset = -1;
};

/// One partition of the request, resolved against the topic table.
struct wanted {
    size_t topic = 0; ///< index in the response
    int32_t partition = 0;
    int64_t fetch_offset = 0;
    int32_t max_bytes = 0;
    const partition_ref* ref = nullptr;
    std::string_view topic_name;  ///< in the pinned topic table, for the traffic counters
    std::optional<error> failure; ///< set when it cannot be read at all
};

asio::awaitable<owner_read> read_on_owner(kafka_broker& broker, partition_ref ref, int64_t from,
                                          int32_t max_bytes, std::shared_ptr<runtime::event> wake,
                                          asio::any_io_executor fetch_shard) {
    auto op = runtime::invoke_on(broker.executor(ref.shard),
                                 [&broker, ref, from, max_bytes, wake = std::move(wake),
                                  fetch_shard = std::move(fetch_shard)]() -> owner_read {
                                     auto& p = *ref.log;
                                     owner_read out;
                                     out.high_watermark = p.high_watermark().value();
                                     out.log_start_offset = p.log_start_offset().value();
                                     model::offset at(from);
                                     if (at > p.high_watermark() && at <= p.log_end_offset()) {
                                         // Written but not yet visible (being synced): nothing to
                                         // return yet.
                                         out.data.next_offset = at;
                                     } else {
                                         auto r = p.read(
                                             at, static_cast<uint64_t>(std::max(max_bytes, 1)));
                                         if (!r)
                                             out.failure = std::move(r).err();
                                         else
                                             out.data = std::move(r).value();
                                     }
                                     // Registered in the same step as the read, so no append in
                                     // between is missed.
                                     if (wake && !out.failure && out.data.size_bytes == 0)
                                         broker.state(ref.shard).watch(&p, {fetch_shard, wake});
                                     return out;
                                 });
    co_return co_await std::move(op);
}

/// Copies whole batches from `slices` into memory, at most `limit` bytes of them; with
/// `at_least_one`, the first batch even if it alone is larger (KIP-74), so a consumer always
/// makes progress.
result<kafka::bytes> copy_batches(const log::read_result& data, uint64_t limit, bool at_least_one) {
    kafka::bytes out;
    uint64_t want = std::min<uint64_t>(data.size_bytes, limit);
    if (at_least_one && want < data.size_bytes) want = data.size_bytes; // trimmed below
    out.resize(want);
    uint64_t filled = 0;
    for (const auto& s : data.slices) {
        if (filled >= want) break;
        auto n = std::min<uint64_t>(s.size, want - filled);
        auto r = s.file->read_at(std::span(out.data() + filled, n), s.position);
        if (!r) return std::move(r).err();
        if (*r != n) return error::make(errc::kafka_storage_error, "short read of a segment file");
        filled += n;
    }
    // Keep whole batches only: walk their headers.
    uint64_t whole = 0;
    while (whole < out.size()) {
        auto h = model::parse_batch_header(std::span(out).subspan(whole));
        if (!h) break;
        auto size = static_cast<uint64_t>(h->size_bytes());
        if (whole + size > out.size()) break;
        if (whole + size > limit && !(at_least_one && whole == 0)) break;
        whole += size;
    }
    out.resize(whole);
    return out;
}

} // namespace

task<kafka::fetch_response_data> fetch(request_context& ctx, kafka::fetch_request_data req) {
    kafka::fetch_response_data response;
    // Fetch sessions (KIP-227) are not kept: every request is a full fetch, and session id 0
    // in the response tells the client so. A client that names a session gets Kafka's error.
    if (req.session_id != 0) {
        response.error_code = static_cast<int16_t>(errc::fetch_session_id_not_found);
        co_return response;
    }
    if (req.session_epoch != -1 && req.session_epoch != 0) {
        response.error_code = static_cast<int16_t>(errc::invalid_fetch_session_epoch);
        co_return response;
    }

    const auto& table = *ctx.shard.topics();
    bool by_id = ctx.version >= 13;
    std::vector<wanted> parts;
    for (const auto& ft : req.topics) {
        kafka::fetch_response_data::fetchable_topic_response tr;
        tr.topic = ft.topic;
        tr.topic_id = ft.topic_id;
        const topic_entry* t = by_id ? table.find(to_topic_id(ft.topic_id)) : table.find(ft.topic);
        response.responses.push_back(std::move(tr));
        for (const auto& fp : ft.partitions) {
            wanted w;
            w.topic = response.responses.size() - 1;
            w.partition = fp.partition;
            w.fetch_offset = fp.fetch_offset;
            w.max_bytes = fp.partition_max_bytes;
            if (!t)
                w.failure =
                    by_id ? error::make(errc::unknown_topic_id, "no topic with this id")
                          : error::make(errc::unknown_topic_or_partition, "no topic {}", ft.topic);
            else if (fp.partition < 0 || fp.partition >= static_cast<int32_t>(t->partitions.size()))
                w.failure =
                    error::make(errc::unknown_topic_or_partition, "no partition {}", fp.partition);
            else if (fp.current_leader_epoch > 0)
                w.failure = error::make(errc::unknown_leader_epoch, "leader epoch {} is unknown",
                                        fp.current_leader_epoch);
            else {
                w.ref = &t->partitions[static_cast<size_t>(fp.partition)];
                w.topic_name = t->name;
            }
            parts.push_back(std::move(w));
        }
    }

    // Long poll: read every partition; if fewer than min_bytes came back, wait until one of
    // them gets new records or max_wait_ms passes, and read again.
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(req.max_wait_ms, 0));
    auto wake = req.max_wait_ms > 0 && req.min_bytes > 0
                    ? std::make_shared<runtime::event>(ctx.shard.executor())
                    : nullptr;
    // The table this request resolved against stays alive while the reads use its refs.
    auto pinned = ctx.shard.topics();
    std::vector<owner_read> reads;
    while (true) {
        std::vector<asio::awaitable<owner_read>> ops;
        for (const auto& w : parts)
            if (w.ref)
                ops.push_back(read_on_owner(ctx.broker, *w.ref, w.fetch_offset, w.max_bytes, wake,
                                            ctx.shard.executor()));
        auto all = runtime::when_all(std::move(ops));
        reads = co_await std::move(all);
        uint64_t total = 0;
        bool failed = false;
        for (const auto& r : reads) {
            total += r.data.size_bytes;
            failed |= r.failure.has_value();
        }
        if (!wake || failed || total >= static_cast<uint64_t>(req.min_bytes) ||
            std::chrono::steady_clock::now() >= deadline)
            break;
        if (!co_await wake->wait_until(deadline)) break;
    }

    // Fill the response in request order within max_bytes.
    uint64_t budget =
        static_cast<uint64_t>(std::clamp(req.max_bytes, 0, ctx.broker.config().fetch_max_bytes));
    bool first_data = true;
    size_t next = 0;
    for (auto& w : parts) {
        partition_data pd;
        pd.partition_index = w.partition;
        if (w.failure) {
            pd.error_code = kafka_error_code(*w.failure);
        } else {
            auto& r = reads[next++];
            pd.high_watermark = r.high_watermark;
            pd.last_stable_offset = r.high_watermark;
            pd.log_start_offset = r.log_start_offset;
            if (r.failure) {
                pd.error_code = kafka_error_code(*r.failure);
            } else if (r.data.size_bytes > 0) {
                auto copied =
                    copy_batches(r.data, std::min<uint64_t>(budget, w.max_bytes), first_data);
                if (!copied) {
                    pd.error_code = kafka_error_code(copied.err());
                } else {
                    budget -= std::min<uint64_t>(budget, copied->size());
                    if (!copied->empty()) {
                        first_data = false;
                        ctx.shard.traffic().add_out(w.topic_name, count_records(*copied),
                                                    copied->size());
                    }
                    pd.records = std::move(copied).value();
                }
            }
        }
        response.responses[w.topic].partitions.push_back(std::move(pd));
    }
    co_return response;
}

} // namespace spate::broker::handlers
