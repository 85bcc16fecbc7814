#pragma once

#include "broker/broker_config.h"
#include "broker/shard_state.h"
#include "broker/topic_table.h"
#include "log/log_store.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace spate::runtime {
class shard_set;
}

namespace spate::broker {

/// The owner of the topic table: creates, deletes, grows and reconfigures topics in the log
/// store, places each partition on a shard, and after every change hands every shard a new
/// topic_table. Admin requests reach it through runtime::invoke_on(controller shard).
///
/// Owned by one shard (shard 0); every method runs there, except open(), which runs before
/// the shards start.
class controller {
public:
    static result<std::unique_ptr<controller>> open(const broker_config& config,
                                                    runtime::shard_set& shards,
                                                    boost::asio::thread_pool& blocking,
                                                    std::vector<shard_state*> states);

    unsigned shard() const { return 0; }
    const std::string& cluster_id() const { return _cluster_id; }
    const std::shared_ptr<const topic_table>& topics() const { return _table; }
    const log::log_config& defaults() const { return _store->defaults(); }

    /// Whether a new topic may take `name`: INVALID_TOPIC_EXCEPTION for a name Kafka refuses
    /// or one that differs from an existing topic's only by '.' against '_' (Kafka refuses
    /// those: their metric names would collide), TOPIC_ALREADY_EXISTS.
    result<void> check_new_topic_name(const std::string& name) const;
    /// TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS, INVALID_CONFIG.
    /// With `validate_only`, checks everything and changes nothing.
    result<void> create_topic(const std::string& name, int32_t partitions,
                              const log::config_overrides& overrides, bool validate_only = false);

    /// A topic named by name, or, when the name is empty, by id.
    struct topic_key {
        std::string name;
        model::topic_id id;
    };
    /// Deletes a topic and returns its name and id: closes its partitions on their shards
    /// first (so that nothing writes to their files any more), then removes it from the store
    /// and publishes the table without it. UNKNOWN_TOPIC_OR_PARTITION for an unknown name,
    /// UNKNOWN_TOPIC_ID for an unknown id. While it waits for the shards other requests run:
    /// produces to the topic fail as on a closed partition (NOT_LEADER_OR_FOLLOWER), admin
    /// operations on it fail as on a deleted topic, and its name is not yet free.
    /// The awaitable owns its argument: bind it to a named local before co_await
    /// (runtime/invoke.h).
    boost::asio::awaitable<result<topic_key>> delete_topic(topic_key key);
    /// Grows a topic to `total` partitions: UNKNOWN_TOPIC_OR_PARTITION, or INVALID_PARTITIONS
    /// when `total` is not larger than the current count (Kafka's messages) or over the limit.
    result<void> create_partitions(const std::string& name, int32_t total, bool validate_only);
    /// Replaces the topic's config overrides: UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG.
    result<void> set_topic_config(const std::string& name, const log::config_overrides& overrides,
                                  bool validate_only);

    /// A producer id no producer was given before, in this run or an earlier one on the same
    /// data directory (InitProducerId). Ids are reserved in blocks of producer_id_block, saved
    /// in the file producer_ids.json of the data directory before any id of a block is handed
    /// out, so only one call in a block writes (and syncs) a file. KAFKA_STORAGE_ERROR if the
    /// reservation cannot be saved.
    result<int64_t> allocate_producer_id();
    static constexpr int64_t producer_id_block = 1000;

    /// Closes the store; each shard must have closed its partitions first.
    result<void> close() { return _store->close(); }

private:
    controller() = default;
    /// Builds a new table from the store and gives it to every shard (its own at once).
    void publish();

    std::unique_ptr<log::log_store> _store;
    std::vector<shard_state*> _states;
    std::shared_ptr<const topic_table> _table;
    std::string _cluster_id;
    std::filesystem::path _data_dir;
    /// The next producer id to hand out, and the end of the reserved block it belongs to.
    int64_t _next_producer_id = 0;
    int64_t _producer_id_limit = 0;
    uint64_t _version = 0;
    /// Topics whose deletion has started: their partitions are being closed.
    std::set<std::string> _deleting;
};

} // namespace spate::broker
