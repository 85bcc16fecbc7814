#pragma once

#include "shell/result_format.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spate::shell {

/// What `spate sql` is told: where the server is, what to run and how to print it.
struct shell_options {
    std::string host = "127.0.0.1";
    uint16_t port = 5656;
    std::string user = "spate";
    std::string dbname = "spate";
    /// -c: each is a script (statements and meta commands) run in order.
    std::vector<std::string> commands;
    /// -f: a file of statements, run after the commands; "-" is stdin.
    std::string file;
    output_format format = output_format::table;
    /// Print "Time: N ms" on stderr after each statement.
    bool timing = false;
    /// First line of the interactive session (e.g. the version), printed to stdout.
    std::string banner;
};

/// Connects to the server over libpq and runs the shell, in one of three modes:
/// - scripts (-c and -f given): runs them in order and stops at the first failing statement;
/// - interactive (stdin is a terminal): prompts "spate> " ("   ...> " inside a statement),
///   line editing and ~/.spate_history, Ctrl-C abandons the line or cancels the running query,
///   Ctrl-D or \q leaves;
/// - piped stdin: runs its statements as they arrive, without prompts, past failures.
/// Query output goes to stdout; errors, notices, timings and the progress line to stderr.
/// Returns the exit code: 0 if every statement succeeded, 1 if one failed (or Ctrl-C stopped
/// a script), 2 if the server could not be reached.
///
/// Installs a SIGINT handler (interrupt.h) for the process. Runs on the calling thread.
int run_shell(const shell_options& opts);

} // namespace spate::shell
