#include "shell/query_session.h"

#include "shell/error_position.h"
#include "shell/interrupt.h"
#include "shell/pg_result_table.h"

#include <fmt/format.h>

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace spate::shell {
namespace {

using steady = std::chrono::steady_clock;

void print_notice(void*, const char* message) {
    std::fputs(message, stderr);
}

double ms_since(steady::time_point start) {
    return std::chrono::duration<double, std::milli>(steady::now() - start).count();
}

/// "1.2 GB" for a byte count.
std::string human_bytes(uint64_t n) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = double(n);
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", v, units[u]);
    return buf;
}

// The one-line progress on stderr, shown only on a terminal and only once a statement has run
// for a second: a bar with how much of its files a query read (asked of the server with SHOW
// PROGRESS over a second connection), else the elapsed time.
class progress_line {
public:
    progress_line(steady::time_point start, progress_probe* probe, int pid)
        : _start(start), _enabled(isatty(STDERR_FILENO) != 0), _probe(probe), _pid(pid) {}
    ~progress_line() { clear(); }

    void update() {
        if (!_enabled) return;
        double s = ms_since(_start) / 1000.0;
        if (s < 1.0) return;
        if (_probe && ms_since(_last_poll) >= 250) {
            _last_poll = steady::now();
            if (auto p = _probe->poll(_pid)) _progress = *p;
        }
        if (_progress.total > 0) {
            double f = std::min(1.0, double(_progress.done) / double(_progress.total));
            constexpr int width = 30;
            std::string bar(size_t(f * width), '=');
            if (bar.size() < width) bar += '>';
            bar.resize(width, ' ');
            std::fprintf(stderr, "\r[%s] %3.0f%%  %s / %s  %.1f s\033[K", bar.c_str(), f * 100,
                         human_bytes(_progress.done).c_str(), human_bytes(_progress.total).c_str(),
                         s);
        } else {
            std::fprintf(stderr, "\r[ %.1f s ] running...\033[K", s);
        }
        std::fflush(stderr);
        _shown = true;
    }
    void clear() {
        if (!_shown) return;
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        _shown = false;
    }

private:
    steady::time_point _start;
    bool _enabled;
    bool _shown = false;
    progress_probe* _probe;
    int _pid;
    steady::time_point _last_poll{};
    query_progress _progress;
};

std::string trimmed(const char* text) {
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

} // namespace

result<std::unique_ptr<query_session>> query_session::connect(const std::string& host,
                                                              uint16_t port,
                                                              const std::string& user,
                                                              const std::string& dbname) {
    auto port_text = std::to_string(port);
    const char* keys[] = {"host", "port", "user", "dbname", "application_name", "connect_timeout",
                          nullptr};
    const char* values[] = {
        host.c_str(), port_text.c_str(), user.c_str(), dbname.c_str(), "spate sql", "10", nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, 0);
    if (conn == nullptr)
        return error::make(errc::unknown_server_error, "cannot connect to {}:{}: out of memory",
                           host, port);
    if (PQstatus(conn) != CONNECTION_OK) {
        auto message = trimmed(PQerrorMessage(conn));
        PQfinish(conn);
        return error::make(errc::unknown_server_error, "cannot connect to {}:{}: {}", host, port,
                           message);
    }
    PQsetNoticeProcessor(conn, print_notice, nullptr);
    auto session = std::unique_ptr<query_session>(new query_session(conn));
    session->_probe = std::make_unique<progress_probe>(host, port, user, dbname);
    return session;
}

query_session::~query_session() {
    PQfinish(_conn);
}

void query_session::send_cancel() {
    PGcancel* cancel = PQgetCancel(_conn);
    if (cancel == nullptr) return;
    char message[256];
    if (!PQcancel(cancel, message, sizeof message))
        std::fprintf(stderr, "could not send cancel request: %s\n", message);
    PQfreeCancel(cancel);
}

bool query_session::execute(const std::string& sql) {
    auto start = steady::now();
    if (!PQsendQuery(_conn, sql.c_str())) {
        std::fprintf(stderr, "ERROR:  %s\n", trimmed(PQerrorMessage(_conn)).c_str());
        return false;
    }
    bool ok = true;
    {
        progress_line progress(start, _probe.get(), PQbackendPID(_conn));
        const int sock = PQsocket(_conn);
        for (;;) {
            bool broken = false;
            while (PQisBusy(_conn) && !broken) {
                pollfd p{sock, POLLIN, 0};
                int n = ::poll(&p, 1, 100);
                if (interrupt_pending()) { // each Ctrl-C asks again, as psql's does
                    clear_interrupt();
                    send_cancel();
                }
                if (n < 0 && errno != EINTR) broken = true;
                if (n > 0 && !PQconsumeInput(_conn)) broken = true;
                progress.update();
            }
            PGresult* res = PQgetResult(_conn);
            if (res == nullptr) break;
            progress.clear();
            ok = show(res, sql) && ok;
            PQclear(res);
            if (broken && PQstatus(_conn) == CONNECTION_BAD) break;
        }
    }
    if (PQstatus(_conn) == CONNECTION_BAD) {
        std::fprintf(stderr, "ERROR:  connection to the server lost: %s\n",
                     trimmed(PQerrorMessage(_conn)).c_str());
        ok = false;
    }
    if (timing) std::fprintf(stderr, "Time: %.3f ms\n", ms_since(start));
    return ok;
}

bool query_session::show(const PGresult* res, std::string_view sql) {
    switch (PQresultStatus(res)) {
    case PGRES_TUPLES_OK: {
        _out.clear();
        write_result(pg_result_table(res), format, _out);
        std::fwrite(_out.data(), 1, _out.size(), stdout);
        std::fflush(stdout);
        return true;
    }
    case PGRES_COMMAND_OK: {
        const char* tag = PQcmdStatus(const_cast<PGresult*>(res));
        if (tag && *tag && format == output_format::table) {
            std::fputs(tag, stdout);
            std::fputc('\n', stdout);
            std::fflush(stdout);
        }
        return true;
    }
    case PGRES_EMPTY_QUERY: return true;
    case PGRES_FATAL_ERROR:
    case PGRES_NONFATAL_ERROR: break;
    default:
        std::fprintf(stderr, "ERROR:  the shell cannot show a %s result\n",
                     PQresStatus(PQresultStatus(res)));
        return false;
    }
    const char* severity = PQresultErrorField(res, PG_DIAG_SEVERITY);
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (primary == nullptr) {
        std::fprintf(stderr, "%s\n", trimmed(PQresultErrorMessage(res)).c_str());
        return false;
    }
    std::string out = fmt::format("{}:  {}\n", severity ? severity : "ERROR", primary);
    if (const char* position = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION))
        out += position_lines(sql, std::strtoul(position, nullptr, 10));
    if (const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL))
        out += fmt::format("DETAIL:  {}\n", detail);
    if (const char* hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT))
        out += fmt::format("HINT:  {}\n", hint);
    std::fputs(out.c_str(), stderr);
    return false;
}

} // namespace spate::shell
