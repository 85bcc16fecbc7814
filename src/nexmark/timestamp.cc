#include "nexmark/timestamp.h"

#include <charconv>

namespace spate::nexmark {
namespace {

constexpr int64_t ms_per_day = 86'400'000;

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

char* put_digits(char* p, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i) {
        p[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

} // namespace

// Counts 400-year eras from 0000-03-01, so that leap days fall at the end of each year.
civil_date civil_from_days(int64_t days) {
    const int64_t z = days + 719'468; // days from 0000-03-01 to 1970-01-01
    const int64_t era = floor_div(z, 146'097);
    const auto day_of_era = static_cast<uint64_t>(z - era * 146'097); // [0, 146096]
    const uint64_t year_of_era =
        (day_of_era - day_of_era / 1'460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
    const uint64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100); // [0, 365]
    const uint64_t month_from_march = (5 * day_of_year + 2) / 153;              // [0, 11]
    const auto day = static_cast<unsigned>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    const auto month =
        static_cast<unsigned>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    const int64_t year = static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

void append_timestamp(int64_t ms, std::string& out) {
    const int64_t days = floor_div(ms, ms_per_day);
    auto in_day = static_cast<unsigned>(ms - days * ms_per_day);
    const civil_date d = civil_from_days(days);

    char buf[48];
    char* p = buf;
    if (d.year >= 0 && d.year <= 9999) {
        p = put_digits(p, static_cast<unsigned>(d.year), 4);
    } else {
        p = std::to_chars(p, buf + 24, d.year).ptr;
    }
    *p++ = '-';
    p = put_digits(p, d.month, 2);
    *p++ = '-';
    p = put_digits(p, d.day, 2);
    *p++ = ' ';
    p = put_digits(p, in_day / 3'600'000, 2);
    *p++ = ':';
    p = put_digits(p, in_day / 60'000 % 60, 2);
    *p++ = ':';
    p = put_digits(p, in_day / 1'000 % 60, 2);
    *p++ = '.';
    p = put_digits(p, in_day % 1'000, 3);
    out.append(buf, p);
}

} // namespace spate::nexmark
