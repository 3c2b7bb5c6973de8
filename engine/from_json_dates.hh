/*
 * from_json_dates.hh — how from_json reads a date field's string
 * (tide_json_options in tide_ffi.h has the rules): by the pattern or
 * CAST's forms, then, with the fallback, an int of days rebased from the
 * Julian calendar as Spark rebases it. Local to each file that includes
 * it (an anonymous namespace), as from_json_reader.hh's functions are.
 * C++ only.
 */
#ifndef TIDE_FROM_JSON_DATES_HH
#define TIDE_FROM_JSON_DATES_HH

#include "from_json.hh"

extern "C" {
#include "csv_convert.h"
}

namespace tide_fromjson
{

namespace
{

/* Spark's rebaseJulianToGregorianDays: a day number counted on the
   hybrid Julian calendar (before 1582-10-15) as the proleptic Gregorian
   day of the same local date, by RebaseDateTime's tables; ints wrap as
   Java's do. */
inline int32_t rebase_julian_days(int32_t days)
{
    static const int32_t switches[] = {-719164, -682945, -646420, -609895, -536845,
                                       -500320, -463795, -390745, -354220, -317695,
                                       -244645, -208120, -171595, -141427};
    static const int32_t diffs[] = {2, 1, 0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, 0};
    int i = (int)(sizeof switches / sizeof switches[0]);
    do {
        i--;
    } while (i > 0 && days < switches[i]);
    return (int32_t)((uint32_t)days + (uint32_t)diffs[i]);
}

/* A date field's string, as Spark's JacksonParser reads it: by the
   pattern or CAST's forms, then (the fallback) CAST's forms without
   "GMT" and an int of days, Spark 1.5's form. */
inline bool read_date(const FromJson &fj, std::string_view s, int32_t *out)
{
    if (csv_parse_date(s.data(), s.size(), fj.date_format, fj.date_fallback, out) == 0) return true;
    int32_t days;
    if (!fj.date_fallback || csv_parse_int32(s.data(), s.size(), &days) != 0) return false;
    *out = rebase_julian_days(days);
    return true;
}

} // namespace

} // namespace tide_fromjson

#endif
