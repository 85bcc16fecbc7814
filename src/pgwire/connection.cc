#include "pgwire/connection.h"

#include "base/endian.h"
#include "pgwire/cancel_registry.h"
#include "pgwire/psql_catalog.h"
#include "pgwire/server.h"
#include "pgwire/value_codec.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace spate::pgwire {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto as_awaitable = asio::as_tuple(asio::use_awaitable);
/// Bodies are read in pieces of at most this much, so a client that announces a large message
/// and sends little holds only what it sent.
constexpr size_t read_chunk = 256 * 1024;
/// Output is written out once this much is buffered, so a large result streams.
constexpr size_t flush_threshold = 64 * 1024;
/// A client must finish its startup within this time (Postgres' authentication_timeout).
constexpr auto startup_timeout = std::chrono::seconds(60);

std::string describe_peer(const tcp::socket& s) {
    boost::system::error_code ec;
    auto ep = s.remote_endpoint(ec);
    if (ec) return "unknown peer";
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

bool blank(std::string_view sql) {
    // Whitespace, comments and semicolons only.
    size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (std::isspace(static_cast<unsigned char>(c)) || c == ';') {
            ++i;
        } else if (sql.substr(i, 2) == "--") {
            while (i < sql.size() && sql[i] != '\n')
                ++i;
        } else if (sql.substr(i, 2) == "/*") {
            auto end = sql.find("*/", i + 2);
            if (end == std::string_view::npos) return false;
            i = end + 2;
        } else {
            return false;
        }
    }
    return true;
}

pg_error canceled() {
    return pg_error{"57014", "canceling statement due to user request"};
}

/// The tag of a SELECT-like result after sending `sent` rows in one Execute.
std::string tag_for(const std::string& tag, size_t sent, bool all_at_once) {
    if (all_at_once || tag.rfind("SELECT", 0) != 0) return tag;
    return fmt::format("SELECT {}", sent);
}

} // namespace

connection::connection(server& srv, tcp::socket socket)
    : _server(srv), _socket(std::move(socket)), _startup_timer(_socket.get_executor()),
      _peer(describe_peer(_socket)) {
    boost::system::error_code ec;
    _socket.set_option(tcp::no_delay(true), ec);
    _who.peer = _peer;
}

connection::~connection() {
    if (_pid != 0) cancel_registry::instance().remove(_pid);
}

void connection::start() {
    spdlog::debug("pgwire: connection from {}", _peer);
    auto self = shared_from_this();
    // An exception (a bug in a handler, say) ends this session only: logged, socket closed.
    asio::co_spawn(
        _socket.get_executor(), [self]() { return self->run(); },
        [self](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                spdlog::error("pgwire: session from {} failed: {}", self->_peer, ex.what());
            } catch (...) {
                spdlog::error("pgwire: session from {} failed", self->_peer);
            }
            self->close();
        });
}

void connection::close() {
    if (_closed) return;
    _closed = true;
    boost::system::error_code ec;
    _startup_timer.cancel();
    _socket.shutdown(tcp::socket::shutdown_both, ec);
    _socket.close(ec);
}

asio::awaitable<bool> connection::read_exact(std::string& out, size_t n) {
    out.clear();
    out.reserve(std::min(n, read_chunk));
    while (out.size() < n) {
        auto have = out.size();
        auto want = std::min(n - have, read_chunk);
        out.resize(have + want);
        auto [ec, got] =
            co_await asio::async_read(_socket, asio::buffer(out.data() + have, want), as_awaitable);
        if (ec) {
            out.resize(have + got);
            co_return false;
        }
    }
    co_return true;
}

asio::awaitable<bool> connection::flush() {
    if (_out.size() == 0 || _closed) co_return !_closed;
    auto [ec, n] = co_await asio::async_write(_socket, asio::buffer(_out.data()), as_awaitable);
    _out.clear();
    if (ec) {
        close();
        co_return false;
    }
    co_return true;
}

