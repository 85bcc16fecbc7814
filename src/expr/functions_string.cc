// String functions, all in UTF-8 characters where Postgres counts characters. Functions that
// return part of an argument (substring, trim, left, split_part, ...) return a reference into
// the argument's bytes instead of copying them.

#include "expr/functions_internal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace spate::expr {

using columnar::string_ref;

namespace {

std::string_view arg(const kernel_call& c, size_t a, size_t i) {
    return c.strs(a)[i].view();
}
void set_ref(const kernel_call& c, size_t i, std::string_view within_args) {
    c.out->strs()[i] = string_ref{within_args.data(), static_cast<uint32_t>(within_args.size())};
}
template <typename F>
void each_valid(const kernel_call& c, F f) {
    for (size_t i = 0; i < c.rows; ++i)
        if (c.row_valid(i)) f(i);
}
void borrow_all(const kernel_call& c) {
    for (const auto* a : c.args)
        if (a->physical() == columnar::physical_type::str) c.out->borrow_strings(*a);
}

size_t char_len(std::string_view s, size_t at) {
    unsigned char b = static_cast<unsigned char>(s[at]);
    size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    return std::min(n, s.size() - at);
}

template <int (*Fn)(int)>
void map_ascii(const kernel_call& c) {
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i);
        char* p = c.out->heap().allocate(s.size());
        for (size_t k = 0; k < s.size(); ++k)
            p[k] = static_cast<char>(Fn(static_cast<unsigned char>(s[k])));
        set_ref(c, i, {p, s.size()});
    });
}

void length_chars(const kernel_call& c) {
    int64_t* out = c.out->i64();
    for (size_t i = 0; i < c.rows; ++i)
        out[i] = static_cast<int64_t>(utf8_length(arg(c, 0, i)));
}
void length_bytes(const kernel_call& c) {
    int64_t* out = c.out->i64();
    for (size_t i = 0; i < c.rows; ++i)
        out[i] = c.strs(0)[i].size;
}

// substring(s, from [, for]) in characters, 1-based; a start before 1 shortens the count.
void substring_fn(const kernel_call& c) {
    borrow_all(c);
    bool has_count = c.args.size() > 2;
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i);
        int64_t start = c.i64(1)[i];
        int64_t end = INT64_MAX; // exclusive, 1-based
        if (has_count) {
            int64_t n = c.i64(2)[i];
            if (n < 0) {
                c.fail(i, sqlstate::substring_error, "negative substring length not allowed");
                return;
            }
            end = start > INT64_MAX - n ? INT64_MAX : start + n;
        }
        int64_t from = std::max<int64_t>(start, 1);
        if (end <= from) return set_ref(c, i, s.substr(0, 0));
        size_t b = utf8_offset(s, static_cast<size_t>(from - 1));
        size_t e = end == INT64_MAX ? s.size()
                                    : b + utf8_offset(s.substr(b), static_cast<size_t>(end - from));
        set_ref(c, i, s.substr(b, e - b));
    });
}

// concat(any...): NULL arguments are skipped; never NULL.
void concat_fn(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i) {
        size_t n = 0;
        for (const auto* a : c.args)
            n += a->is_null(i) ? 0 : a->strs()[i].size;
        char* p = c.out->heap().allocate(n);
        size_t at = 0;
        for (const auto* a : c.args) {
            if (a->is_null(i)) continue;
            string_ref r = a->strs()[i];
            if (r.size) std::memcpy(p + at, r.data, r.size);
            at += r.size;
        }
        set_ref(c, i, {p, n});
    }
}

// concat_ws(sep, any...): NULL when sep is NULL, NULL arguments skipped.
void concat_ws_fn(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i) {
        if (c.args[0]->is_null(i)) {
            c.out->set_null(i);
            continue;
        }
        std::string_view sep = arg(c, 0, i);
        std::string buf;
        bool first = true;
        for (size_t a = 1; a < c.args.size(); ++a) {
            if (c.args[a]->is_null(i)) continue;
            if (!first) buf += sep;
            buf += arg(c, a, i);
            first = false;
        }
        put_string(c, i, buf);
    }
}

