#include "broker/config_schema.h"

#include <algorithm>
#include <array>

namespace spate::broker {

namespace {

constexpr std::array topic_keys{
    topic_config_key{"cleanup.policy", "log.cleanup.policy", config_type::list,
                     "How old segments are discarded: 'delete' removes them by retention.ms and "
                     "retention.bytes (spate does not compact)."},
    topic_config_key{"flush.ms", "log.flush.interval.ms", config_type::int64,
                     "Under flush.policy 'interval', how often appended records are synced to "
                     "disk, in ms."},
    topic_config_key{"flush.policy", "log.flush.policy", config_type::string,
                     "spate's durability setting: 'always' acknowledges after fdatasync (group "
                     "commit), 'interval' syncs every flush.ms, 'never' leaves it to the OS."},
    topic_config_key{"index.interval.bytes", "log.index.interval.bytes", config_type::int32,
                     "Bytes of records between two entries of a segment's offset index."},
    topic_config_key{"max.message.bytes", "message.max.bytes", config_type::int32,
                     "The largest record batch the topic accepts, in bytes."},
    topic_config_key{"message.timestamp.type", "log.message.timestamp.type", config_type::string,
                     "Whether a record's timestamp is the producer's (CreateTime) or the time "
                     "the broker appended it (LogAppendTime)."},
    topic_config_key{"retention.bytes", "log.retention.bytes", config_type::int64,
                     "The size a partition may reach before its oldest segments are deleted; -1 "
                     "for no limit."},
    topic_config_key{"retention.ms", "log.retention.ms", config_type::int64,
                     "How long a segment is kept after its newest record, in ms; -1 keeps it "
                     "forever."},
    topic_config_key{"segment.bytes", "log.segment.bytes", config_type::int32,
                     "The size at which a partition rolls to a new segment file, in bytes."},
    topic_config_key{"segment.ms", "log.roll.ms", config_type::int64,
                     "The age after which a partition rolls to a new segment even if the "
                     "current one is not full, in ms."},
};

constexpr size_t topic_key_index(std::string_view name) {
    for (size_t i = 0; i < topic_keys.size(); ++i)
        if (topic_keys[i].name == name) return i;
    return topic_keys.size();
}

/// A broker setting: its Kafka name, type and description, and how to read it from a config:
/// the default of topic config `topic_key`, or `value`.
struct broker_key {
    std::string_view name;
    config_type type;
    std::string_view doc;
    std::string_view topic_key;
    std::optional<std::string> (*value)(const broker_config&) = nullptr;
};

std::string listener(const host_port& a) {
    auto host = a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host;
    return "PLAINTEXT://" + host + ":" + std::to_string(a.port);
}

/// The broker setting that gives topic config `topic_name` its default.
constexpr broker_key log_default(std::string_view topic_name) {
    const auto& k = topic_keys[topic_key_index(topic_name)];
    return {k.broker_name, k.type, k.doc, k.name};
}

constexpr std::array broker_keys{
    broker_key{"advertised.listeners",
               config_type::string,
               "The address clients are told to connect to (--kafka-advertised-addr).",
               {},
               [](const broker_config& c) -> std::optional<std::string> {
                   if (c.advertised_kafka_addr.host.empty()) return std::nullopt;
                   return listener(c.advertised_kafka_addr);
               }},
    broker_key{"auto.create.topics.enable",
               config_type::boolean,
               "Whether Metadata requests create the unknown topics they name.",
               {},
               [](const broker_config& c) -> std::optional<std::string> {
                   return c.auto_create_topics ? "true" : "false";
               }},
    broker_key{"default.replication.factor",
               config_type::int32,
               "Replicas of each partition: 1, as spate runs one node.",
               {},
               [](const broker_config&) -> std::optional<std::string> { return "1"; }},
    broker_key{"listeners",
               config_type::string,
               "The address the Kafka listener binds to.",
               {},
               [](const broker_config& c) -> std::optional<std::string> {
                   return listener(c.kafka_addr);
               }},
    log_default("cleanup.policy"),
    broker_key{
        "log.dirs",
        config_type::string,
        "The data directory holding topics and state.",
        {},
        [](const broker_config& c) -> std::optional<std::string> { return c.data_dir.string(); }},
    log_default("flush.ms"),
    log_default("flush.policy"),
    log_default("index.interval.bytes"),
    log_default("message.timestamp.type"),
    log_default("retention.bytes"),
    log_default("retention.ms"),
    log_default("segment.ms"),
    log_default("segment.bytes"),
    log_default("max.message.bytes"),
    broker_key{"node.id",
               config_type::int32,
               "This broker's id.",
               {},
               [](const broker_config& c) -> std::optional<std::string> {
                   return std::to_string(c.node_id);
               }},
    broker_key{"num.partitions",
               config_type::int32,
               "Partitions of topics created without a count (auto-created, or -1).",
               {},
               [](const broker_config& c) -> std::optional<std::string> {
                   return std::to_string(c.default_partitions);
               }},
    broker_key{"socket.request.max.bytes",
               config_type::int32,
               "The largest request accepted; a larger one closes its connection.",
               {},
               [](const broker_config& c) -> std::optional<std::string> {
                   return std::to_string(c.socket_request_max_bytes);
               }},
};

std::optional<std::string> broker_value(const broker_key& k, const broker_config& c) {
    return k.value ? k.value(c) : c.log_defaults.get(k.topic_key);
}

} // namespace

std::span<const topic_config_key> topic_config_keys() {
    return topic_keys;
}

const topic_config_key* find_topic_config_key(std::string_view name) {
    auto i = topic_key_index(name);
    return i < topic_keys.size() ? &topic_keys[i] : nullptr;
}

std::vector<described_config> describe_topic_configs(const log::config_overrides& overrides,
                                                     const log::log_config& defaults) {
    static const log::log_config builtin;
    // Overrides were checked when they were set: apply the valid ones one by one.
    log::log_config effective = defaults;
    for (const auto& [k, v] : overrides)
        (void)effective.set(k, v);
    std::vector<described_config> out;
    for (const auto& key : topic_keys) {
        auto value = effective.get(key.name);
        if (!value) continue; // not a key of this log_config
        described_config d;
        d.name = std::string(key.name);
        d.value = value;
        d.type = key.type;
        d.doc = key.doc;
        if (overrides.contains(d.name))
            d.synonyms.push_back({d.name, value, config_source::dynamic_topic});
        auto broker_value = defaults.get(key.name);
        auto builtin_value = builtin.get(key.name);
        if (broker_value != builtin_value)
            d.synonyms.push_back(
                {std::string(key.broker_name), broker_value, config_source::static_broker});
        d.synonyms.push_back(
            {std::string(key.broker_name), builtin_value, config_source::default_config});
        d.source = d.synonyms.front().source;
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<described_config> describe_broker_configs(const broker_config& config) {
    static const broker_config builtin;
    std::vector<described_config> out;
    for (const auto& key : broker_keys) {
        described_config d;
        d.name = std::string(key.name);
        d.value = broker_value(key, config);
        d.type = key.type;
        d.doc = key.doc;
        d.read_only = true;
        auto builtin_value = broker_value(key, builtin);
        if (d.value != builtin_value)
            d.synonyms.push_back({d.name, d.value, config_source::static_broker});
        d.synonyms.push_back({d.name, builtin_value, config_source::default_config});
        d.source = d.synonyms.front().source;
        out.push_back(std::move(d));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

bool is_broker_config_key(std::string_view name) {
    return std::any_of(broker_keys.begin(), broker_keys.end(),
                       [name](const auto& k) { return k.name == name; });
}

bool is_list_broker_config_key(std::string_view name) {
    return std::any_of(broker_keys.begin(), broker_keys.end(), [name](const auto& k) {
        return k.name == name && k.type == config_type::list;
    });
}

} // namespace spate::broker
