/*
 * calendar.h — proleptic Gregorian dates as day numbers since 1970-01-01
 * (H. Hinnant's algorithms), month lengths and weekdays, and the floor
 * division that splits microseconds before the epoch into days and
 * seconds. Inline: to_json formats a timestamp per row with them.
 */
#ifndef TIDE_CALENDAR_H
#define TIDE_CALENDAR_H

#include <stdint.h>

/* a / b rounded toward negative infinity (b != 0). */
static inline int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* a - floor_div(a, b) * b, without the product (which overflows for a
   near INT64_MIN): in [0, b) for b > 0. */
static inline int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return (r != 0 && (r < 0) != (b < 0)) ? r + b : r;
}

/* Days since 1970-01-01 of year y, month m (1-12), day d. */
static inline int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static inline int is_leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The days of month m (1-12) of year y. */
static inline int days_in_month(int64_t y, int64_t m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && is_leap_year(y));
}

/* The weekday of day number `days`: 0 = Monday ... 6 = Sunday
   (1970-01-01 was a Thursday). */
static inline int monday_based(int64_t days)
{
    return (int)floor_mod(days + 3, 7);
}

/* The date of day number z. */
static inline void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

#endif
