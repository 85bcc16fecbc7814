#include "shell/statement_splitter.h"

#include <cstddef>

namespace spate::shell {
namespace {

bool is_ident_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}

bool is_ident_char(char c) {
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The length of a dollar-quote delimiter ("$$" or "$tag$") starting at `i`, or 0 if there is
// none there. A '$' that continues an identifier or starts a parameter ($1) is no delimiter.
size_t dollar_tag_length(std::string_view text, size_t i) {
    if (i > 0 && is_ident_char(text[i - 1])) return 0;
    size_t j = i + 1;
    if (j < text.size() && text[j] != '$') {
        if (!is_ident_start(text[j])) return 0;
        while (j < text.size() && text[j] != '$' && is_ident_char(text[j]))
            ++j;
    }
    if (j >= text.size() || text[j] != '$') return 0;
    return j - i + 1;
}

// Where a token that starts at `i` ends (one past it) and whether it is a comment, for the
// lexical states the splitter must step over. A token left open runs to the end of `text`.
struct token {
    size_t end;
    bool comment;
};

token skip_quoted(std::string_view text, size_t i, char quote, bool backslash_escapes) {
    size_t j = i + 1;
    while (j < text.size()) {
        char c = text[j];
        if (backslash_escapes && c == '\\') {
            j += 2;
            continue;
        }
        if (c == quote) {
            if (j + 1 < text.size() && text[j + 1] == quote) {
                j += 2; // a doubled quote stands for itself
                continue;
            }
            return {j + 1, false};
        }
        ++j;
    }
    return {text.size(), false};
}

token skip_block_comment(std::string_view text, size_t i) {
    size_t depth = 0;
    size_t j = i;
    while (j + 1 < text.size()) {
        if (text[j] == '/' && text[j + 1] == '*') {
            ++depth;
            j += 2;
        } else if (text[j] == '*' && text[j + 1] == '/') {
            j += 2;
            if (--depth == 0) return {j, true};
        } else {
            ++j;
        }
    }
    return {text.size(), true};
}

// The token starting at `i` if it is a string, identifier, comment or dollar quote; {i, false}
// when the character at `i` is ordinary.
token next_token(std::string_view text, size_t i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '-' && next == '-') {
        auto nl = text.find('\n', i);
        return {nl == std::string_view::npos ? text.size() : nl, true};
    }
    if (c == '/' && next == '*') return skip_block_comment(text, i);
    if (c == '"') return skip_quoted(text, i, '"', false);
    if (c == '\'') {
        bool escape_string = i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') &&
                             (i == 1 || !is_ident_char(text[i - 2]));
        return skip_quoted(text, i, '\'', escape_string);
    }
    if (c == '$') {
        size_t tag = dollar_tag_length(text, i);
        if (tag == 0) return {i, false};
        auto close = text.find(text.substr(i, tag), i + tag);
        return {close == std::string_view::npos ? text.size() : close + tag, false};
    }
    return {i, false};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

} // namespace

split_result split_statements(std::string_view text) {
    split_result out;
    size_t start = 0;
    size_t i = 0;
    while (i < text.size()) {
        token t = next_token(text, i);
        if (t.end > i) {
            i = t.end;
            continue;
        }
        if (text[i] == ';') {
            auto statement = text.substr(start, i - start);
            if (!is_blank_sql(statement)) out.statements.emplace_back(trim(statement));
            start = i + 1;
        }
        ++i;
    }
    out.rest = text.substr(start);
    return out;
}

bool is_blank_sql(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        if (is_space(text[i])) {
            ++i;
            continue;
        }
        token t = next_token(text, i);
        if (t.end == i || !t.comment) return false;
        i = t.end;
    }
    return true;
}

} // namespace spate::shell
