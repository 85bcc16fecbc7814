#include "broker/broker.h"
#include "broker/handlers/handlers.h"

#include <fmt/format.h>

namespace spate::broker::handlers {

namespace {

/// Kafka's EndpointType.
constexpr int8_t broker_endpoint = 1;
constexpr int8_t controller_endpoint = 2;

/// The operations on the cluster resource that Kafka reports without an authorizer (every
/// one it supports: CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS,
/// IDEMPOTENT_WRITE), as a bit field of AclOperation codes.
constexpr int32_t cluster_operations =
    (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

} // namespace

task<kafka::describe_cluster_response_data>
describe_cluster(request_context& ctx, kafka::describe_cluster_request_data req) {
    kafka::describe_cluster_response_data response;
    // Version 0 has no endpoint type and answers a wrong one with INVALID_REQUEST.
    if (req.endpoint_type != broker_endpoint) {
        bool known = req.endpoint_type == controller_endpoint;
        response.error_code =
            static_cast<int16_t>(ctx.version == 0 ? errc::invalid_request
                                                  : (known ? errc::mismatched_endpoint_type
                                                           : errc::unsupported_endpoint_type));
        response.error_message =
            known ? "The request was sent to an endpoint of type BROKER, but we wanted an "
                    "endpoint of type CONTROLLER (spate's one node is both: ask for brokers)"
                  : fmt::format("Unsupported endpoint type {}", req.endpoint_type);
        co_return response;
    }
    const auto& cfg = ctx.broker.config();
    auto addr = ctx.broker.advertised_address();
    response.endpoint_type = broker_endpoint;
    response.cluster_id = ctx.broker.cluster_id();
    response.controller_id = cfg.node_id;
    kafka::describe_cluster_response_data::describe_cluster_broker self;
    self.broker_id = cfg.node_id;
    self.host = addr.host;
    self.port = addr.port;
    response.brokers.push_back(std::move(self));
    if (req.include_cluster_authorized_operations)
        response.cluster_authorized_operations = cluster_operations;
    co_return response;
}

} // namespace spate::broker::handlers
