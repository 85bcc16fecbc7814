// Date and time functions on timestamp(3) (milliseconds since the epoch, UTC): extract /
// date_part, date_trunc, to_timestamp, to_char, Flink's date_format and field shorthands,
// now(), epoch_ms and to_timestamp_ms.

#include "columnar/text_format.h"
#include "expr/binder_support.h"
#include "expr/functions_internal.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstring>

namespace spate::expr {

namespace {

constexpr int64_t ms_per_day = 86'400'000;

// A timestamp's calendar fields.
struct civil {
    int64_t year;
    unsigned month, day;
    int64_t days; // since the epoch
    int64_t ms_of_day;
};

civil split(int64_t ms) {
    civil c;
    c.days = ms >= 0 ? ms / ms_per_day : -((-ms + ms_per_day - 1) / ms_per_day);
    c.ms_of_day = ms - c.days * ms_per_day;
    columnar::civil_from_days(c.days, c.year, c.month, c.day);
    return c;
}

int64_t day_of_week(int64_t days) { // 0 = Sunday
    int64_t d = (days + 4) % 7;
    return d < 0 ? d + 7 : d;
}

int64_t day_of_year(const civil& c) {
    return c.days - columnar::days_from_civil(c.year, 1, 1) + 1;
}

// ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday).
int64_t iso_week(const civil& c) {
    int64_t isodow = day_of_week(c.days);
    isodow = isodow == 0 ? 7 : isodow;
    int64_t thursday = c.days - isodow + 4;
    int64_t y;
    unsigned m, d;
    columnar::civil_from_days(thursday, y, m, d);
    return (thursday - columnar::days_from_civil(y, 1, 1)) / 7 + 1;
}

enum class field : uint8_t {
    year,
    quarter,
    month,
    week,
    day,
    dow,
    isodow,
    doy,
    hour,
    minute,
    second,
    millisecond,
    microsecond,
    epoch,
    decade,
    century,
    millennium
};

std::optional<field> parse_field(std::string_view s) {
    std::string f;
    for (char ch : s)
        f += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    static const std::pair<const char*, field> names[] = {{"year", field::year},
                                                          {"years", field::year},
                                                          {"quarter", field::quarter},
                                                          {"month", field::month},
                                                          {"months", field::month},
                                                          {"week", field::week},
                                                          {"day", field::day},
                                                          {"days", field::day},
                                                          {"dow", field::dow},
                                                          {"isodow", field::isodow},
                                                          {"doy", field::doy},
                                                          {"hour", field::hour},
                                                          {"hours", field::hour},
                                                          {"minute", field::minute},
                                                          {"minutes", field::minute},
                                                          {"second", field::second},
                                                          {"seconds", field::second},
                                                          {"millisecond", field::millisecond},
                                                          {"milliseconds", field::millisecond},
                                                          {"microsecond", field::microsecond},
                                                          {"microseconds", field::microsecond},
                                                          {"epoch", field::epoch},
                                                          {"decade", field::decade},
                                                          {"century", field::century},
                                                          {"millennium", field::millennium}};
    for (const auto& [n, v] : names)
        if (f == n) return v;
    return std::nullopt;
}

double field_value(field f, int64_t ms) {
    civil c = split(ms);
    switch (f) {
    case field::year: return double(c.year);
    case field::quarter: return double((c.month - 1) / 3 + 1);
    case field::month: return c.month;
    case field::week: return double(iso_week(c));
    case field::day: return c.day;
    case field::dow: return double(day_of_week(c.days));
    case field::isodow: {
        int64_t d = day_of_week(c.days);
        return double(d == 0 ? 7 : d);
    }
    case field::doy: return double(day_of_year(c));
    case field::hour: return double(c.ms_of_day / 3'600'000);
    case field::minute: return double(c.ms_of_day / 60'000 % 60);
    case field::second: return double(c.ms_of_day % 60'000) / 1000.0;
    case field::millisecond: return double(c.ms_of_day % 60'000);
    case field::microsecond: return double(c.ms_of_day % 60'000) * 1000.0;
    case field::epoch: return double(ms) / 1000.0;
    case field::decade: return std::floor(double(c.year) / 10.0);
    case field::century: return c.year > 0 ? double((c.year + 99) / 100) : double(c.year / 100 - 1);
    case field::millennium:
        return c.year > 0 ? double((c.year + 999) / 1000) : double(c.year / 1000 - 1);
    }
    return 0;
}

// State for a constant unit argument.
struct unit_state {
    field f;
};

[[noreturn]] void bad_unit(std::string_view u) {
    throw bind_error(std::string(sqlstate::invalid_parameter),
                     fmt::format("unit \"{}\" not recognized for type timestamp", u));
}

std::shared_ptr<const void> prepare_unit(std::span<const bound_expr_ptr> args) {
    const bound_expr& u = *args[0];
    if (u.kind != expr_kind::constant || u.constant.is_null()) return nullptr;
    auto f = parse_field(u.constant.as_string());
    if (!f) bad_unit(u.constant.as_string());
    return std::make_shared<unit_state>(unit_state{*f});
}

// The unit of row i: the prepared one, or parsed from the row (an error when unknown).
std::optional<field> unit_of(const kernel_call& c, size_t i) {
    if (c.state) return static_cast<const unit_state*>(c.state)->f;
    auto f = parse_field(c.strs(0)[i].view());
    if (!f)
        c.fail(i, sqlstate::invalid_parameter,
               fmt::format("unit \"{}\" not recognized for type timestamp", c.strs(0)[i].view()));
    return f;
}

void date_part_fn(const kernel_call& c) {
    double* out = c.out->f64();
    for (size_t i = 0; i < c.rows; ++i) {
        out[i] = 0;
        if (!c.row_valid(i)) continue;
        auto f = unit_of(c, i);
        if (f) out[i] = field_value(*f, c.i64(1)[i]);
    }
}

int64_t floor_to(int64_t ms, int64_t unit) {
    int64_t q = ms / unit;
    if (ms % unit < 0) --q;
    return q * unit;
}

std::optional<int64_t> trunc_to(field f, int64_t ms) {
    civil c = split(ms);
    switch (f) {
    case field::millisecond: return ms;
    case field::second: return floor_to(ms, 1000);
    case field::minute: return floor_to(ms, 60'000);
    case field::hour: return floor_to(ms, 3'600'000);
    case field::day: return c.days * ms_per_day;
    case field::week: {
        int64_t d = day_of_week(c.days);
        return (c.days - (d == 0 ? 6 : d - 1)) * ms_per_day;
    }
    case field::month: return columnar::days_from_civil(c.year, c.month, 1) * ms_per_day;
    case field::quarter:
        return columnar::days_from_civil(c.year, (c.month - 1) / 3 * 3 + 1, 1) * ms_per_day;
    case field::year: return columnar::days_from_civil(c.year, 1, 1) * ms_per_day;
    case field::decade:
        return columnar::days_from_civil(c.year - ((c.year % 10) + 10) % 10, 1, 1) * ms_per_day;
    default: return std::nullopt;
    }
}

void date_trunc_fn(const kernel_call& c) {
    int64_t* out = c.out->i64();
    for (size_t i = 0; i < c.rows; ++i) {
        out[i] = 0;
        if (!c.row_valid(i)) continue;
        auto f = unit_of(c, i);
        if (!f) continue;
        auto t = trunc_to(*f, c.i64(1)[i]);
        if (t)
            out[i] = *t;
        else
            c.fail(i, sqlstate::invalid_parameter,
                   fmt::format("unit \"{}\" not supported for date_trunc", c.strs(0)[i].view()));
    }
}

void to_timestamp_seconds(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i) {
        double ms = std::round(c.f64(0)[i] * 1000.0);
        bool ok = std::isfinite(ms) && std::fabs(ms) < 9.2e18;
        c.out->i64()[i] = ok ? static_cast<int64_t>(ms) : 0;
        if (!ok && c.row_valid(i)) c.fail(i, sqlstate::datetime_overflow, "timestamp out of range");
    }
}

// --- Postgres format patterns (to_char, to_timestamp) --------------------------------------

struct pg_token {
    const char* name;
    int width; // digits printed / at most read
};
constexpr pg_token pg_tokens[] = {{"YYYY", 4}, {"HH24", 2}, {"HH12", 2}, {"MS", 3},
                                  {"MM", 2},   {"DD", 2},   {"HH", 2},   {"MI", 2},
                                  {"SS", 2},   {"YY", 2},   {"US", 6}};

const pg_token* pg_token_at(std::string_view fmt, size_t at) {
    for (const auto& t : pg_tokens)
        if (fmt.substr(at).starts_with(t.name)) return &t;
    return nullptr;
}

int64_t pg_field(std::string_view name, int64_t ms) {
    civil c = split(ms);
    if (name == "YYYY") return c.year;
    if (name == "YY") return c.year % 100;
    if (name == "MM") return c.month;
    if (name == "DD") return c.day;
    if (name == "HH24") return c.ms_of_day / 3'600'000;
    if (name == "HH" || name == "HH12") {
        int64_t h = c.ms_of_day / 3'600'000 % 12;
        return h == 0 ? 12 : h;
    }
    if (name == "MI") return c.ms_of_day / 60'000 % 60;
    if (name == "SS") return c.ms_of_day / 1000 % 60;
    if (name == "MS") return c.ms_of_day % 1000;
    if (name == "US") return c.ms_of_day % 1000 * 1000;
    return 0;
}

void to_char_fn(const kernel_call& c) {
    std::string buf;
    for (size_t i = 0; i < c.rows; ++i) {
        if (!c.row_valid(i)) continue;
        std::string_view f = c.strs(1)[i].view();
        int64_t ms = c.i64(0)[i];
        buf.clear();
        for (size_t k = 0; k < f.size();) {
            if (f[k] == '"') { // quoted literal text
                size_t e = f.find('"', k + 1);
                if (e == std::string_view::npos) e = f.size();
                buf.append(f.substr(k + 1, e - k - 1));
                k = e + 1;
                continue;
            }
            if (const pg_token* t = pg_token_at(f, k)) {
                fmt::format_to(std::back_inserter(buf), "{:0{}}", pg_field(t->name, ms), t->width);
                k += std::strlen(t->name);
                continue;
            }
            buf += f[k++];
        }
        put_string(c, i, buf);
    }
}

// Reads a timestamp written in format `f`; an error message when it does not fit.
std::optional<int64_t> parse_with_format(std::string_view s, std::string_view f, std::string& why) {
    int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, milli = 0;
    size_t at = 0;
    for (size_t k = 0; k < f.size();) {
        if (const pg_token* t = pg_token_at(f, k)) {
            std::string_view name = t->name;
            while (at < s.size() && s[at] == ' ')
                ++at;
            size_t start = at;
            bool neg = name == "YYYY" && at < s.size() && s[at] == '-';
            if (neg) ++at;
            while (at < s.size() && at - start < size_t(t->width) + (name == "YYYY" ? 2 : 0) &&
                   std::isdigit(static_cast<unsigned char>(s[at])))
                ++at;
            std::string_view digits = s.substr(start, at - start);
            if (digits.empty() || (neg && digits.size() == 1)) {
                why =
                    fmt::format("invalid value \"{}\" for \"{}\"", s.substr(start, t->width), name);
                return std::nullopt;
            }
            int64_t v = std::stoll(std::string(digits));
            if (name == "YYYY")
                year = v;
            else if (name == "YY")
                year = 2000 + v;
            else if (name == "MM")
                month = v;
            else if (name == "DD")
                day = v;
            else if (name == "HH24" || name == "HH" || name == "HH12")
                hour = v;
            else if (name == "MI")
                minute = v;
            else if (name == "SS")
                second = v;
            else if (name == "MS")
                milli = v * (digits.size() == 1 ? 100 : digits.size() == 2 ? 10 : 1);
            else if (name == "US")
                milli = v / 1000;
            k += name.size();
            continue;
        }
        // A separator in the format skips one separator of the input.
        if (at < s.size() && !std::isalnum(static_cast<unsigned char>(s[at])))
            ++at;
        else if (at < s.size() && s[at] == f[k])
            ++at;
        ++k;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) {
        why = "date/time field value out of range";
        return std::nullopt;
    }
    int64_t days =
        columnar::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    int64_t y2;
    unsigned m2, d2;
    columnar::civil_from_days(days, y2, m2, d2);
    if (d2 != day) {
        why = "date/time field value out of range";
        return std::nullopt;
    }
    return days * ms_per_day + ((hour * 60 + minute) * 60 + second) * 1000 + milli;
}

void to_timestamp_format(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i) {
        c.out->i64()[i] = 0;
        if (!c.row_valid(i)) continue;
        std::string why;
        auto v = parse_with_format(c.strs(0)[i].view(), c.strs(1)[i].view(), why);
        if (v)
            c.out->i64()[i] = *v;
        else
            c.fail(i,
                   why.starts_with("date/time") ? sqlstate::datetime_overflow
                                                : sqlstate::invalid_datetime,
                   why);
    }
}

// Flink's date_format(ts, 'yyyy-MM-dd HH:mm:ss'): Java date patterns, 'quoted' literals.
void date_format_fn(const kernel_call& c) {
    std::string buf;
    for (size_t i = 0; i < c.rows; ++i) {
        if (!c.row_valid(i)) continue;
        std::string_view f = c.strs(1)[i].view();
        civil t = split(c.i64(0)[i]);
        buf.clear();
        for (size_t k = 0; k < f.size();) {
            char ch = f[k];
            if (ch == '\'') {
                size_t e = f.find('\'', k + 1);
                if (e == std::string_view::npos) e = f.size();
                if (e == k + 1)
                    buf += '\'';
                else
                    buf.append(f.substr(k + 1, e - k - 1));
                k = e + 1;
                continue;
            }
            size_t run = 1;
            while (k + run < f.size() && f[k + run] == ch)
                ++run;
            int64_t v = -1;
            switch (ch) {
            case 'y': v = run == 2 ? t.year % 100 : t.year; break;
            case 'M': v = t.month; break;
            case 'd': v = t.day; break;
            case 'H': v = t.ms_of_day / 3'600'000; break;
            case 'm': v = t.ms_of_day / 60'000 % 60; break;
            case 's': v = t.ms_of_day / 1000 % 60; break;
            case 'S': v = t.ms_of_day % 1000; break;
            case 'D': v = day_of_year(t); break;
            default: break;
            }
            if (v < 0)
                buf.append(f.substr(k, run));
            else
                fmt::format_to(std::back_inserter(buf), "{:0{}}", v, run);
            k += run;
        }
        put_string(c, i, buf);
    }
}

template <field F>
void field_bigint(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i)
        c.out->i64()[i] = static_cast<int64_t>(field_value(F, c.i64(0)[i]));
}
void flink_second(const kernel_call& c) {
    for (size_t i = 0; i < c.rows; ++i)
        c.out->i64()[i] = split(c.i64(0)[i]).ms_of_day / 1000 % 60;
}
void flink_dayofweek(const kernel_call& c) { // 1 = Sunday .. 7 = Saturday
    for (size_t i = 0; i < c.rows; ++i)
        c.out->i64()[i] = day_of_week(split(c.i64(0)[i]).days) + 1;
}

void now_fn(const kernel_call& c) {
    int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    std::fill_n(c.out->i64(), c.rows, now);
}

void identity_i64(const kernel_call& c) {
    if (c.rows) std::memcpy(c.out->i64(), c.i64(0), c.rows * sizeof(int64_t));
}

} // namespace

void register_datetime(function_registry& r) {
    const type_id S = type_id::varchar, T = type_id::timestamp, F = type_id::float64,
                  L = type_id::int64;
    for (const char* n : {"date_part", "extract"}) {
        function_overload f = make_fn(n, {S, T}, F, date_part_fn);
        f.prepare = prepare_unit;
        r.add(std::move(f));
    }
    function_overload trunc = make_fn("date_trunc", {S, T}, T, date_trunc_fn);
    trunc.prepare = prepare_unit;
    r.add(std::move(trunc));
    r.add(make_fn("to_timestamp", {F}, T, to_timestamp_seconds,
                  "to_timestamp(double precision seconds since the epoch) -> timestamp"));
    r.add(make_fn("to_timestamp", {S, S}, T, to_timestamp_format,
                  "to_timestamp(varchar, format varchar) -> timestamp"));
    r.add(make_fn("to_char", {T, S}, S, to_char_fn));
    r.add(make_fn("date_format", {T, S}, S, date_format_fn,
                  "date_format(timestamp, java pattern varchar) -> varchar"));
    r.add(make_fn("year", {T}, L, field_bigint<field::year>));
    r.add(make_fn("quarter", {T}, L, field_bigint<field::quarter>));
    r.add(make_fn("month", {T}, L, field_bigint<field::month>));
    r.add(make_fn("week", {T}, L, field_bigint<field::week>));
    r.add(make_fn("dayofmonth", {T}, L, field_bigint<field::day>));
    r.add(make_fn("dayofyear", {T}, L, field_bigint<field::doy>));
    r.add(make_fn("dayofweek", {T}, L, flink_dayofweek,
                  "dayofweek(timestamp) -> bigint (1 = Sunday)"));
    r.add(make_fn("hour", {T}, L, field_bigint<field::hour>));
    r.add(make_fn("minute", {T}, L, field_bigint<field::minute>));
    r.add(make_fn("second", {T}, L, flink_second));
    for (const char* n : {"now", "current_timestamp", "localtimestamp"}) {
        function_overload f = make_fn(n, {}, T, now_fn);
        f.deterministic = false;
        r.add(std::move(f));
    }
    r.add(make_fn("epoch_ms", {T}, L, identity_i64,
                  "epoch_ms(timestamp) -> bigint (milliseconds since 1970-01-01 00:00:00)"));
    r.add(make_fn("to_timestamp_ms", {L}, T, identity_i64,
                  "to_timestamp_ms(bigint milliseconds since the epoch) -> timestamp"));
}

} // namespace spate::expr
