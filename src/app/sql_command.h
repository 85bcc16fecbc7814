#pragma once

#include "shell/shell.h"

#include <CLI/CLI.hpp>

#include <string>

namespace spate::app {

/// Everything `spate sql` can be told.
struct sql_options {
    shell::shell_options shell;
    /// Either given: connect to a running server there. Neither: run an embedded server.
    bool host_given = false;
    bool port_given = false;
    /// Embedded mode: the data directory; empty means a fresh temporary one, removed at exit.
    std::string data_dir;
};

/// Runs the SQL shell, against the server named by --host/--port or, when neither is given,
/// against a server started in this process (Kafka and Postgres listeners on 127.0.0.1 with
/// ephemeral ports, logs at warn level, nothing printed on stdout) that is stopped cleanly
/// when the shell ends. Returns the process exit code (run_shell's, or 1 if the embedded
/// server could not start or stop cleanly).
int run_sql(const sql_options& opts);

/// Adds the `sql` subcommand to `app`; when it runs, `exit_code` gets run_sql's result.
void add_sql_command(CLI::App& app, int& exit_code);

} // namespace spate::app
