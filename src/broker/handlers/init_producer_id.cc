#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/kafka_errors.h"
#include "runtime/invoke.h"

#include <spdlog/spdlog.h>

namespace spate::broker::handlers {

// An idempotent producer (null transactional id) gets a fresh producer id at epoch 0 on every
// call, as Kafka gives it even when the request names the producer's current id and epoch;
// transaction_timeout_ms only matters to transactions and is ignored. Transactional producers
// are refused as their Produce requests are: transactions are not supported.
task<kafka::init_producer_id_response_data>
init_producer_id(request_context& ctx, kafka::init_producer_id_request_data req) {
    kafka::init_producer_id_response_data response;
    response.producer_id = -1;
    response.producer_epoch = -1;
    if (req.transactional_id) {
        auto code = req.transactional_id->empty() ? errc::invalid_request
                                                  : errc::transactional_id_authorization_failed;
        spdlog::debug("kafka: InitProducerId from {} for transactional id '{}' refused: "
                      "transactions are not supported",
                      ctx.peer, *req.transactional_id);
        response.error_code = kafka_error_code(code);
        co_return response;
    }
    // What crosses shards must be default-constructible (runtime::invoke_on), which result<T>
    // is not.
    struct allocated {
        int64_t id = -1;
        std::optional<error> failure;
    };
    auto& broker = ctx.broker;
    auto op = runtime::invoke_on(broker.executor(broker.ctl().shard()), [&broker] {
        auto id = broker.ctl().allocate_producer_id();
        return id ? allocated{*id, std::nullopt} : allocated{-1, std::move(id).err()};
    });
    auto got = co_await std::move(op);
    if (got.failure) {
        spdlog::error("kafka: InitProducerId from {} failed: {}", ctx.peer, got.failure->message);
        response.error_code = kafka_error_code(*got.failure);
        co_return response;
    }
    response.producer_id = got.id;
    response.producer_epoch = 0;
    co_return response;
}

} // namespace spate::broker::handlers
