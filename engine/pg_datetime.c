/*
 * pg_datetime.c — dates and timestamps as PostgreSQL's text output gives
 * them (DateStyle ISO), for the COPY of a date or timestamp into a text
 * column: what the PostgreSQL driver sends for Spark's setDate and
 * setTimestamp, and what the server prints for the same values.
 */
#include "pg_conn.h"

#include <stdint.h>
#include <string.h>

#include "calendar.h"
#include "time_zone.h"

#define US_PER_SECOND   INT64_C(1000000)
#define SECONDS_PER_DAY 86400

/* Writes v (>= 0) with at least `width` digits; returns their count. */
static int put_digits(char *p, int64_t v, int width)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    for (int i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

/* The date of day number `days` as PostgreSQL prints one (DateStyle ISO):
   at least 4 digits of year, and a year before 1 as a year BC (0 is 1 BC,
   -43 is 44 BC), whose " BC" (*bc set) ends the whole value. Returns the
   length. */
static int put_pg_date(char *p, int64_t days, int *bc)
{
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    *bc = y <= 0;
    int n = put_digits(p, *bc ? 1 - y : y, 4);
    p[n++] = '-';
    n += put_digits(p + n, m, 2);
    p[n++] = '-';
    return n + put_digits(p + n, d, 2);
}

/* A date as PostgreSQL's date output gives it: what `d::text` shows, and
   the date the driver's setDate sends (which Spark's writer follows with
   the JVM zone's offset, "2024-03-10 +01"; left out: it is no part of the
   date). tide's ends of the date range, which stand for PostgreSQL's
   infinities, are them. Returns the length. */
int tide_pg_date_text(char *p, int32_t days)
{
    if (days == INT32_MAX) return memcpy(p, "infinity", 8), 8;
    if (days == INT32_MIN) return memcpy(p, "-infinity", 9), 9;
    int bc, n = put_pg_date(p, days, &bc);
    if (bc) memcpy(p + n, " BC", 3), n += 3;
    return n;
}

/* Local seconds `local` and microseconds `frac` as PostgreSQL prints a
   date-time: the date as put_pg_date does (*bc set for a year BC), the
   time, and the fraction without trailing zeros. Returns the length. */
static int put_local(char *p, int64_t local, int64_t frac, int *bc)
{
    int64_t days = floor_div(local, SECONDS_PER_DAY), rem = local - days * SECONDS_PER_DAY;
    int n = put_pg_date(p, days, bc);
    int64_t hms[] = {rem / 3600, rem / 60 % 60, rem % 60};
    for (int i = 0; i < 3; i++) {
        p[n++] = i ? ':' : ' ';
        n += put_digits(p + n, hms[i], 2);
    }
    if (frac) {
        int width = 6;
        for (; frac % 10 == 0; width--)
            frac /= 10;
        p[n++] = '.';
        n += put_digits(p + n, frac, width);
    }
    return n;
}

/* A timestamp (without time zone) as PostgreSQL prints it, from its
   binary value: microseconds since 2000-01-01 (any finite value it holds,
   also beyond tide's range). Returns the length. */
int tide_pg_wall_clock_text(char *p, int64_t pg_us)
{
    int64_t secs = floor_div(pg_us, US_PER_SECOND) + PG_EPOCH_OFFSET_US / US_PER_SECOND;
    int bc, n = put_local(p, secs, floor_mod(pg_us, US_PER_SECOND), &bc);
    if (bc) memcpy(p + n, " BC", 3), n += 3;
    return n;
}

/* A timestamp as the PostgreSQL driver's setTimestamp sends it for Spark,
   which a text column stores as it is: the local date-time in `zone` (NULL:
   UTC), the fraction without trailing zeros, then the offset as +hh,
   +hh:mm or +hh:mm:ss. It is PostgreSQL's own text of a timestamptz in
   that zone (DateStyle ISO), " BC" last included. The ends of tide's
   range stand for the infinities, as when read. Returns the length. */
int tide_pg_timestamp_text(char *p, int64_t us, const tide_zone *zone)
{
    if (us == INT64_MAX) return memcpy(p, "infinity", 8), 8;
    if (us == INT64_MIN) return memcpy(p, "-infinity", 9), 9;
    int64_t secs = floor_div(us, US_PER_SECOND), frac = floor_mod(us, US_PER_SECOND);
    int32_t offset = zone ? tide_zone_offset(zone, secs) : 0;
    int bc, n = put_local(p, secs + offset, frac, &bc);
    int32_t a = offset < 0 ? -offset : offset;
    p[n++] = offset < 0 ? '-' : '+';
    n += put_digits(p + n, a / 3600, 2);
    if (a % 3600) {
        p[n++] = ':';
        n += put_digits(p + n, a / 60 % 60, 2);
        if (a % 60) {
            p[n++] = ':';
            n += put_digits(p + n, a % 60, 2);
        }
    }
    if (bc) memcpy(p + n, " BC", 3), n += 3;
    return n;
}
