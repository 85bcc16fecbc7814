#include "broker/advertised_apis.h"
#include "broker/handlers/handlers.h"

namespace spate::broker::handlers {

task<kafka::api_versions_response_data> api_versions(request_context&,
                                                     kafka::api_versions_request_data) {
    kafka::api_versions_response_data response;
    response.api_keys = advertised_api_versions();
    co_return response;
}

} // namespace spate::broker::handlers
