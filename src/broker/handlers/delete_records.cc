#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/partition_fanout.h"
#include "broker/kafka_errors.h"
#include "group/coordinator.h"
#include "runtime/invoke.h"

namespace spate::broker::handlers {

namespace asio = boost::asio;

namespace {

using partition_result = kafka::delete_records_response_data::delete_records_partition_result;

/// DeleteRecordsRequest.HIGH_WATERMARK: delete everything readers can see.
constexpr int64_t high_watermark = -1;

partition_result failure(int32_t index, const error& e) {
    partition_result out;
    out.partition_index = index;
    out.low_watermark = -1; // Kafka's INVALID_LOW_WATERMARK
    out.error_code = kafka_error_code(e);
    return out;
}

/// Moves the partition's log start on its owner's thread; returns the new log start.
asio::awaitable<partition_result> delete_on_owner(kafka_broker& broker, partition_ref ref,
                                                  int32_t index, int64_t offset) {
    auto op = runtime::invoke_on(broker.executor(ref.shard), [ref, index, offset]() {
        auto& p = *ref.log;
        auto before = offset == high_watermark ? p.high_watermark() : model::offset(offset);
        if (before < model::offset(0))
            return failure(index, error::make(errc::offset_out_of_range,
                                              "The offset {} for partition {} is not valid", offset,
                                              p.name()));
        if (auto r = p.delete_records_before(before); !r) return failure(index, r.err());
        partition_result out;
        out.partition_index = index;
        out.low_watermark = p.log_start_offset().value();
        return out;
    });
    co_return co_await std::move(op);
}

} // namespace

task<kafka::delete_records_response_data> delete_records(request_context& ctx,
                                                         kafka::delete_records_request_data req) {
    kafka::delete_records_response_data response;
    // The table whose partition refs the deletions use stays alive until they finish.
    auto table = ctx.shard.topics();
    partition_fanout<partition_result> answers;
    for (const auto& t : req.topics) {
        kafka::delete_records_response_data::delete_records_topic_result tr;
        tr.name = t.name;
        response.topics.push_back(std::move(tr));
        auto topic = response.topics.size() - 1;
        for (const auto& p : t.partitions) {
            if (t.name == group::offsets_topic)
                answers.add_now(topic, failure(p.partition_index,
                                               error::make(errc::invalid_topic_exception,
                                                           "Cannot delete records of internal "
                                                           "topic {}",
                                                           t.name)));
            else if (const auto* ref = table->find(t.name, p.partition_index))
                answers.add(topic, delete_on_owner(ctx.broker, *ref, p.partition_index, p.offset));
            else
                answers.add_now(
                    topic, failure(p.partition_index, error::make(errc::unknown_topic_or_partition,
                                                                  "no partition {} in topic {}",
                                                                  p.partition_index, t.name)));
        }
    }
    auto done = answers.finish([&](size_t topic, partition_result r) {
        response.topics[topic].partitions.push_back(std::move(r));
    });
    co_await std::move(done);
    co_return response;
}

} // namespace spate::broker::handlers