void connection::fatal(std::string message, std::string sqlstate) {
    pg_error e{std::move(sqlstate), std::move(message)};
    e.severity = "FATAL";
    write_error(_out, e);
    spdlog::info("pgwire: closing connection from {}: {}", _peer, e.message);
    _closing = true; // the caller flushes, then the socket closes
}

std::vector<std::pair<std::string, std::string>> connection::parse_options(std::string_view opts) {
    // "-c name=value --name=value", backslash escaping a space.
    std::vector<std::string> words;
    std::string cur;
    for (size_t i = 0; i < opts.size(); ++i) {
        if (opts[i] == '\\' && i + 1 < opts.size()) {
            cur += opts[++i];
        } else if (std::isspace(static_cast<unsigned char>(opts[i]))) {
            if (!cur.empty()) words.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += opts[i];
        }
    }
    if (!cur.empty()) words.push_back(std::move(cur));
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t i = 0; i < words.size(); ++i) {
        std::string_view w = words[i];
        if (w == "-c" && i + 1 < words.size())
            w = words[++i];
        else if (w.rfind("-c", 0) == 0)
            w.remove_prefix(2);
        else if (w.rfind("--", 0) == 0)
            w.remove_prefix(2);
        else
            continue;
        auto eq = w.find('=');
        if (eq == std::string_view::npos) continue;
        std::string name(w.substr(0, eq));
        for (auto& c : name)
            if (c == '-') c = '_';
        out.emplace_back(std::move(name), std::string(w.substr(eq + 1)));
    }
    return out;
}

asio::awaitable<bool> connection::startup() {
    while (true) {
        std::string len_bytes;
        if (!co_await read_exact(len_bytes, 4)) co_return false;
        auto len = load_be<uint32_t>(reinterpret_cast<const std::byte*>(len_bytes.data()));
        if (len < 8 || len > max_startup_bytes) {
            fatal(fmt::format("invalid length of startup packet: {} (the limit is {} bytes)", len,
                              max_startup_bytes));
            co_return false;
        }
        if (!co_await read_exact(_body, len - 4)) co_return false;
        auto parsed = parse_startup(_body);
        if (auto* why = std::get_if<std::string>(&parsed)) {
            fatal("invalid startup packet: " + *why);
            co_return false;
        }
        auto& p = std::get<startup_packet>(parsed);
        using kind = startup_packet::kind;
        if (p.what == kind::ssl || p.what == kind::gss) {
            // No TLS or GSSAPI encryption: the client goes on in plain text.
            _out.bytes("N");
            if (!co_await flush()) co_return false;
            continue;
        }
        if (p.what == kind::cancel) {
            bool found = cancel_registry::instance().cancel(p.cancel_pid, p.cancel_secret);
            spdlog::debug("pgwire: cancel request for session {} from {}: {}", p.cancel_pid, _peer,
                          found ? "sent" : "no such session");
            co_return false; // Postgres answers a cancel request by closing the connection
        }
        const int major = p.version >> 16, minor = p.version & 0xffff;
        if (major != 3) {
            fatal(fmt::format("unsupported frontend protocol {}.{}: server supports 3.0 to 3.0",
                              major, minor),
                  "0A000");
            co_return false;
        }
        if (minor != 0) {
            // A newer 3.x client is told to speak 3.0 (NegotiateProtocolVersion).
            _out.begin('v');
            _out.i32(protocol_v3);
            _out.i32(0);
            _out.end();
        }
        auto& settings = _startup_settings;
        for (auto& [name, value] : p.params) {
            if (name == "user")
                _who.user = value;
            else if (name == "database")
                _who.database = value;
            else if (name == "application_name")
                _who.application_name = value;
            else if (name == "options") {
                auto more = parse_options(value);
                settings.insert(settings.end(), more.begin(), more.end());
                continue;
            }
            settings.emplace_back(name, value);
        }
        if (_who.user.empty()) {
            fatal("no PostgreSQL user name specified in startup packet", "28000");
            co_return false;
        }
        if (_who.database.empty()) _who.database = _who.user;
        co_return true;
    }
}

