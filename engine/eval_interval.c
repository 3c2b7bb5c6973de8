/*
 * eval_interval.c — the kernels of Spark's ANSI interval types (contracts
 * in ffi/interval.h): their text, their products and quotients by
 * numbers, and their reading from text. A day-time interval is int64
 * microseconds, a year-month one int32 months; what needs no more than
 * integer arithmetic (sums, differences, comparisons) runs on the long
 * and int kernels (tide.eval_intervals).
 */
#include "calendar.h"
#include "ffi/interval.h"
#include "kernel.h"
#include "time_zone.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MICROS_PER_SECOND 1000000LL
#define MICROS_PER_MINUTE (60 * MICROS_PER_SECOND)
#define MICROS_PER_HOUR   (60 * MICROS_PER_MINUTE)
#define MICROS_PER_DAY    (24 * MICROS_PER_HOUR)

static const char *const DT_NAMES[] = {"DAY", "HOUR", "MINUTE", "SECOND"};
static const char *const YM_NAMES[] = {"YEAR", "MONTH"};
static const int64_t DT_MICROS[] = {MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE,
                                    MICROS_PER_SECOND};

/* The seconds of rest (micros, >= 0) as Spark writes them: a 0 before a
   single digit, the fraction's trailing zeros dropped
   (BigDecimal.valueOf(rest, 6).stripTrailingZeros.toPlainString). */
static int seconds_text(char *buf, size_t size, uint64_t rest)
{
    int n = snprintf(buf, size, "%s%llu", rest < 10 * MICROS_PER_SECOND ? "0" : "",
                     (unsigned long long)(rest / MICROS_PER_SECOND));
    uint64_t frac = rest % MICROS_PER_SECOND;
    if (frac != 0) {
        char digits[8];
        snprintf(digits, sizeof digits, "%06llu", (unsigned long long)frac);
        int len = 6;
        while (digits[len - 1] == '0')
            len--;
        n += snprintf(buf + n, size - (size_t)n, ".%.*s", len, digits);
    }
    return n;
}

/* IntervalUtils.toDayTimeIntervalString, ANSI style. */
static int day_time_text(char *buf, size_t size, int64_t micros, int from, int to)
{
    /* the magnitude as unsigned: INT64_MIN's too */
    uint64_t rest = micros < 0 ? 0 - (uint64_t)micros : (uint64_t)micros;
    int n = snprintf(buf, size, "INTERVAL '%s", micros < 0 ? "-" : "");
    for (int field = from; field <= to; field++) {
        const char *sep = field == from ? "" : field == 1 ? " " : ":";
        n += snprintf(buf + n, size - (size_t)n, "%s", sep);
        if (field == 3) {
            n += seconds_text(buf + n, size - (size_t)n, rest);
        } else {
            uint64_t v = rest / (uint64_t)DT_MICROS[field];
            rest %= (uint64_t)DT_MICROS[field];
            n += snprintf(buf + n, size - (size_t)n, field == 0 ? "%llu" : "%02llu",
                          (unsigned long long)v);
        }
    }
    if (from == to) return n + snprintf(buf + n, size - (size_t)n, "' %s", DT_NAMES[from]);
    return n + snprintf(buf + n, size - (size_t)n, "' %s TO %s", DT_NAMES[from], DT_NAMES[to]);
}

/* IntervalUtils.toYearMonthIntervalString, ANSI style. */
static int year_month_text(char *buf, size_t size, int32_t months, int from, int to)
{
    const char *sign = months < 0 ? "-" : "";
    int64_t abs_months = months < 0 ? -(int64_t)months : months;
    if (from != to)
        return snprintf(buf, size, "INTERVAL '%s%lld-%lld' YEAR TO MONTH", sign,
                        (long long)(abs_months / 12), (long long)(abs_months % 12));
    if (from == 0)
        return snprintf(buf, size, "INTERVAL '%s%lld' YEAR", sign, (long long)(abs_months / 12));
    return snprintf(buf, size, "INTERVAL '%d' MONTH", months);
}

