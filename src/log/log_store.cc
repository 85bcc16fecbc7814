#include "log/log_store.h"

#include "io/file.h"
#include "model/topic_name.h"

#include <chrono>

#include <boost/asio/post.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace spate::log {

namespace {

constexpr const char* metadata_file = "topic.json";

std::span<const std::byte> as_bytes(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

} // namespace

result<std::unique_ptr<log_store>> log_store::open(options opts, partition_context ctx) {
    std::unique_ptr<log_store> store(new log_store(std::move(opts), std::move(ctx)));
    if (auto r = io::make_directories(store->topics_dir()); !r) return std::move(r).err();
    auto lock = io::directory_lock::acquire(store->_opts.data_dir);
    if (!lock) return std::move(lock).err();
    store->_lock.emplace(std::move(lock).value());

    // Finish deletions that a crash interrupted.
    auto trash = store->_opts.data_dir / "deleted";
    if (std::filesystem::exists(trash)) {
        if (auto r = io::remove_tree(trash); !r) return std::move(r).err();
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(store->topics_dir(), ec)) {
        if (!entry.is_directory()) continue;
        if (auto r = store->load_topic(entry.path()); !r) return std::move(r).err();
    }
    if (ec)
        return error::make(errc::kafka_storage_error, "listing {} failed: {}",
                           store->topics_dir().string(), ec.message());
    spdlog::info("log: {} topics in {}", store->_topics.size(), store->_opts.data_dir.string());
    return store;
}

log_store::~log_store() = default;

result<void> log_store::load_topic(const std::filesystem::path& dir) {
    auto name = dir.filename().string();
    auto raw = io::read_file(dir / metadata_file);
    if (!raw) {
        if (raw.err().code != errc::not_found) return std::move(raw).err();
        // topic.json is written last: without it, a creation never finished.
        spdlog::warn("log: removing {}: its creation did not finish", dir.string());
        return io::remove_tree(dir);
    }
    auto t = std::make_unique<topic>();
    t->name = name;
    int32_t count = 0;
    try {
        auto j = nlohmann::json::parse(
            std::string(reinterpret_cast<const char*>(raw->data()), raw->size()));
        count = j.at("partitions").get<int32_t>();
        if (auto id = j.find("id"); id != j.end()) {
            auto parsed = model::topic_id::parse(id->get<std::string>());
            if (!parsed) throw std::runtime_error(parsed.err().message);
            t->id = *parsed;
        }
        for (auto& [k, v] : j.at("config").items())
            t->overrides[k] = v.get<std::string>();
    } catch (const std::exception& e) {
        return error::make(errc::kafka_storage_error, "{}: cannot read topic metadata: {}",
                           (dir / metadata_file).string(), e.what());
    }
    auto config = apply_overrides(_opts.defaults, t->overrides);
    if (!config)
        return error::make(errc::invalid_config, "{}: {}", (dir / metadata_file).string(),
                           config.err().message);
    t->config = *config;
    if (t->id.is_zero()) {
        // Written by a version of spate without topic ids: give the topic one now.
        t->id = model::topic_id::random();
        if (auto r = write_metadata(*t); !r) return r;
    }
    for (int32_t i = 0; i < count; ++i) {
        auto p = open_partition(*t, i);
        if (!p) return std::move(p).err();
        t->partitions.push_back(std::move(p).value());
    }
    _topics[name] = std::move(t);
    return ok();
}

result<std::shared_ptr<partition>> log_store::open_partition(const topic& t, int32_t id) {
    return partition::open(topics_dir() / t.name / std::to_string(id),
                           t.name + "-" + std::to_string(id), t.config,
                           _opts.placement ? _opts.placement(t.name, id) : _ctx);
}

result<void> log_store::write_metadata(const topic& t) const {
    nlohmann::json j;
    j["name"] = t.name;
    j["id"] = t.id.to_string();
    j["partitions"] = t.partitions.size();
    j["config"] = nlohmann::json::object();
    for (const auto& [k, v] : t.overrides)
        j["config"][k] = v;
    return io::write_file_atomically(topics_dir() / t.name / metadata_file,
                                     as_bytes(j.dump(2) + "\n"));
}

result<topic*> log_store::create_topic(const std::string& name, int32_t partitions,
                                       const config_overrides& overrides) {
    if (auto r = model::validate_topic_name(name); !r) return std::move(r).err();
    if (_topics.contains(name))
        return error::make(errc::topic_already_exists, "topic '{}' already exists", name);
    if (partitions < 1 || partitions > max_partitions)
        return error::make(errc::invalid_partitions,
                           "topic '{}': partition count {} must be between 1 and {}", name,
                           partitions, max_partitions);
    auto config = apply_overrides(_opts.defaults, overrides);
    if (!config) return std::move(config).err();

    auto t = std::make_unique<topic>();
    t->name = name;
    t->id = model::topic_id::random();
    t->overrides = overrides;
    t->config = *config;
    auto fail = [&](error e) -> result<topic*> {
        t->partitions.clear();
        (void)io::remove_tree(topics_dir() / name);
        return e;
    };
    if (auto r = io::make_directories(topics_dir() / name); !r) return fail(std::move(r).err());
    for (int32_t i = 0; i < partitions; ++i) {
        auto p = open_partition(*t, i);
        if (!p) return fail(std::move(p).err());
        t->partitions.push_back(std::move(p).value());
    }
    if (auto r = write_metadata(*t); !r) return fail(std::move(r).err());
    spdlog::info("log: created topic {} with {} partitions", name, partitions);
    auto* raw = t.get();
    _topics[name] = std::move(t);
    return raw;
}

result<void> log_store::delete_topic(const std::string& name) {
    auto it = _topics.find(name);
    if (it == _topics.end())
        return error::make(errc::unknown_topic_or_partition, "topic '{}' does not exist", name);
    auto trash = _opts.data_dir / "deleted";
    if (auto r = io::make_directories(trash); !r) return r;
    auto target =
        trash /
        (name + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::error_code ec;
    std::filesystem::rename(topics_dir() / name, target, ec);
    if (ec)
        return error::make(errc::kafka_storage_error, "moving topic {} to {} failed: {}", name,
                           target.string(), ec.message());
    if (auto r = io::sync_directory(topics_dir()); !r) return r;
    it->second->partitions.clear();
    _topics.erase(it);
    spdlog::info("log: deleted topic {}", name);
    return io::remove_tree(target);
}

result<void> log_store::set_partition_count(const std::string& name, int32_t total) {
    auto* t = find(name);
    if (!t) return error::make(errc::unknown_topic_or_partition, "topic '{}' does not exist", name);
    auto current = static_cast<int32_t>(t->partitions.size());
    if (total <= current)
        return error::make(errc::invalid_partitions,
                           "topic '{}' has {} partitions; the new count {} must be larger", name,
                           current, total);
    if (total > max_partitions)
        return error::make(errc::invalid_partitions, "partition count {} is over the limit of {}",
                           total, max_partitions);
    for (int32_t i = current; i < total; ++i) {
        auto p = open_partition(*t, i);
        if (!p) return std::move(p).err();
        t->partitions.push_back(std::move(p).value());
    }
    return write_metadata(*t);
}

result<void> log_store::set_topic_config(const std::string& name,
                                         const config_overrides& overrides) {
    auto* t = find(name);
    if (!t) return error::make(errc::unknown_topic_or_partition, "topic '{}' does not exist", name);
    auto config = apply_overrides(_opts.defaults, overrides);
    if (!config) return std::move(config).err();
    auto previous = t->overrides;
    t->overrides = overrides;
    if (auto r = write_metadata(*t); !r) {
        t->overrides = previous;
        return r;
    }
    t->config = *config;
    for (auto& p : t->partitions)
        boost::asio::post(p->owner(), [p, c = *config] { p->set_config(c); });
    return ok();
}

topic* log_store::find(const std::string& name) {
    auto it = _topics.find(name);
    return it == _topics.end() ? nullptr : it->second.get();
}

result<std::shared_ptr<partition>> log_store::get(const std::string& name, model::partition_id id) {
    auto* t = find(name);
    if (!t || id.value() < 0 || id.value() >= static_cast<int32_t>(t->partitions.size()))
        return error::make(errc::unknown_topic_or_partition, "no partition {} in topic '{}'",
                           id.value(), name);
    return t->partitions[static_cast<size_t>(id.value())];
}

std::vector<std::string> log_store::topic_names() const {
    std::vector<std::string> out;
    for (const auto& [name, _] : _topics)
        out.push_back(name);
    return out;
}

void log_store::maintain(model::timestamp_ms now) {
    for (auto& [name, t] : _topics)
        for (auto& p : t->partitions)
            if (auto r = p->maintain(now); !r)
                spdlog::error("log: upkeep of partition {} failed: {}", p->name(), r.err().message);
}

result<void> log_store::close() {
    if (_closed) return ok();
    _closed = true;
    result<void> first = ok();
    for (auto& [name, t] : _topics)
        for (auto& p : t->partitions)
            if (p->closed())
                continue;
            else if (auto r = p->close(); !r) {
                spdlog::error("log: closing partition {} failed: {}", p->name(), r.err().message);
                if (first) first = std::move(r);
            }
    return first;
}

} // namespace spate::log
