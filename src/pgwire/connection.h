#pragma once

#include "pgwire/session_handler.h"
#include "pgwire/session_statements.h"
#include "pgwire/wire.h"
#include "runtime/closable.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace spate::pgwire {

class server;

/// One client's Postgres protocol v3 session: the startup handshake, then simple and extended
/// queries, one message at a time, in one coroutine. Prepared statements and portals live here;
/// statements go to the session's session_handler (created by the server's factory), except
/// the session statements (session_statements.h) and psql's catalog queries (psql_catalog.h).
/// A protocol violation (malformed or oversized message, unknown message type) is answered
/// with FATAL 08P01 and closes this connection only.
///
/// Owned by its shard: created, run and closed on that shard's thread. A CancelRequest from
/// another connection reaches it by a post to that shard (cancel_registry).
class connection : public runtime::closable, public std::enable_shared_from_this<connection> {
public:
    connection(server& srv, boost::asio::ip::tcp::socket socket);
    ~connection();

    /// Starts the session's coroutine; the connection keeps itself alive until it ends.
    void start();
    /// Closes the socket; the coroutine ends at its next read or write, and a statement being
    /// executed finishes with its result dropped.
    void close() override;

private:
    struct prepared {
        std::string query;
        statement_info info;
    };
    struct portal {
        std::string query;
        statement_info info;
        std::vector<cell> params;
        std::vector<int16_t> result_formats;
        bool executed = false;
        query_result result;
        size_t next_row = 0;
    };

    boost::asio::awaitable<void> run();
    /// Reads the startup packets and answers them; false when the connection must end.
    boost::asio::awaitable<bool> startup();
    /// Reads one typed message into _type/_body; false on EOF, error or violation (after
    /// answering the violation).
    boost::asio::awaitable<bool> read_message();
    /// Reads exactly `n` bytes into `out` (grown as they arrive).
    boost::asio::awaitable<bool> read_exact(std::string& out, size_t n);
    boost::asio::awaitable<bool> flush();
    /// Handles the message in _type/_body; false when the connection must end.
    boost::asio::awaitable<bool> dispatch();

    boost::asio::awaitable<void> simple_query(std::string sql);
    boost::asio::awaitable<void> parse_message();
    void bind_message();
    void describe_message();
    boost::asio::awaitable<void> execute_message();
    void close_message();

    /// Runs one statement: session statements and catalog queries here, the rest on the
    /// handler.
    boost::asio::awaitable<pg_result<query_result>> run_statement(std::string sql,
                                                                  std::vector<cell> params);
    /// The plain part of run_statement(): nullopt when the statement goes to the handler.
    std::optional<pg_result<query_result>> run_here(const std::string& sql);
    /// The plain part of Parse: nullopt when the handler must describe the statement.
    std::optional<pg_result<statement_info>> describe_here(const std::string& sql);
    /// Sends a statement's result in the simple protocol (text format).
    void send_result(const query_result& r);
    void send_error(const pg_error& e);
    /// Sends FATAL 08P01 (or `sqlstate`) and marks the connection to close.
    void fatal(std::string message, std::string sqlstate = "08P01");
    std::vector<std::pair<std::string, std::string>> parse_options(std::string_view options);

    server& _server;
    boost::asio::ip::tcp::socket _socket;
    boost::asio::steady_timer _startup_timer;
    std::string _peer;
    session_info _who;
    std::optional<session_state> _session;
    std::unique_ptr<session_handler> _handler;
    std::map<std::string, prepared> _statements;
    std::map<std::string, portal> _portals;
    message_writer _out;
    char _type = 0;
    std::string _body;
    bool _ignore_until_sync = false;
    bool _closed = false;
    bool _closing = false; ///< a FATAL error was queued: flush it, then close
    std::vector<std::pair<std::string, std::string>> _startup_settings;
    bool _busy = false;
    bool _cancel_requested = false;
    int32_t _pid = 0;
};

} // namespace spate::pgwire