asio::awaitable<bool> connection::read_message() {
    std::string header;
    if (!co_await read_exact(header, 5)) co_return false;
    _type = header[0];
    auto len = load_be<uint32_t>(reinterpret_cast<const std::byte*>(header.data() + 1));
    if (len < 4 || len > max_message_bytes) {
        fatal(fmt::format("invalid message length {} for message type '{}' (the limit is 64 MiB)",
                          len, std::isprint(static_cast<unsigned char>(_type)) ? _type : '?'));
        co_return false;
    }
    if (!co_await read_exact(_body, len - 4)) co_return false;
    co_return true;
}

asio::awaitable<void> connection::run() {
    auto self = shared_from_this();
    _startup_timer.expires_after(startup_timeout);
    _startup_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        if (ec) return;
        if (auto c = weak.lock()) c->close();
    });
    bool started = co_await startup();
    _startup_timer.cancel();
    if (!started) {
        co_await flush();
        close();
        co_return;
    }
    // Session setup, in a plain block: the handler, the settings, the cancel key.
    auto key = cancel_registry::instance().add(_socket.get_executor(), [weak = weak_from_this()] {
        auto c = weak.lock();
        if (!c || !c->_busy) return;
        c->_cancel_requested = true;
        if (c->_handler) c->_handler->cancel();
    });
    _pid = key.first;
    _who.pid = key.first;
    _handler = _server.factory()(_who);
    if (!_handler) {
        fatal("the SQL engine could not open a session", "53300");
        co_await flush();
        close();
        co_return;
    }
    _session.emplace(_who, _startup_settings);
    write_auth_ok(_out);
    for (const auto& [name, value] : _session->reported())
        write_parameter_status(_out, name, value);
    write_backend_key_data(_out, key.first, key.second);
    write_ready_for_query(_out, _session->tx_status());
    if (!co_await flush()) co_return;

    while (!_closed) {
        if (!co_await read_message()) break;
        if (!co_await dispatch()) break;
        if (_closing) break;
    }
    co_await flush();
    close();
}

asio::awaitable<bool> connection::dispatch() {
    const char type = _type;
    if (type == 'X') co_return false; // Terminate
    if (_ignore_until_sync && type != 'S') co_return true;
    switch (type) {
    case 'Q': {
        auto nul = _body.find('\0');
        if (nul == std::string::npos || nul + 1 != _body.size()) {
            fatal("invalid Query message: the query is not one NUL-terminated string");
            co_return false;
        }
        _body.resize(nul);
        auto op = simple_query(std::move(_body));
        co_await std::move(op);
        write_ready_for_query(_out, _session->tx_status());
        _busy = false;
        _cancel_requested = false;
        co_return co_await flush();
    }
    case 'P': co_await parse_message(); break;
    case 'B': bind_message(); break;
    case 'D': describe_message(); break;
    case 'E': co_await execute_message(); break;
    case 'C': close_message(); break;
    case 'H': co_return co_await flush();
    case 'S':
        _ignore_until_sync = false;
        // Outside a transaction block, Sync ends the implicit transaction and its portals.
        if (_session->tx_status() == 'I') _portals.clear();
        write_ready_for_query(_out, _session->tx_status());
        _busy = false;
        _cancel_requested = false;
        co_return co_await flush();
    case 'd':
    case 'c':
    case 'f': break; // COPY messages outside COPY are ignored, as Postgres does
    case 'F': send_error(pg_error{"0A000", "the function call protocol is not supported"}); break;
    default:
        fatal(fmt::format("invalid frontend message type {}",
                          static_cast<int>(static_cast<unsigned char>(type))));
        co_return false;
    }
    if (_closed || _closing) co_return false;
    if (_out.size() >= flush_threshold) co_return co_await flush();
    co_return true;
}

