/*
 * pg_datetime.c — dates and timestamps between tide and PostgreSQL, both
 * ways. Read: binary values (days and microseconds since 2000-01-01) and
 * text ones (DateStyle ISO) as tide's days and microseconds since 1970,
 * the infinities kept as the ends of tide's ranges, a finite value past
 * tide's last instant refused. Written for COPY: binary values, refused
 * past PostgreSQL's range; and text as PostgreSQL's output gives it, for
 * a date or timestamp into a text column: what the PostgreSQL driver
 * sends for Spark's setDate and setTimestamp, and what the server prints
 * for the same values. A timestamp (without time zone) holds a wall clock
 * in the session time zone either way, as Spark's.
 */
#include "pg_conn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "time_zone.h"
#include "timestamp.h"

#define US_PER_SECOND           INT64_C(1000000)
#define SECONDS_PER_DAY         86400
#define PG_EPOCH_OFFSET_SECONDS (PG_EPOCH_OFFSET_US / US_PER_SECOND)

/* Whether PostgreSQL stores the date `days` (since 1970): a finite one,
   which both ways of reading it and writing one check. */
static int pg_date_finite(int64_t days)
{
    return days >= PG_DATE_MIN_DAYS && days <= PG_DATE_MAX_DAYS;
}

/* ---- text out ---------------------------------------------------------------------- */

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
    int64_t secs = floor_div(pg_us, US_PER_SECOND) + PG_EPOCH_OFFSET_SECONDS;
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

/* ---- read: binary and text values ------------------------------------------------ */

/* A timestamp (without time zone) holds a wall clock: its instant is that
   local time in the session time zone z, as tide writes one and as Spark
   reads one (the driver reads it in the JVM's zone). A local time the
   zone skips or repeats resolves as java.time's does (tide_zone_utc).
   `local` is microseconds since 1970 read as UTC, in 128 bits: a wall
   clock just after tide's last instant is an instant before it in a zone
   east of UTC. 0, or -1 when the instant is beyond tide's range (west of
   UTC, a wall clock just before tide's last instant can be). */
static int from_wall_clock(const tide_zone *z, __int128 local, int64_t *out)
{
    int64_t secs = (int64_t)(local / US_PER_SECOND - (local % US_PER_SECOND < 0));
    __int128 instant =
        local + (__int128)(tide_zone_utc(z, secs, TIDE_ZONE_EARLIER) - secs) * US_PER_SECOND;
    if (instant <= INT64_MIN || instant >= INT64_MAX) return -1; /* (the ends: the infinities) */
    return *out = (int64_t)instant, 0;
}

/* A finite timestamptz after tide's last instant (+294247-01-10
   04:00:54.775806 UTC; PostgreSQL's go on to 294276) must not become
   infinity: refused, as is one landing on INT64_MAX. */
int tide_pg_timestamp_read(int64_t pg_us, const tide_zone *wall_zone, int64_t *us)
{
    if (pg_us == INT64_MAX || pg_us == INT64_MIN) return *us = pg_us, 0;
    if (wall_zone) return from_wall_clock(wall_zone, (__int128)pg_us + PG_EPOCH_OFFSET_US, us);
    return __builtin_add_overflow(pg_us, PG_EPOCH_OFFSET_US, us) || *us == INT64_MAX ? -1 : 0;
}

/* Microseconds in 400 years, a whole cycle of the calendar. */
#define US_PER_400_YEARS ((__int128)146097 * SECONDS_PER_DAY * US_PER_SECOND)

/* A year BC ("0044-03-15 10:00:00 BC") is tide's year 1 - y; a year
   after tide's last (PostgreSQL's reach 294276) is read 400 years
   earlier, on the same calendar, and moved back, so that a wall clock
   past tide's range in a zone east of UTC reads as the binary one does. */
int tide_pg_timestamp_parse(const char *s, int len, const tide_zone *wall_zone, int64_t *us)
{
    if (strcmp(s, "infinity") == 0) return *us = INT64_MAX, 0;
    if (strcmp(s, "-infinity") == 0) return *us = INT64_MIN, 0;
    char buf[64];
    int digits = (int)strspn(s, "0123456789"), bc = len > 3 && strcmp(s + len - 3, " BC") == 0;
    if (len + 2 > (int)sizeof buf || digits < 4 || digits > 6) return -1;
    long year = strtol(s, NULL, 10);
    int far = !bc && year >= 294247, n = 0;
    if (bc) n = snprintf(buf, sizeof buf, "-%04ld", year - 1); /* 1 BC is year 0 */
    if (far) n = snprintf(buf, sizeof buf, "%ld", year - 400);
    if (bc || far) {
        int rest = len - digits - (bc ? 3 : 0);
        memcpy(buf + n, s + digits, (size_t)rest);
        buf[n + rest] = '\0';
        s = buf, len = n + rest;
    }
    int64_t t;
    if (tide_timestamp_parse_utc(s, (size_t)len, &t) != 0) return -1;
    __int128 v = t + (far ? US_PER_400_YEARS : 0);
    if (wall_zone) return from_wall_clock(wall_zone, v, us) != 0 ? 1 : 0;
    if (v <= INT64_MIN || v >= INT64_MAX) return 1;
    return *us = (int64_t)v, 0;
}

