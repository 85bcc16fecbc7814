#pragma once

// Proleptic Gregorian calendar arithmetic shared by the text and binary value codecs.

#include <cstdint>

namespace spate::pgwire {

struct civil_date {
    int64_t year;
    unsigned month; ///< 1..12
    unsigned day;   ///< 1..31
};

/// Days since 1970-01-01 of a calendar date (year 0 is 1 BC).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
/// The calendar date `days` days after 1970-01-01.
civil_date civil_from_days(int64_t days);

/// Floor division and modulo, for negative times.
inline int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}
inline int64_t floor_mod(int64_t a, int64_t b) {
    return a - floor_div(a, b) * b;
}

/// Milliseconds between 1970-01-01 and 2000-01-01, Postgres' epoch.
inline constexpr int64_t pg_epoch_ms = 946684800000;
inline constexpr int64_t pg_epoch_days = 10957;

} // namespace spate::pgwire