void connection::send_error(const pg_error& e) {
    write_error(_out, e);
    _session->on_error();
    // In the extended protocol everything up to Sync is skipped after an error.
    if (_type != 'Q') _ignore_until_sync = true;
}

void connection::send_result(const query_result& r) {
    for (const auto& n : r.notices)
        write_notice(_out, n);
    if (r.returns_rows()) {
        write_row_description(_out, r.columns, {});
        for (const auto& row : r.rows)
            write_data_row(_out, row, r.columns, {});
    }
    write_command_complete(_out, r.command_tag);
}

asio::awaitable<void> connection::simple_query(std::string sql) {
    _busy = true;
    if (blank(sql)) {
        write_empty_query(_out);
        co_return;
    }
    auto split = _handler->split(sql);
    if (auto* e = std::get_if<pg_error>(&split)) {
        send_error(*e);
        co_return;
    }
    auto statements = std::get<std::vector<std::string>>(std::move(split));
    if (statements.empty()) write_empty_query(_out);
    for (auto& stmt : statements) {
        if (blank(stmt)) continue;
        auto op = run_statement(std::move(stmt), {});
        auto r = co_await std::move(op);
        if (_closed) co_return;
        if (auto* e = std::get_if<pg_error>(&r)) {
            send_error(*e);
            co_return;
        }
        send_result(std::get<query_result>(r));
        if (_out.size() >= flush_threshold) {
            // Not in a && (GCC 12 and co_await in short-circuit conditions).
            bool flushed = co_await flush();
            if (!flushed) co_return;
        }
    }
}

std::optional<pg_result<query_result>> connection::run_here(const std::string& sql) {
    if (auto refused = _session->refuse_in_failed_block(sql)) return *refused;
    if (auto outcome = _session->try_run(sql)) {
        for (const auto& [name, value] : outcome->changed)
            write_parameter_status(_out, name, value);
        switch (outcome->what) {
        case session_outcome::action::none: break;
        case session_outcome::action::deallocate:
            if (_statements.erase(outcome->target) == 0)
                return pg_error{"26000", fmt::format("prepared statement \"{}\" does not exist",
                                                     outcome->target)};
            break;
        case session_outcome::action::deallocate_all: _statements.clear(); break;
        case session_outcome::action::discard_all:
            _statements.clear();
            _portals.clear();
            break;
        }
        return std::move(outcome->result);
    }
    if (mentions_catalog(sql) && _server.relations()) {
        if (auto answer = answer_psql_catalog(sql, _server.relations()()))
            return std::move(*answer);
    }
    return std::nullopt;
}

asio::awaitable<pg_result<query_result>> connection::run_statement(std::string sql,
                                                                   std::vector<cell> params) {
    if (auto here = run_here(sql)) co_return std::move(*here);
    auto op = _handler->execute(std::move(sql), std::move(params));
    auto r = co_await std::move(op);
    if (_cancel_requested) {
        _cancel_requested = false;
        co_return canceled();
    }
    co_return r;
}

std::optional<pg_result<statement_info>> connection::describe_here(const std::string& sql) {
    statement_info info;
    if (blank(sql)) return info;
    auto kw = leading_keywords(sql, 1);
    if (!kw.empty() && kw[0] == "SHOW") {
        // SHOW has no side effects: run it for its columns.
        session_state copy = *_session;
        if (auto outcome = copy.try_run(sql)) {
            if (auto* r = std::get_if<query_result>(&outcome->result)) {
                info.columns = r->columns;
                info.returns_rows = true;
            }
            return info;
        }
    }
    if (_session->refuse_in_failed_block(sql)) return info; // reported at Execute
    static constexpr std::string_view session_words[] = {
        "SET",      "RESET", "BEGIN",   "START",      "COMMIT",    "END",
        "ROLLBACK", "ABORT", "DISCARD", "DEALLOCATE", "SAVEPOINT", "RELEASE"};
    if (!kw.empty() && std::find(std::begin(session_words), std::end(session_words), kw[0]) !=
                           std::end(session_words))
        return info;
    if (mentions_catalog(sql) && _server.relations()) {
        if (auto answer = answer_psql_catalog(sql, _server.relations()())) {
            info.columns = answer->columns;
            info.returns_rows = !info.columns.empty();
            return info;
        }
    }
    return std::nullopt;
}

