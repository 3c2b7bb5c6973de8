/*
 * eval_timestamp_units.c — timestampadd and timestampdiff (contracts in
 * ffi/timestamp_units.h), as Spark 3.5's DateTimeUtils.timestampAdd and
 * timestampDiff compute them through java.time in the session time zone:
 * an instant's local date-time there is its local seconds (time_zone.h)
 * plus its microseconds, split into a day number and a time of day;
 * calendar arithmetic moves the day, and the result is resolved back to
 * an instant preferring the row's own offset (ZonedDateTime.plusDays and
 * plusMonths). Differences follow LocalDateTime.until.
 */
#include "calendar.h"
#include "ffi/timestamp_units.h"
#include "kernel.h"
#include "time_zone.h"

#define MICROS_PER_SECOND 1000000LL
#define MICROS_PER_DAY    86400000000LL
#define SECONDS_PER_DAY   86400LL

/* The microseconds one unit of time is; 0 for the calendar's units. */
static int64_t unit_micros(int32_t unit)
{
    switch (unit) {
    case TIDE_TSU_MICROSECOND:
        return 1;
    case TIDE_TSU_MILLISECOND:
        return 1000;
    case TIDE_TSU_SECOND:
        return MICROS_PER_SECOND;
    case TIDE_TSU_MINUTE:
        return 60 * MICROS_PER_SECOND;
    case TIDE_TSU_HOUR:
        return 3600 * MICROS_PER_SECOND;
    default:
        return 0;
    }
}

static int32_t offset_at(const tide_zone *z, int64_t secs)
{
    return z ? tide_zone_offset(z, secs) : 0;
}

static int timestamp_add(const tide_zone *z, int32_t unit, int32_t q, int64_t v, int64_t *r)
{
    int64_t micros = unit_micros(unit);
    if (micros != 0) return __builtin_add_overflow(v, (int64_t)q * micros, r) ? -1 : 0;
    int32_t n;
    switch (unit) {
    case TIDE_TSU_DAY:
        return tide_zone_move(z, v, 0, q, 0, r);
    case TIDE_TSU_WEEK:
        /* Math.multiplyExact over ints, as Spark */
        if (__builtin_mul_overflow(q, 7, &n)) return -1;
        return tide_zone_move(z, v, 0, n, 0, r);
    case TIDE_TSU_MONTH:
        return tide_zone_move(z, v, q, 0, 0, r);
    case TIDE_TSU_QUARTER:
        if (__builtin_mul_overflow(q, 3, &n)) return -1;
        return tide_zone_move(z, v, n, 0, 0, r);
    case TIDE_TSU_YEAR:
        if (__builtin_mul_overflow(q, 12, &n)) return -1;
        return tide_zone_move(z, v, n, 0, 0, r);
    default:
        return -1;
    }
}

static const char *const UNIT_NAMES[] = {"",       "MICROSECOND", "MILLISECOND", "SECOND",
                                         "MINUTE", "HOUR",        "DAY",         "WEEK",
                                         "MONTH",  "QUARTER",     "YEAR"};

