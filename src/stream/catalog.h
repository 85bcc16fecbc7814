#pragma once

#include "base/result.h"
#include "plan/catalog_types.h"
#include "plan/dataflow.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace spate::stream {

class pipeline;

/// What kind of object a name belongs to.
enum class object_kind : uint8_t { source, view, sink };
const char* object_kind_name(object_kind k);

/// A materialized view or a sink: its definition and the pipeline that keeps it.
struct continuous_object {
    object_kind kind = object_kind::view;
    std::string name;
    std::string sql;
    plan::dataflow flow;
    plan::relation_shape shape; ///< visible output columns
    std::string topic;          ///< sinks: the topic written
    std::shared_ptr<pipeline> running;
};

/// The SQL objects of a server (sources, materialized views, sinks) and the file that keeps
/// their definitions across restarts: `<data dir>/sql/catalog.json`, the CREATE statements in
/// the order they were made, replayed at start.
///
/// Owned by the engine's home shard; the binder reads it there.
class catalog final : public plan::catalog_reader {
public:
    explicit catalog(std::filesystem::path dir) : _dir(std::move(dir)) {}

    /// Reads the saved definitions (none when the file does not exist yet).
    result<std::vector<std::pair<object_kind, std::string>>> load() const;
    /// Writes every definition, in creation order (to a temporary file, synced, then renamed).
    result<void> save() const;

    std::shared_ptr<const plan::source_def> find_source(const std::string& name) const override;
    const plan::relation_shape* find_view(const std::string& name) const override;
    std::vector<std::string> relation_names() const override;

    /// The kind of object called `name`, if any.
    std::optional<object_kind> kind_of(const std::string& name) const;
    void add_source(std::shared_ptr<const plan::source_def> s);
    void add(std::shared_ptr<continuous_object> o);
    /// Removes the object (the caller stopped its pipeline).
    void remove(const std::string& name);

    const std::map<std::string, std::shared_ptr<const plan::source_def>>& sources() const {
        return _sources;
    }
    const std::map<std::string, std::shared_ptr<continuous_object>>& objects() const {
        return _objects;
    }
    /// Views and sinks that read `source_or_view`.
    std::vector<std::string> dependents(const std::string& source_or_view) const;

private:
    std::filesystem::path _dir;
    std::map<std::string, std::shared_ptr<const plan::source_def>> _sources;
    std::map<std::string, std::shared_ptr<continuous_object>> _objects;
    std::vector<std::pair<object_kind, std::string>> _order; ///< creation order
};

} // namespace spate::stream
