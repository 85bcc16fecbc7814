#pragma once

#include "broker/broker_config.h"
#include "log/log_config.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spate::broker {

/// A config's type as DescribeConfigs reports it (Kafka's DescribeConfigsResponse.ConfigType).
enum class config_type : int8_t {
    unknown = 0,
    boolean = 1,
    string = 2,
    int32 = 3,
    int16 = 4,
    int64 = 5,
    float64 = 6,
    list = 7,
    class_name = 8,
    password = 9,
};

/// Where a config's value comes from (Kafka's DescribeConfigsResponse.ConfigSource).
enum class config_source : int8_t {
    unknown = 0,
    dynamic_topic = 1,          ///< DYNAMIC_TOPIC_CONFIG: a topic's override
    dynamic_broker = 2,         ///< DYNAMIC_BROKER_CONFIG
    dynamic_default_broker = 3, ///< DYNAMIC_DEFAULT_BROKER_CONFIG
    static_broker = 4,          ///< STATIC_BROKER_CONFIG: the command line or the config file
    default_config = 5,         ///< DEFAULT_CONFIG: the built-in default
};

/// A topic config key spate knows: its Kafka name, the broker setting that gives its default
/// (Kafka's synonym: segment.ms <- log.roll.ms), its type and a one-line description.
struct topic_config_key {
    std::string_view name;
    std::string_view broker_name;
    config_type type;
    std::string_view doc;
};

/// Every topic config key log::log_config knows, sorted by name.
std::span<const topic_config_key> topic_config_keys();
/// The key named `name`, or nullptr.
const topic_config_key* find_topic_config_key(std::string_view name);

/// One config as DescribeConfigs and CreateTopics (v5+) report it. None is sensitive.
struct described_config {
    struct synonym {
        std::string name;
        std::optional<std::string> value;
        config_source source;
    };
    std::string name;
    std::optional<std::string> value;
    config_source source = config_source::default_config;
    bool read_only = false;
    config_type type = config_type::unknown;
    std::string_view doc;
    /// Where the value could come from, most precedent first (the first is `source`).
    std::vector<synonym> synonyms;
};

/// Every config of a topic with these overrides over the broker's defaults `defaults`: a key
/// the topic overrides is DYNAMIC_TOPIC_CONFIG, one whose broker setting differs from the
/// built-in default is STATIC_BROKER_CONFIG, else DEFAULT_CONFIG. Sorted by name.
std::vector<described_config> describe_topic_configs(const log::config_overrides& overrides,
                                                     const log::log_config& defaults);

/// Every setting of the broker under its Kafka name (num.partitions, log.retention.ms, ...):
/// STATIC_BROKER_CONFIG when it differs from the built-in default, else DEFAULT_CONFIG. All
/// are read-only: spate's broker settings are static. Sorted by name.
std::vector<described_config> describe_broker_configs(const broker_config& config);

/// Whether `name` is one of describe_broker_configs()'s keys, and whether its type is a list.
bool is_broker_config_key(std::string_view name);
bool is_list_broker_config_key(std::string_view name);

} // namespace spate::broker
