#include "base/errc.h"

#include <string>

namespace spate {

std::string_view errc_name(errc code) {
    switch (code) {
    case errc::none: return "NONE";
    case errc::offset_out_of_range: return "OFFSET_OUT_OF_RANGE";
    case errc::corrupt_message: return "CORRUPT_MESSAGE";
    case errc::unknown_topic_or_partition: return "UNKNOWN_TOPIC_OR_PARTITION";
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
