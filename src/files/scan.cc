#include "files/scan_internal.h"

#include <cstring>

#include <emmintrin.h>

namespace spate::files::detail {

uint64_t count_newlines(std::string_view s) {
    const char* p = s.data();
    const char* end = p + s.size();
    uint64_t n = 0;
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    // Byte counters (0 - (-1) per match) summed into 64-bit lanes every 255 blocks.
    while (p + 16 <= end) {
        __m128i acc = zero;
        for (int k = 0; k < 255 && p + 16 <= end; ++k, p += 16) {
            __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, nl));
        }
        __m128i sums = _mm_sad_epu8(acc, zero);
        n += uint64_t(_mm_cvtsi128_si64(sums)) + uint64_t(_mm_extract_epi16(sums, 4));
    }
    for (; p < end; ++p)
        n += *p == '\n';
    return n;
}

bool has_blank_line(std::string_view s) {
    const char* p = s.data();
    const char* end = p + s.size();
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    for (; p + 18 <= end; p += 16) {
        auto at = [&](int k) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k)); };
        __m128i a = _mm_cmpeq_epi8(at(0), nl);
        __m128i b1 = at(1);
        __m128i blank = _mm_and_si128(
            a, _mm_or_si128(_mm_cmpeq_epi8(b1, nl),
                            _mm_and_si128(_mm_cmpeq_epi8(b1, cr), _mm_cmpeq_epi8(at(2), nl))));
        if (_mm_movemask_epi8(blank)) return true;
    }
    for (; p < end; ++p) {
        if (*p != '\n') continue;
        if (p + 1 < end && p[1] == '\n') return true;
        if (p + 2 < end && p[1] == '\r' && p[2] == '\n') return true;
    }
    return false;
}

size_t csv_last_record_end(std::string_view s, char quote) {
    const char* base = s.data();
    size_t n = s.size();
    if (!std::memchr(base, quote, n)) {
        const void* nl = memrchr(base, '\n', n);
        return nl ? size_t(static_cast<const char*>(nl) - base) + 1 : std::string_view::npos;
    }
    // Walk the quotes from the start: between an even count of quotes we are outside.
    size_t best = std::string_view::npos;
    size_t pos = 0;
    for (;;) {
        const void* q = std::memchr(base + pos, quote, n - pos);
        size_t outside_end = q ? size_t(static_cast<const char*>(q) - base) : n;
        if (outside_end > pos) {
            const void* nl = memrchr(base + pos, '\n', outside_end - pos);
            if (nl) best = size_t(static_cast<const char*>(nl) - base) + 1;
        }
        if (!q) return best;
        // Inside quotes: find the closing quote (a doubled quote closes and reopens).
        const void* close = std::memchr(base + outside_end + 1, quote, n - outside_end - 1);
        if (!close) return best;
        pos = size_t(static_cast<const char*>(close) - base) + 1;
    }
}

size_t csv_first_record_end(std::string_view s, char quote) {
    bool in_quotes = false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == quote)
            in_quotes = !in_quotes;
        else if (c == '\n' && !in_quotes)
            return i + 1;
    }
    return std::string_view::npos;
}

void line_and_column(std::string_view s, size_t pos, uint64_t first_line, uint64_t& line,
                     uint64_t& column) {
    if (pos > s.size()) pos = s.size();
    line = first_line + count_newlines(s.substr(0, pos));
    const void* nl = memrchr(s.data(), '\n', pos);
    size_t line_start = nl ? size_t(static_cast<const char*>(nl) - s.data()) + 1 : 0;
    column = pos - line_start + 1;
}

bool split_csv_record(std::string_view s, size_t& pos, char delimiter, char quote,
                      std::vector<split_field>& fields, std::string& why) {
    fields.clear();
    size_t i = pos;
    size_t n = s.size();
    // A blank line ("\n" or "\r\n") has no fields.
    if (i < n && s[i] == '\n') {
        pos = i + 1;
        return true;
    }
    if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n') {
        pos = i + 2;
        return true;
    }
    for (;;) {
        split_field f;
        if (i < n && s[i] == quote) {
            f.quoted = true;
            ++i;
            for (;;) {
                if (i >= n) {
                    why = "unterminated quoted field";
                    pos = n;
                    return false;
                }
                if (s[i] == quote) {
                    if (i + 1 < n && s[i + 1] == quote) {
                        f.text.push_back(quote);
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                f.text.push_back(s[i++]);
            }
            if (i < n && s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ++i;
            if (i < n && s[i] != delimiter && s[i] != '\n') {
                why = "unexpected text after a closing quote";
                const void* nl = std::memchr(s.data() + i, '\n', n - i);
                pos = nl ? size_t(static_cast<const char*>(nl) - s.data()) + 1 : n;
                return false;
            }
        } else {
            size_t start = i;
            while (i < n && s[i] != delimiter && s[i] != '\n')
                ++i;
            size_t stop = i;
            if (stop > start && (i == n || s[i] == '\n') && s[stop - 1] == '\r') --stop;
            f.text.assign(s.substr(start, stop - start));
        }
        fields.push_back(std::move(f));
        if (i < n && s[i] == delimiter) {
            ++i;
            continue;
        }
        pos = i < n ? i + 1 : n;
        return true;
    }
}

} // namespace spate::files::detail