int tide_eval_interval_text(tide_batch *out, const tide_column *a, int32_t year_month,
                            int32_t start_field, int32_t end_field, tide_column *dst, char *errbuf,
                            size_t errlen)
{
    int last = year_month ? 1 : 3;
    if (a->type != (year_month ? TIDE_INT32 : TIDE_INT64) || start_field < 0 || end_field > last ||
        start_field > end_field)
        return kernel_error(errbuf, errlen, "an interval's text of type %d, fields %d to %d",
                            a->type, start_field, end_field);
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, n * 32) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    char buf[96];
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int len = year_month ? year_month_text(buf, sizeof buf, ((const int32_t *)a->values)[i],
                                                   start_field, end_field)
                                 : day_time_text(buf, sizeof buf, ((const int64_t *)a->values)[i],
                                                 start_field, end_field);
            if (kernel_str_append(out, dst, &used, buf, len, errbuf, errlen) != 0) return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- products and quotients ---------------------------------------------------- */

/* n / d rounded half away from zero (Guava's LongMath.divide, HALF_UP). */
static int64_t divide_half_up(int64_t n, int64_t d)
{
    int64_t q = n / d, r = n % d;
    if (r == 0) return q;
    /* |r| >= |d| - |r|: at or past the half */
    uint64_t ar = r < 0 ? 0 - (uint64_t)r : (uint64_t)r;
    uint64_t ad = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
    if (ar >= ad - ar) q += ((n < 0) != (d < 0)) ? -1 : 1;
    return q;
}

int tide_eval_interval_scale(tide_batch *out, const tide_column *a, const tide_column *b,
                             int32_t mode, tide_column *dst, char *errbuf, size_t errlen)
{
    int divide = mode & 1, try = (mode & 2) != 0;
    int months = a->type == TIDE_INT32;
    if ((a->type != TIDE_INT64 && !months) ||
        (b->type != TIDE_INT32 && b->type != TIDE_INT64 && b->type != TIDE_FLOAT64) ||
        a->length != b->length)
        return kernel_error(errbuf, errlen, "an interval scaled by type %d", b->type);
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", a->type, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const char *kind = months ? "integer" : "long";
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int64_t v = months ? ((const int32_t *)a->values)[i] : ((const int64_t *)a->values)[i];
        int64_t r = 0;
        const char *failed = NULL;
        if (b->type == TIDE_FLOAT64) {
            double x = ((const double *)b->values)[i];
            double p = divide ? (double)v / x : (double)v * x;
            /* DoubleMath.roundToLong/Int, HALF_UP: away from zero at .5 */
            double rounded = p < 0 ? -floor(-p + 0.5) : floor(p + 0.5);
            if (divide && x == 0)
                failed = "Division by zero";
            else if (rounded != rounded || rounded >= 9223372036854775808.0 ||
                     rounded < -9223372036854775808.0)
                failed = "overflow: no whole number (Spark: ArithmeticException)";
            else
                r = (int64_t)rounded;
        } else {
            int64_t x = b->type == TIDE_INT32 ? ((const int32_t *)b->values)[i]
                                              : ((const int64_t *)b->values)[i];
            if (divide && x == 0)
                failed = "Division by zero";
            else if (divide && v == INT64_MIN && x == -1)
                failed = "overflow (Spark: ArithmeticException)";
            else if (divide)
                r = divide_half_up(v, x);
            else if (__builtin_mul_overflow(v, x, &r))
                failed = "overflow (Spark: ArithmeticException)";
        }
        if (!failed && months && (r > INT32_MAX || r < INT32_MIN))
            failed = "overflow (Spark: ArithmeticException)";
        if (failed && !try) {
            if (strcmp(failed, "Division by zero") == 0)
                return kernel_error(errbuf, errlen, "%s", failed);
            return kernel_error(errbuf, errlen, "%s %s", kind, failed);
        }
        if (failed) {
            /* try_divide, try_multiply: NULL */
            tide_column_set_null(out, dst, i);
        } else if (months) {
            ((int32_t *)dst->values)[i] = (int32_t)r;
        } else {
            ((int64_t *)dst->values)[i] = r;
        }
    }
    kernel_finish(dst);
    return 0;
}

/* ---- exact sums ---------------------------------------------------------------------- */

