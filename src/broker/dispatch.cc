#include "broker/dispatch.h"

#include "base/endian.h"
#include "broker/advertised_apis.h"
#include "broker/handlers/handlers.h"
#include "kafka/protocol/headers.h"

namespace spate::broker {

namespace asio = boost::asio;

namespace {

using frame = std::vector<std::byte>;

/// A size-prefixed response frame: header for (api, version), then `body` in `version`.
template <typename Response>
frame encode_response(const request_context& ctx, const Response& body, int16_t version) {
    frame out(4);
    kafka::writer w(out);
    kafka::write_response_header(w, ctx.api_key, version, ctx.correlation_id);
    body.encode(w, version);
    store_be<uint32_t>(out.data(), static_cast<uint32_t>(out.size() - 4));
    return out;
}

/// Decodes a `Request`, runs `handler`, encodes its response in the request's version.
template <typename Request, typename Handler>
asio::awaitable<result<frame>> serve(request_context& ctx, kafka::reader body, Handler handler) {
    Request request;
    if (auto r = request.decode(body, ctx.version); !r) co_return std::move(r).err();
    auto op = handler(ctx, std::move(request)); // a named awaitable: see runtime/invoke.h
    auto response = co_await std::move(op);
    if (!ctx.respond) co_return frame{};
    co_return encode_response(ctx, response, ctx.version);
}

/// ApiVersions in a version spate does not know: Kafka answers in version 0 with
/// UNSUPPORTED_VERSION and its version ranges, so the client can retry with one it shares.
frame unsupported_api_versions(const request_context& ctx) {
    kafka::api_versions_response_data response;
    response.error_code = static_cast<int16_t>(errc::unsupported_version);
    response.api_keys = advertised_api_versions();
    return encode_response(ctx, response, 0);
}

} // namespace

asio::awaitable<result<frame>> dispatch(request_context& ctx, kafka::reader body) {
    const auto* api = find_advertised_api(ctx.api_key);
    if (!api)
        co_return error::make(errc::invalid_request, "API key {} ({}) is not served", ctx.api_key,
                              api_name(ctx.api_key));
    if (ctx.version < api->min_version || ctx.version > api->max_version) {
        if (ctx.api_key == static_cast<int16_t>(kafka::api_key::api_versions))
            co_return unsupported_api_versions(ctx);
        co_return error::make(
            errc::unsupported_version, "{} version {} is not served (versions {} to {} are)",
            api_name(ctx.api_key), ctx.version, api->min_version, api->max_version);
    }
    using kafka::api_key;
    switch (static_cast<api_key>(ctx.api_key)) {
    case api_key::api_versions:
        co_return co_await serve<kafka::api_versions_request_data>(ctx, body,
                                                                   handlers::api_versions);
    case api_key::metadata:
        co_return co_await serve<kafka::metadata_request_data>(ctx, body, handlers::metadata);
    case api_key::produce:
        co_return co_await serve<kafka::produce_request_data>(ctx, body, handlers::produce);
    case api_key::fetch:
        co_return co_await serve<kafka::fetch_request_data>(ctx, body, handlers::fetch);
    case api_key::list_offsets:
        co_return co_await serve<kafka::list_offsets_request_data>(ctx, body,
                                                                   handlers::list_offsets);
    case api_key::create_topics:
        co_return co_await serve<kafka::create_topics_request_data>(ctx, body,
                                                                    handlers::create_topics);
    case api_key::delete_topics:
        co_return co_await serve<kafka::delete_topics_request_data>(ctx, body,
                                                                    handlers::delete_topics);
    case api_key::create_partitions:
        co_return co_await serve<kafka::create_partitions_request_data>(
            ctx, body, handlers::create_partitions);
    case api_key::delete_records:
        co_return co_await serve<kafka::delete_records_request_data>(ctx, body,
                                                                     handlers::delete_records);
    case api_key::describe_configs:
        co_return co_await serve<kafka::describe_configs_request_data>(ctx, body,
                                                                       handlers::describe_configs);
    case api_key::alter_configs:
        co_return co_await serve<kafka::alter_configs_request_data>(ctx, body,
                                                                    handlers::alter_configs);
    case api_key::incremental_alter_configs:
        co_return co_await serve<kafka::incremental_alter_configs_request_data>(
            ctx, body, handlers::incremental_alter_configs);
    case api_key::describe_cluster:
        co_return co_await serve<kafka::describe_cluster_request_data>(ctx, body,
                                                                       handlers::describe_cluster);
    case api_key::find_coordinator:
        co_return co_await serve<kafka::find_coordinator_request_data>(ctx, body,
                                                                       handlers::find_coordinator);
    case api_key::init_producer_id:
        co_return co_await serve<kafka::init_producer_id_request_data>(ctx, body,
                                                                       handlers::init_producer_id);
    case api_key::offset_for_leader_epoch:
        co_return co_await serve<kafka::offset_for_leader_epoch_request_data>(
            ctx, body, handlers::offset_for_leader_epoch);
    case api_key::join_group:
        co_return co_await serve<kafka::join_group_request_data>(ctx, body, handlers::join_group);
    case api_key::sync_group:
        co_return co_await serve<kafka::sync_group_request_data>(ctx, body, handlers::sync_group);
    case api_key::heartbeat:
        co_return co_await serve<kafka::heartbeat_request_data>(ctx, body, handlers::heartbeat);
    case api_key::leave_group:
        co_return co_await serve<kafka::leave_group_request_data>(ctx, body, handlers::leave_group);
    case api_key::offset_commit:
        co_return co_await serve<kafka::offset_commit_request_data>(ctx, body,
                                                                    handlers::offset_commit);
    case api_key::offset_fetch:
        co_return co_await serve<kafka::offset_fetch_request_data>(ctx, body,
                                                                   handlers::offset_fetch);
    case api_key::list_groups:
        co_return co_await serve<kafka::list_groups_request_data>(ctx, body, handlers::list_groups);
    case api_key::describe_groups:
        co_return co_await serve<kafka::describe_groups_request_data>(ctx, body,
                                                                      handlers::describe_groups);
    case api_key::delete_groups:
        co_return co_await serve<kafka::delete_groups_request_data>(ctx, body,
                                                                    handlers::delete_groups);
    case api_key::offset_delete:
        co_return co_await serve<kafka::offset_delete_request_data>(ctx, body,
                                                                    handlers::offset_delete);
    default: break;
    }
    co_return error::make(errc::invalid_request, "API key {} has no handler", ctx.api_key);
}

} // namespace spate::broker
