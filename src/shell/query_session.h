#pragma once

#include "base/result.h"
#include "shell/progress_probe.h"
#include "shell/result_format.h"

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>

namespace spate::shell {

/// One libpq connection and how the shell shows what its statements return: results in the
/// chosen format on stdout; command tags ("CREATE SOURCE"), errors with their position,
/// notices, timings and the progress line as psql shows them (errors and the rest on stderr).
///
/// Owned by the shell's thread; one statement at a time.
class query_session {
public:
    /// Connects (10 s timeout); an error with libpq's message if the server cannot be reached.
    static result<std::unique_ptr<query_session>> connect(const std::string& host, uint16_t port,
                                                          const std::string& user,
                                                          const std::string& dbname);
    ~query_session();
    query_session(const query_session&) = delete;
    query_session& operator=(const query_session&) = delete;

    /// Runs one statement and prints what it returns. While it runs, Ctrl-C (interrupt.h)
    /// sends a cancel request, and when stderr is a terminal a progress line shows after the
    /// first second (a bar for queries over files, else the elapsed time). False if the server
    /// reported an error (or the connection failed).
    bool execute(const std::string& sql);

    output_format format = output_format::table;
    bool timing = false;

private:
    explicit query_session(PGconn* conn) : _conn(conn) {}
    // Prints one result of `sql`; false if it is an error.
    bool show(const PGresult* res, std::string_view sql);
    void send_cancel();

    PGconn* _conn;
    std::unique_ptr<progress_probe> _probe;
    std::string _out;
};

} // namespace spate::shell
