/*
 * eval_sequence.c — Spark's sequence(start, stop[, step]) (contracts in
 * ffi/array.h and ffi/interval.h): of integers, and of dates and
 * timestamps stepping by a day, a day-time interval or a year-month one.
 *
 * As Spark's Sequence, a step that is a whole number of the elements'
 * unit (days of dates, microseconds of timestamps) makes an integer
 * sequence: start + i * step, as many as fit. Any other step is split
 * into months, days and microseconds, element i being start moved by i
 * times each (months and days on the calendar, of the session time zone
 * for timestamps), so that a month's steps from January 31 give February
 * 29 and then March 31; the elements run while they do not pass stop.
 */
#include "calendar.h"
#include "ffi/array.h"
#include "ffi/interval.h"
#include "kernel.h"
#include "time_zone.h"

#include <stdlib.h>

#define MICROS_PER_SECOND 1000000LL
#define MICROS_PER_DAY    (86400 * MICROS_PER_SECOND)

/* Spark's limit of an array's elements (MAX_ROUNDED_ARRAY_LENGTH). */
#define MAX_ELEMENTS 2147483632LL

static int too_long(char *errbuf, size_t errlen, unsigned long long len)
{
    return kernel_error(errbuf, errlen,
                        "Unsuccessful try to create array with %llu elements due to exceeding the "
                        "array size limit 2147483632.",
                        len);
}

/* The length of the integer sequence a, a + s, ... up to b (s 0 only
   where a == b), or -1 with errbuf: Spark's getSequenceLength. */
static int64_t integral_length(int64_t a, int64_t b, int64_t s, char *errbuf, size_t errlen)
{
    if (a == b) return 1;
    if (s == 0 || (s > 0 && a > b) || (s < 0 && a < b))
        return kernel_error(errbuf, errlen, "Illegal sequence boundaries: %lld to %lld by %lld",
                            (long long)a, (long long)b, (long long)s);
    /* the count as unsigned: the span of two int64 may pass int64 */
    uint64_t span = s > 0 ? (uint64_t)b - (uint64_t)a : (uint64_t)a - (uint64_t)b;
    uint64_t len = span / (s > 0 ? (uint64_t)s : -(uint64_t)s) + 1;
    if (len > (uint64_t)MAX_ELEMENTS) return too_long(errbuf, errlen, len);
    return (int64_t)len;
}

/* Writes the integer sequence's len elements (as int32 or int64) at *at. */
static void integral_elements(int64_t a, int64_t s, int64_t len, int32_t type, void *values,
                              int64_t at)
{
    for (int64_t k = 0; k < len; k++) {
        /* (as unsigned: a + k * s never passes b, but the product may wrap on the way) */
        int64_t v = (int64_t)((uint64_t)a + (uint64_t)k * (uint64_t)s);
        if (type == TIDE_INT32 || type == TIDE_DATE)
            ((int32_t *)values)[at + k] = (int32_t)v;
        else
            ((int64_t *)values)[at + k] = v;
    }
}

int tide_eval_sequence(tide_batch *out, const tide_column *start, const tide_column *stop,
                       const tide_column *step, tide_column *dst, char *errbuf, size_t errlen)
{
    int32_t t = start->type;
    if ((t != TIDE_INT32 && t != TIDE_INT64) || stop->type != t || (step && step->type != t))
        return kernel_error(errbuf, errlen, "sequence takes integers of one type");
    int64_t n = start->length, total = 0;
#define AT(c, i)                                                                                   \
    ((c)->type == TIDE_INT32 ? (int64_t)((const int32_t *)(c)->values)[i]                          \
                             : ((const int64_t *)(c)->values)[i])
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(start, i) || !tide_valid(stop, i) || (step && !tide_valid(step, i)))
            continue;
        int64_t a = AT(start, i), b = AT(stop, i), s = step ? AT(step, i) : (a <= b ? 1 : -1);
        int64_t len = integral_length(a, b, s, errbuf, errlen);
        if (len < 0) return -1;
        if (len > MAX_ELEMENTS - total) return too_long(errbuf, errlen, (unsigned long long)len);
        total += len;
    }
    tide_column *el;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, start, stop) != 0 ||
        (step && kernel_validity_and(out, dst, dst, step) != 0) ||
        kernel_alloc(out, el = &dst->children[0], "element", t, 0, 0, total, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *off = dst->values, used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int64_t a = AT(start, i), b = AT(stop, i), s = step ? AT(step, i) : (a <= b ? 1 : -1);
            int64_t len = integral_length(a, b, s, errbuf, errlen);
            integral_elements(a, s, len, t, el->values, used);
            used += len;
        }
        off[i + 1] = used;
    }
#undef AT
    kernel_finish(dst);
    return 0;
}

/* ---- dates and timestamps ----------------------------------------------------------- */

/* One row's sequence of dates or timestamps: either an integer sequence
   (a, b, step in the elements' unit) or a calendar one (sa, sb in
   microseconds, moved by i times months, days and micros). */
typedef struct temporal_row {
    int calendar;
    int64_t a, b, step;
    int64_t sa, sb, months, days, micros, sign;
} temporal_row;

/* The plan of row i: its step split as Spark splits it (none: a day
   towards stop), its checks (a date's step of day granularity, the
   direction), and its length, the estimate Spark's limit is checked on
   (a month 28 days). -1 with errbuf. */