void concat_op(const kernel_call& c) {
    each_valid(c, [&](size_t i) {
        std::string_view a = arg(c, 0, i), b = arg(c, 1, i);
        char* p = c.out->heap().allocate(a.size() + b.size());
        if (!a.empty()) std::memcpy(p, a.data(), a.size());
        if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
        set_ref(c, i, {p, a.size() + b.size()});
    });
}

// The fields of s split on delim (a whole string, empty delim = one field).
template <typename F>
void split_fields(std::string_view s, std::string_view delim, F f) {
    if (delim.empty()) {
        f(s);
        return;
    }
    size_t at = 0;
    while (true) {
        size_t k = s.find(delim, at);
        if (k == std::string_view::npos) {
            f(s.substr(at));
            return;
        }
        f(s.substr(at, k - at));
        at = k + delim.size();
    }
}

// split_part(s, delim, n): 1-based field, negative counts from the end, '' when missing.
void split_part_fn(const kernel_call& c) {
    borrow_all(c);
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i), d = arg(c, 1, i);
        int64_t n = c.i64(2)[i];
        if (n == 0) {
            c.fail(i, sqlstate::invalid_parameter, "field position must not be zero");
            return;
        }
        int64_t count = 0;
        if (!s.empty()) split_fields(s, d, [&](std::string_view) { ++count; });
        int64_t want = n > 0 ? n - 1 : count + n;
        set_ref(c, i, s.substr(0, 0));
        int64_t k = 0;
        if (want >= 0 && want < count)
            split_fields(s, d, [&](std::string_view f) {
                if (k++ == want) set_ref(c, i, f);
            });
    });
}

// split_index(s, delim, n) (Flink): 0-based field, NULL when out of range.
void split_index_fn(const kernel_call& c) {
    borrow_all(c);
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i), d = arg(c, 1, i);
        int64_t n = c.i64(2)[i];
        int64_t k = 0;
        bool found = false;
        if (n >= 0)
            split_fields(s, d, [&](std::string_view f) {
                if (k++ == n) set_ref(c, i, f), found = true;
            });
        if (!found) c.out->set_null(i);
    });
}

// trim family: which ends, and the characters removed (default space).
template <bool left, bool right>
void trim_fn(const kernel_call& c) {
    borrow_all(c);
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i);
        std::string_view chars = c.args.size() > 1 ? arg(c, 1, i) : std::string_view(" ");
        // Characters are UTF-8 sequences: a sequence is trimmed when it occurs in `chars`.
        auto in_set = [&](std::string_view ch) {
            for (size_t k = 0; k < chars.size(); k += char_len(chars, k))
                if (chars.substr(k, char_len(chars, k)) == ch) return true;
            return false;
        };
        size_t b = 0, e = s.size();
        if (left)
            while (b < e && in_set(s.substr(b, char_len(s, b))))
                b += char_len(s, b);
        if (right)
            while (e > b) {
                size_t k = e - 1;
                while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80)
                    --k;
                if (!in_set(s.substr(k, e - k))) break;
                e = k;
            }
        set_ref(c, i, s.substr(b, e - b));
    });
}

void replace_fn(const kernel_call& c) {
    borrow_all(c);
    std::string buf;
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i), from = arg(c, 1, i), to = arg(c, 2, i);
        if (from.empty() || s.find(from) == std::string_view::npos) return set_ref(c, i, s);
        buf.clear();
        size_t at = 0;
        for (size_t k; (k = s.find(from, at)) != std::string_view::npos; at = k + from.size())
            buf.append(s.substr(at, k - at)).append(to);
        buf.append(s.substr(at));
        put_string(c, i, buf);
    });
}

// strpos(s, sub): 1-based character position, 0 when absent.
int64_t strpos(std::string_view s, std::string_view sub) {
    size_t k = s.find(sub);
    return k == std::string_view::npos ? 0 : static_cast<int64_t>(utf8_length(s.substr(0, k))) + 1;
}
void strpos_fn(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i)
        c.out->i64()[i] = strpos(arg(c, 0, i), arg(c, 1, i));
}
void position_fn(const kernel_call& c) { // position(sub, s)
    for (size_t i = 0; i < c.rows; ++i)
        c.out->i64()[i] = strpos(arg(c, 1, i), arg(c, 0, i));
}

