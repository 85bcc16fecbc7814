// Text input of the types whose syntax takes more than from_chars: numeric, date, timestamp
// and interval, in the forms clients send (Postgres' own output forms and the common ISO ones).

#include "pgwire/calendar.h"
#include "pgwire/value_codec.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace spate::pgwire {

namespace {

/// A small cursor over text with the few scanning steps these parsers need.
struct scanner {
    std::string_view s;
    size_t i = 0;

    bool done() const { return i >= s.size(); }
    char peek() const { return done() ? '\0' : s[i]; }
    void skip_spaces() {
        while (!done() && std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
    }
    bool eat(char c) {
        if (peek() != c) return false;
        ++i;
        return true;
    }
    /// Up to `max` decimal digits; nullopt when none. `count` gets how many were read.
    std::optional<int64_t> digits(size_t max = 18, int* count = nullptr) {
        size_t start = i;
        int64_t v = 0;
        while (!done() && i - start < max && std::isdigit(static_cast<unsigned char>(s[i])))
            v = v * 10 + (s[i++] - '0');
        if (count) *count = static_cast<int>(i - start);
        if (i == start) return std::nullopt;
        return v;
    }
    std::string_view word() {
        size_t start = i;
        while (!done() && std::isalpha(static_cast<unsigned char>(s[i])))
            ++i;
        return s.substr(start, i - start);
    }
};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(a[k])) != b[k]) return false;
    return true;
}

/// Fraction digits after a '.', as microseconds (digits past the sixth are rounded off).
std::optional<int64_t> fraction_micros(scanner& sc) {
    int n = 0;
    size_t start = sc.i;
    while (!sc.done() && std::isdigit(static_cast<unsigned char>(sc.peek())))
        ++sc.i, ++n;
    if (n == 0) return std::nullopt;
    int64_t micros = 0;
    for (int k = 0; k < 6; ++k)
        micros = micros * 10 + (k < n ? sc.s[start + static_cast<size_t>(k)] - '0' : 0);
    if (n > 6 && sc.s[start + 6] >= '5') ++micros;
    return micros;
}

/// "YYYY-MM-DD" into days since 1970; nullopt when not a real date.
std::optional<int64_t> scan_date(scanner& sc) {
    auto y = sc.digits(7);
    if (!y || !sc.eat('-')) return std::nullopt;
    auto m = sc.digits(2);
    if (!m || !sc.eat('-')) return std::nullopt;
    auto d = sc.digits(2);
    if (!d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
    auto days = days_from_civil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
    // Day 31 of a 30-day month lands in the next month.
    if (civil_from_days(days).month != static_cast<unsigned>(*m)) return std::nullopt;
    return days;
}

/// "HH:MM[:SS[.ffffff]]" into microseconds.
std::optional<int64_t> scan_time(scanner& sc, int64_t max_hours) {
    auto h = sc.digits(9);
    if (!h || !sc.eat(':')) return std::nullopt;
    auto mi = sc.digits(2);
    if (!mi || *h > max_hours || *mi > 59) return std::nullopt;
    int64_t sec = 0, frac = 0;
    if (sc.eat(':')) {
        auto s = sc.digits(2);
        if (!s || *s > 60) return std::nullopt;
        sec = *s;
        if (sc.eat('.')) {
            auto f = fraction_micros(sc);
            if (!f) return std::nullopt;
            frac = *f;
        }
    }
    return ((*h * 60 + *mi) * 60 + sec) * 1000000 + frac;
}

} // namespace

std::optional<cell> parse_numeric_text(std::string_view s) {
    scanner sc{s};
    sc.skip_spaces();
    bool neg = false;
    if (sc.eat('-'))
        neg = true;
    else
        sc.eat('+');
    __int128 unscaled = 0;
    int32_t scale = 0;
    int digits = 0;
    constexpr __int128 limit = (static_cast<__int128>(1) << 120);
    auto add_digit = [&](char c) {
        if (unscaled >= limit) return false;
        unscaled = unscaled * 10 + (c - '0');
        ++digits;
        return true;
    };
    while (std::isdigit(static_cast<unsigned char>(sc.peek())))
        if (!add_digit(s[sc.i++])) return std::nullopt;
    if (sc.eat('.')) {
        while (std::isdigit(static_cast<unsigned char>(sc.peek()))) {
            if (!add_digit(s[sc.i++])) return std::nullopt;
            ++scale;
        }
    }
    if (digits == 0) return std::nullopt;
    if (sc.peek() == 'e' || sc.peek() == 'E') {
        ++sc.i;
        bool eneg = sc.eat('-');
        if (!eneg) sc.eat('+');
        auto e = sc.digits(4);
        if (!e) return std::nullopt;
        int64_t exp = eneg ? -*e : *e;
        // A positive exponent first cancels the fraction, then multiplies.
        int64_t new_scale = scale - exp;
        while (new_scale < 0) {
            if (unscaled >= limit / 10) return std::nullopt;
            unscaled *= 10;
            ++new_scale;
        }
        if (new_scale > 1000) return std::nullopt;
        scale = static_cast<int32_t>(new_scale);
    }
    sc.skip_spaces();
    if (!sc.done()) return std::nullopt;
    return cell{numeric_value{neg ? -unscaled : unscaled, scale}};
}

