#pragma once

#include "kafka/generated/apis.h"
#include "kafka/generated/headers.h"
#include "kafka/protocol/wire.h"

#include "base/result.h"

#include <cstdint>

namespace spate::kafka {

/// A request header as read off the wire, with the header version it was read in.
struct request_header {
    request_header_data data;
    int16_t version = 1;
};

/// Reads the request header at the front of `rd` (a request without its 4-byte size prefix).
/// The header version depends on the request: it peeks at the API key and version and picks it
/// as Kafka does (request_header_version()). Fails with CORRUPT_MESSAGE on a truncated header
/// or an API key spate does not serve; `rd` is then left where it was.
result<request_header> read_request_header(reader& rd);

/// Writes the response header for a response to (api_key, api_version): the correlation id,
/// plus an empty tagged-field section in header v1. The API must be served (asserted).
void write_response_header(writer& w, int16_t api_key, int16_t api_version, int32_t correlation_id);

} // namespace spate::kafka
