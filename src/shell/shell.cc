#include "shell/shell.h"

#include "shell/interrupt.h"
#include "shell/line_editor.h"
#include "shell/query_session.h"
#include "shell/statement_splitter.h"

#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace spate::shell {
namespace {

constexpr const char* help_text =
    "Statements end with ';' (outside strings, comments and $$ quotes); a statement may span\n"
    "lines. Meta commands, on a line of their own:\n"
    "  \\q                      quit (Ctrl-D too)\n"
    "  \\timing [on|off]        show how long each statement took\n"
    "  \\format table|csv|json  how results are printed\n"
    "  \\? or \\h                this help\n"
    "Ctrl-C abandons the line being typed, or cancels the running statement.\n";

std::string_view trim(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

enum class step { go_on, failed, quit };

// Feeds lines of input to the session: collects statements until their ';', runs them, and
// runs meta commands found on a line of their own between statements. Owned by the shell's
// thread.
class line_feeder {
public:
    line_feeder(query_session& session, bool stop_on_error)
        : _session(session), _stop_on_error(stop_on_error) {}

    /// Takes one line (without its newline). `quit` after \q, or after a failure when
    /// stopping on errors; `failed` if a statement in it failed.
    step feed(std::string_view line) {
        if (is_blank_sql(_buffer)) {
            auto t = trim(line);
            if (!t.empty() && t.front() == '\\') {
                _buffer.clear();
                return meta(t);
            }
        }
        _buffer += line;
        _buffer += '\n';
        auto split = split_statements(_buffer);
        std::string rest(split.rest);
        step result = step::go_on;
        for (const auto& statement : split.statements) {
            if (!run(statement)) {
                result = step::failed;
                if (_stop_on_error) {
                    _buffer.clear();
                    return step::quit;
                }
            }
        }
        _buffer = std::move(rest);
        return result;
    }

    /// At the end of the input: runs what is left if it is a statement without its ';'.
    step finish() {
        std::string rest = std::move(_buffer);
        _buffer.clear();
        if (is_blank_sql(rest)) return step::go_on;
        return run(std::string(trim(rest))) ? step::go_on : step::failed;
    }

    /// True while a statement is begun and not ended.
    bool pending() const { return !is_blank_sql(_buffer); }
    void reset() { _buffer.clear(); }
    bool any_failed() const { return _any_failed; }

private:
    bool run(const std::string& sql) {
        bool ok = _session.execute(sql);
        if (!ok) _any_failed = true;
        return ok;
    }

    step meta(std::string_view command) {
        auto space = command.find_first_of(" \t");
        auto name = command.substr(0, space);
        auto arg =
            space == std::string_view::npos ? std::string_view() : trim(command.substr(space));
        if (name == "\\q") return step::quit;
        if (name == "\\?" || name == "\\h" || name == "\\help") {
            std::fputs(help_text, stdout);
            std::fflush(stdout);
            return step::go_on;
        }
        if (name == "\\timing") {
            if (arg == "on" || (arg.empty() && !_session.timing)) {
                _session.timing = true;
            } else if (arg == "off" || arg.empty()) {
                _session.timing = false;
            } else {
                return meta_error("\\timing: expected on or off, not \"" + std::string(arg) + "\"");
            }
            std::printf("Timing is %s.\n", _session.timing ? "on" : "off");
            std::fflush(stdout);
            return step::go_on;
        }
        if (name == "\\format") {
            if (arg.empty()) {
                std::printf("Output format is %s.\n",
                            std::string(format_name(_session.format)).c_str());
                std::fflush(stdout);
                return step::go_on;
            }
            auto f = parse_output_format(arg);
            if (!f) return meta_error("\\format: " + f.err().message);
            _session.format = *f;
            std::printf("Output format is %s.\n", std::string(arg).c_str());
            std::fflush(stdout);
            return step::go_on;
        }
        return meta_error("invalid command " + std::string(name) + "; try \\? for help");
    }

    step meta_error(const std::string& message) {
        std::fprintf(stderr, "%s\n", message.c_str());
        _any_failed = true;
        return _stop_on_error ? step::quit : step::failed;
    }

    query_session& _session;
    bool _stop_on_error;
    bool _any_failed = false;
    std::string _buffer;
};

// Runs the lines of `in` until its end, \q, Ctrl-C or (when stopping on errors) a failure.
// False if something failed.
bool run_stream(std::FILE* in, query_session& session, bool stop_on_error) {
    line_feeder feeder(session, stop_on_error);
    char* line = nullptr;
    size_t capacity = 0;
    bool quit = false;
    for (;;) {
        ssize_t n = ::getline(&line, &capacity, in);
        if (interrupt_pending()) {
            clear_interrupt();
            std::free(line);
            std::fputs("interrupted\n", stderr);
            return false;
        }
        if (n < 0) break;
        std::string_view text(line, static_cast<size_t>(n));
        if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
        if (feeder.feed(text) == step::quit) {
            quit = true;
            break;
        }
    }
    std::free(line);
    if (!quit) feeder.finish();
    return !feeder.any_failed();
}

bool run_script(const std::string& script, query_session& session) {
    line_feeder feeder(session, true);
    size_t start = 0;
    while (start <= script.size()) {
        auto nl = script.find('\n', start);
        auto end = nl == std::string::npos ? script.size() : nl;
        if (feeder.feed(std::string_view(script).substr(start, end - start)) == step::quit)
            return !feeder.any_failed();
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    feeder.finish();
    return !feeder.any_failed();
}

std::filesystem::path history_path() {
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') return {};
    return std::filesystem::path(home) / ".spate_history";
}

bool run_interactive(query_session& session, const std::string& banner) {
    std::setlocale(LC_CTYPE, "");
    line_editor editor("spate", history_path());
    if (!banner.empty()) std::printf("%s\n", banner.c_str());
    std::printf("Type \\? for help, \\q or Ctrl-D to quit.\n");
    std::fflush(stdout);
    line_feeder feeder(session, false);
    std::string entry;
    std::string line;
    for (;;) {
        auto status = editor.read_line(feeder.pending() ? "   ...> " : "spate> ", line);
        if (status == line_editor::read_status::interrupted) {
            feeder.reset();
            entry.clear();
            continue;
        }
        if (status == line_editor::read_status::end_of_input) {
            std::fputc('\n', stdout);
            break;
        }
        if (!entry.empty()) entry += ' ';
        entry += trim(line);
        auto result = feeder.feed(line);
        if (!feeder.pending()) {
            editor.add_history(entry);
            entry.clear();
        }
        if (result == step::quit) break;
        clear_interrupt(); // a Ctrl-C that came after the statement ended
    }
    return !feeder.any_failed();
}

} // namespace

int run_shell(const shell_options& opts) {
    install_interrupt_handler();
    auto session = query_session::connect(opts.host, opts.port, opts.user, opts.dbname);
    if (!session) {
        std::fprintf(stderr, "spate sql: %s\n", session.err().message.c_str());
        return 2;
    }
    auto& s = **session;
    s.format = opts.format;
    s.timing = opts.timing;

    if (!opts.commands.empty() || !opts.file.empty()) {
        for (const auto& command : opts.commands)
            if (!run_script(command, s)) return 1;
        if (opts.file.empty()) return 0;
        if (opts.file == "-") return run_stream(stdin, s, true) ? 0 : 1;
        std::FILE* in = std::fopen(opts.file.c_str(), "r");
        if (in == nullptr) {
            std::fprintf(stderr, "spate sql: cannot open %s\n", opts.file.c_str());
            return 1;
        }
        bool ok = run_stream(in, s, true);
        std::fclose(in);
        return ok ? 0 : 1;
    }
    if (isatty(STDIN_FILENO)) return run_interactive(s, opts.banner) ? 0 : 1;
    return run_stream(stdin, s, false) ? 0 : 1;
}

} // namespace spate::shell
