#pragma once

#include <cstdint>
#include <string>

namespace spate::nexmark {

/// Appends `ms` (ms since the Unix epoch) as UTC "yyyy-MM-dd HH:mm:ss.SSS", the format of
/// Flink's JSON TIMESTAMP(3) ("SQL" standard). Proleptic Gregorian calendar; times before 1970
/// are handled; years outside 0..9999 are written with as many digits as they need (and a '-'
/// if negative). Never allocates once `out` has capacity.
void append_timestamp(int64_t ms, std::string& out);

/// The civil (year, month 1..12, day 1..31) of a day counted from 1970-01-01 (may be negative).
struct civil_date {
    int64_t year;
    unsigned month;
    unsigned day;
};
civil_date civil_from_days(int64_t days);

} // namespace spate::nexmark
