#include "broker/advertised_apis.h"

#include "kafka/generated/apis.h"

#include <algorithm>
#include <array>

namespace spate::broker {

namespace {

using kafka::api_key;

constexpr int16_t key(api_key k) {
    return static_cast<int16_t>(k);
}

/// The highest version of `k` the generated codec reads.
constexpr int16_t codec_max(api_key k) {
    for (const auto& a : kafka::served_apis)
        if (a.key == key(k)) return a.max_version;
    return -1;
}

// Lowest versions: Kafka 4.0's (KIP-896), except Produce: Kafka 4.0 still advertises it from
// v0 (KAFKA-18659) because librdkafka before 2.10 turns compression off against a broker whose
// Produce starts above v0; requests in v0-v2 are refused by the handler.
constexpr std::array apis{
    advertised_api{key(api_key::produce), 0, codec_max(api_key::produce)},
    advertised_api{key(api_key::fetch), 4, codec_max(api_key::fetch)},
    advertised_api{key(api_key::list_offsets), 1, codec_max(api_key::list_offsets)},
    advertised_api{key(api_key::metadata), 0, codec_max(api_key::metadata)},
    advertised_api{key(api_key::api_versions), 0, codec_max(api_key::api_versions)},
    advertised_api{key(api_key::create_topics), 2, codec_max(api_key::create_topics)},
    advertised_api{key(api_key::delete_topics), 1, codec_max(api_key::delete_topics)},
    advertised_api{key(api_key::delete_records), 0, codec_max(api_key::delete_records)},
    advertised_api{key(api_key::offset_for_leader_epoch), 2,
                   codec_max(api_key::offset_for_leader_epoch)},
    advertised_api{key(api_key::describe_configs), 1, codec_max(api_key::describe_configs)},
    advertised_api{key(api_key::alter_configs), 0, codec_max(api_key::alter_configs)},
    advertised_api{key(api_key::create_partitions), 0, codec_max(api_key::create_partitions)},
    advertised_api{key(api_key::incremental_alter_configs), 0,
                   codec_max(api_key::incremental_alter_configs)},
    advertised_api{key(api_key::describe_cluster), 0, codec_max(api_key::describe_cluster)},
    advertised_api{key(api_key::find_coordinator), 0, codec_max(api_key::find_coordinator)},
    advertised_api{key(api_key::offset_commit), 0, codec_max(api_key::offset_commit)},
    advertised_api{key(api_key::offset_fetch), 0, codec_max(api_key::offset_fetch)},
    advertised_api{key(api_key::join_group), 0, codec_max(api_key::join_group)},
    advertised_api{key(api_key::heartbeat), 0, codec_max(api_key::heartbeat)},
    advertised_api{key(api_key::leave_group), 0, codec_max(api_key::leave_group)},
    advertised_api{key(api_key::sync_group), 0, codec_max(api_key::sync_group)},
    advertised_api{key(api_key::describe_groups), 0, codec_max(api_key::describe_groups)},
    advertised_api{key(api_key::list_groups), 0, codec_max(api_key::list_groups)},
    advertised_api{key(api_key::delete_groups), 0, codec_max(api_key::delete_groups)},
    advertised_api{key(api_key::offset_delete), 0, codec_max(api_key::offset_delete)},
    advertised_api{key(api_key::init_producer_id), 0, codec_max(api_key::init_producer_id)},
};

} // namespace

std::span<const advertised_api> advertised_apis() {
    return apis;
}

const advertised_api* find_advertised_api(int16_t k) {
    auto it = std::find_if(apis.begin(), apis.end(), [k](const auto& a) { return a.key == k; });
    return it == apis.end() ? nullptr : &*it;
}

std::vector<kafka::api_versions_response_data::api_version> advertised_api_versions() {
    std::vector<kafka::api_versions_response_data::api_version> out;
    for (const auto& a : apis) {
        kafka::api_versions_response_data::api_version v;
        v.api_key = a.key;
        v.min_version = a.min_version;
        v.max_version = a.max_version;
        out.push_back(v);
    }
    return out;
}

std::string_view api_name(int16_t k) {
    auto* info = kafka::find_api(k);
    return info ? info->name : std::string_view("unknown");
}

} // namespace spate::broker
