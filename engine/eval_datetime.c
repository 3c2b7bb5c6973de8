/*
 * eval_datetime.c — the datetime functions of tide.eval that need no
 * pattern (contracts in ffi/datetime.h): field extraction (year ...
 * second), the epoch conversions (timestamp_seconds ..., unix_seconds
 * ..., unix_timestamp of a timestamp), date_trunc,
 * from_utc_timestamp/to_utc_timestamp and a timestamp plus a day-time
 * interval, as Spark 3.5 computes them in its
 * session time zone: a timestamp's fields are those of its local
 * date-time there (time_zone.h; in UTC, floor(micros / day) is its day,
 * so that instants before 1970 fall on the right day), and the calendar
 * is the proleptic Gregorian one (Spark 3's). Epochs are instants and
 * know no zone. The date fields are also a date's (to which Spark casts
 * strings implicitly, tide.eval_datetime too). date_format's column
 * kernel is here too, over eval_datetime_pattern.c's one-value calls
 * (to_timestamp's is eval_datetime_parse.c's).
 */
#include "calendar.h"
#include "decimal128.h"
#include "ffi/datetime.h"
#include "kernel.h"
#include "time_zone.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MICROS_PER_SECOND 1000000LL
#define MICROS_PER_DAY    86400000000LL

/* ISO 8601: a week belongs to the year of its Thursday. */
static int iso_week(int64_t days)
{
    int64_t thursday = days - monday_based(days) + 3, y;
    int m, d;
    civil_from_days(thursday, &y, &m, &d);
    return (int)((thursday - days_from_civil(y, 1, 1)) / 7 + 1);
}

static int date_field(int32_t field, int64_t days)
{
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    switch (field) {
    case TIDE_DT_YEAR:
        return (int)y;
    case TIDE_DT_QUARTER:
        return (m - 1) / 3 + 1;
    case TIDE_DT_MONTH:
        return m;
    case TIDE_DT_DAY:
        return d;
    case TIDE_DT_DAY_OF_WEEK:
        return (monday_based(days) + 1) % 7 + 1;
    case TIDE_DT_WEEKDAY:
        return monday_based(days);
    case TIDE_DT_DAY_OF_WEEK_ISO:
        return monday_based(days) + 1;
    case TIDE_DT_DAY_OF_YEAR:
        return (int)(days - days_from_civil(y, 1, 1) + 1);
    default:
        return iso_week(days);
    }
}

