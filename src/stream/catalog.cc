#include "stream/catalog.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace spate::stream {

const char* object_kind_name(object_kind k) {
    switch (k) {
    case object_kind::source: return "source";
    case object_kind::view: return "materialized view";
    case object_kind::sink: return "sink";
    }
    return "object";
}

namespace {
std::filesystem::path file_of(const std::filesystem::path& dir) {
    return dir / "catalog.json";
}
} // namespace

result<std::vector<std::pair<object_kind, std::string>>> catalog::load() const {
    std::vector<std::pair<object_kind, std::string>> out;
    std::ifstream in(file_of(_dir));
    if (!in) return out;
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("objects") || !j["objects"].is_array())
        return error::make(errc::kafka_storage_error, "{}: not a spate catalog file",
                           file_of(_dir).string());
    for (const auto& o : j["objects"]) {
        if (!o.is_object() || !o.contains("kind") || !o.contains("sql"))
            return error::make(errc::kafka_storage_error, "{}: malformed entry {}",
                               file_of(_dir).string(), o.dump());
        std::string k = o["kind"].get<std::string>();
        object_kind kind = k == "source" ? object_kind::source
                           : k == "sink" ? object_kind::sink
                                         : object_kind::view;
        out.emplace_back(kind, o["sql"].get<std::string>());
    }
    return out;
}

result<void> catalog::save() const {
    std::error_code ec;
    std::filesystem::create_directories(_dir, ec);
    if (ec)
        return error::make(errc::kafka_storage_error, "cannot create {}: {}", _dir.string(),
                           ec.message());
    nlohmann::json objects = nlohmann::json::array();
    for (const auto& [kind, name] : _order) {
        nlohmann::json o;
        o["kind"] = kind == object_kind::source ? "source"
                    : kind == object_kind::sink ? "sink"
                                                : "view";
        o["name"] = name;
        if (kind == object_kind::source) {
            o["sql"] = _sources.at(name)->sql;
        } else {
            o["sql"] = _objects.at(name)->sql;
        }
        objects.push_back(std::move(o));
    }
    nlohmann::json doc;
    doc["version"] = 1;
    doc["objects"] = std::move(objects);
    std::string text = doc.dump(2) + "\n";
    auto tmp = _dir / "catalog.json.tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return error::make(errc::kafka_storage_error, "cannot write {}", tmp.string());
    bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || std::rename(tmp.c_str(), file_of(_dir).c_str()) != 0)
        return error::make(errc::kafka_storage_error, "cannot write {}", file_of(_dir).string());
    int dfd = ::open(_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
    return spate::ok();
}

std::shared_ptr<const plan::source_def> catalog::find_source(const std::string& name) const {
    auto it = _sources.find(name);
    return it == _sources.end() ? nullptr : it->second;
}

const plan::relation_shape* catalog::find_view(const std::string& name) const {
    auto it = _objects.find(name);
    if (it == _objects.end() || it->second->kind != object_kind::view) return nullptr;
    return &it->second->shape;
}

std::vector<std::string> catalog::relation_names() const {
    std::vector<std::string> names;
    for (const auto& [n, _] : _sources)
        names.push_back(n);
    for (const auto& [n, o] : _objects)
        if (o->kind == object_kind::view) names.push_back(n);
    return names;
}

std::optional<object_kind> catalog::kind_of(const std::string& name) const {
    if (_sources.count(name)) return object_kind::source;
    if (auto it = _objects.find(name); it != _objects.end()) return it->second->kind;
    return std::nullopt;
}

void catalog::add_source(std::shared_ptr<const plan::source_def> s) {
    _order.emplace_back(object_kind::source, s->name);
    _sources[s->name] = std::move(s);
}

void catalog::add(std::shared_ptr<continuous_object> o) {
    _order.emplace_back(o->kind, o->name);
    _objects[o->name] = std::move(o);
}

void catalog::remove(const std::string& name) {
    _sources.erase(name);
    _objects.erase(name);
    std::erase_if(_order, [&](const auto& e) { return e.second == name; });
}

std::vector<std::string> catalog::dependents(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [n, o] : _objects) {
        const auto& f = o->flow;
        if (std::find(f.relations.begin(), f.relations.end(), name) != f.relations.end())
            out.push_back(n);
    }
    return out;
}

} // namespace spate::stream
