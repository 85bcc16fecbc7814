#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

namespace {

constexpr int8_t group_key = 0;

} // namespace

// One node: this broker coordinates every group. Transactions are not served, so there is no
// transaction coordinator to name.
task<kafka::find_coordinator_response_data>
find_coordinator(request_context& ctx, kafka::find_coordinator_request_data req) {
    kafka::find_coordinator_response_data response;
    auto addr = ctx.broker.advertised_address();
    auto answer = [&](const std::string& key) {
        kafka::find_coordinator_response_data::coordinator c;
        c.key = key;
        if (req.key_type == group_key) {
            c.node_id = ctx.broker.config().node_id;
            c.host = addr.host;
            c.port = addr.port;
            c.error_message = std::nullopt;
        } else {
            c.error_code = static_cast<int16_t>(errc::coordinator_not_available);
            c.error_message = req.key_type == 1 ? "transactions are not supported"
                                                : "unknown coordinator key type";
            c.node_id = -1;
            c.port = -1;
        }
        return c;
    };
    if (ctx.version >= 4) {
        for (const auto& key : req.coordinator_keys)
            response.coordinators.push_back(answer(key));
    } else {
        auto c = answer(req.key);
        response.error_code = c.error_code;
        response.error_message = c.error_message;
        response.node_id = c.node_id;
        response.host = c.host;
        response.port = c.port;
    }
    co_return response;
}

} // namespace spate::broker::handlers
