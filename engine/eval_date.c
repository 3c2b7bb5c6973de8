/*
 * eval_date.c — the functions of Spark's DateType (contracts in
 * ffi/datetime.h): days and months added, datediff, last_day, next_day,
 * trunc, make_date and months_between, as Spark 3.5 computes them
 * (DateTimeUtils, non-ANSI). A date is int32 days since 1970-01-01 on the
 * proleptic Gregorian calendar and knows no zone; only months_between,
 * over timestamps, reads the session time zone.
 */
#include "calendar.h"
#include "ffi/datetime.h"
#include "kernel.h"
#include "timestamp.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#define MICROS_PER_SECOND 1000000LL

static int fits_days(int64_t days)
{
    return days >= INT32_MIN && days <= INT32_MAX;
}

/* LocalDate.plusMonths: the day kept, or the month's last when shorter.
   -1 beyond an int of days (where Java's toIntExact throws). */
static int plus_months(int64_t days, int64_t months, int32_t *out)
{
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t count = y * 12 + (m - 1) + months;
    int64_t ny = floor_div(count, 12);
    int nm = (int)floor_mod(count, 12) + 1;
    int nd = d < days_in_month(ny, nm) ? d : days_in_month(ny, nm);
    int64_t r = days_from_civil(ny, nm, nd);
    if (!fits_days(r)) return -1;
    *out = (int32_t)r;
    return 0;
}

/* DateTimeUtils.getDayOfWeekFromString: "MO", "MON" or "MONDAY", any
   case, as 0 = Monday ... 6 = Sunday; -1 for anything else. */
static int weekday_named(const char *s, int32_t len)
{
    static const char *names[] = {"MONDAY", "TUESDAY",  "WEDNESDAY", "THURSDAY",
                                  "FRIDAY", "SATURDAY", "SUNDAY"};
    for (int w = 0; w < 7; w++) {
        int32_t full = (int32_t)strlen(names[w]);
        if ((len == 2 || len == 3 || len == full) && strncasecmp(s, names[w], (size_t)len) == 0)
            return w;
    }
    return -1;
}

static int null_row(tide_batch *out, tide_column *dst, int64_t i)
{
    if (kernel_validity(out, dst) != 0) return -1;
    tide_mark_null(dst, i);
    return 0;
}