/* Spark's interval arithmetic is exact whatever spark.sql.ansi.enabled
   says (Math.addExact in Add, Subtract, UnaryMinus, Abs and Sum of
   intervals): an overflow is Spark's error, or NULL in try_add and
   try_subtract. */
static int overflow(char *errbuf, size_t errlen, int32_t op, int months)
{
    const char *kind = months ? "integer" : "long";
    if (op == TIDE_INTERVAL_ABS)
        return kernel_error(errbuf, errlen,
                            "[ARITHMETIC_OVERFLOW] %s overflow. If necessary set "
                            "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                            kind);
    if (op == TIDE_INTERVAL_NEGATE)
        return kernel_error(errbuf, errlen, "[INTERVAL_ARITHMETIC_OVERFLOW] %s overflow.", kind);
    return kernel_error(errbuf, errlen,
                        "[INTERVAL_ARITHMETIC_OVERFLOW] %s overflow. Use '%s' to tolerate overflow "
                        "and return NULL instead.",
                        kind, op == TIDE_INTERVAL_SUBTRACT ? "try_subtract" : "try_add");
}

int tide_eval_interval_exact(tide_batch *out, int32_t op, const tide_column *a,
                             const tide_column *b, int32_t try, tide_column *dst, char *errbuf,
                             size_t errlen)
{
    int months = a->type == TIDE_INT32,
        unary = op == TIDE_INTERVAL_NEGATE || op == TIDE_INTERVAL_ABS;
    if ((a->type != TIDE_INT64 && !months) || op < TIDE_INTERVAL_ADD || op > TIDE_INTERVAL_ABS ||
        (unary ? b != NULL : (!b || b->type != a->type || b->length != a->length)))
        return kernel_error(errbuf, errlen, "interval arithmetic of type %d", a->type);
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", a->type, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int64_t x = months ? ((const int32_t *)a->values)[i] : ((const int64_t *)a->values)[i];
        int64_t y = unary    ? 0
                    : months ? ((const int32_t *)b->values)[i]
                             : ((const int64_t *)b->values)[i];
        int64_t r;
        int failed;
        if (op == TIDE_INTERVAL_ADD)
            failed = __builtin_add_overflow(x, y, &r);
        else if (op == TIDE_INTERVAL_SUBTRACT)
            failed = __builtin_sub_overflow(x, y, &r);
        else if (op == TIDE_INTERVAL_ABS && x >= 0)
            failed = (r = x, 0);
        else
            failed = __builtin_sub_overflow((int64_t)0, x, &r);
        if (!failed && months) failed = r > INT32_MAX || r < INT32_MIN;
        if (failed && !try) return overflow(errbuf, errlen, op, months);
        if (failed)
            tide_column_set_null(out, dst, i);
        else if (months)
            ((int32_t *)dst->values)[i] = (int32_t)r;
        else
            ((int64_t *)dst->values)[i] = r;
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_interval_total(tide_batch *out, const tide_column *sum, const tide_column *count,
                             int32_t mode, tide_column *dst, char *errbuf, size_t errlen)
{
    int months = (mode & 1) != 0, avg = (mode & 2) != 0;
    if (sum->type != TIDE_INT64 || count->type != TIDE_INT64 || sum->length != count->length)
        return kernel_error(errbuf, errlen, "an interval's sum of type %d", sum->type);
    int64_t n = sum->length;
    if (kernel_alloc(out, dst, "", months ? TIDE_INT32 : TIDE_INT64, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *s = sum->values, *c = count->values;
    for (int64_t i = 0; i < n; i++) {
        int64_t k = tide_valid(count, i) ? c[i] : 0;
        if (k == 0) {
            /* no values: NULL, as Spark's sum and average of none */
            tide_column_set_null(out, dst, i);
            continue;
        }
        /* (try_sum's NULL over values: its sum overflowed a long) */
        if (!tide_valid(sum, i) || (months && (s[i] > INT32_MAX || s[i] < INT32_MIN)))
            return overflow(errbuf, errlen, TIDE_INTERVAL_ADD, months);
        int64_t r = avg ? divide_half_up(s[i], k) : s[i];
        if (months)
            ((int32_t *)dst->values)[i] = (int32_t)r;
        else
            ((int64_t *)dst->values)[i] = r;
    }
    kernel_finish(dst);
    return 0;
}

/* ---- timestamps moved ------------------------------------------------------------ */

int tide_eval_timestamp_plus_interval(tide_batch *out, const tide_column *ts, const tide_column *iv,
                                      int32_t negate, tide_column *dst, char *errbuf, size_t errlen)
{
    if (ts->type != TIDE_TIMESTAMP || iv->type != TIDE_INT64 || ts->length != iv->length)
        return kernel_error(errbuf, errlen, "a timestamp moved by type %d", iv->type);
    if (kernel_alloc(out, dst, "", TIDE_TIMESTAMP, 0, 0, ts->length, 0) != 0 ||
        kernel_validity_and(out, dst, ts, iv) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *t = ts->values, *x = iv->values;
    int64_t *r = dst->values;
    const tide_zone *z = tide_zone_session();
    for (int64_t i = 0; i < ts->length; i++) {
        if (!tide_valid(dst, i)) continue;
        /* (Spark's timestampAddDayTime: the whole days, towards zero, on
           the zone's calendar, then the rest in exact time) */
        int64_t m = negate ? -x[i] : x[i];
        if ((negate && x[i] == INT64_MIN) ||
            tide_zone_move(z, t[i], 0, m / MICROS_PER_DAY, m % MICROS_PER_DAY, &r[i]) != 0)
            return kernel_error(errbuf, errlen,
                                "long overflow: %lld moved by %lld microseconds (Spark: "
                                "ArithmeticException)",
                                (long long)t[i], (long long)x[i]);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- reading text ----------------------------------------------------------------- */

/* An unsigned number at *p (digits), at most `max`; -1 when none or past it. */
static int64_t read_number(const char **p, const char *end, int64_t max)
{
    const char *s = *p;
    int64_t v = 0;
    if (s >= end || !isdigit((unsigned char)*s)) return -1;
    while (s < end && isdigit((unsigned char)*s)) {
        v = v * 10 + (*s++ - '0');
        if (v > max) return -1;
    }
    *p = s;
    return v;
}

/* The value of the bare text [s, end) of an interval of fields from..to:
   0 with *value, -1 when it is no such text. */
static int parse_bare(const char *s, const char *end, int year_month, int from, int to,
                      int64_t *value)
{
    int negative = 0;
    if (s < end && (*s == '+' || *s == '-')) negative = *s++ == '-';
    int64_t total = 0;
    for (int field = from; field <= to; field++) {
        if (field != from) {
            char sep = year_month ? '-' : field == 1 ? ' ' : ':';
            if (s >= end || *s != sep) return -1;
            s++;
        }
        /* the leading field takes any size; the others their unit's range */
        int64_t max = field == from ? INT64_MAX / 10 - 9 : year_month ? 11 : field == 1 ? 23 : 59;
        int64_t v = read_number(&s, end, max);
        if (v < 0) return -1;
        int64_t unit = year_month ? (field == 0 ? 12 : 1) : DT_MICROS[field];
        if (__builtin_mul_overflow(v, unit, &v) || __builtin_add_overflow(total, v, &total))
            return -1;
        if (!year_month && field == 3 && s < end && *s == '.') {
            /* up to 9 fraction digits, the microseconds kept */
            s++;
            int64_t frac = 0, digits = 0;
            while (s < end && isdigit((unsigned char)*s) && digits < 9) {
                if (digits < 6) frac = frac * 10 + (*s - '0');
                digits++, s++;
            }
            if (digits == 0) return -1;
            for (int64_t k = digits; k < 6; k++)
                frac *= 10;
            total += frac;
        }
    }
    if (s != end) return -1;
    *value = negative ? -total : total;
    return 0;
}

/* [s, end) with spaces around it dropped. */
static void trim(const char **s, const char **end)
{
    while (*s < *end && isspace((unsigned char)**s))
        (*s)++;
    while (*end > *s && isspace((unsigned char)(*end)[-1]))
        (*end)--;
}

/* The bare form of an interval's fields, as Spark's messages write it:
   d h:m:s.n, y-m, h:m. */
static void interval_form(char *buf, size_t size, int year_month, int from, int to)
{
    static const char *const DT_FORM[] = {"d", "h", "m", "s.n"};
    static const char *const YM_FORM[] = {"y", "m"};
    size_t n = 0;
    buf[0] = '\0';
    for (int field = from; field <= to && n < size; field++) {
        const char *sep = field == from ? "" : year_month ? "-" : field == 1 ? " " : ":";
        n += (size_t)snprintf(buf + n, size - n, "%s%s", sep,
                              year_month ? YM_FORM[field] : DT_FORM[field]);
    }
}

/* The fields of an interval type: DAY TO SECOND, HOUR. */
static void interval_fields(char *buf, size_t size, int year_month, int from, int to)
{
    const char *const *names = year_month ? YM_NAMES : DT_NAMES;
    if (from == to)
        snprintf(buf, size, "%s", names[from]);
    else
        snprintf(buf, size, "%s TO %s", names[from], names[to]);
}

/* The value of a text: bare, or INTERVAL [+|-]'bare' FIELD [TO FIELD]
   naming exactly the type's fields. */
static int parse_text(const char *s, const char *end, int year_month, int from, int to,
                      int64_t *value)
{
    trim(&s, &end);
    if (end - s > 8 && strncasecmp(s, "INTERVAL", 8) == 0 && isspace((unsigned char)s[8])) {
        const char *p = s + 8;
        while (p < end && isspace((unsigned char)*p))
            p++;
        int negative = 0;
        if (p < end && (*p == '+' || *p == '-')) negative = *p++ == '-';
        if (p >= end || *p != '\'') return -1;
        const char *close = memchr(p + 1, '\'', (size_t)(end - p - 1));
        if (!close) return -1;
        char units[32];
        interval_fields(units, sizeof units, year_month, from, to);
        const char *u = close + 1;
        while (u < end && isspace((unsigned char)*u))
            u++;
        if ((size_t)(end - u) != strlen(units) || strncasecmp(u, units, strlen(units)) != 0)
            return -1;
        const char *b = p + 1, *e = close;
        trim(&b, &e);
        if (parse_bare(b, e, year_month, from, to, value) != 0) return -1;
        if (negative) *value = -*value;
        return 0;
    }
    return parse_bare(s, end, year_month, from, to, value);
}

int tide_eval_interval_parse(tide_batch *out, const tide_column *s, int32_t year_month,
                             int32_t start_field, int32_t end_field, tide_column *dst, char *errbuf,
                             size_t errlen)
{
    int last = year_month ? 1 : 3;
    if (s->type != TIDE_STRING || start_field < 0 || end_field > last || start_field > end_field)
        return kernel_error(errbuf, errlen, "an interval read from type %d", s->type);
    int64_t n = s->length;
    if (kernel_alloc(out, dst, "", year_month ? TIDE_INT32 : TIDE_INT64, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *offsets = s->values;
    char lower_fields[32];
    interval_fields(lower_fields, sizeof lower_fields, year_month, start_field, end_field);
    for (char *c = lower_fields; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        const char *text = (const char *)s->data + offsets[i];
        int len = offsets[i + 1] - offsets[i];
        int64_t v;
        if (parse_text(text, text + len, year_month, start_field, end_field, &v) != 0 ||
            (year_month && (v > INT32_MAX || v < INT32_MIN))) {
            char form[32], fields[32];
            interval_form(form, sizeof form, year_month, start_field, end_field);
            interval_fields(fields, sizeof fields, year_month, start_field, end_field);
            return kernel_error(errbuf, errlen,
                                "Interval string does not match %s format of `[+|-]%s`, "
                                "`INTERVAL [+|-]'[+|-]%s' %s` when cast to interval %s: %.*s",
                                year_month ? "year-month" : "day-time", form, form, fields,
                                lower_fields, len, text);
        }
        if (year_month)
            ((int32_t *)dst->values)[i] = (int32_t)v;
        else
            ((int64_t *)dst->values)[i] = v;
    }
    kernel_finish(dst);
    return 0;
}
