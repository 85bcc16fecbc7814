#pragma once

#include "broker/broker_config.h"
#include "broker/shard_state.h"
#include "broker/topic_table.h"
#include "log/log_store.h"

#include <boost/asio/thread_pool.hpp>

#include <memory>
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

    /// TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS, INVALID_CONFIG.
    /// With `validate_only`, checks everything and changes nothing.
    result<void> create_topic(const std::string& name, int32_t partitions,
                              const log::config_overrides& overrides, bool validate_only = false);
    result<void> delete_topic(const std::string& name);
    result<void> create_partitions(const std::string& name, int32_t total, bool validate_only);
    result<void> set_topic_config(const std::string& name, const log::config_overrides& overrides,
                                  bool validate_only);

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
    uint64_t _version = 0;
};

} // namespace spate::broker
