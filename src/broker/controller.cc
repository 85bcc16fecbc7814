#include "broker/controller.h"
#include "group/coordinator.h"
#include "io/file.h"
#include "model/topic_name.h"
#include "runtime/invoke.h"
#include "runtime/shard_set.h"
#include "runtime/when_all.h"

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <optional>

namespace spate::broker {

namespace asio = boost::asio;

namespace {

constexpr const char* cluster_file = "cluster.json";

/// The cluster id: made once per data directory (22 characters, like Kafka's) and kept.
result<std::string> load_cluster_id(const std::filesystem::path& data_dir) {
    auto path = data_dir / cluster_file;
    auto raw = io::read_file(path);
    if (raw) {
        try {
            auto j = nlohmann::json::parse(
                std::string(reinterpret_cast<const char*>(raw->data()), raw->size()));
            return j.at("cluster_id").get<std::string>();
        } catch (const std::exception& e) {
            return error::make(errc::kafka_storage_error, "{}: cannot read the cluster id: {}",
                               path.string(), e.what());
        }
    }
    if (raw.err().code != errc::not_found) return std::move(raw).err();
    nlohmann::json j;
    j["cluster_id"] = model::topic_id::random().to_string();
    auto text = j.dump(2) + "\n";
    if (auto r = io::write_file_atomically(
            path, {reinterpret_cast<const std::byte*>(text.data()), text.size()});
        !r)
        return std::move(r).err();
    return j["cluster_id"].get<std::string>();
}

constexpr const char* producer_ids_file = "producer_ids.json";

/// Where the next block of producer ids starts: every id below it may have been handed out.
result<int64_t> load_producer_id_block(const std::filesystem::path& data_dir) {
    auto path = data_dir / producer_ids_file;
    auto raw = io::read_file(path);
    if (!raw) {
        if (raw.err().code == errc::not_found) return int64_t{0};
        return std::move(raw).err();
    }
    try {
        auto j = nlohmann::json::parse(
            std::string(reinterpret_cast<const char*>(raw->data()), raw->size()));
        auto next = j.at("next_block").get<int64_t>();
        if (next < 0) throw std::out_of_range("negative next_block");
        return next;
    } catch (const std::exception& e) {
        return error::make(errc::kafka_storage_error, "{}: cannot read the producer id block: {}",
                           path.string(), e.what());
    }
}

result<void> save_producer_id_block(const std::filesystem::path& data_dir, int64_t next) {
    nlohmann::json j;
    j["next_block"] = next;
    auto text = j.dump(2) + "\n";
    return io::write_file_atomically(
        data_dir / producer_ids_file,
        {reinterpret_cast<const std::byte*>(text.data()), text.size()});
}

} // namespace

result<std::unique_ptr<controller>> controller::open(const broker_config& config,
                                                     runtime::shard_set& shards,
                                                     boost::asio::thread_pool& blocking,
                                                     std::vector<shard_state*> states) {
    std::unique_ptr<controller> c(new controller());
    c->_states = std::move(states);
    auto n = shards.size();
    log::log_store::options opts;
    opts.data_dir = config.data_dir;
    opts.defaults = config.log_defaults;
    // Partitions of one topic spread over the shards, starting at a shard picked by the name.
    opts.placement = [&shards, &blocking, n](const std::string& topic, int32_t id) {
        auto shard = static_cast<unsigned>((std::hash<std::string>{}(topic) + id) % n);
        return log::partition_context{shards.executor(shard), &blocking};
    };
    auto store = log::log_store::open(std::move(opts), {shards.executor(0), &blocking});
    if (!store) return std::move(store).err();
    c->_store = std::move(store).value();
    auto id = load_cluster_id(config.data_dir);
    if (!id) return std::move(id).err();
    c->_cluster_id = std::move(id).value();
    auto block = load_producer_id_block(config.data_dir);
    if (!block) return std::move(block).err();
    c->_data_dir = config.data_dir;
    c->_next_producer_id = c->_producer_id_limit = *block;
    c->publish();
    return c;
}

void controller::publish() {
    auto table = std::make_shared<topic_table>();
    table->version = ++_version;
    auto n = _states.size();
    for (const auto& name : _store->topic_names()) {
        auto* t = _store->find(name);
        auto e = std::make_shared<topic_entry>();
        e->name = t->name;
        e->id = t->id;
        e->overrides = t->overrides;
        e->config = t->config;
        for (const auto& p : t->partitions) {
            // The shard is the one whose executor the placement gave the partition.
            unsigned shard = 0;
            for (unsigned s = 0; s < n; ++s)
                if (_states[s]->executor() == p->owner()) shard = s;
            e->partitions.push_back({shard, p});
        }
        table->by_id[e->id.to_string()] = e;
        table->by_name[e->name] = std::move(e);
    }
    _table = table;
    for (auto* s : _states) {
        if (s->id() == shard())
            s->set_topics(table);
        else
            boost::asio::post(s->executor(), [s, table] { s->set_topics(table); });
    }
}

result<void> controller::check_new_topic_name(const std::string& name) const {
    if (auto r = model::validate_topic_name(name); !r) return r;
    if (_store->find(name))
        return error::make(errc::topic_already_exists, "Topic '{}' already exists.", name);
    // Kafka's collision rule: '.' and '_' both become '_' in metric names.
    auto unified = [](std::string n) {
        std::replace(n.begin(), n.end(), '.', '_');
        return n;
    };
    if (name.find_first_of("._") != std::string::npos) {
        auto mine = unified(name);
        for (const auto& other : _store->topic_names())
            if (unified(other) == mine)
                return error::make(errc::invalid_topic_exception,
                                   "Topic '{}' collides with existing topic: {}", name, other);
    }
    return ok();
}

result<void> controller::create_topic(const std::string& name, int32_t partitions,
                                      const log::config_overrides& overrides, bool validate_only) {
    if (auto r = check_new_topic_name(name); !r) return r;
    if (partitions < 1 || partitions > log::log_store::max_partitions)
        return error::make(errc::invalid_partitions,
                           "topic '{}': partition count {} must be between 1 and {}", name,
                           partitions, log::log_store::max_partitions);
    if (validate_only) {
        auto config = log::apply_overrides(_store->defaults(), overrides);
        if (!config) return std::move(config).err();
        return ok();
    }
    auto t = _store->create_topic(name, partitions, overrides);
    if (!t) return std::move(t).err();
    publish();
    return ok();
}

asio::awaitable<result<controller::topic_key>> controller::delete_topic(topic_key key) {
    const topic_entry* found = key.name.empty() ? _table->find(key.id) : _table->find(key.name);
    if (!found || _deleting.contains(found->name)) {
        if (key.name.empty())
            co_return error::make(errc::unknown_topic_id, "no topic has id {}", key.id.to_string());
        co_return error::make(errc::unknown_topic_or_partition, "topic '{}' does not exist",
                              key.name);
    }
    if (found->name == group::offsets_topic)
        co_return error::make(errc::invalid_topic_exception,
                              "topic '{}' is internal: it holds the consumer groups' offsets",
                              found->name);
    // The entry keeps the partitions alive while their shards close them.
    std::shared_ptr<const topic_entry> t = _table->by_name.at(found->name);
    _deleting.insert(t->name);
    std::vector<asio::awaitable<std::optional<error>>> closes;
    for (const auto& p : t->partitions)
        closes.push_back(runtime::invoke_on(_states[p.shard]->executor(),
                                            [log = p.log]() -> std::optional<error> {
                                                if (auto r = log->close(); !r) return r.err();
                                                return std::nullopt;
                                            }));
    auto all = runtime::when_all(std::move(closes));
    auto closed = co_await std::move(all);
    for (const auto& failure : closed)
        if (failure)
            spdlog::warn("deleting topic {}: closing a partition failed (deleting it anyway): {}",
                         t->name, failure->to_string());
    _deleting.erase(t->name);
    if (auto r = _store->delete_topic(t->name); !r) {
        spdlog::error("deleting topic {} failed; its partitions stay closed until a restart: {}",
                      t->name, r.err().to_string());
        co_return std::move(r).err();
    }
    publish();
    // Like Kafka's coordinator, forget the offsets committed on the deleted partitions, so that
    // a topic created later under the same name starts from nothing.
    for (auto* s : _states)
        boost::asio::post(s->executor(),
                          [s, name = t->name] { s->coordinator().forget_topic(name); });
    co_return topic_key{t->name, t->id};
}

result<void> controller::create_partitions(const std::string& name, int32_t total,
                                           bool validate_only) {
    auto* t = _store->find(name);
    if (!t || _deleting.contains(name))
        return error::make(errc::unknown_topic_or_partition, "topic '{}' does not exist", name);
    if (name == group::offsets_topic)
        return error::make(errc::invalid_partitions,
                           "topic '{}' is internal: its partition count is fixed", name);
    auto current = static_cast<int32_t>(t->partitions.size());
    if (total == current)
        return error::make(errc::invalid_partitions, "Topic already has {} partition(s).", current);
    if (total < current)
        return error::make(errc::invalid_partitions,
                           "The topic {} currently has {} partition(s); {} would not be an "
                           "increase.",
                           name, current, total);
    if (total > log::log_store::max_partitions)
        return error::make(errc::invalid_partitions, "partition count {} is over the limit of {}",
                           total, log::log_store::max_partitions);
    if (validate_only) return ok();
    if (auto r = _store->set_partition_count(name, total); !r) return r;
    publish();
    return ok();
}

result<void> controller::set_topic_config(const std::string& name,
                                          const log::config_overrides& overrides,
                                          bool validate_only) {
    if (!_store->find(name) || _deleting.contains(name))
        return error::make(errc::unknown_topic_or_partition, "The topic '{}' does not exist.",
                           name);
    if (validate_only) {
        auto config = log::apply_overrides(_store->defaults(), overrides);
        if (!config) return std::move(config).err();
        return ok();
    }
    if (auto r = _store->set_topic_config(name, overrides); !r) return r;
    publish();
    return ok();
}

result<int64_t> controller::allocate_producer_id() {
    if (_next_producer_id == _producer_id_limit) {
        int64_t limit = _producer_id_limit + producer_id_block;
        if (auto r = save_producer_id_block(_data_dir, limit); !r)
            return error::make(errc::kafka_storage_error,
                               "cannot reserve producer ids {} to {}: {}", _producer_id_limit,
                               limit - 1, r.err().message);
        _producer_id_limit = limit;
    }
    return _next_producer_id++;
}

} // namespace spate::broker