asio::awaitable<void> connection::parse_message() {
    auto m = parse_parse(_body);
    if (!m) {
        fatal("invalid Parse message");
        co_return;
    }
    if (!m->name.empty() && _statements.count(m->name)) {
        send_error(
            pg_error{"42P05", fmt::format("prepared statement \"{}\" already exists", m->name)});
        co_return;
    }
    _busy = true;
    prepared p;
    p.query = m->query;
    if (auto here = describe_here(m->query)) {
        if (auto* e = std::get_if<pg_error>(&*here)) {
            send_error(*e);
            co_return;
        }
        p.info = std::get<statement_info>(std::move(*here));
    } else {
        auto op = _handler->describe(m->query, m->param_oids);
        auto r = co_await std::move(op);
        if (_closed) co_return;
        if (auto* e = std::get_if<pg_error>(&r)) {
            send_error(*e);
            co_return;
        }
        p.info = std::get<statement_info>(std::move(r));
    }
    // Types the client named win over what the engine inferred.
    if (p.info.param_oids.size() < m->param_oids.size())
        p.info.param_oids.resize(m->param_oids.size(), 0);
    for (size_t i = 0; i < m->param_oids.size(); ++i)
        if (m->param_oids[i] != 0) p.info.param_oids[i] = m->param_oids[i];
    for (auto& o : p.info.param_oids)
        if (o == 0) o = oid::unknown;
    _statements[m->name] = std::move(p);
    write_empty(_out, '1');
}

void connection::bind_message() {
    auto m = parse_bind(_body);
    if (!m) {
        fatal("invalid Bind message");
        return;
    }
    auto st = _statements.find(m->statement);
    if (st == _statements.end()) {
        send_error(pg_error{"26000",
                            fmt::format("prepared statement \"{}\" does not exist", m->statement)});
        return;
    }
    const auto& info = st->second.info;
    if (m->params.size() != info.param_oids.size()) {
        send_error(
            pg_error{"08P01", fmt::format("bind message supplies {} parameters, but "
                                          "prepared statement \"{}\" requires {}",
                                          m->params.size(), m->statement, info.param_oids.size())});
        return;
    }
    if (m->param_formats.size() > 1 && m->param_formats.size() != m->params.size()) {
        send_error(pg_error{"08P01", fmt::format("bind message has {} parameter formats but {} "
                                                 "parameters",
                                                 m->param_formats.size(), m->params.size())});
        return;
    }
    if (m->result_formats.size() > 1 && m->result_formats.size() != info.columns.size()) {
        send_error(pg_error{"08P01", fmt::format("bind message has {} result formats but query "
                                                 "has {} columns",
                                                 m->result_formats.size(), info.columns.size())});
        return;
    }
    for (auto f : m->result_formats)
        if (f != 0 && f != 1) {
            send_error(pg_error{"22023", fmt::format("unsupported format code: {}", f)});
            return;
        }
    if (!m->portal.empty() && _portals.count(m->portal)) {
        send_error(pg_error{"42P03", fmt::format("cursor \"{}\" already exists", m->portal)});
        return;
    }
    portal p;
    p.query = st->second.query;
    p.info = info;
    p.result_formats = std::move(m->result_formats);
    p.params.reserve(m->params.size());
    for (size_t i = 0; i < m->params.size(); ++i) {
        std::optional<std::string_view> value;
        if (m->params[i]) value = *m->params[i];
        auto c = decode_param(i, info.param_oids[i], format_of(m->param_formats, i), value);
        if (auto* e = std::get_if<pg_error>(&c)) {
            send_error(*e);
            return;
        }
        p.params.push_back(std::get<cell>(std::move(c)));
    }
    _portals[m->portal] = std::move(p);
    write_empty(_out, '2');
}

