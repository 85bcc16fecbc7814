#include "base/errc.h"

#include <string>

namespace spate {

std::string_view errc_name(errc code) {
    switch (code) {
    case errc::none: return "NONE";
    case errc::offset_out_of_range: return "OFFSET_OUT_OF_RANGE";
    case errc::corrupt_message: return "CORRUPT_MESSAGE";
    case errc::unknown_topic_or_partition: return "UNKNOWN_TOPIC_OR_PARTITION";
    case errc::coordinator_not_available: return "COORDINATOR_NOT_AVAILABLE";
    case errc::message_too_large: return "MESSAGE_TOO_LARGE";
    case errc::record_list_too_large: return "RECORD_LIST_TOO_LARGE";
    case errc::invalid_timestamp: return "INVALID_TIMESTAMP";
    case errc::invalid_topic_exception: return "INVALID_TOPIC_EXCEPTION";
    case errc::unsupported_version: return "UNSUPPORTED_VERSION";
    case errc::topic_already_exists: return "TOPIC_ALREADY_EXISTS";
    case errc::invalid_partitions: return "INVALID_PARTITIONS";
    case errc::invalid_config: return "INVALID_CONFIG";
    case errc::unsupported_for_message_format: return "UNSUPPORTED_FOR_MESSAGE_FORMAT";
    case errc::kafka_storage_error: return "KAFKA_STORAGE_ERROR";
    case errc::invalid_record: return "INVALID_RECORD";
    case errc::request_timed_out: return "REQUEST_TIMED_OUT";
    case errc::invalid_fetch_size: return "INVALID_FETCH_SIZE";
    case errc::leader_not_available: return "LEADER_NOT_AVAILABLE";
    case errc::not_leader_or_follower: return "NOT_LEADER_OR_FOLLOWER";
    case errc::invalid_required_acks: return "INVALID_REQUIRED_ACKS";
    case errc::cluster_authorization_failed: return "CLUSTER_AUTHORIZATION_FAILED";
    case errc::invalid_replication_factor: return "INVALID_REPLICATION_FACTOR";
    case errc::invalid_replica_assignment: return "INVALID_REPLICA_ASSIGNMENT";
    case errc::not_controller: return "NOT_CONTROLLER";
    case errc::invalid_request: return "INVALID_REQUEST";
    case errc::policy_violation: return "POLICY_VIOLATION";
    case errc::out_of_order_sequence_number: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case errc::duplicate_sequence_number: return "DUPLICATE_SEQUENCE_NUMBER";
    case errc::invalid_producer_epoch: return "INVALID_PRODUCER_EPOCH";
    case errc::transactional_id_authorization_failed:
        return "TRANSACTIONAL_ID_AUTHORIZATION_FAILED";
    case errc::unknown_producer_id: return "UNKNOWN_PRODUCER_ID";
    case errc::fetch_session_id_not_found: return "FETCH_SESSION_ID_NOT_FOUND";
    case errc::invalid_fetch_session_epoch: return "INVALID_FETCH_SESSION_EPOCH";
    case errc::unsupported_compression_type: return "UNSUPPORTED_COMPRESSION_TYPE";
    case errc::fenced_leader_epoch: return "FENCED_LEADER_EPOCH";
    case errc::unknown_leader_epoch: return "UNKNOWN_LEADER_EPOCH";
    case errc::topic_deletion_disabled: return "TOPIC_DELETION_DISABLED";
    case errc::unknown_topic_id: return "UNKNOWN_TOPIC_ID";
    case errc::inconsistent_topic_id: return "INCONSISTENT_TOPIC_ID";
    case errc::mismatched_endpoint_type: return "MISMATCHED_ENDPOINT_TYPE";
    case errc::unsupported_endpoint_type: return "UNSUPPORTED_ENDPOINT_TYPE";
    case errc::invalid_update_version: return "INVALID_UPDATE_VERSION";
    case errc::offset_metadata_too_large: return "OFFSET_METADATA_TOO_LARGE";
    case errc::coordinator_load_in_progress: return "COORDINATOR_LOAD_IN_PROGRESS";
    case errc::not_coordinator: return "NOT_COORDINATOR";
    case errc::illegal_generation: return "ILLEGAL_GENERATION";
    case errc::inconsistent_group_protocol: return "INCONSISTENT_GROUP_PROTOCOL";
    case errc::invalid_group_id: return "INVALID_GROUP_ID";
    case errc::unknown_member_id: return "UNKNOWN_MEMBER_ID";
    case errc::invalid_session_timeout: return "INVALID_SESSION_TIMEOUT";
    case errc::rebalance_in_progress: return "REBALANCE_IN_PROGRESS";
    case errc::invalid_commit_offset_size: return "INVALID_COMMIT_OFFSET_SIZE";
    case errc::non_empty_group: return "NON_EMPTY_GROUP";
    case errc::group_id_not_found: return "GROUP_ID_NOT_FOUND";
    case errc::member_id_required: return "MEMBER_ID_REQUIRED";
    case errc::group_max_size_reached: return "GROUP_MAX_SIZE_REACHED";
    case errc::fenced_instance_id: return "FENCED_INSTANCE_ID";
    case errc::group_subscribed_to_topic: return "GROUP_SUBSCRIBED_TO_TOPIC";
    case errc::unknown_server_error: return "UNKNOWN_SERVER_ERROR";
    case errc::shutting_down: return "SHUTTING_DOWN";
    case errc::not_found: return "NOT_FOUND";
    }
    return "UNKNOWN_ERROR_CODE";
}

namespace {
class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "spate"; }
    std::string message(int ev) const override {
        return std::string(errc_name(static_cast<errc>(ev)));
    }
};
} // namespace

const std::error_category& spate_category() {
    static const category instance;
    return instance;
}

} // namespace spate