int tide_eval_timestamp_add(tide_batch *out, int32_t unit, const tide_column *quantity,
                            const tide_column *ts, tide_column *dst, char *errbuf, size_t errlen)
{
    if (quantity->type != TIDE_INT32 || ts->type != TIDE_TIMESTAMP ||
        quantity->length != ts->length)
        return kernel_error(errbuf, errlen, "timestampadd needs an int and a timestamp column");
    if (unit < TIDE_TSU_MICROSECOND || unit > TIDE_TSU_YEAR)
        return kernel_error(errbuf, errlen, "timestampadd: unknown unit %d", unit);
    if (kernel_alloc(out, dst, "", TIDE_TIMESTAMP, 0, 0, ts->length, 0) != 0 ||
        kernel_validity_and(out, dst, quantity, ts) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *q = quantity->values;
    const int64_t *x = ts->values;
    int64_t *r = dst->values;
    const tide_zone *z = tide_zone_session();
    for (int64_t i = 0; i < ts->length; i++) {
        if (!tide_valid(dst, i)) continue;
        if (timestamp_add(z, unit, q[i], x[i], &r[i]) != 0)
            return kernel_error(errbuf, errlen,
                                "[DATETIME_OVERFLOW] Datetime operation overflow: add %d %s to "
                                "the timestamp of %lld microseconds since the epoch",
                                q[i], UNIT_NAMES[unit], (long long)x[i]);
    }
    kernel_finish(dst);
    return 0;
}

/* A timestamp's local date-time: its day number and microsecond of day. */
static void local_of(const tide_zone *z, int64_t v, int64_t *day, int64_t *mod)
{
    int64_t secs = floor_div(v, MICROS_PER_SECOND), frac = floor_mod(v, MICROS_PER_SECOND);
    int64_t local = secs + offset_at(z, secs);
    *day = floor_div(local, SECONDS_PER_DAY);
    *mod = floor_mod(local, SECONDS_PER_DAY) * MICROS_PER_SECOND + frac;
}

/* LocalDate.monthsUntil: whole months, a month counted once its day of
   month is reached. */
static int64_t months_until(int64_t from, int64_t to)
{
    int64_t y1, y2;
    int m1, d1, m2, d2;
    civil_from_days(from, &y1, &m1, &d1);
    civil_from_days(to, &y2, &m2, &d2);
    int64_t p1 = (y1 * 12 + m1 - 1) * 32 + d1, p2 = (y2 * 12 + m2 - 1) * 32 + d2;
    return (p2 - p1) / 32;
}

/* LocalDateTime.until(end, unit): 0 with *r, or -1 on overflow. */
static int timestamp_diff(const tide_zone *z, int32_t unit, int64_t a, int64_t b, int64_t *r)
{
    int64_t d1, t1, d2, t2;
    local_of(z, a, &d1, &t1);
    local_of(z, b, &d2, &t2);
    int64_t micros = unit_micros(unit);
    if (micros != 0) {
        int64_t days = d2 - d1, time = t2 - t1;
        if (days > 0 && time < 0) {
            days--;
            time += MICROS_PER_DAY;
        } else if (days < 0 && time > 0) {
            days++;
            time -= MICROS_PER_DAY;
        }
        int64_t whole;
        if (__builtin_mul_overflow(days, MICROS_PER_DAY / micros, &whole) ||
            __builtin_add_overflow(whole, time / micros, r))
            return -1;
        return 0;
    }
    /* The end's date, less a day whose time of day is not yet reached. */
    if (d2 > d1 && t2 < t1)
        d2--;
    else if (d2 < d1 && t2 > t1)
        d2++;
    switch (unit) {
    case TIDE_TSU_DAY:
        *r = d2 - d1;
        return 0;
    case TIDE_TSU_WEEK:
        *r = (d2 - d1) / 7;
        return 0;
    case TIDE_TSU_MONTH:
        *r = months_until(d1, d2);
        return 0;
    case TIDE_TSU_QUARTER:
        *r = months_until(d1, d2) / 3;
        return 0;
    case TIDE_TSU_YEAR:
        *r = months_until(d1, d2) / 12;
        return 0;
    default:
        return -1;
    }
}

int tide_eval_timestamp_diff(tide_batch *out, int32_t unit, const tide_column *start,
                             const tide_column *end, tide_column *dst, char *errbuf, size_t errlen)
{
    if (start->type != TIDE_TIMESTAMP || end->type != TIDE_TIMESTAMP ||
        start->length != end->length)
        return kernel_error(errbuf, errlen, "timestampdiff needs two timestamp columns");
    if (unit < TIDE_TSU_MICROSECOND || unit > TIDE_TSU_YEAR)
        return kernel_error(errbuf, errlen, "timestampdiff: unknown unit %d", unit);
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, start->length, 0) != 0 ||
        kernel_validity_and(out, dst, start, end) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *a = start->values, *b = end->values;
    int64_t *r = dst->values;
    const tide_zone *z = tide_zone_session();
    for (int64_t i = 0; i < start->length; i++) {
        if (!tide_valid(dst, i)) continue;
        if (timestamp_diff(z, unit, a[i], b[i], &r[i]) != 0)
            return kernel_error(errbuf, errlen,
                                "long overflow: timestampdiff of %lld and %lld "
                                "microseconds (Spark: ArithmeticException)",
                                (long long)a[i], (long long)b[i]);
    }
    kernel_finish(dst);
    return 0;
}
