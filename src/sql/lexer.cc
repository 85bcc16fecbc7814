#include "sql/lexer.h"

#include "sql/sql_error.h"

#include <fmt/format.h>

namespace spate::sql {

namespace {

bool is_ident_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_ident_char(unsigned char c) {
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

char fold(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Appends code point `cp` as UTF-8.
void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
size_t utf8_length(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    unsigned char c = b(0);
    size_t n = 0;
    uint32_t min = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0)
        n = 2, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
        n = 3, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
        n = 4, min = 0x10000;
    else
        return 0;
    if (i + n > s.size()) return 0;
    uint32_t cp = c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

// Throws unless `text` (a literal's value after escapes) is valid UTF-8 without NUL bytes.
void check_literal_text(const std::string& text, source_pos start) {
    for (size_t i = 0; i < text.size();) {
        size_t n = text[i] == '\0' ? 0 : utf8_length(text, i);
        if (n == 0) {
            throw encoding_error(
                fmt::format("invalid byte sequence for encoding \"UTF8\": 0x{:02x} in the "
                            "literal starting here",
                            static_cast<unsigned char>(text[i])),
                start);
        }
        i += n;
    }
}

} // namespace

lexer::lexer(std::string_view sql) : _sql(sql) {}

char lexer::peek(size_t ahead) const {
    size_t i = _pos.offset + ahead;
    return i < _sql.size() ? _sql[i] : '\0';
}

void lexer::advance(size_t n) {
    for (size_t k = 0; k < n && _pos.offset < _sql.size(); ++k) {
        if (_sql[_pos.offset] == '\n') {
            ++_pos.line;
            _pos.column = 1;
        } else {
            ++_pos.column;
        }
        ++_pos.offset;
    }
}

token lexer::make(token_kind k, size_t begin, source_pos start, size_t length) {
    token t;
    t.kind = k;
    t.raw = _sql.substr(begin, length);
    t.pos = start;
    advance(length);
    return t;
}

void lexer::check_utf8(source_pos) {
    size_t n = utf8_length(_sql, _pos.offset);
    if (n == 0) {
        throw encoding_error(fmt::format("invalid byte sequence for encoding \"UTF8\": 0x{:02x}",
                                         static_cast<unsigned char>(_sql[_pos.offset])),
                             _pos);
    }
}

void lexer::skip_space_and_comments() {
    while (_pos.offset < _sql.size()) {
        char c = peek();
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            advance(1);
        } else if (c == '-' && peek(1) == '-') {
            while (_pos.offset < _sql.size() && peek() != '\n') {
                if (static_cast<unsigned char>(peek()) >= 0x80) {
                    check_utf8(_pos);
                    advance(utf8_length(_sql, _pos.offset));
                } else {
                    advance(1);
                }
            }
        } else if (c == '/' && peek(1) == '*') {
            source_pos start = _pos;
            advance(2);
            int depth = 1;
            while (depth > 0) {
                if (_pos.offset >= _sql.size()) {
                    throw syntax_error("unterminated /* comment", start);
                }
                if (peek() == '/' && peek(1) == '*') {
                    ++depth;
                    advance(2);
                } else if (peek() == '*' && peek(1) == '/') {
                    --depth;
                    advance(2);
                } else if (static_cast<unsigned char>(peek()) >= 0x80) {
                    check_utf8(_pos);
                    advance(utf8_length(_sql, _pos.offset));
                } else {
                    advance(1);
                }
            }
        } else {
            return;
        }
    }
}

token lexer::lex_word(source_pos start) {
    size_t begin = _pos.offset;
    size_t i = begin;
    std::string text;
    while (i < _sql.size() && is_ident_char(static_cast<unsigned char>(_sql[i]))) {
        if (static_cast<unsigned char>(_sql[i]) >= 0x80) {
            size_t n = utf8_length(_sql, i);
            if (n == 0) {
                // A word never spans lines: the bad byte is on the start's line.
                source_pos bad{static_cast<uint32_t>(i), start.line,
                               static_cast<uint32_t>(start.column + (i - begin))};
                throw encoding_error(
                    fmt::format("invalid byte sequence for encoding \"UTF8\": 0x{:02x}",
                                static_cast<unsigned char>(_sql[i])),
                    bad);
            }
            text.append(_sql.substr(i, n));
            i += n;
        } else {
            text += fold(_sql[i]);
            ++i;
        }
    }
    token t = make(token_kind::word, begin, start, i - begin);
    t.text = std::move(text);
    return t;
}

token lexer::lex_quoted_ident(source_pos start) {
    size_t begin = _pos.offset;
    advance(1);
    std::string text;
    for (;;) {
        if (_pos.offset >= _sql.size()) {
            throw syntax_error("unterminated quoted identifier", start);
        }
        char c = peek();
        if (c == '"') {
            if (peek(1) == '"') {
                text += '"';
                advance(2);
                continue;
            }
            advance(1);
            break;
        }
        if (static_cast<unsigned char>(c) >= 0x80) {
            check_utf8(start);
            size_t n = utf8_length(_sql, _pos.offset);
            text.append(_sql.substr(_pos.offset, n));
            advance(n);
            continue;
        }
        text += c;
        advance(1);
    }
    if (text.empty()) throw syntax_error("zero-length delimited identifier", start);
    check_literal_text(text, start);
    token t;
    t.kind = token_kind::quoted_ident;
    t.text = std::move(text);
    t.raw = _sql.substr(begin, _pos.offset - begin);
    t.pos = start;
    return t;
}

token lexer::lex_string(source_pos start, bool escapes) {
    size_t begin = _pos.offset;
    advance(escapes ? 2 : 1);
    std::string text;
    for (;;) {
        if (_pos.offset >= _sql.size()) {
            throw syntax_error("unterminated quoted string", start);
        }
        char c = peek();
        if (c == '\'') {
            if (peek(1) == '\'') {
                text += '\'';
                advance(2);
                continue;
            }
            advance(1);
            // Adjacent strings separated by a newline are one string (standard SQL).
            size_t j = _pos.offset;
            bool newline = false;
            while (j < _sql.size() &&
                   (_sql[j] == ' ' || _sql[j] == '\t' || _sql[j] == '\n' || _sql[j] == '\r')) {
                newline |= _sql[j] == '\n';
                ++j;
            }
            if (newline && j < _sql.size() && _sql[j] == '\'') {
                advance(j - _pos.offset + 1);
                continue;
            }
            break;
        }
        if (escapes && c == '\\') {
            source_pos esc = _pos;
            char e = peek(1);
            advance(2);
            switch (e) {
            case 'n': text += '\n'; break;
            case 't': text += '\t'; break;
            case 'r': text += '\r'; break;
            case 'b': text += '\b'; break;
            case 'f': text += '\f'; break;
            case 'x': {
                int v = 0, n = 0;
                while (n < 2 && hex_value(peek()) >= 0) {
                    v = v * 16 + hex_value(peek());
                    advance(1);
                    ++n;
                }
                if (n == 0) throw syntax_error("invalid hexadecimal escape in string", esc);
                text += static_cast<char>(v);
                break;
            }
            case 'u':
            case 'U': {
                int want = e == 'u' ? 4 : 8;
                uint32_t v = 0;
                for (int n = 0; n < want; ++n) {
                    if (hex_value(peek()) < 0) {
                        throw syntax_error("invalid Unicode escape in string", esc,
                                           "Unicode escapes must be \\uXXXX or \\UXXXXXXXX.");
                    }
                    v = v * 16 + static_cast<uint32_t>(hex_value(peek()));
                    advance(1);
                }
                if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
                    throw syntax_error("invalid Unicode escape value in string", esc);
                }
                append_utf8(text, v);
                break;
            }
            case '\0':
                if (_pos.offset >= _sql.size()) {
                    throw syntax_error("unterminated quoted string", start);
                }
                text += '\0';
                break;
            default:
                if (e >= '0' && e <= '7') {
                    int v = e - '0';
                    for (int n = 0; n < 2 && peek() >= '0' && peek() <= '7'; ++n) {
                        v = v * 8 + (peek() - '0');
                        advance(1);
                    }
                    text += static_cast<char>(v & 0xFF);
                } else if (static_cast<unsigned char>(e) >= 0x80) {
                    // Re-read the multi-byte character as itself.
                    _pos = esc;
                    advance(1);
                    check_utf8(start);
                    size_t n = utf8_length(_sql, _pos.offset);
                    text.append(_sql.substr(_pos.offset, n));
                    advance(n);
                } else {
                    text += e;
                }
            }
            continue;
        }
        if (static_cast<unsigned char>(c) >= 0x80) {
            check_utf8(start);
            size_t n = utf8_length(_sql, _pos.offset);
            text.append(_sql.substr(_pos.offset, n));
            advance(n);
            continue;
        }
        text += c;
        advance(1);
    }
    check_literal_text(text, start);
    token t;
    t.kind = token_kind::string;
    t.text = std::move(text);
    t.raw = _sql.substr(begin, _pos.offset - begin);
    t.pos = start;
    return t;
}

token lexer::lex_dollar(source_pos start) {
    size_t begin = _pos.offset;
    // $tag$ where tag is an identifier (or empty).
    size_t i = begin + 1;
    while (i < _sql.size() && _sql[i] != '$' && is_ident_char(static_cast<unsigned char>(_sql[i])))
        ++i;
    if (i >= _sql.size() || _sql[i] != '$') {
        throw syntax_error("syntax error at or near \"$\"", start);
    }
    std::string_view delim = _sql.substr(begin, i - begin + 1);
    size_t body = i + 1;
    size_t close = _sql.find(delim, body);
    if (close == std::string_view::npos) {
        throw syntax_error("unterminated dollar-quoted string", start);
    }
    advance(body - begin);
    while (_pos.offset < close) {
        if (static_cast<unsigned char>(peek()) >= 0x80) {
            check_utf8(start);
            advance(utf8_length(_sql, _pos.offset));
        } else {
            advance(1);
        }
    }
    advance(delim.size());
    token t;
    t.kind = token_kind::string;
    t.text = std::string(_sql.substr(body, close - body));
    check_literal_text(t.text, start);
    t.raw = _sql.substr(begin, _pos.offset - begin);
    t.pos = start;
    return t;
}

token lexer::lex_number(source_pos start) {
    size_t begin = _pos.offset;
    size_t i = begin;
    bool integer = true;
    while (i < _sql.size() && is_digit(_sql[i]))
        ++i;
    if (i < _sql.size() && _sql[i] == '.' && !(i + 1 < _sql.size() && _sql[i + 1] == '.')) {
        integer = false;
        ++i;
        while (i < _sql.size() && is_digit(_sql[i]))
            ++i;
    }
    if (i < _sql.size() && (_sql[i] == 'e' || _sql[i] == 'E')) {
        size_t j = i + 1;
        if (j < _sql.size() && (_sql[j] == '+' || _sql[j] == '-')) ++j;
        if (j < _sql.size() && is_digit(_sql[j])) {
            integer = false;
            i = j;
            while (i < _sql.size() && is_digit(_sql[i]))
                ++i;
        }
    }
    if (i < _sql.size() && is_ident_start(static_cast<unsigned char>(_sql[i]))) {
        throw syntax_error(fmt::format("trailing junk after numeric literal at or near \"{}\"",
                                       _sql.substr(begin, i - begin + 1)),
                           start);
    }
    token t = make(integer ? token_kind::integer : token_kind::number, begin, start, i - begin);
    t.text = std::string(t.raw);
    return t;
}

token lexer::next() {
    skip_space_and_comments();
    source_pos start = _pos;
    size_t i = _pos.offset;
    if (i >= _sql.size()) {
        token t;
        t.kind = token_kind::end;
        t.pos = start;
        return t;
    }
    char c = _sql[i];
    char c1 = peek(1);
    if ((c == 'e' || c == 'E') && c1 == '\'') return lex_string(start, true);
    if (is_ident_start(static_cast<unsigned char>(c))) {
        if (static_cast<unsigned char>(c) >= 0x80) check_utf8(start);
        return lex_word(start);
    }
    if (is_digit(c) || (c == '.' && is_digit(c1))) return lex_number(start);
    switch (c) {
    case '"': return lex_quoted_ident(start);
    case '\'': return lex_string(start, false);
    case '$':
        if (is_digit(c1)) {
            size_t j = i + 1;
            while (j < _sql.size() && is_digit(_sql[j]))
                ++j;
            if (j < _sql.size() && is_ident_start(static_cast<unsigned char>(_sql[j]))) {
                throw syntax_error(fmt::format("trailing junk after parameter at or near \"{}\"",
                                               _sql.substr(i, j - i + 1)),
                                   start);
            }
            token t = make(token_kind::parameter, i, start, j - i);
            t.text = std::string(t.raw.substr(1));
            return t;
        }
        return lex_dollar(start);
    case '(': return make(token_kind::lparen, i, start, 1);
    case ')': return make(token_kind::rparen, i, start, 1);
    case '[': return make(token_kind::lbracket, i, start, 1);
    case ']': return make(token_kind::rbracket, i, start, 1);
    case ',': return make(token_kind::comma, i, start, 1);
    case ';': return make(token_kind::semicolon, i, start, 1);
    case '.': return make(token_kind::dot, i, start, 1);
    case ':':
        if (c1 == ':') return make(token_kind::double_colon, i, start, 2);
        return make(token_kind::colon, i, start, 1);
    case '+': return make(token_kind::plus, i, start, 1);
    case '-':
        if (c1 == '>') {
            if (peek(2) == '>') return make(token_kind::double_arrow, i, start, 3);
            return make(token_kind::arrow, i, start, 2);
        }
        return make(token_kind::minus, i, start, 1);
    case '*': return make(token_kind::star, i, start, 1);
    case '/': return make(token_kind::slash, i, start, 1);
    case '%': return make(token_kind::percent, i, start, 1);
    case '^': return make(token_kind::caret, i, start, 1);
    case '|':
        if (c1 == '|') return make(token_kind::concat, i, start, 2);
        break;
    case '=':
        if (c1 == '>') return make(token_kind::fat_arrow, i, start, 2);
        return make(token_kind::eq, i, start, 1);
    case '!':
        if (c1 == '=') return make(token_kind::ne, i, start, 2);
        if (c1 == '~') {
            if (peek(2) == '*') return make(token_kind::not_tilde_star, i, start, 3);
            return make(token_kind::not_tilde, i, start, 2);
        }
        break;
    case '~':
        if (c1 == '*') return make(token_kind::tilde_star, i, start, 2);
        return make(token_kind::tilde, i, start, 1);
    case '#':
        if (c1 == '>') {
            if (peek(2) == '>') return make(token_kind::hash_double_arrow, i, start, 3);
            return make(token_kind::hash_arrow, i, start, 2);
        }
        break;
    case '<':
        if (c1 == '>') return make(token_kind::ne, i, start, 2);
        if (c1 == '=') return make(token_kind::le, i, start, 2);
        return make(token_kind::lt, i, start, 1);
    case '>':
        if (c1 == '=') return make(token_kind::ge, i, start, 2);
        return make(token_kind::gt, i, start, 1);
    default: break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
        throw syntax_error(fmt::format("syntax error at or near byte 0x{:02x}", u), start);
    }
    throw syntax_error(fmt::format("syntax error at or near \"{}\"", c), start);
}

std::vector<token> tokenize(std::string_view sql) {
    lexer lx(sql);
    std::vector<token> out;
    for (;;) {
        out.push_back(lx.next());
        if (out.back().kind == token_kind::end) return out;
    }
}

} // namespace spate::sql