static int plan_row(const tide_column *start, const tide_column *stop, const tide_column *step,
                    int32_t step_kind, int64_t i, temporal_row *row, int64_t *estimate,
                    char *errbuf, size_t errlen)
{
    int dates = start->type == TIDE_DATE;
    int64_t a = dates ? ((const int32_t *)start->values)[i] : ((const int64_t *)start->values)[i];
    int64_t b = dates ? ((const int32_t *)stop->values)[i] : ((const int64_t *)stop->values)[i];
    int64_t raw = 0;
    row->months = row->days = row->micros = 0;
    if (step_kind == 2) {
        raw = row->months = ((const int32_t *)step->values)[i];
    } else if (step_kind == 1) {
        raw = ((const int64_t *)step->values)[i];
        row->days = raw / MICROS_PER_DAY; /* (towards zero, as Spark's getDays) */
        row->micros = raw % MICROS_PER_DAY;
    } else {
        row->days = a <= b ? 1 : -1;
    }
    if (dates && row->months == 0 && row->days == 0)
        return kernel_error(errbuf, errlen,
                            "sequence step must be an %s of day granularity if start and end "
                            "values are dates",
                            step_kind == 2 ? "interval year to month" : "interval day to second");
    row->calendar = !(row->months == 0 && (dates ? row->micros == 0 : row->days == 0));
    if (!row->calendar) {
        row->a = a, row->b = b, row->step = dates ? row->days : row->micros;
        return (*estimate = integral_length(a, b, row->step, errbuf, errlen)) < 0 ? -1 : 0;
    }
    /* (Java's long arithmetic: wrapping, as unsigned) */
    int64_t scale = dates ? MICROS_PER_DAY : 1;
    row->sa = (int64_t)((uint64_t)a * (uint64_t)scale);
    row->sb = (int64_t)((uint64_t)b * (uint64_t)scale);
    int64_t est = (int64_t)((uint64_t)row->micros + (uint64_t)row->months * 28 * MICROS_PER_DAY +
                            (uint64_t)row->days * MICROS_PER_DAY);
    row->sign = est > 0 ? 1 : -1;
    if (row->sa == row->sb) {
        *estimate = 1;
        return 0;
    }
    if (est == 0 || (est > 0 && row->sa > row->sb) || (est < 0 && row->sa < row->sb))
        return kernel_error(errbuf, errlen, "Illegal sequence boundaries: %lld to %lld by %lld",
                            (long long)row->sa, (long long)row->sb, (long long)raw);
    uint64_t span =
        est > 0 ? (uint64_t)row->sb - (uint64_t)row->sa : (uint64_t)row->sa - (uint64_t)row->sb;
    uint64_t len = span / (est > 0 ? (uint64_t)est : -(uint64_t)est) + 1;
    if (len > (uint64_t)MAX_ELEMENTS) return too_long(errbuf, errlen, len);
    *estimate = (int64_t)len;
    return 0;
}

/* The calendar sequence's elements of a row (written at *at when values is
   not NULL; dates as their day numbers): start moved by i steps while it
   does not pass stop (descending, Spark's loop keeps one microsecond
   short of stop too). Its count. */
static int64_t calendar_elements(const tide_zone *z, int dates, const temporal_row *row,
                                 void *values, int64_t at)
{
    if (row->sa == row->sb) {
        if (values && dates)
            ((int32_t *)values)[at] = (int32_t)floor_div(row->sa, MICROS_PER_DAY);
        else if (values)
            ((int64_t *)values)[at] = row->sa;
        return 1;
    }
    int64_t t = row->sa, k = 0;
    while (k < MAX_ELEMENTS && (row->sign > 0 ? t <= row->sb : t >= row->sb - 1)) {
        if (values && dates)
            ((int32_t *)values)[at + k] = (int32_t)floor_div(t, MICROS_PER_DAY);
        else if (values)
            ((int64_t *)values)[at + k] = t;
        k++;
        if (tide_zone_move(z, row->sa, k * row->months, k * row->days, k * row->micros, &t) != 0)
            break;
    }
    return k;
}

int tide_eval_temporal_sequence(tide_batch *out, const tide_column *start, const tide_column *stop,
                                const tide_column *step, int32_t step_kind, tide_column *dst,
                                char *errbuf, size_t errlen)
{
    int32_t t = start->type, local = (step_kind & 4) != 0;
    step_kind &= 3;
    if ((t != TIDE_DATE && t != TIDE_TIMESTAMP) || stop->type != t ||
        (step_kind != 0) != (step != NULL) ||
        (step && step->type != (step_kind == 2 ? TIDE_INT32 : TIDE_INT64)))
        return kernel_error(errbuf, errlen, "sequence takes two dates or timestamps and a step");
    int dates = t == TIDE_DATE;
    /* (dates move in days alone, whatever the zone; local date-times on UTC's calendar) */
    const tide_zone *z = dates || local ? NULL : tide_zone_session();
    int64_t n = start->length, total = 0;
    temporal_row row;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(start, i) || !tide_valid(stop, i) || (step && !tide_valid(step, i)))
            continue;
        int64_t len;
        if (plan_row(start, stop, step, step_kind, i, &row, &len, errbuf, errlen) != 0) return -1;
        if (row.calendar) len = calendar_elements(z, dates, &row, NULL, 0);
        if (len > MAX_ELEMENTS - total) return too_long(errbuf, errlen, (unsigned long long)len);
        total += len;
    }
    tide_column *el;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, start, stop) != 0 ||
        (step && kernel_validity_and(out, dst, dst, step) != 0) ||
        kernel_alloc(out, el = &dst->children[0], "element", t, 0, 0, total, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *off = dst->values, used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int64_t len;
            plan_row(start, stop, step, step_kind, i, &row, &len, errbuf, errlen);
            if (row.calendar) {
                used += calendar_elements(z, dates, &row, el->values, used);
            } else {
                integral_elements(row.a, row.step, len, t, el->values, used);
                used += len;
            }
        }
        off[i + 1] = used;
    }
    kernel_finish(dst);
    return 0;
}
