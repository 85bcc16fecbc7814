#pragma once

#include "pgwire/types.h"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spate::pgwire {

/// One client session's access to the SQL engine. The protocol layer creates one per
/// connection (through a handler_factory) on the connection's shard and calls it only from
/// that shard's thread, one call at a time.
class session_handler {
public:
    virtual ~session_handler() = default;
    /// Splits a simple-query string into its statements (the engine's lexer knows quoting and
    /// comments) and returns each statement's text; empty statements may be left out. On a
    /// lexical error returns the error (its position relative to `sql`).
    virtual pg_result<std::vector<std::string>> split(std::string_view sql) = 0;
    /// Parses and plans one statement without running it (for Parse/Describe): its parameter
    /// types (param_hints from Parse, 0 = unspecified) and its result columns.
    virtual boost::asio::awaitable<pg_result<statement_info>>
    describe(std::string sql, std::vector<uint32_t> param_hints) = 0;
    /// Runs one statement with its parameters already decoded to cells.
    virtual boost::asio::awaitable<pg_result<query_result>> execute(std::string sql,
                                                                    std::vector<cell> params) = 0;
    /// The client asked to cancel the statement running now (a CancelRequest): stop it early
    /// if it can be. The protocol layer answers 57014 when the statement returns anyway.
    virtual void cancel() {}
};

/// Who a session is, from the StartupMessage and the socket.
struct session_info {
    std::string user;
    std::string database;
    std::string application_name;
    std::string peer;
    int32_t pid = 0; ///< the process id of its BackendKeyData (what pg_backend_pid() gives)
};

/// Makes the handler of a new session; called on the connection's shard.
using handler_factory = std::function<std::unique_ptr<session_handler>(const session_info&)>;

/// A column of a relation, for psql's \d NAME.
struct relation_column {
    std::string name;
    uint32_t type_oid = oid::text;
    std::string type_name; ///< as format_type() prints it: "bigint", "text", "numeric(10,2)"
    bool not_null = false;
};

/// A relation of the engine's catalog as psql's \d family shows it.
struct relation_info {
    std::string name;
    /// 'r' table/source, 'v' view, 'm' materialized view ('s' sink: shown as a table)
    char kind = 'r';
    std::string kind_name; ///< free text for logs; psql prints its own name for the kind
    std::vector<relation_column> columns;
};

/// Lists the engine's relations for the catalog queries psql sends (\d, \dt, \dv, \dm, \d
/// NAME). Called on the connection's shard, so it must be safe to call from any shard.
using relation_lister = std::function<std::vector<relation_info>()>;

} // namespace spate::pgwire
