#pragma once

#include "base/result.h"
#include "io/file.h"
#include "log/log_config.h"
#include "log/partition.h"
#include "model/topic_id.h"
#include "model/types.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spate::log {

/// One topic: its partitions and its config overrides.
struct topic {
    std::string name;
    model::topic_id id;
    config_overrides overrides;
    log_config config; ///< broker defaults with the overrides applied
    std::vector<std::shared_ptr<partition>> partitions;
};

/// Every topic under one data directory: data_dir/topics/<topic>/topic.json holds the topic's
/// partition count and config overrides, and data_dir/topics/<topic>/<n>/ each partition.
///
/// Creating a topic writes its partitions first and topic.json last, so a crash leaves either
/// a whole topic or a leftover that the next open removes. Deleting moves the topic out of
/// topics/ in one rename and then removes its files.
///
/// Owned by one thread (the context's owner): the topic table and topic.json files. Partitions
/// may live elsewhere: `options::placement` picks each partition's context (its owner thread),
/// and the store never calls a partition from its own thread afterwards except through
/// maintain() and close(), which are for a store whose partitions all share its thread.
/// Config changes reach partitions owned elsewhere as a message posted to their owner.
class log_store {
public:
    /// Where partition `id` of `topic` lives.
    using placement_fn = std::function<partition_context(const std::string& topic, int32_t id)>;

    struct options {
        std::filesystem::path data_dir;
        log_config defaults;
        /// Empty: every partition gets the store's own context.
        placement_fn placement;
    };

    /// The most partitions one topic may have.
    static constexpr int32_t max_partitions = 100'000;

    /// Opens the data directory (creating it), locks it against other processes and recovers
    /// every topic.
    static result<std::unique_ptr<log_store>> open(options opts, partition_context ctx);
    ~log_store();

    /// TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS or INVALID_CONFIG
    /// when the request cannot be honoured; nothing is left behind then.
    result<topic*> create_topic(const std::string& name, int32_t partitions,
                                const config_overrides& overrides = {});
    result<void> delete_topic(const std::string& name);
    /// Grows a topic to `total` partitions (Kafka's CreatePartitions; never shrinks).
    result<void> set_partition_count(const std::string& name, int32_t total);
    /// Replaces the topic's overrides (Kafka's AlterConfigs) and applies them at once.
    result<void> set_topic_config(const std::string& name, const config_overrides& overrides);

    topic* find(const std::string& name);
    /// The partition, or UNKNOWN_TOPIC_OR_PARTITION.
    result<std::shared_ptr<partition>> get(const std::string& name, model::partition_id id);
    std::vector<std::string> topic_names() const;
    const log_config& defaults() const { return _opts.defaults; }
    const std::filesystem::path& data_dir() const { return _opts.data_dir; }

    /// Retention, age rolls, interval syncs and checkpoints for every partition. Only for a
    /// store whose partitions are all owned by the calling thread (no placement).
    void maintain(model::timestamp_ms now);
    /// Closes every partition cleanly (synced, indexes written, marked clean). With a placement,
    /// each owner closes its partitions first; the store then skips those already closed.
    result<void> close();

private:
    log_store(options opts, partition_context ctx) : _opts(std::move(opts)), _ctx(std::move(ctx)) {}
    std::filesystem::path topics_dir() const { return _opts.data_dir / "topics"; }
    result<void> load_topic(const std::filesystem::path& dir);
    result<void> write_metadata(const topic& t) const;
    result<std::shared_ptr<partition>> open_partition(const topic& t, int32_t id);

    options _opts;
    partition_context _ctx;
    std::optional<io::directory_lock> _lock;
    std::map<std::string, std::unique_ptr<topic>> _topics;
    bool _closed = false;
};

} // namespace spate::log
