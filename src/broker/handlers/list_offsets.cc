#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/partition_fanout.h"
#include "broker/kafka_errors.h"
#include "runtime/invoke.h"

namespace spate::broker::handlers {

namespace asio = boost::asio;

namespace {

using partition_response = kafka::list_offsets_response_data::list_offsets_partition_response;

// Kafka's special timestamps.
constexpr int64_t latest = -1;
constexpr int64_t earliest = -2;
constexpr int64_t max_timestamp = -3;
constexpr int64_t earliest_local = -4;
constexpr int64_t earliest_pending_upload = -5;

partition_response failure(int32_t index, const error& e) {
    partition_response out;
    out.partition_index = index;
    out.error_code = kafka_error_code(e);
    return out;
}

/// Answers one partition on its owner's thread.
asio::awaitable<partition_response> lookup_on_owner(kafka_broker& broker, partition_ref ref,
                                                    int32_t index, int64_t timestamp,
                                                    int16_t version) {
    auto op = runtime::invoke_on(broker.executor(ref.shard), [ref, index, timestamp, version]() {
        auto& p = *ref.log;
        partition_response out;
        out.partition_index = index;
        out.leader_epoch = 0;
        switch (timestamp) {
        case latest: out.offset = p.high_watermark().value(); break;
        case earliest:
        case earliest_local: out.offset = p.log_start_offset().value(); break;
        case earliest_pending_upload: out.offset = -1; break; // no tiered storage
        case max_timestamp:
            return failure(index, error::make(errc::invalid_request,
                                              "max-timestamp lookups are not supported"));
        default: {
            if (timestamp < 0)
                return failure(index, error::make(errc::invalid_request,
                                                  "timestamp {} is not valid", timestamp));
            auto found = p.offset_for_timestamp(model::timestamp_ms(timestamp));
            if (!found) return failure(index, found.err());
            // Only records readers can see count.
            if (*found && (*found)->offset < p.high_watermark()) {
                out.offset = (*found)->offset.value();
                out.timestamp = (*found)->timestamp.value();
            }
        }
        }
        if (version == 0 && out.offset >= 0) out.old_style_offsets = {out.offset};
        return out;
    });
    co_return co_await std::move(op);
}

} // namespace

task<kafka::list_offsets_response_data> list_offsets(request_context& ctx,
                                                     kafka::list_offsets_request_data req) {
    kafka::list_offsets_response_data response;
    const auto& table = *ctx.shard.topics();
    auto pinned = ctx.shard.topics();
    partition_fanout<partition_response> answers;
    for (const auto& t : req.topics) {
        kafka::list_offsets_response_data::list_offsets_topic_response tr;
        tr.name = t.name;
        response.topics.push_back(std::move(tr));
        auto topic = response.topics.size() - 1;
        for (const auto& p : t.partitions) {
            const auto* ref = table.find(t.name, p.partition_index);
            if (!ref)
                answers.add_now(
                    topic, failure(p.partition_index, error::make(errc::unknown_topic_or_partition,
                                                                  "no partition {} in {}",
                                                                  p.partition_index, t.name)));
            else if (p.current_leader_epoch > 0)
                answers.add_now(topic,
                                failure(p.partition_index,
                                        error::make(errc::unknown_leader_epoch, "unknown epoch")));
            else
                answers.add(topic, lookup_on_owner(ctx.broker, *ref, p.partition_index, p.timestamp,
                                                   ctx.version));
        }
    }
    auto done = answers.finish([&](size_t topic, partition_response r) {
        response.topics[topic].partitions.push_back(std::move(r));
    });
    co_await std::move(done);
    co_return response;
}

} // namespace spate::broker::handlers
