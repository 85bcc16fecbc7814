#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>

namespace spate {

/// Error codes shared by every module. Values mirror Kafka's wire error codes where one applies,
/// so the Kafka server returns them as they are; codes with no Kafka counterpart live above 1000.
enum class errc : int16_t {
    none = 0,
    offset_out_of_range = 1,
    corrupt_message = 2,
    unknown_topic_or_partition = 3,
    message_too_large = 10,
    record_list_too_large = 18,
    invalid_timestamp = 32,
    invalid_topic_exception = 17,
    unsupported_version = 35,
    topic_already_exists = 36,
    invalid_partitions = 37,
    invalid_config = 40,
    unsupported_for_message_format = 43,
    kafka_storage_error = 56,
    invalid_record = 87,
    unknown_server_error = -1,

    // spate-specific.
    shutting_down = 1001,
    not_found = 1002,
};

/// The Kafka name of an error code (e.g. "CORRUPT_MESSAGE").
std::string_view errc_name(errc code);

const std::error_category& spate_category();
inline std::error_code make_error_code(errc e) {
    return {static_cast<int>(e), spate_category()};
}

} // namespace spate

template <>
struct std::is_error_code_enum<spate::errc> : std::true_type {};
