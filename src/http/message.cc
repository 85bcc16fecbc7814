#include "http/message.h"

#include <cctype>

namespace spate::http {

namespace {

std::optional<std::string_view> find_in(const std::vector<std::pair<std::string, std::string>>& v,
                                        std::string_view name) {
    for (const auto& [k, value] : v)
        if (k == name) return std::string_view(value);
    return std::nullopt;
}

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t utf8_length(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0)
        n = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        n = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not valid.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
    return n;
}

} // namespace

std::optional<std::string_view> request::capture(std::string_view name) const {
    return find_in(captures, name);
}

std::optional<std::string_view> request::query_param(std::string_view name) const {
    return find_in(query, name);
}

std::optional<std::string_view> request::header(std::string_view name) const {
    return find_in(headers, name);
}

std::string request::media_type() const {
    auto h = header("content-type");
    if (!h) return {};
    std::string_view v = *h;
    v = v.substr(0, v.find(';'));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    std::string out(v);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

response response::json(unsigned status, std::string body) {
    response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

response response::text(unsigned status, std::string body) {
    response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(body);
    return r;
}

response json_error(unsigned status, std::string_view code, std::string_view message) {
    std::string body = "{\"error\":{\"code\":";
    append_json_quoted(code, body);
    body += ",\"message\":";
    append_json_quoted(message, body);
    body += "}}";
    return response::json(status, std::move(body));
}

void append_json_quoted(std::string_view s, std::string& out) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            size_t n = utf8_length(s, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD";
                ++i;
            } else {
                out.append(s.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
    out += '"';
}

std::string json_quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_json_quoted(s, out);
    return out;
}

std::string_view status_reason(unsigned status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    }
    return "";
}

} // namespace spate::http
