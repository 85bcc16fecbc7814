#include "app/sql_command.h"

#include "app/server.h"
#include "app/version.h"
#include "shell/interrupt.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>

#include <pthread.h>

namespace spate::app {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system's temporary directory, removed with everything in it
// when this goes away. Owned by the thread that made it.
class temporary_directory {
public:
    static result<std::unique_ptr<temporary_directory>> make() {
        std::string pattern = (fs::temp_directory_path() / "spate-sql-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            return error::make(errc::kafka_storage_error,
                               "cannot make a temporary directory under {}",
                               fs::temp_directory_path().string());
        return std::make_unique<temporary_directory>(pattern);
    }
    explicit temporary_directory(fs::path path) : _path(std::move(path)) {}
    ~temporary_directory() {
        std::error_code ec;
        fs::remove_all(_path, ec);
    }
    const fs::path& path() const { return _path; }

private:
    fs::path _path;
};

int run_embedded(const sql_options& opts) {
    std::unique_ptr<temporary_directory> temp;
    server_options server_opts;
    if (opts.data_dir.empty()) {
        auto made = temporary_directory::make();
        if (!made) {
            std::fprintf(stderr, "spate sql: %s\n", made.err().message.c_str());
            return 1;
        }
        temp = std::move(*made);
        server_opts.broker.data_dir = temp->path();
    } else {
        server_opts.broker.data_dir = opts.data_dir;
    }
    server_opts.broker.kafka_addr = {"127.0.0.1", 0};
    server_opts.pg_addr = {"127.0.0.1", 0};
    server_opts.http_addr = {"127.0.0.1", 0};
    int exit_code = 0;
    {
        embedded_server server(server_opts);
        // Ctrl-C belongs to the shell: the server's threads are started with SIGINT blocked
        // (they inherit this thread's mask), so that it always wakes the shell's thread.
        shell::install_interrupt_handler();
        sigset_t sigint;
        sigset_t old_mask;
        sigemptyset(&sigint);
        sigaddset(&sigint, SIGINT);
        pthread_sigmask(SIG_BLOCK, &sigint, &old_mask);
        auto started = server.start();
        pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
        if (auto& r = started; !r) {
            std::fprintf(stderr, "spate sql: cannot start the embedded server: %s\n",
                         r.err().message.c_str());
            return 1;
        }
        shell::shell_options shell_opts = opts.shell;
        shell_opts.host = "127.0.0.1";
        shell_opts.port = server.pg_port();
        shell_opts.banner = std::string("spate sql ") + std::string(version_string()) +
                            ", embedded server (data in " +
                            fs::absolute(server_opts.broker.data_dir).string() + ", Kafka on " +
                            server.kafka_address().to_string() + ")";
        exit_code = shell::run_shell(shell_opts);
        if (auto r = server.stop(); !r) {
            std::fprintf(stderr, "spate sql: the embedded server did not stop cleanly: %s\n",
                         r.err().message.c_str());
            exit_code = 1;
        }
    }
    return exit_code;
}

} // namespace

int run_sql(const sql_options& opts) {
    if (!opts.host_given && !opts.port_given) return run_embedded(opts);
    shell::shell_options shell_opts = opts.shell;
    shell_opts.banner = std::string("spate sql ") + std::string(version_string()) + ", server " +
                        shell_opts.host + ":" + std::to_string(shell_opts.port);
    return shell::run_shell(shell_opts);
}

void add_sql_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<sql_options>();
    auto* cmd = app.add_subcommand(
        "sql", "Interactive SQL shell, on a server started in this process unless --host or "
               "--port name a running one");
    cmd->add_option("--host", opts->shell.host, "Host of a running server's Postgres listener")
        ->each([opts](const std::string&) { opts->host_given = true; });
    cmd->add_option("--port", opts->shell.port,
                    "Port of a running server's Postgres listener (default 5656)")
        ->check(CLI::Range(1, 65535))
        ->each([opts](const std::string&) { opts->port_given = true; });
    cmd->add_option("--user", opts->shell.user, "User name sent to the server")
        ->capture_default_str();
    cmd->add_option("-c,--command", opts->shell.commands,
                    "Run these statements (may repeat), stopping at the first error, then exit")
        ->allow_extra_args(false);
    cmd->add_option("-f,--file", opts->shell.file,
                    "Run the statements of a file ('-' for stdin), stopping at the first error");
    cmd->add_option_function<std::string>(
           "--format",
           [opts](const std::string& value) {
               auto f = shell::parse_output_format(value);
               if (!f) throw CLI::ValidationError("--format", f.err().message);
               opts->shell.format = *f;
           },
           "How results are printed: table (default), csv or json (one object per line)")
        ->type_name("FORMAT");
    cmd->add_flag("--timing", opts->shell.timing, "Print each statement's time on stderr");
    cmd->add_option("--data-dir", opts->data_dir,
                    "Embedded server: its data directory (default: a temporary one, removed "
                    "at exit)");
    cmd->footer("Without --host and --port the shell runs spate's server in this process; file "
                "paths in SQL (SELECT * FROM 'data.csv') are read by the server, so with an "
                "embedded server they are relative to the current directory.");
    cmd->callback([opts, &exit_code] {
        if ((opts->host_given || opts->port_given) && !opts->data_dir.empty())
            throw CLI::ValidationError("--data-dir",
                                       "only for the embedded server, not with --host/--port");
        spdlog::set_level(spdlog::level::warn);
        exit_code = run_sql(*opts);
    });
}

} // namespace spate::app
