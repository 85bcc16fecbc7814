#pragma once

#include <cwchar>
#include <filesystem>
#include <string>
#include <string_view>

struct editline;
struct history;

namespace spate::shell {

/// Line editing and history for the interactive shell, over libedit: arrow keys, emacs
/// bindings, and a history file loaded at construction and saved after every entry.
/// Ctrl-C (through interrupt.h's flag) abandons the line being typed.
///
/// Owned by the main thread; stdin and stdout must be a terminal. One per process.
class line_editor {
public:
    /// `history_file` may be empty: no history is kept on disk then.
    line_editor(const char* program, std::filesystem::path history_file);
    ~line_editor();
    line_editor(const line_editor&) = delete;
    line_editor& operator=(const line_editor&) = delete;

    enum class read_status { line, interrupted, end_of_input };

    /// Shows `prompt` and reads one line into `line` (without its newline). `interrupted`
    /// when Ctrl-C was typed (the interrupt flag is cleared), `end_of_input` at Ctrl-D on an
    /// empty line or when stdin closes.
    read_status read_line(std::string_view prompt, std::string& line);

    /// Adds an entry to the history (and the history file). Blank entries are ignored.
    void add_history(std::string_view entry);

private:
    static char* prompt_of(editline* el);
    static int read_char(editline* el, wchar_t* c);

    editline* _el = nullptr;
    history* _history = nullptr;
    std::filesystem::path _history_file;
    std::string _prompt;
    std::mbstate_t _mb_state{};
};

} // namespace spate::shell
