#pragma once

#include "log/log_config.h"
#include "log/partition.h"
#include "model/topic_id.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace spate::broker {

/// A partition as every shard sees it: which shard owns it and the log itself, to be used only
/// on that shard (through runtime::invoke_on()).
struct partition_ref {
    unsigned shard = 0;
    std::shared_ptr<log::partition> log;
};

/// A topic as every shard sees it.
struct topic_entry {
    std::string name;
    model::topic_id id;
    log::config_overrides overrides;
    log::log_config config;
    std::vector<partition_ref> partitions;
};

/// An immutable picture of every topic, made by the controller after each change and handed
/// to every shard, so that looking a topic up on the request path needs neither a lock nor a
/// hop. Shared read-only between shards; a newer version replaces it whole.
struct topic_table {
    uint64_t version = 0;
    std::map<std::string, std::shared_ptr<const topic_entry>> by_name;
    std::unordered_map<std::string, std::shared_ptr<const topic_entry>> by_id; ///< id's string

    const topic_entry* find(const std::string& name) const {
        auto it = by_name.find(name);
        return it == by_name.end() ? nullptr : it->second.get();
    }
    const topic_entry* find(const model::topic_id& id) const {
        auto it = by_id.find(id.to_string());
        return it == by_id.end() ? nullptr : it->second.get();
    }
    /// The partition, or nullptr when the topic or the partition does not exist.
    const partition_ref* find(const std::string& name, int32_t partition) const {
        auto* t = find(name);
        if (!t || partition < 0 || partition >= static_cast<int32_t>(t->partitions.size()))
            return nullptr;
        return &t->partitions[static_cast<size_t>(partition)];
    }
};

} // namespace spate::broker