// left/right(s, n): n characters; negative n: all but the last/first |n|.
template <bool from_left>
void side_fn(const kernel_call& c) {
    borrow_all(c);
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i);
        int64_t n = c.i64(1)[i];
        int64_t len = static_cast<int64_t>(utf8_length(s));
        int64_t keep = n >= 0 ? std::min(n, len) : std::max<int64_t>(0, len + n);
        if (from_left)
            set_ref(c, i, s.substr(0, utf8_offset(s, static_cast<size_t>(keep))));
        else
            set_ref(c, i, s.substr(utf8_offset(s, static_cast<size_t>(len - keep))));
    });
}

// lpad/rpad(s, len [, fill]): to `len` characters, truncating when longer.
template <bool left>
void pad_fn(const kernel_call& c) {
    std::string buf;
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i);
        int64_t len = std::max<int64_t>(0, c.i64(1)[i]);
        std::string_view fill = c.args.size() > 2 ? arg(c, 2, i) : std::string_view(" ");
        if (len > 10'000'000) {
            c.fail(i, "54000", "requested length too large");
            return;
        }
        int64_t have = static_cast<int64_t>(utf8_length(s));
        buf.clear();
        if (have >= len || fill.empty()) {
            buf.assign(s.substr(0, utf8_offset(s, static_cast<size_t>(std::min(have, len)))));
        } else {
            if (!left) buf.append(s);
            // The fill's characters, repeated: walk it and wrap around.
            size_t at = 0;
            for (int64_t k = 0; k < len - have; ++k) {
                if (at >= fill.size()) at = 0;
                size_t n = char_len(fill, at);
                buf.append(fill.substr(at, n));
                at += n;
            }
            if (left) buf.append(s);
        }
        put_string(c, i, buf);
    });
}

void starts_with_fn(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i)
        c.out->bools()[i] = arg(c, 0, i).starts_with(arg(c, 1, i));
}

void reverse_fn(const kernel_call& c) {
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i);
        char* p = c.out->heap().allocate(s.size());
        size_t w = s.size();
        for (size_t k = 0; k < s.size();) {
            size_t n = char_len(s, k);
            w -= n;
            std::memcpy(p + w, s.data() + k, n);
            k += n;
        }
        set_ref(c, i, {p, s.size()});
    });
}

void initcap_fn(const kernel_call& c) {
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i);
        char* p = c.out->heap().allocate(s.size());
        bool start = true;
        for (size_t k = 0; k < s.size(); ++k) {
            unsigned char ch = static_cast<unsigned char>(s[k]);
            bool alnum = std::isalnum(ch) || ch >= 0x80;
            p[k] = static_cast<char>(start ? std::toupper(ch) : std::tolower(ch));
            start = !alnum;
        }
        set_ref(c, i, {p, s.size()});
    });
}

void repeat_fn(const kernel_call& c) {
    each_valid(c, [&](size_t i) {
        std::string_view s = arg(c, 0, i);
        int64_t n = std::max<int64_t>(0, c.i64(1)[i]);
        if (static_cast<double>(n) * static_cast<double>(s.size()) > 1e8) {
            c.fail(i, "54000", "requested length too large");
            return;
        }
        char* p = c.out->heap().allocate(static_cast<size_t>(n) * s.size());
        for (int64_t k = 0; k < n; ++k)
            if (!s.empty()) std::memcpy(p + k * s.size(), s.data(), s.size());
        set_ref(c, i, {p, static_cast<size_t>(n) * s.size()});
    });
}

void ascii_fn(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i) {
        std::string_view s = arg(c, 0, i);
        // The code point of the first character (the text is UTF-8, checked where it entered).
        int64_t cp = s.empty() ? 0 : static_cast<unsigned char>(s[0]);
        size_t extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        if (extra && s.size() > extra) {
            cp &= 0x3F >> extra;
            for (size_t k = 1; k <= extra; ++k)
                cp = (cp << 6) | (static_cast<unsigned char>(s[k]) & 0x3F);
        }
        c.out->i64()[i] = cp;
    }
}

