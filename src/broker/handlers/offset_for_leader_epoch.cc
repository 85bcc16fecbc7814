#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/partition_fanout.h"
#include "broker/kafka_errors.h"
#include "runtime/invoke.h"

namespace spate::broker::handlers {

namespace asio = boost::asio;

namespace {

using epoch_end_offset = kafka::offset_for_leader_epoch_response_data::epoch_end_offset;

/// spate's only leader epoch: one node has led every partition since it was created.
constexpr int32_t current_epoch = 0;
/// RecordBatch.NO_PARTITION_LEADER_EPOCH: the client does not say which epoch it knows.
constexpr int32_t no_epoch = -1;

epoch_end_offset failure(int32_t partition, const error& e) {
    epoch_end_offset out;
    out.partition = partition;
    out.error_code = kafka_error_code(e);
    return out;
}

/// The end of `epoch` in the partition, as Kafka's leader-epoch cache answers on a leader
/// whose only epoch is 0: epoch 0 ends at the log end (the high watermark here: what readers
/// can see); an epoch before it, at its start; -1 and later epochs are unknown (-1, -1).
asio::awaitable<epoch_end_offset> end_on_owner(kafka_broker& broker, partition_ref ref,
                                               int32_t partition, int32_t epoch) {
    auto op = runtime::invoke_on(broker.executor(ref.shard), [ref, partition, epoch]() {
        epoch_end_offset out;
        out.partition = partition;
        if (epoch == current_epoch) {
            out.leader_epoch = current_epoch;
            out.end_offset = ref.log->high_watermark().value();
        } else if (epoch < no_epoch) {
            out.leader_epoch = epoch;
            out.end_offset = ref.log->log_start_offset().value();
        }
        return out;
    });
    co_return co_await std::move(op);
}

} // namespace

task<kafka::offset_for_leader_epoch_response_data>
offset_for_leader_epoch(request_context& ctx, kafka::offset_for_leader_epoch_request_data req) {
    kafka::offset_for_leader_epoch_response_data response;
    auto table = ctx.shard.topics();
    partition_fanout<epoch_end_offset> answers;
    for (const auto& t : req.topics) {
        kafka::offset_for_leader_epoch_response_data::offset_for_leader_topic_result tr;
        tr.topic = t.topic;
        response.topics.push_back(std::move(tr));
        auto topic = response.topics.size() - 1;
        for (const auto& p : t.partitions) {
            const auto* ref = table->find(t.topic, p.partition);
            if (!ref)
                answers.add_now(topic,
                                failure(p.partition, error::make(errc::unknown_topic_or_partition,
                                                                 "no partition {} in topic {}",
                                                                 p.partition, t.topic)));
            else if (p.current_leader_epoch != no_epoch && p.current_leader_epoch < current_epoch)
                answers.add_now(topic, failure(p.partition, error::make(errc::fenced_leader_epoch,
                                                                        "leader epoch {} is fenced",
                                                                        p.current_leader_epoch)));
            else if (p.current_leader_epoch > current_epoch)
                answers.add_now(topic,
                                failure(p.partition, error::make(errc::unknown_leader_epoch,
                                                                 "leader epoch {} is unknown",
                                                                 p.current_leader_epoch)));
            else if (p.leader_epoch == no_epoch || p.leader_epoch > current_epoch) {
                epoch_end_offset unknown;
                unknown.partition = p.partition;
                answers.add_now(topic, unknown);
            } else
                answers.add(topic, end_on_owner(ctx.broker, *ref, p.partition, p.leader_epoch));
        }
    }
    auto done = answers.finish([&](size_t topic, epoch_end_offset r) {
        response.topics[topic].partitions.push_back(std::move(r));
    });
    co_await std::move(done);
    co_return response;
}

} // namespace spate::broker::handlers
