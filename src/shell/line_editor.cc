#include "shell/line_editor.h"

#include "shell/interrupt.h"

#include <histedit.h>

#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace spate::shell {

line_editor::line_editor(const char* program, std::filesystem::path history_file)
    : _history_file(std::move(history_file)) {
    _el = el_init(program, stdin, stdout, stderr);
    _history = history_init();
    HistEvent ev;
    ::history(_history, &ev, H_SETSIZE, 1000);
    ::history(_history, &ev, H_SETUNIQUE, 1);
    if (!_history_file.empty()) ::history(_history, &ev, H_LOAD, _history_file.c_str());
    el_set(_el, EL_CLIENTDATA, this);
    el_set(_el, EL_EDITOR, "emacs");
    el_set(_el, EL_HIST, ::history, _history);
    el_set(_el, EL_PROMPT, &line_editor::prompt_of);
    el_set(_el, EL_GETCFN, &line_editor::read_char);
    el_source(_el, nullptr); // ~/.editrc, as every libedit program reads it
}

line_editor::~line_editor() {
    el_end(_el);
    history_end(_history);
}

char* line_editor::prompt_of(editline* el) {
    void* self = nullptr;
    el_get(el, EL_CLIENTDATA, &self);
    return static_cast<line_editor*>(self)->_prompt.data();
}

// libedit's character source: reads stdin a byte at a time and decodes the locale's multibyte
// characters, and gives up (-1) as soon as Ctrl-C has raised the interrupt flag.
int line_editor::read_char(editline* el, wchar_t* c) {
    void* data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    auto* self = static_cast<line_editor*>(data);
    for (;;) {
        if (interrupt_pending()) {
            *c = L'\0';
            return -1;
        }
        char byte = 0;
        ssize_t n = ::read(STDIN_FILENO, &byte, 1);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        wchar_t wc = 0;
        size_t used = std::mbrtowc(&wc, &byte, 1, &self->_mb_state);
        if (used == static_cast<size_t>(-2)) continue; // more bytes to come
        if (used == static_cast<size_t>(-1)) {
            self->_mb_state = std::mbstate_t{};
            wc = static_cast<unsigned char>(byte);
        }
        *c = wc;
        return 1;
    }
}

line_editor::read_status line_editor::read_line(std::string_view prompt, std::string& line) {
    _prompt.assign(prompt);
    _mb_state = std::mbstate_t{};
    int count = 0;
    const char* text = el_gets(_el, &count);
    if (interrupt_pending()) {
        clear_interrupt();
        std::fputs("^C\n", stdout);
        std::fflush(stdout);
        return read_status::interrupted;
    }
    if (text == nullptr || count <= 0) return read_status::end_of_input;
    line.assign(text, static_cast<size_t>(count));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.pop_back();
    return read_status::line;
}

void line_editor::add_history(std::string_view entry) {
    if (entry.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
    HistEvent ev;
    std::string text(entry);
    ::history(_history, &ev, H_ENTER, text.c_str());
    if (!_history_file.empty()) ::history(_history, &ev, H_SAVE, _history_file.c_str());
}

} // namespace spate::shell
