#include "format/json_locate_internal.h"

namespace spate::format::detail {

std::optional<size_t> first_invalid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t n = s.size(), i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len = 0;
        uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0)
            len = 2, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
            len = 3, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
            len = 4, cp = c & 0x07;
        else
            return i;
        if (i + len > n) return i;
        for (size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        // Overlong forms, surrogates and values beyond U+10FFFF are invalid too.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return i;
        i += len;
    }
    return std::nullopt;
}

std::optional<size_t> first_string_error(std::string_view s) {
    bool in_string = false;
    size_t open = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (!in_string) {
            if (c == '"') in_string = true, open = i;
            continue;
        }
        if (c == '\\') {
            ++i;
            continue;
        }
        if (c == '"')
            in_string = false;
        else if (static_cast<unsigned char>(c) < 0x20)
            return i;
    }
    if (in_string) return open;
    return std::nullopt;
}

std::optional<size_t> end_of_first_value(std::string_view s) {
    size_t i = s.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos || (s[i] != '{' && s[i] != '[')) return std::nullopt;
    size_t depth = 0;
    bool in_string = false;
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) return i + 1;
        }
    }
    return std::nullopt;
}

} // namespace spate::format::detail
