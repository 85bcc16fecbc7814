#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spate::columnar {

// Text forms of spate's values, as Postgres prints and reads them. Used by the Postgres
// protocol (text results), by CAST to and from varchar, and by the JSON and CSV formats.

/// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
/// The date of a day number (inverse of days_from_civil).
void civil_from_days(int64_t days, int64_t& year, unsigned& month, unsigned& day);

/// "2024-01-31 12:00:05.25": the fraction only when non-zero, without trailing zeros.
void append_timestamp_text(int64_t ms, std::string& out);
/// Postgres' default interval style: "1 day 02:03:04.5", "-00:00:10", "3 days".
void append_interval_text(int64_t ms, std::string& out);
/// An unscaled decimal with `scale` digits after the point: (1250, 2) -> "12.50".
void append_decimal_text(int64_t unscaled, int scale, std::string& out);
/// The shortest text that reads back as the same double; "NaN", "Infinity", "-Infinity".
void append_double_text(double v, std::string& out);

/// Reads "YYYY-MM-DD[( |T)HH:MM[:SS[.fff...]]][Z|+HH[:MM]|-HH[:MM]]" (an offset is applied, so
/// the result is UTC). Digits beyond milliseconds are truncated. nullopt when malformed or out
/// of range.
std::optional<int64_t> parse_timestamp(std::string_view s);
/// Reads a decimal number ("-12.5", "3", "1e3" is refused) into an unscaled value with `scale`
/// digits, rounding half away from zero; nullopt when malformed or beyond 18 digits.
std::optional<int64_t> parse_decimal(std::string_view s, int scale);
/// Reads a Postgres interval: "10 seconds", "1 day 02:00:00", "00:00:04", "4 s", "1.5 minutes",
/// "2 hours 30 minutes", "-5 seconds". Months and years are refused (they have no fixed length).
/// nullopt when malformed; `why` says what was wrong.
std::optional<int64_t> parse_interval(std::string_view s, std::string* why = nullptr);
/// The length in milliseconds of one `unit` ("second", "seconds", "s", "minute", "hour", "day",
/// "week", "millisecond", "ms"); nullopt for unknown or variable-length units.
std::optional<int64_t> interval_unit_ms(std::string_view unit);

} // namespace spate::columnar