int tide_pg_date_read(int32_t pg_days, int64_t *days)
{
    if (pg_days == INT32_MAX || pg_days == INT32_MIN) return *days = pg_days, 0;
    int64_t d = (int64_t)pg_days + PG_EPOCH_OFFSET_DAYS;
    if (!pg_date_finite(d)) return -1;
    return *days = d, 0;
}

/* There is no year 0: 1 BC is year 0 of the proleptic calendar tide
   counts in. */
int tide_pg_date_parse(const char *s, int len, int64_t *days)
{
    if (strcmp(s, "infinity") == 0) return *days = INT32_MAX, 0;
    if (strcmp(s, "-infinity") == 0) return *days = INT32_MIN, 0;
    int bc = len > 3 && strcmp(s + len - 3, " BC") == 0;
    if (bc) len -= 3;
    int64_t y = 0;
    int i = 0;
    for (; i < len && i < 8 && s[i] >= '0' && s[i] <= '9'; i++)
        y = y * 10 + (s[i] - '0');
    int mo, dd;
    if (i < 4 || i > 7 || len != i + 6 || s[i] != '-' || s[i + 3] != '-' ||
        tide_two_digits(s + i + 1, &mo) != 0 || tide_two_digits(s + i + 4, &dd) != 0)
        return -1;
    if (bc) y = 1 - y;
    if (mo < 1 || mo > 12 || dd < 1 || dd > days_in_month(y, mo)) return -1;
    int64_t d = days_from_civil(y, mo, dd);
    if (!pg_date_finite(d)) return -1;
    return *days = d, 0;
}

/* ---- written: binary values for COPY --------------------------------------------- */

/* PostgreSQL's timestamps, MIN_TIMESTAMP (4714-11-24 BC 00:00) up to, not
   including, END_TIMESTAMP (294277-01-01 00:00), in seconds since its
   2000 epoch. */
#define PG_TIMESTAMP_MIN_SECONDS INT64_C(-211813488000)
#define PG_TIMESTAMP_END_SECONDS INT64_C(9223371331200)

/* The server's date_recv refuses a date beyond its range too, without
   the value. */
int tide_pg_date_binary(int32_t days, int32_t *pg_days)
{
    if (days == INT32_MAX || days == INT32_MIN) return *pg_days = days, 0; /* infinity, as read */
    if (!pg_date_finite(days)) return -1;
    return *pg_days = days - PG_EPOCH_OFFSET_DAYS, 0;
}

/* The first instant of a date in a zone is its midnight, or where a gap
   that hides midnight ends, as Spark's CAST(date AS timestamp). The
   server's timestamp_recv refuses what PostgreSQL's timestamps do not
   reach too. */
int tide_pg_date_start_binary(int32_t days, const tide_zone *zone, int64_t *pg_us)
{
    if (days == INT32_MAX || days == INT32_MIN) return *pg_us = days > 0 ? INT64_MAX : INT64_MIN, 0;
    int64_t secs = (int64_t)days * SECONDS_PER_DAY;
    if (zone) secs = tide_zone_day_start(zone, secs);
    secs -= PG_EPOCH_OFFSET_SECONDS;
    if (secs < PG_TIMESTAMP_MIN_SECONDS || secs >= PG_TIMESTAMP_END_SECONDS) return -1;
    return *pg_us = secs * US_PER_SECOND, 0;
}

/* The server's timestamp_recv refuses a value beyond PostgreSQL's range
   too, but one that lands on an end of int64 would be its -infinity or
   infinity instead. */
int tide_pg_timestamp_binary(int64_t us, const tide_zone *wall_zone, int64_t *pg_us)
{
    if (us == INT64_MAX || us == INT64_MIN) return *pg_us = us, 0;
    int64_t shift = wall_zone ? tide_zone_offset(wall_zone, floor_div(us, US_PER_SECOND)) : 0;
    /* (a wall clock after tide's last instant passes int64's end) */
    __int128 pg = (__int128)us + (__int128)shift * US_PER_SECOND - PG_EPOCH_OFFSET_US;
    if (pg < (__int128)PG_TIMESTAMP_MIN_SECONDS * US_PER_SECOND ||
        pg >= (__int128)PG_TIMESTAMP_END_SECONDS * US_PER_SECOND)
        return -1;
    return *pg_us = (int64_t)pg, 0;
}
