#include "shell/progress_probe.h"

#include <cstdlib>
#include <string>

namespace spate::shell {

progress_probe::~progress_probe() {
    if (_conn) PQfinish(_conn);
}

std::optional<query_progress> progress_probe::poll(int pid) {
    if (_failed) return std::nullopt;
    if (!_conn) {
        auto port = std::to_string(_port);
        const char* keys[] = {
            "host", "port", "user", "dbname", "application_name", "connect_timeout", nullptr};
        const char* values[] = {_host.c_str(),        port.c_str(), _user.c_str(), _dbname.c_str(),
                                "spate sql progress", "2",          nullptr};
        _conn = PQconnectdbParams(keys, values, 0);
        if (!_conn || PQstatus(_conn) != CONNECTION_OK) {
            _failed = true;
            return std::nullopt;
        }
    }
    PGresult* res = PQexec(_conn, "SHOW PROGRESS");
    std::optional<query_progress> out;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQnfields(res) >= 4) {
        for (int r = 0; r < PQntuples(res); ++r) {
            if (std::atoi(PQgetvalue(res, r, 0)) != pid) continue;
            out = query_progress{std::strtoull(PQgetvalue(res, r, 2), nullptr, 10),
                                 std::strtoull(PQgetvalue(res, r, 3), nullptr, 10)};
        }
    } else {
        _failed = true; // an older server: the elapsed time alone from now on
    }
    PQclear(res);
    return out;
}

} // namespace spate::shell