int tide_eval_datetime_field(tide_batch *out, int32_t field, const tide_column *a, tide_column *dst,
                             char *errbuf, size_t errlen)
{
    if (field < TIDE_DT_YEAR || field > TIDE_DT_DAY_OF_WEEK_ISO)
        return kernel_error(errbuf, errlen, "unknown datetime field %d", field);
    int is_date = a->type == TIDE_DATE, time_field = field >= TIDE_DT_HOUR && field <= TIDE_DT_SECONDS;
    if (a->type != TIDE_TIMESTAMP && !(is_date && !time_field))
        return kernel_error(errbuf, errlen, "datetime field %d of type %d", field, a->type);
    int fraction = field == TIDE_DT_SECONDS; /* decimal(8,6) */
    if (kernel_alloc(out, dst, "", fraction ? TIDE_DECIMAL : TIDE_INT32, fraction ? 8 : 0,
                     fraction ? 6 : 0, a->length, 0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t *r = dst->values;
    const tide_zone *z = tide_zone_session();
    for (int64_t i = 0; i < a->length; i++) {
        if (!tide_valid(dst, i)) continue;
        if (is_date) {
            r[i] = date_field(field, ((const int32_t *)a->values)[i]);
            continue;
        }
        /* The local date-time's day and second of the day (in UTC straight
           from the microseconds, each only where its field needs it). */
        int64_t v = ((const int64_t *)a->values)[i], days, sod;
        if (z) {
            int64_t secs = floor_div(v, MICROS_PER_SECOND);
            secs += tide_zone_offset(z, secs);
            days = floor_div(secs, 86400);
            sod = secs - days * 86400;
        } else {
            days = floor_div(v, MICROS_PER_DAY);
            sod = floor_mod(v, MICROS_PER_DAY) / MICROS_PER_SECOND;
        }
        switch (field) {
        case TIDE_DT_HOUR:
            r[i] = (int32_t)(sod / 3600);
            break;
        case TIDE_DT_MINUTE:
            r[i] = (int32_t)(sod / 60 % 60);
            break;
        case TIDE_DT_SECOND:
            r[i] = (int32_t)(sod % 60);
            break;
        case TIDE_DT_SECONDS:
            dec_store((char *)dst->values + 16 * i,
                      (i128)(sod % 60 * MICROS_PER_SECOND + floor_mod(v, MICROS_PER_SECOND)));
            break;
        default:
            r[i] = date_field(field, days);
        }
    }
    kernel_finish(dst);
    return 0;
}

/* ---- epoch conversions --------------------------------------------------------- */

/* A decimal number of seconds as microseconds, exactly, as Spark's
   BigDecimal.multiply(1e6).longValueExact(): -1 on digits below the
   microsecond or beyond a long. */
static int decimal_micros(i128 v, int scale, int64_t *r)
{
    i128 x;
    if (scale <= 6) {
        if (__builtin_mul_overflow(v, (i128)dec_pow10(6 - scale), &x)) return -1;
    } else {
        i128 p = (i128)dec_pow10(scale - 6);
        if (v % p != 0) return -1;
        x = v / p;
    }
    if (x > INT64_MAX || x < INT64_MIN) return -1;
    *r = (int64_t)x;
    return 0;
}

int tide_eval_epoch(tide_batch *out, int32_t op, const tide_column *a, tide_column *dst,
                    char *errbuf, size_t errlen)
{
    int to_timestamp = op <= TIDE_EPOCH_FROM_MICROS;
    int32_t want = op == TIDE_EPOCH_FROM_SECONDS ? a->type
                   : to_timestamp                ? TIDE_INT64
                                                 : TIDE_TIMESTAMP;
    if (op < TIDE_EPOCH_FROM_SECONDS || op > TIDE_EPOCH_UNIX_TIMESTAMP || a->type != want ||
        (op == TIDE_EPOCH_FROM_SECONDS && want != TIDE_INT64 && want != TIDE_FLOAT64 &&
         want != TIDE_DECIMAL))
        return kernel_error(errbuf, errlen, "epoch conversion %d of type %d", op, a->type);
    if (kernel_alloc(out, dst, "", to_timestamp ? TIDE_TIMESTAMP : TIDE_INT64, 0, 0, a->length,
                     0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *r = dst->values, n = a->length;
    const int64_t *x = a->values;
    switch (op) {
    case TIDE_EPOCH_FROM_SECONDS:
    case TIDE_EPOCH_FROM_MILLIS:
        for (int64_t i = 0; i < n; i++) {
            if (!tide_valid(dst, i)) continue;
            if (a->type == TIDE_FLOAT64) {
                double d = ((const double *)a->values)[i];
                if (isnan(d) || isinf(d)) {
                    if (kernel_validity(out, dst) != 0)
                        return kernel_error(errbuf, errlen, "out of memory");
                    tide_mark_null(dst, i);
                } else {
                    r[i] = kernel_java_d2l(d * 1e6);
                }
            } else if (a->type == TIDE_DECIMAL) {
                if (decimal_micros(dec_load((const char *)a->values + 16 * i), a->scale, &r[i]))
                    return kernel_error(errbuf, errlen,
                                        "timestamp_seconds: seconds that are no whole number of "
                                        "microseconds, or beyond a bigint of them (Spark: "
                                        "Rounding necessary, Overflow)");
            } else if (__builtin_mul_overflow(
                           x[i], op == TIDE_EPOCH_FROM_SECONDS ? MICROS_PER_SECOND : 1000, &r[i])) {
                return kernel_error(errbuf, errlen, "long overflow (%lld %s)", (long long)x[i],
                                    op == TIDE_EPOCH_FROM_SECONDS ? "seconds" : "milliseconds");
            }
        }
        break;
    case TIDE_EPOCH_FROM_MICROS:
    case TIDE_EPOCH_TO_MICROS:
        memcpy(r, x, sizeof *r * (size_t)n);
        break;
    case TIDE_EPOCH_TO_SECONDS:
        for (int64_t i = 0; i < n; i++)
            r[i] = floor_div(x[i], MICROS_PER_SECOND);
        break;
    case TIDE_EPOCH_TO_MILLIS:
        for (int64_t i = 0; i < n; i++)
            r[i] = floor_div(x[i], 1000);
        break;
    default: /* UNIX_TIMESTAMP: Java's long division, toward zero */
        for (int64_t i = 0; i < n; i++)
            r[i] = x[i] / MICROS_PER_SECOND;
    }
    kernel_finish(dst);
    return 0;
}

/* ---- date_trunc ---------------------------------------------------------------- */

/* The first day of the week, month, quarter or year of `days`. */
static int64_t trunc_days(int32_t level, int64_t days)
{
    if (level == TIDE_TRUNC_WEEK) return days - monday_based(days);
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    if (level == TIDE_TRUNC_YEAR) m = 1;
    if (level == TIDE_TRUNC_QUARTER) m = (m - 1) / 3 * 3 + 1;
    return days_from_civil(y, m, 1);
}

/* The start of v's unit, or -1 when it is below the smallest timestamp.
   Units up to the second are a zone's too (offsets are whole seconds);
   in a zone, minutes, hours and days truncate the local time and keep
   its offset if they can (ZonedDateTime.truncatedTo), and longer units
   start at their first day's start (LocalDate.atStartOfDay). */
static int trunc_micros(const tide_zone *z, int32_t level, int64_t v, int64_t *r)
{
    static const int64_t unit[] = {0,
                                   1,
                                   1000,
                                   MICROS_PER_SECOND,
                                   60 * MICROS_PER_SECOND,
                                   3600 * MICROS_PER_SECOND,
                                   MICROS_PER_DAY};
    if (!z || level <= TIDE_TRUNC_SECOND) {
        if (level <= TIDE_TRUNC_DAY) return __builtin_sub_overflow(v, floor_mod(v, unit[level]), r);
        return __builtin_mul_overflow(trunc_days(level, floor_div(v, MICROS_PER_DAY)),
                                      MICROS_PER_DAY, r);
    }
    int64_t secs = floor_div(v, MICROS_PER_SECOND);
    int32_t offset = tide_zone_offset(z, secs);
    int64_t local = secs + offset, utc;
    if (level <= TIDE_TRUNC_DAY) {
        int64_t u = unit[level] / MICROS_PER_SECOND;
        utc = tide_zone_utc(z, local - floor_mod(local, u), offset);
    } else {
        utc = tide_zone_day_start(z, trunc_days(level, floor_div(local, 86400)) * 86400);
    }
    return __builtin_mul_overflow(utc, MICROS_PER_SECOND, r);
}

int tide_eval_date_trunc(tide_batch *out, int32_t level, const tide_column *a, tide_column *dst,
                         char *errbuf, size_t errlen)
{
    if (a->type != TIDE_TIMESTAMP || level < TIDE_TRUNC_MICROSECOND || level > TIDE_TRUNC_YEAR)
        return kernel_error(errbuf, errlen, "date_trunc to level %d of type %d", level, a->type);
    if (kernel_alloc(out, dst, "", TIDE_TIMESTAMP, 0, 0, a->length, 0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *x = a->values;
    int64_t *r = dst->values;
    const tide_zone *z = tide_zone_session();
    for (int64_t i = 0; i < a->length; i++) {
        if (!tide_valid(dst, i)) continue;
        if (trunc_micros(z, level, x[i], &r[i]) != 0)
            return kernel_error(errbuf, errlen, "date_trunc: %lld is out of range",
                                (long long)x[i]);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- from_utc_timestamp, to_utc_timestamp ---------------------------------------- */

/* Spark's convertTz: FROM_UTC reads v's local date-time in z as UTC's,
   TO_UTC reads v's UTC date-time as z's (ZonedDateTime.of). The
   fraction of a second rides along: offsets are whole seconds. -1 past
   the timestamp's range. */
static int utc_shift(int32_t op, const tide_zone *z, int64_t v, int64_t *r)
{
    int64_t secs = floor_div(v, MICROS_PER_SECOND), frac = floor_mod(v, MICROS_PER_SECOND);
    secs = op == TIDE_FROM_UTC ? secs + tide_zone_offset(z, secs)
                               : tide_zone_utc(z, secs, TIDE_ZONE_EARLIER);
    return __builtin_mul_overflow(secs, MICROS_PER_SECOND, r) ||
           __builtin_add_overflow(*r, frac, r);
}

int tide_eval_utc_shift(tide_batch *out, int32_t op, const tide_column *a, const tide_column *zones,
                        const tide_zone *zone, tide_column *dst, char *errbuf, size_t errlen)
{
    if (a->type != TIDE_TIMESTAMP || (op != TIDE_FROM_UTC && op != TIDE_TO_UTC) ||
        (zones ? zones->type != TIDE_STRING : !zone))
        return kernel_error(errbuf, errlen, "utc shift %d of type %d", op, a->type);
    if (kernel_alloc(out, dst, "", TIDE_TIMESTAMP, 0, 0, a->length, 0) != 0 ||
        kernel_validity_and(out, dst, a, zones) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *x = a->values;
    int64_t *r = dst->values;
    /* A zone column repeats a few names: each is looked up when it
       differs from the row before's. */
    tide_zone fixed;
    const char *last = NULL;
    int32_t last_len = -1;
    for (int64_t i = 0; i < a->length; i++) {
        if (!tide_valid(dst, i)) continue;
        if (zones) {
            int32_t len;
            const char *name = tide_column_bytes(zones, i, &len);
            if (len != last_len || memcmp(name, last, (size_t)len) != 0) {
                if (tide_zone_lookup(name, (size_t)len, &fixed, &zone) != 0)
                    return kernel_error(errbuf, errlen,
                                        "%s: unknown time zone '%.*s' (row %lld; Spark: "
                                        "Unknown time-zone ID)",
                                        op == TIDE_FROM_UTC ? "from_utc_timestamp"
                                                            : "to_utc_timestamp",
                                        len > 64 ? 64 : (int)len, name, (long long)i);
                last = name, last_len = len;
            }
        }
        if (utc_shift(op, zone, x[i], &r[i]) != 0)
            return kernel_error(errbuf, errlen, "%lld is out of range in %s", (long long)x[i],
                                op == TIDE_FROM_UTC ? "from_utc_timestamp" : "to_utc_timestamp");
    }
    kernel_finish(dst);
    return 0;
}

/* ---- make_timestamp ------------------------------------------------------------------ */

/* Spark's MakeTimestamp outside ANSI mode: LocalDateTime.of's fields (a
   second of 60 with no fraction is the next minute, as PostgreSQL takes
   it), resolved in the zone as ZonedDateTime.of resolves a local time;
   -1 (NULL) where Java throws. */
static int make_timestamp(const int32_t f[5], i128 sec_micros, const tide_zone *z, int64_t *out)
{
    int64_t y = f[0];
    if (y < -999999999 || y > 999999999 || f[1] < 1 || f[1] > 12 || f[2] < 1 ||
        f[2] > days_in_month(y, f[1]) || f[3] < 0 || f[3] > 23 || f[4] < 0 || f[4] > 59 ||
        sec_micros < 0 || sec_micros > 60 * MICROS_PER_SECOND)
        return -1;
    int64_t local = days_from_civil(y, f[1], f[2]) * 86400 + f[3] * 3600 + f[4] * 60;
    int64_t secs = (int64_t)(sec_micros / MICROS_PER_SECOND);
    int64_t micros = (int64_t)(sec_micros % MICROS_PER_SECOND);
    local += secs; /* 60 (no fraction, by the range above) is the next minute */
    if (z) local = tide_zone_utc(z, local, TIDE_ZONE_EARLIER);
    if (__builtin_mul_overflow(local, MICROS_PER_SECOND, out) ||
        __builtin_add_overflow(*out, micros, out))
        return -1;
    return 0;
}

int tide_eval_make_timestamp(tide_batch *out, const tide_column *const *parts,
                             const tide_zone *zone, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = parts[0]->length;
    for (int k = 0; k < 6; k++)
        if (parts[k]->length != n || parts[k]->type != (k < 5 ? TIDE_INT32 : TIDE_DECIMAL) ||
            (k == 5 && parts[k]->scale != 6))
            return kernel_error(errbuf, errlen,
                                "make_timestamp needs five ints and a decimal(_,6)");
    if (kernel_alloc(out, dst, "", TIDE_TIMESTAMP, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, parts[0], parts[1]) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    for (int k = 2; k < 6; k++)
        if (kernel_validity_and(out, dst, dst, parts[k]) != 0)
            return kernel_error(errbuf, errlen, "out of memory");
    const tide_zone *z = zone ? zone : tide_zone_session();
    int64_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int32_t f[5];
        for (int k = 0; k < 5; k++)
            f[k] = ((const int32_t *)parts[k]->values)[i];
        if (make_timestamp(f, dec_load((const char *)parts[5]->values + 16 * i), z, &r[i]) != 0) {
            if (kernel_validity(out, dst) != 0)
                return kernel_error(errbuf, errlen, "out of memory");
            tide_mark_null(dst, i);
        }
    }
    kernel_finish(dst);
    return 0;
}

/* ---- a timestamp plus a day-time interval ------------------------------------------ */

int tide_eval_plus_interval(tide_batch *out, const tide_column *a, int64_t days, int64_t micros,
                            tide_column *dst, char *errbuf, size_t errlen)
{
    if (a->type != TIDE_TIMESTAMP)
        return kernel_error(errbuf, errlen, "an interval added to type %d", a->type);
    if (kernel_alloc(out, dst, "", TIDE_TIMESTAMP, 0, 0, a->length, 0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *x = a->values;
    int64_t *r = dst->values;
    const tide_zone *z = tide_zone_session();
    for (int64_t i = 0; i < a->length; i++) {
        if (!tide_valid(dst, i)) continue;
        if (tide_zone_move(z, x[i], 0, days, micros, &r[i]) != 0)
            return kernel_error(errbuf, errlen,
                                "long overflow: %lld plus %lld days and %lld microseconds (Spark: "
                                "ArithmeticException)",
                                (long long)x[i], (long long)days, (long long)micros);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- patterns: the kernels over eval_datetime_pattern.c's one-value calls ------- */

int tide_eval_date_format(tide_batch *out, const tide_column *a, const tide_datetime_pattern *p,
                          tide_column *dst, char *errbuf, size_t errlen)
{
    if (a->type != TIDE_TIMESTAMP && a->type != TIDE_INT64)
        return kernel_error(errbuf, errlen, "date_format needs a timestamp, not type %d", a->type);
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, n * 20) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    /* A pattern's longest text is known once formatted: grow to it once. */
    char small[256], *buf = small;
    size_t size = sizeof small;
    const int64_t *x = a->values;
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; i < n && rc == 0; i++) {
        if (tide_valid(dst, i)) {
            /* from_unixtime's seconds: Spark's long multiply, which wraps */
            int64_t micros = a->type == TIDE_INT64 ? (int64_t)((uint64_t)x[i] * 1000000u) : x[i];
            int len;
            while ((len = tide_datetime_format_one(p, micros, buf, size)) < 0) {
                char *bigger = malloc(size * 4);
                if (buf != small) free(buf);
                if (!(buf = bigger)) return kernel_error(errbuf, errlen, "out of memory");
                size *= 4;
            }
            rc = kernel_str_append(out, dst, &used, buf, len, errbuf, errlen);
        }
        kernel_str_end(dst, i, used);
    }
    if (buf != small) free(buf);
    if (rc != 0) return -1;
    kernel_finish(dst);
    return 0;
}