// ASCII only, without the locale lookup of std::tolower (bytes >= 0x80 of UTF-8 stay).
int lower_c(int ch) {
    return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}
int upper_c(int ch) {
    return ch >= 'a' && ch <= 'z' ? ch - ('a' - 'A') : ch;
}

} // namespace

void register_string(function_registry& r) {
    const type_id S = type_id::varchar, I = type_id::int32, B = type_id::boolean;
    r.add(
        make_fn("lower", {S}, S, map_ascii<lower_c>, "lower(varchar) -> varchar (ASCII letters)"));
    r.add(
        make_fn("upper", {S}, S, map_ascii<upper_c>, "upper(varchar) -> varchar (ASCII letters)"));
    for (const char* n : {"length", "char_length", "character_length"})
        r.add(make_fn(n, {S}, I, length_chars));
    r.add(make_fn("octet_length", {S}, I, length_bytes));
    for (const char* n : {"substring", "substr"}) {
        r.add(make_fn(n, {S, I}, S, substring_fn));
        r.add(make_fn(n, {S, I, I}, S, substring_fn));
    }
    function_overload concat = make_fn("concat", {S}, S, concat_fn, "concat(any...) -> varchar");
    concat.variadic = true;
    concat.strict = false;
    concat.any_as_text = true;
    r.add(std::move(concat));
    function_overload ws =
        make_fn("concat_ws", {S, S}, S, concat_ws_fn, "concat_ws(varchar, any...) -> varchar");
    ws.variadic = true;
    ws.strict = false;
    ws.any_as_text = true;
    r.add(std::move(ws));
    function_overload cat = make_fn("||", {S, S}, S, concat_op, "varchar || any -> varchar");
    cat.is_operator = true;
    cat.any_as_text = true;
    r.add(std::move(cat));
    r.add(make_fn("split_part", {S, S, I}, S, split_part_fn));
    function_overload si = make_fn("split_index", {S, S, I}, S, split_index_fn);
    r.add(std::move(si));
    r.add(make_fn("btrim", {S}, S, trim_fn<true, true>));
    r.add(make_fn("btrim", {S, S}, S, trim_fn<true, true>));
    r.add(make_fn("trim", {S}, S, trim_fn<true, true>));
    r.add(make_fn("trim", {S, S}, S, trim_fn<true, true>));
    r.add(make_fn("ltrim", {S}, S, trim_fn<true, false>));
    r.add(make_fn("ltrim", {S, S}, S, trim_fn<true, false>));
    r.add(make_fn("rtrim", {S}, S, trim_fn<false, true>));
    r.add(make_fn("rtrim", {S, S}, S, trim_fn<false, true>));
    r.add(make_fn("replace", {S, S, S}, S, replace_fn));
    r.add(make_fn("strpos", {S, S}, I, strpos_fn));
    r.add(make_fn("position", {S, S}, I, position_fn,
                  "position(substring varchar, s varchar) -> integer (POSITION(sub IN s))"));
    r.add(make_fn("left", {S, I}, S, side_fn<true>));
    r.add(make_fn("right", {S, I}, S, side_fn<false>));
    r.add(make_fn("lpad", {S, I}, S, pad_fn<true>));
    r.add(make_fn("lpad", {S, I, S}, S, pad_fn<true>));
    r.add(make_fn("rpad", {S, I}, S, pad_fn<false>));
    r.add(make_fn("rpad", {S, I, S}, S, pad_fn<false>));
    r.add(make_fn("starts_with", {S, S}, B, starts_with_fn));
    r.add(make_fn("reverse", {S}, S, reverse_fn));
    r.add(make_fn("initcap", {S}, S, initcap_fn));
    r.add(make_fn("repeat", {S, I}, S, repeat_fn));
    r.add(make_fn("ascii", {S}, I, ascii_fn));
}

} // namespace spate::expr
