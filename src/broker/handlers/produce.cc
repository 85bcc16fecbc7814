#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/partition_fanout.h"
#include "broker/kafka_errors.h"
#include "group/coordinator.h"
#include "runtime/invoke.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <spdlog/spdlog.h>

namespace spate::broker::handlers {

namespace asio = boost::asio;

namespace {

using partition_response = kafka::produce_response_data::partition_produce_response;

partition_response failure(int32_t index, const error& e) {
    partition_response out;
    out.index = index;
    out.error_code = kafka_error_code(e);
    out.base_offset = -1;
    out.error_message = e.message;
    return out;
}

/// append(), or append_durable() when `durable`.
asio::awaitable<result<log::append_result>> append(log::partition& p, std::span<std::byte> records,
                                                   bool durable) {
    if (!durable) co_return p.append(records);
    auto op = p.append_durable(records);
    co_return co_await std::move(op);
}

/// Appends one partition's batches on the partition's shard and, unless the producer asked
/// for no acknowledgement, waits there until they are durable (under flush policy `always`;
/// on one node acks=1 and acks=all are the same promise). Then wakes fetches waiting on it.
/// An idempotent producer's retry of batches already written is answered, like Kafka does,
/// with no error and the offsets the batches got the first time (once those are durable);
/// its out-of-order or fenced batches fail with OUT_OF_ORDER_SEQUENCE_NUMBER or
/// INVALID_PRODUCER_EPOCH.
asio::awaitable<partition_response> append_on_owner(kafka_broker& broker, partition_ref ref,
                                                    std::string topic, int32_t index,
                                                    kafka::bytes records, int16_t acks) {
    auto op = runtime::invoke_on(
        broker.executor(ref.shard),
        [&broker, ref, index, acks, topic = std::move(topic),
         records = std::move(records)]() mutable -> asio::awaitable<partition_response> {
            auto& owner = broker.state(ref.shard);
            auto& p = *ref.log;
            // A named awaitable, never a co_await inside a conditional: see runtime/invoke.h.
            auto op = append(p, records, acks != 0);
            auto appended = co_await std::move(op);
            if (!appended) co_return failure(index, appended.err());
            if (!appended->duplicate)
                owner.traffic().add_in(
                    topic,
                    uint64_t(appended->last_offset.value() - appended->base_offset.value() + 1),
                    records.size());
            if (appended->duplicate)
                spdlog::debug("kafka: partition {}: a retried batch was already written at "
                              "offsets {} to {}",
                              p.name(), appended->base_offset.value(),
                              appended->last_offset.value());
            if (acks == 0 && p.config().flush == log::flush_policy::always) {
                // Nobody waits for the sync, but readers only see synced records: start one.
                auto log = ref.log;
                auto upto = appended->last_offset + 1;
                asio::co_spawn(
                    owner.executor(),
                    [&owner, log, upto]() -> asio::awaitable<void> {
                        if (co_await log->wait_durable(upto)) owner.notify(log.get());
                    },
                    asio::detached);
            } else {
                owner.notify(&p);
            }
            partition_response out;
            out.index = index;
            out.base_offset = appended->base_offset.value();
            out.log_append_time_ms = appended->log_append_time.value();
            out.log_start_offset = p.log_start_offset().value();
            co_return out;
        });
    co_return co_await std::move(op);
}

/// The partition a produce request's partition data goes to, or why it cannot be written
/// there. A plain function, so that the handler's coroutine frame stays simple.
result<partition_ref>
produce_target(const topic_table& topics, const std::string& topic,
               const kafka::produce_request_data::partition_produce_data& pd) {
    if (topic == group::offsets_topic)
        return error::make(errc::invalid_topic_exception,
                           "topic '{}' is internal: only the group coordinator writes to it",
                           topic);
    const auto* ref = topics.find(topic, pd.index);
    if (!ref)
        return error::make(errc::unknown_topic_or_partition, "no partition {} in topic {}",
                           pd.index, topic);
    if (!pd.records || pd.records->empty())
        return error::make(errc::invalid_record, "produce request for {}-{} has no record batch",
                           topic, pd.index);
    return *ref;
}

} // namespace

task<kafka::produce_response_data> produce(request_context& ctx, kafka::produce_request_data req) {
    kafka::produce_response_data response;
    if (req.acks == 0) ctx.respond = false;
    std::optional<error> request_error;
    if (req.acks != 0 && req.acks != 1 && req.acks != -1)
        request_error = error::make(errc::invalid_required_acks,
                                    "acks must be 0, 1 or -1 (all); the request had {}", req.acks);
    else if (ctx.version < 3)
        request_error =
            error::make(errc::unsupported_version,
                        "Produce v{} carries message format v0/v1, which spate does not "
                        "store; clients that send Produce v3 or later (record batch v2) "
                        "work",
                        ctx.version);
    else if (req.transactional_id)
        request_error = error::make(errc::transactional_id_authorization_failed,
                                    "transactions are not supported (transactional id {})",
                                    *req.transactional_id);

    // The appends start in request order when the fanout finishes, before this coroutine
    // first waits: the shards see one connection's requests in the order the client sent them.
    partition_fanout<partition_response> answers;
    const auto& topics = *ctx.shard.topics();
    for (auto& td : req.topic_data) {
        kafka::produce_response_data::topic_produce_response tr;
        tr.name = td.name;
        response.responses.push_back(std::move(tr));
        auto topic = response.responses.size() - 1;
        for (auto& pd : td.partition_data) {
            auto target = produce_target(topics, td.name, pd);
            if (request_error)
                answers.add_now(topic, failure(pd.index, *request_error));
            else if (!target)
                answers.add_now(topic, failure(pd.index, target.err()));
            else
                answers.add(topic, append_on_owner(ctx.broker, *target, td.name, pd.index,
                                                   std::move(*pd.records), req.acks));
        }
    }
    bool any_failed = false;
    auto done = answers.finish([&](size_t topic, partition_response r) {
        if (r.error_code != 0) {
            any_failed = true;
            spdlog::debug("kafka: produce from {} to {} partition {} failed: {}", ctx.peer,
                          response.responses[topic].name, r.index, r.error_message.value_or(""));
        }
        response.responses[topic].partition_responses.push_back(std::move(r));
    });
    co_await std::move(done);
    // A producer that wants no acknowledgement learns of a failure only by losing the
    // connection, as with Kafka.
    if (!ctx.respond && any_failed) ctx.close_after = true;
    co_return response;
}

} // namespace spate::broker::handlers