void connection::describe_message() {
    auto m = parse_describe(_body);
    if (!m) {
        fatal("invalid Describe message");
        return;
    }
    if (m->what == 'S') {
        auto st = _statements.find(m->name);
        if (st == _statements.end()) {
            send_error(pg_error{"26000",
                                fmt::format("prepared statement \"{}\" does not exist", m->name)});
            return;
        }
        write_parameter_description(_out, st->second.info.param_oids);
        if (st->second.info.columns.empty())
            write_empty(_out, 'n');
        else
            write_row_description(_out, st->second.info.columns, {});
        return;
    }
    auto p = _portals.find(m->name);
    if (p == _portals.end()) {
        send_error(pg_error{"34000", fmt::format("portal \"{}\" does not exist", m->name)});
        return;
    }
    const auto& columns = p->second.executed ? p->second.result.columns : p->second.info.columns;
    if (columns.empty())
        write_empty(_out, 'n');
    else
        write_row_description(_out, columns, p->second.result_formats);
}

asio::awaitable<void> connection::execute_message() {
    auto m = parse_execute(_body);
    if (!m) {
        fatal("invalid Execute message");
        co_return;
    }
    auto it = _portals.find(m->portal);
    if (it == _portals.end()) {
        send_error(pg_error{"34000", fmt::format("portal \"{}\" does not exist", m->portal)});
        co_return;
    }
    _busy = true;
    if (!it->second.executed) {
        if (blank(it->second.query)) {
            write_empty_query(_out);
            co_return;
        }
        auto op = run_statement(it->second.query, it->second.params);
        auto r = co_await std::move(op);
        if (_closed) co_return;
        it = _portals.find(m->portal); // a DISCARD ALL may have dropped it
        if (auto* e = std::get_if<pg_error>(&r)) {
            send_error(*e);
            co_return;
        }
        if (it == _portals.end()) {
            write_command_complete(_out, std::get<query_result>(r).command_tag);
            co_return;
        }
        it->second.result = std::get<query_result>(std::move(r));
        it->second.executed = true;
        for (const auto& n : it->second.result.notices)
            write_notice(_out, n);
    }
    auto& p = it->second;
    const auto& rows = p.result.rows;
    const size_t first = p.next_row;
    const size_t limit = m->max_rows > 0 ? static_cast<size_t>(m->max_rows) : rows.size();
    size_t sent = 0;
    while (p.next_row < rows.size() && sent < limit) {
        if (!write_data_row(_out, rows[p.next_row], p.result.columns, p.result_formats)) {
            const auto i = std::min(rows[p.next_row].size(), p.result.columns.size());
            std::string which = "a column", scratch;
            for (size_t c = 0; c < i; ++c)
                if (format_of(p.result_formats, c) == 1 &&
                    !append_binary(rows[p.next_row][c], p.result.columns[c].type_oid, scratch))
                    which = fmt::format("column \"{}\" ({})", p.result.columns[c].name,
                                        type_name(p.result.columns[c].type_oid));
            send_error(
                pg_error{"0A000", fmt::format("binary output is not supported for {}", which)});
            co_return;
        }
        ++p.next_row;
        ++sent;
        if (_out.size() >= flush_threshold) {
            // Not in a && (GCC 12 and co_await in short-circuit conditions).
            bool flushed = co_await flush();
            if (!flushed) co_return;
        }
    }
    if (p.next_row < rows.size()) {
        write_empty(_out, 's'); // PortalSuspended
        co_return;
    }
    write_command_complete(_out, tag_for(p.result.command_tag, sent, first == 0));
}

void connection::close_message() {
    auto m = parse_describe(_body);
    if (!m) {
        fatal("invalid Close message");
        return;
    }
    if (m->what == 'S')
        _statements.erase(m->name);
    else
        _portals.erase(m->name);
    write_empty(_out, '3');
}

} // namespace spate::pgwire
