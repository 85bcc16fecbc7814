#pragma once

#include "broker/request_context.h"
#include "kafka/protocol/wire.h"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <vector>

namespace spate::broker {

/// Serves one request whose header has been read: decodes the body for ctx's API and version,
/// runs the API's handler and returns the size-prefixed response frame (empty when the
/// handler sends none). An error means the request cannot be answered (a body that does not
/// decode, an API or version spate does not serve) and the connection must be closed, as
/// Kafka does.
boost::asio::awaitable<result<std::vector<std::byte>>> dispatch(request_context& ctx,
                                                                kafka::reader body);

} // namespace spate::broker