int tide_eval_date_op(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                      tide_column *dst, char *errbuf, size_t errlen)
{
    int32_t want_a = op == TIDE_DATE_FROM_DAYS ? TIDE_INT32 : TIDE_DATE;
    int32_t want_b = op == TIDE_DATE_DIFF       ? TIDE_DATE
                     : op == TIDE_DATE_NEXT_DAY ? TIDE_STRING
                     : op >= TIDE_DATE_LAST_DAY ? 0
                                                : TIDE_INT32;
    if (op < TIDE_DATE_PLUS_DAYS || op > TIDE_DATE_TO_DAYS || a->type != want_a ||
        (want_b ? !b || b->type != want_b || b->length != a->length : b != NULL))
        return kernel_error(errbuf, errlen, "date function %d of types %d and %d", op, a->type,
                            b ? b->type : 0);
    int32_t type = op == TIDE_DATE_DIFF || op == TIDE_DATE_TO_DAYS ? TIDE_INT32 : TIDE_DATE;
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", type, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *x = a->values, *y = b && want_b != TIDE_STRING ? b->values : NULL;
    int32_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        switch (op) {
        /* Int arithmetic that wraps, as Spark's DateAdd, DateSub and
           DateDiff add and subtract Java ints. */
        case TIDE_DATE_PLUS_DAYS:
            r[i] = (int32_t)((uint32_t)x[i] + (uint32_t)y[i]);
            break;
        case TIDE_DATE_MINUS_DAYS:
            r[i] = (int32_t)((uint32_t)x[i] - (uint32_t)y[i]);
            break;
        case TIDE_DATE_DIFF:
            r[i] = (int32_t)((uint32_t)x[i] - (uint32_t)y[i]);
            break;
        case TIDE_DATE_PLUS_MONTHS:
            if (plus_months(x[i], y[i], &r[i]) != 0)
                return kernel_error(errbuf, errlen, "add_months: the date is out of range");
            break;
        case TIDE_DATE_NEXT_DAY: {
            int32_t len;
            const char *s = tide_column_bytes(b, i, &len);
            int w = weekday_named(s, len);
            int64_t next = (int64_t)x[i] + 1;
            next += floor_mod(w - monday_based(next), 7);
            /* An unknown day is NULL, as Spark's NextDay outside ANSI mode. */
            if (w < 0 || !fits_days(next)) {
                if (null_row(out, dst, i) != 0)
                    return kernel_error(errbuf, errlen, "out of memory");
                continue;
            }
            r[i] = (int32_t)next;
            break;
        }
        case TIDE_DATE_LAST_DAY: {
            int64_t yr;
            int m, d;
            civil_from_days(x[i], &yr, &m, &d);
            r[i] = (int32_t)(x[i] + days_in_month(yr, m) - d);
            break;
        }
        default:
            r[i] = x[i]; /* the same int, as days or as a date */
        }
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_date_trunc_days(tide_batch *out, int32_t level, const tide_column *a,
                              tide_column *dst, char *errbuf, size_t errlen)
{
    if (a->type != TIDE_DATE || level < TIDE_TRUNC_WEEK || level > TIDE_TRUNC_YEAR)
        return kernel_error(errbuf, errlen, "trunc of type %d to level %d", a->type, level);
    if (kernel_alloc(out, dst, "", TIDE_DATE, 0, 0, a->length, 0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *x = a->values;
    int32_t *r = dst->values;
    for (int64_t i = 0; i < a->length; i++) {
        int64_t y;
        int m, d;
        civil_from_days(x[i], &y, &m, &d);
        switch (level) {
        case TIDE_TRUNC_WEEK:
            r[i] = (int32_t)(x[i] - monday_based(x[i]));
            break;
        case TIDE_TRUNC_MONTH:
            r[i] = (int32_t)(x[i] - d + 1);
            break;
        case TIDE_TRUNC_QUARTER:
            r[i] = (int32_t)days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
            break;
        default:
            r[i] = (int32_t)days_from_civil(y, 1, 1);
        }
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_make_date(tide_batch *out, const tide_column *year, const tide_column *month,
                        const tide_column *day, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = year->length;
    if (year->type != TIDE_INT32 || month->type != TIDE_INT32 || day->type != TIDE_INT32 ||
        month->length != n || day->length != n)
        return kernel_error(errbuf, errlen, "make_date needs three int columns");
    if (kernel_alloc(out, dst, "", TIDE_DATE, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, year, month) != 0 ||
        kernel_validity_and(out, dst, dst, day) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *y = year->values, *m = month->values, *d = day->values;
    int32_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        /* LocalDate.of's checks; what fails is NULL outside ANSI mode. */
        int ok = y[i] >= -999999999 && y[i] <= 999999999 && m[i] >= 1 && m[i] <= 12 && d[i] >= 1 &&
                 d[i] <= days_in_month(y[i], m[i]);
        int64_t days = ok ? days_from_civil(y[i], m[i], d[i]) : 0;
        if (!ok || !fits_days(days)) {
            if (null_row(out, dst, i) != 0) return kernel_error(errbuf, errlen, "out of memory");
            continue;
        }
        r[i] = (int32_t)days;
    }
    kernel_finish(dst);
    return 0;
}

/* DateTimeUtils.monthsBetween: whole months when both days of the month
   are alike or both are their month's last, else the difference in
   seconds as a fraction of 31 days, rounded to 8 digits if asked. */
static double months_between(int64_t t1, int64_t t2, int round_off)
{
    int64_t d1 = tide_local_days(t1), d2 = tide_local_days(t2), y1, y2;
    int m1, m2, day1, day2;
    civil_from_days(d1, &y1, &m1, &day1);
    civil_from_days(d2, &y2, &m2, &day2);
    double months = (double)((y1 * 12 + m1) - (y2 * 12 + m2));
    if (day1 == day2 || (day1 == days_in_month(y1, m1) && day2 == days_in_month(y2, m2)))
        return months;
    int64_t s1 = (t1 - tide_start_of_day(d1)) / MICROS_PER_SECOND;
    int64_t s2 = (t2 - tide_start_of_day(d2)) / MICROS_PER_SECOND;
    double diff = months + (double)((day1 - day2) * 86400LL + s1 - s2) / (31 * 86400.0);
    return round_off ? floor(diff * 1e8 + 0.5) / 1e8 : diff;
}

int tide_eval_months_between(tide_batch *out, const tide_column *a, const tide_column *b,
                             int32_t round_off, tide_column *dst, char *errbuf, size_t errlen)
{
    if (a->type != TIDE_TIMESTAMP || b->type != TIDE_TIMESTAMP || b->length != a->length)
        return kernel_error(errbuf, errlen, "months_between needs two timestamp columns");
    if (kernel_alloc(out, dst, "", TIDE_FLOAT64, 0, 0, a->length, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *x = a->values, *y = b->values;
    double *r = dst->values;
    for (int64_t i = 0; i < a->length; i++)
        if (tide_valid(dst, i)) r[i] = months_between(x[i], y[i], round_off);
    kernel_finish(dst);
    return 0;
}
