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
    invalid_fetch_size = 4,
    leader_not_available = 5,
    not_leader_or_follower = 6,
    request_timed_out = 7,
    message_too_large = 10,
    offset_metadata_too_large = 12,
    coordinator_load_in_progress = 14,
    coordinator_not_available = 15,
    not_coordinator = 16,
    invalid_topic_exception = 17,
    record_list_too_large = 18,
    invalid_required_acks = 21,
    illegal_generation = 22,
    inconsistent_group_protocol = 23,
    invalid_group_id = 24,
    unknown_member_id = 25,
    invalid_session_timeout = 26,
    rebalance_in_progress = 27,
    invalid_commit_offset_size = 28,
    cluster_authorization_failed = 31,
    invalid_timestamp = 32,
    unsupported_version = 35,
    topic_already_exists = 36,
    invalid_partitions = 37,
    invalid_replication_factor = 38,
    invalid_replica_assignment = 39,
    invalid_config = 40,
    not_controller = 41,
    invalid_request = 42,
    unsupported_for_message_format = 43,
    policy_violation = 44,
    out_of_order_sequence_number = 45,
    duplicate_sequence_number = 46,
    invalid_producer_epoch = 47,
    transactional_id_authorization_failed = 53,
    kafka_storage_error = 56,
    unknown_producer_id = 59,
    fetch_session_id_not_found = 70,
    invalid_fetch_session_epoch = 71,
    non_empty_group = 68,
    group_id_not_found = 69,
    topic_deletion_disabled = 73,
    fenced_leader_epoch = 74,
    unknown_leader_epoch = 75,
    unsupported_compression_type = 76,
    member_id_required = 79,
    group_max_size_reached = 81,
    fenced_instance_id = 82,
    group_subscribed_to_topic = 86,
    invalid_record = 87,
    invalid_update_version = 95,
    unknown_topic_id = 100,
    inconsistent_topic_id = 103,
    mismatched_endpoint_type = 114,
    unsupported_endpoint_type = 115,
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
