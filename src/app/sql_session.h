#pragma once

#include "pgwire/session_handler.h"

#include <memory>
#include <mutex>
#include <vector>

namespace spate::broker {
class kafka_broker;
}
namespace spate::stream {
class engine;
}

namespace spate::app {

/// The relations psql's \d commands list, copied out of the engine's catalog after every
/// statement so that any shard can read them. Thread-safe.
class relation_directory {
public:
    void set(std::vector<pgwire::relation_info> r) {
        std::lock_guard lock(_mutex);
        _relations = std::move(r);
    }
    std::vector<pgwire::relation_info> get() const {
        std::lock_guard lock(_mutex);
        return _relations;
    }

private:
    mutable std::mutex _mutex;
    std::vector<pgwire::relation_info> _relations;
};

/// Makes the Postgres protocol's session handlers: each runs its client's statements on the
/// engine's home shard and turns results and errors into protocol values.
pgwire::handler_factory sql_session_factory(broker::kafka_broker& broker, stream::engine& engine,
                                            relation_directory& relations);

/// Refreshes `relations` from the engine; on the engine's home shard.
void publish_relations(stream::engine& engine, relation_directory& relations);

} // namespace spate::app
