#pragma once

#include "kafka/generated/api_versions.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace spate::broker {

/// An API the broker serves and the versions it accepts.
struct advertised_api {
    int16_t key;
    int16_t min_version;
    int16_t max_version;
};

/// What ApiVersions tells clients: every API with a handler, from the oldest version current
/// clients still send (Kafka 4.0's baseline, KIP-896: Produce from v3 and Fetch from v4, the
/// first versions that carry only v2 record batches) to the newest the codec reads.
std::span<const advertised_api> advertised_apis();
/// The entry for `key`, or nullptr when the API is not served.
const advertised_api* find_advertised_api(int16_t key);
/// advertised_apis() as ApiVersions response entries.
std::vector<kafka::api_versions_response_data::api_version> advertised_api_versions();
/// Kafka's name of an API key ("Produce"), or "unknown".
std::string_view api_name(int16_t key);

} // namespace spate::broker
