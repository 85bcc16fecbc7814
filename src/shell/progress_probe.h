#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>

namespace spate::shell {

/// How far a running statement got, as the server's SHOW PROGRESS reports it.
struct query_progress {
    uint64_t done = 0;
    uint64_t total = 0; ///< 0: unknown (not a query over files)
};

/// Asks the server how far a session's statement got, over a second connection opened on first
/// use (the first one is busy with the statement). Owned by the shell's query session; used on
/// the shell's thread only.
class progress_probe {
public:
    progress_probe(std::string host, uint16_t port, std::string user, std::string dbname)
        : _host(std::move(host)), _port(port), _user(std::move(user)), _dbname(std::move(dbname)) {}
    ~progress_probe();
    progress_probe(const progress_probe&) = delete;
    progress_probe& operator=(const progress_probe&) = delete;

    /// The progress of session `pid`'s statement, or nothing when it cannot be known (the
    /// second connection failed, the server does not say).
    std::optional<query_progress> poll(int pid);

private:
    std::string _host;
    uint16_t _port;
    std::string _user, _dbname;
    PGconn* _conn = nullptr;
    bool _failed = false;
};

} // namespace spate::shell
