#include "kafka/protocol/headers.h"

#include <cassert>

namespace spate::kafka {

result<request_header> read_request_header(reader& rd) {
    reader peek = rd;
    auto key = peek.read_int16();
    if (!key) return error::make(errc::corrupt_message, "request header: {}", key.err().message);
    auto version = peek.read_int16();
    if (!version) {
        return error::make(errc::corrupt_message, "request header: {}", version.err().message);
    }
    auto header_version = request_header_version(*key, *version);
    if (!header_version) {
        return error::make(errc::corrupt_message, "request header: API key {} is not served", *key);
    }
    request_header out;
    out.version = *header_version;
    reader body = rd;
    if (auto r = out.data.decode(body, out.version); !r) return std::move(r).err();
    rd = body;
    return out;
}

void write_response_header(writer& w, int16_t api_key, int16_t api_version,
                           int32_t correlation_id) {
    auto version = response_header_version(api_key, api_version);
    assert(version.has_value());
    response_header_data header;
    header.correlation_id = correlation_id;
    header.encode(w, version.value_or(0));
}

} // namespace spate::kafka
