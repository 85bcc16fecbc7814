#include "format/text_out_internal.h"

#include "columnar/text_format.h"
#include "format/json_locate_internal.h"

#include <charconv>
#include <cstdint>
#include <cstring>

#include <simdjson.h>

namespace spate::format::detail {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

/// Whether any of the 8 bytes of `w` is below 0x20, '"' or '\\' (bit tricks on the word).
bool needs_escape(uint64_t w) {
    constexpr uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
    auto has_zero = [](uint64_t v) { return (v - ones) & ~v & highs; };
    uint64_t below_space = (w - ones * 0x20) & ~w & highs;
    return (below_space | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'))) != 0;
}

/// Escapes the ASCII specials of `s`, which is valid UTF-8.
void append_escaped(std::string_view s, std::string& out) {
    size_t run = 0; // start of the bytes not yet copied
    for (size_t i = 0; i < s.size(); ++i) {
        // Skip 8 bytes at a time while none needs escaping.
        while (i + 8 <= s.size()) {
            uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            if (needs_escape(w)) break;
            i += 8;
        }
        if (i >= s.size()) break;
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 15]};
            out.append(u, 6);
        }
        }
    }
    out.append(s.data() + run, s.size() - run);
}

void append_4digits(int64_t v, std::string& out) {
    char b[4] = {char('0' + v / 1000), char('0' + v / 100 % 10), char('0' + v / 10 % 10),
                 char('0' + v % 10)};
    out.append(b, 4);
}
void append_2digits(int64_t v, std::string& out) {
    char b[2] = {char('0' + v / 10), char('0' + v % 10)};
    out.append(b, 2);
}

} // namespace

void append_json_string(std::string_view s, std::string& out) {
    out.push_back('"');
    if (simdjson::validate_utf8(s.data(), s.size())) {
        append_escaped(s, out);
    } else {
        while (!s.empty()) {
            auto bad = first_invalid_utf8(s);
            size_t good = bad ? *bad : s.size();
            append_escaped(s.substr(0, good), out);
            if (!bad) break;
            out.append("\\ufffd");
            s.remove_prefix(good + 1);
        }
    }
    out.push_back('"');
}

void append_timestamp_millis(int64_t ms, std::string& out) {
    constexpr int64_t day_ms = 86'400'000;
    int64_t days = ms / day_ms, in_day = ms % day_ms;
    if (in_day < 0) in_day += day_ms, --days;
    int64_t y;
    unsigned m, d;
    columnar::civil_from_days(days, y, m, d);
    if (y < 1 || y > 9999) {
        columnar::append_timestamp_text(ms, out);
        return;
    }
    append_4digits(y, out);
    out.push_back('-');
    append_2digits(m, out);
    out.push_back('-');
    append_2digits(d, out);
    out.push_back(' ');
    append_2digits(in_day / 3'600'000, out);
    out.push_back(':');
    append_2digits(in_day / 60'000 % 60, out);
    out.push_back(':');
    append_2digits(in_day / 1000 % 60, out);
    out.push_back('.');
    int64_t frac = in_day % 1000;
    char b[3] = {char('0' + frac / 100), char('0' + frac / 10 % 10), char('0' + frac % 10)};
    out.append(b, 3);
}

void append_i64(int64_t v, std::string& out) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, size_t(r.ptr - buf));
}

void append_shortest_double(double v, std::string& out) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, size_t(r.ptr - buf));
}

} // namespace spate::format::detail