std::optional<cell> parse_date_text(std::string_view s) {
    scanner sc{s};
    sc.skip_spaces();
    auto days = scan_date(sc);
    if (!days) return std::nullopt;
    sc.skip_spaces();
    if (!sc.done()) return std::nullopt;
    return cell{timestamp_ms{*days * 86400000}};
}

std::optional<cell> parse_timestamp_text(std::string_view s, bool with_zone) {
    scanner sc{s};
    sc.skip_spaces();
    auto days = scan_date(sc);
    if (!days) return std::nullopt;
    int64_t micros = 0;
    if (sc.peek() == 'T' || sc.peek() == ' ') {
        ++sc.i;
        sc.skip_spaces();
        if (!sc.done() && std::isdigit(static_cast<unsigned char>(sc.peek()))) {
            auto t = scan_time(sc, 24);
            if (!t) return std::nullopt;
            micros = *t;
        }
    }
    // A zone: Z, UTC, +HH, +HH:MM, +HHMM. Applied to timestamptz; a timestamp ignores it as
    // Postgres does.
    sc.skip_spaces();
    int64_t offset_micros = 0;
    if (sc.peek() == '+' || sc.peek() == '-') {
        bool neg = s[sc.i++] == '-';
        int n = 0;
        auto hh = sc.digits(4, &n);
        if (!hh) return std::nullopt;
        int64_t h = *hh, m = 0;
        if (n > 2) {
            h = *hh / 100;
            m = *hh % 100;
        } else if (sc.eat(':')) {
            auto mm = sc.digits(2);
            if (!mm) return std::nullopt;
            m = *mm;
        }
        offset_micros = (h * 60 + m) * 60000000 * (neg ? -1 : 1);
    } else if (!sc.done()) {
        auto w = sc.word();
        if (!iequals(w, "z") && !iequals(w, "utc") && !iequals(w, "gmt")) return std::nullopt;
    }
    sc.skip_spaces();
    if (!sc.done()) return std::nullopt;
    if (!with_zone) offset_micros = 0;
    int64_t ms = *days * 86400000 + floor_div(micros - offset_micros, 1000);
    return cell{timestamp_ms{ms}};
}

std::optional<cell> parse_interval_text(std::string_view s) {
    scanner sc{s};
    interval_value v;
    bool any = false;
    sc.skip_spaces();
    sc.eat('@');
    while (true) {
        sc.skip_spaces();
        if (sc.done()) break;
        bool neg = false;
        if (sc.eat('-'))
            neg = true;
        else
            sc.eat('+');
        size_t before = sc.i;
        auto whole = sc.digits(18);
        if (!whole) return std::nullopt;
        if (sc.peek() == ':') {
            sc.i = before;
            auto t = scan_time(sc, std::numeric_limits<int32_t>::max());
            if (!t) return std::nullopt;
            v.micros += neg ? -*t : *t;
            any = true;
            continue;
        }
        double value = static_cast<double>(*whole);
        if (sc.eat('.')) {
            auto f = fraction_micros(sc);
            if (!f) return std::nullopt;
            value += static_cast<double>(*f) / 1e6;
        }
        if (neg) value = -value;
        sc.skip_spaces();
        auto unit = sc.word();
        std::string u;
        for (char c : unit)
            u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto is = [&](std::initializer_list<std::string_view> names) {
            for (auto n : names)
                if (u == n) return true;
            return false;
        };
        auto whole_part = static_cast<int64_t>(value);
        if (is({"year", "years", "y", "yr", "yrs"}))
            v.months += static_cast<int32_t>(std::llround(value * 12));
        else if (is({"mon", "mons", "month", "months"}))
            v.months += static_cast<int32_t>(whole_part),
                v.days += static_cast<int32_t>(std::llround((value - whole_part) * 30));
        else if (is({"week", "weeks", "w"}))
            v.days += static_cast<int32_t>(std::llround(value * 7));
        else if (is({"day", "days", "d"}))
            v.days += static_cast<int32_t>(whole_part),
                v.micros += std::llround((value - whole_part) * 86400e6);
        else if (is({"hour", "hours", "h", "hr", "hrs"}))
            v.micros += std::llround(value * 3600e6);
        else if (is({"minute", "minutes", "min", "mins", "m"}))
            v.micros += std::llround(value * 60e6);
        else if (is({"second", "seconds", "sec", "secs", "s", ""}))
            v.micros += std::llround(value * 1e6);
        else if (is({"millisecond", "milliseconds", "ms", "msec", "msecs"}))
            v.micros += std::llround(value * 1e3);
        else if (is({"microsecond", "microseconds", "us", "usec", "usecs"}))
            v.micros += std::llround(value);
        else
            return std::nullopt;
        any = true;
    }
    if (!any) return std::nullopt;
    return cell{v};
}

} // namespace spate::pgwire
