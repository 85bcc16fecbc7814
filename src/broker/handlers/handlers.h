#pragma once

// One handler per Kafka API: each takes the decoded request and returns the response to
// encode. Handlers run on the connection's shard and reach partitions on other shards with
// runtime::invoke_on(). Per-partition and per-topic failures go into the response's error
// codes, as Kafka's do; a handler never fails the whole request.

#include "broker/request_context.h"
#include "kafka/generated/messages.h"

#include <boost/asio/awaitable.hpp>

namespace spate::broker::handlers {

template <typename T>
using task = boost::asio::awaitable<T>;

task<kafka::api_versions_response_data> api_versions(request_context&,
                                                     kafka::api_versions_request_data);
task<kafka::metadata_response_data> metadata(request_context&, kafka::metadata_request_data);
task<kafka::produce_response_data> produce(request_context&, kafka::produce_request_data);
task<kafka::fetch_response_data> fetch(request_context&, kafka::fetch_request_data);
task<kafka::list_offsets_response_data> list_offsets(request_context&,
                                                     kafka::list_offsets_request_data);

} // namespace spate::broker::handlers
