#pragma once

namespace spate::runtime {

/// Something a server holds weakly and may close on shutdown (a connection). Implementations
/// live on one shard; close() is called only on that shard, may be called more than once and
/// never throws.
class closable {
public:
    virtual ~closable() = default;
    /// Ends the thing at once (closes its socket, wakes its waiters); idempotent.
    virtual void close() = 0;
};

} // namespace spate::runtime
