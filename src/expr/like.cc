#include "expr/like.h"

#include <algorithm>
#include <cctype>

namespace spate::expr {

namespace {

char fold(char c, bool ci) {
    return ci ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

bool equal_folded(std::string_view a, std::string_view b, bool ci) {
    if (a.size() != b.size()) return false;
    if (!ci) return a == b;
    for (size_t i = 0; i < a.size(); ++i)
        if (fold(a[i], true) != fold(b[i], true)) return false;
    return true;
}

} // namespace

std::optional<like_matcher> like_matcher::compile(std::string_view pattern, std::string_view escape,
                                                  bool case_insensitive, std::string* why) {
    if (escape.size() > 1) {
        if (why) *why = "invalid escape string";
        return std::nullopt;
    }
    like_matcher m;
    m._ci = case_insensitive;
    for (size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (!escape.empty() && c == escape[0]) {
            if (i + 1 == pattern.size()) {
                if (why) *why = "LIKE pattern must not end with escape character";
                return std::nullopt;
            }
            m._tokens += fold(pattern[++i], case_insensitive);
            m._kinds += 'l';
        } else if (c == '%') {
            if (!m._kinds.empty() && m._kinds.back() == '%') continue; // %% is %
            m._tokens += c;
            m._kinds += '%';
        } else if (c == '_') {
            m._tokens += c;
            m._kinds += '_';
        } else {
            m._tokens += fold(c, case_insensitive);
            m._kinds += 'l';
        }
    }
    // Fast shapes: literals with % only at the ends.
    size_t n = m._kinds.size();
    bool lead = n > 0 && m._kinds[0] == '%';
    bool trail = n > 1 && m._kinds[n - 1] == '%';
    size_t from = lead ? 1 : 0, to = trail ? n - 1 : n;
    bool literal_middle = std::all_of(m._kinds.begin() + from, m._kinds.begin() + to,
                                      [](char k) { return k == 'l'; });
    if (literal_middle) {
        m._literal = m._tokens.substr(from, to - from);
        if (lead && trail)
            m._shape = shape::contains;
        else if (lead)
            m._shape = shape::suffix;
        else if (trail)
            m._shape = shape::prefix;
        else
            m._shape = shape::exact;
    }
    return m;
}

bool like_matcher::match(std::string_view s) const {
    const std::string& lit = _literal;
    switch (_shape) {
    case shape::exact: return equal_folded(s, lit, _ci);
    case shape::prefix:
        return s.size() >= lit.size() && equal_folded(s.substr(0, lit.size()), lit, _ci);
    case shape::suffix:
        return s.size() >= lit.size() && equal_folded(s.substr(s.size() - lit.size()), lit, _ci);
    case shape::contains:
        if (!_ci) return s.find(lit) != std::string_view::npos;
        for (size_t i = 0; i + lit.size() <= s.size(); ++i)
            if (equal_folded(s.substr(i, lit.size()), lit, true)) return true;
        return lit.empty();
    case shape::general: return match_general(s, 0, 0);
    }
    return false;
}

bool like_matcher::match_general(std::string_view s, size_t pi, size_t si) const {
    // Greedy matching that backtracks only to the last '%': O(|s| * |pattern|) at worst.
    constexpr size_t none = std::string::npos;
    size_t star = none, star_si = 0;
    const size_t n = _kinds.size();
    auto next_char = [&](size_t at) {
        ++at;
        while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80)
            ++at;
        return at;
    };
    while (si < s.size()) {
        if (pi < n && _kinds[pi] == '%') {
            star = pi++;
            star_si = si;
        } else if (pi < n && _kinds[pi] == '_') {
            si = next_char(si);
            ++pi;
        } else if (pi < n && fold(s[si], _ci) == _tokens[pi]) {
            ++si;
            ++pi;
        } else if (star != none) {
            pi = star + 1;
            star_si = next_char(star_si);
            si = star_si;
        } else {
            return false;
        }
    }
    while (pi < n && _kinds[pi] == '%')
        ++pi;
    return pi == n;
}

} // namespace spate::expr
