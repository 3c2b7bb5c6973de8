/*
 * eval_cast.c — CAST between tide's types with Spark's non-ANSI semantics
 * (contract in ffi/eval.h):
 * - string -> int/bigint: trimmed, optional sign, digits, and an optional
 *   fraction that is dropped ("1.9" -> 1); anything else or overflow NULL
 *   (UTF8String.toLong). -> double/float: Java's number syntax plus
 *   "inf"/"nan" spellings. -> boolean: t/true/y/yes/1 and f/false/n/no/0.
 *   -> decimal: exact, exponents allowed, rounded half up to the scale,
 *   NULL past the precision. -> timestamp: tide_timestamp_parse.
 * - to string: integers as digits, float/double as Java prints them,
 *   decimals exact and plain, timestamps "2022-06-29 02:38:24.177",
 *   booleans true/false, structs "{1, a, null}", binary as its bytes.
 * - between numbers: integers wrap (long -> int keeps the low 32 bits),
 *   float/double -> integer truncates and saturates (NaN -> 0), decimals
 *   truncate toward zero; number -> decimal NULL when it does not fit.
 * - timestamps are seconds when cast to or from numbers (micros / 1e6,
 *   integers floored).
 * - dates: from strings (tide_date_parse), to and from timestamps in the
 *   session time zone (a timestamp's local date; a date's first instant);
 *   to numbers and booleans NULL, as Spark's castToInt (...) of a date;
 *   no numbers to dates, as Spark 3 casts none.
 */
#include "calendar.h"
#include "cast_parse.h"
#include "decimal128.h"
#include "digits.h"
#include "kernel.h"
#include "timestamp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MICROS 1000000LL

/* ---- writing text ------------------------------------------------------------ */

static int format_long(int64_t v, char *buf)
{
    return tide_i64_digits(v, buf);
}

/* A vector row as Spark's Vector.toString: "[1.0,0.0]" for a dense row,
   "(4,[0,3],[1.0,-2.5])" for a sparse one (dense by the column's mode,
   as docs/ml.md says). */
static int append_vector_text(tide_batch *out, tide_column *dst, int64_t *used,
                              const tide_column *col, int64_t row, char *errbuf, size_t errlen)
{
    const int64_t *off = col->values;
    const int32_t *indices = col->children[0].values;
    const double *values = col->children[1].values;
    int64_t first = off[row], last = off[row + 1];
    int dense = col->scale == 1 ||
                (col->scale == 2 && last - first == col->vector_size && col->vector_size > 0);
    char buf[48];
    int n;
#define PUT(p, len)                                                                                \
    do {                                                                                           \
        if (kernel_str_append(out, dst, used, p, len, errbuf, errlen) != 0) return -1;             \
    } while (0)
    if (!dense) {
        n = snprintf(buf, sizeof buf, "(%d,[", col->vector_size);
        PUT(buf, n);
        for (int64_t k = first; k < last; k++) {
            n = snprintf(buf, sizeof buf, k > first ? ",%d" : "%d", indices[k]);
            PUT(buf, n);
        }
        PUT("],", 2);
    }
    PUT("[", 1);
    for (int64_t k = first; k < last; k++) {
        if (k > first) PUT(",", 1);
        n = tide_format_java_double(values[k], 0, buf);
        PUT(buf, n);
    }
    PUT(dense ? "]" : "])", dense ? 1 : 2);
#undef PUT
    return 0;
}

/* Appends the text of row `row` of col (valid) as CAST(... AS STRING). */
static int append_text(tide_batch *out, tide_column *dst, int64_t *used, const tide_column *col,
                       int64_t row, char *errbuf, size_t errlen)
{
    char buf[64];
    int n = 0;
    switch (col->type) {
    case TIDE_BOOL:
        return ((const uint8_t *)col->values)[row]
                   ? kernel_str_append(out, dst, used, "true", 4, errbuf, errlen)
                   : kernel_str_append(out, dst, used, "false", 5, errbuf, errlen);
    case TIDE_INT32: n = format_long(((const int32_t *)col->values)[row], buf); break;
    case TIDE_INT64: n = format_long(((const int64_t *)col->values)[row], buf); break;
    case TIDE_FLOAT32:
        n = tide_format_java_double(((const float *)col->values)[row], 1, buf);
        break;
    case TIDE_FLOAT64:
        n = tide_format_java_double(((const double *)col->values)[row], 0, buf);
        break;
    case TIDE_TIMESTAMP:
        n = tide_timestamp_format(((const int64_t *)col->values)[row], buf);
        break;
    case TIDE_DATE: n = tide_date_format(((const int32_t *)col->values)[row], buf); break;
    case TIDE_DECIMAL:
        n = tide_decimal_format_java((const char *)col->values + 16 * row, col->scale, buf);
        break;
    case TIDE_STRING:
    case TIDE_BINARY: {
        int32_t len;
        const char *p = tide_column_bytes(col, row, &len);
        return kernel_str_append(out, dst, used, p, len, errbuf, errlen);
    }
    case TIDE_STRUCT: {
        if (kernel_str_append(out, dst, used, "{", 1, errbuf, errlen) != 0) return -1;
        for (int32_t c = 0; c < col->num_children; c++) {
            const tide_column *child = &col->children[c];
            if (c > 0 && kernel_str_append(out, dst, used, ", ", 2, errbuf, errlen) != 0)
                return -1;
            int rc = tide_valid(child, row)
                         ? append_text(out, dst, used, child, row, errbuf, errlen)
                         : kernel_str_append(out, dst, used, "null", 4, errbuf, errlen);
            if (rc != 0) return -1;
        }
        return kernel_str_append(out, dst, used, "}", 1, errbuf, errlen);
    }
    case TIDE_VECTOR: return append_vector_text(out, dst, used, col, row, errbuf, errlen);
    case TIDE_ARRAY: {
        /* Spark's [a, null, c] */
        const int64_t *off = col->values;
        const tide_column *el = &col->children[0];
        if (kernel_str_append(out, dst, used, "[", 1, errbuf, errlen) != 0) return -1;
        for (int64_t e = off[row]; e < off[row + 1]; e++) {
            if (e > off[row] && kernel_str_append(out, dst, used, ", ", 2, errbuf, errlen) != 0)
                return -1;
            int rc = tide_valid(el, e) ? append_text(out, dst, used, el, e, errbuf, errlen)
                                       : kernel_str_append(out, dst, used, "null", 4, errbuf, errlen);
            if (rc != 0) return -1;
        }
        return kernel_str_append(out, dst, used, "]", 1, errbuf, errlen);
    }
    case TIDE_MAP: {
        /* Spark's {a -> 1, b -> null} */
        const int64_t *off = col->values;
        const tide_column *keys = &col->children[0], *values = &col->children[1];
        if (kernel_str_append(out, dst, used, "{", 1, errbuf, errlen) != 0) return -1;
        for (int64_t e = off[row]; e < off[row + 1]; e++) {
            if ((e > off[row] && kernel_str_append(out, dst, used, ", ", 2, errbuf, errlen) != 0) ||
                append_text(out, dst, used, keys, e, errbuf, errlen) != 0 ||
                kernel_str_append(out, dst, used, " -> ", 4, errbuf, errlen) != 0)
                return -1;
            int rc = tide_valid(values, e) ? append_text(out, dst, used, values, e, errbuf, errlen)
                                           : kernel_str_append(out, dst, used, "null", 4, errbuf, errlen);
            if (rc != 0) return -1;
        }
        return kernel_str_append(out, dst, used, "}", 1, errbuf, errlen);
    }
    default: return kernel_error(errbuf, errlen, "cannot cast %s to string", tide_type_name(col->type));
    }
    return kernel_str_append(out, dst, used, buf, n, errbuf, errlen);
}

static int cast_to_string(tide_batch *out, const tide_column *src, int32_t type, tide_column *dst,
                          char *errbuf, size_t errlen)
{
    int64_t n = src->length;
    if (kernel_alloc(out, dst, src->name, type, 0, 0, n, n * 8) != 0 ||
        kernel_validity_and(out, dst, src, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(src, i) && append_text(out, dst, &used, src, i, errbuf, errlen) != 0)
            return -1;
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- numbers ------------------------------------------------------------------ */

static int32_t d2i(double d)
{
    if (d != d) return 0;
    if (d >= 2147483647.0) return INT32_MAX;
    if (d <= -2147483648.0) return INT32_MIN;
    return (int32_t)d;
}

static double decimal_to_double(const tide_column *c, int64_t row)
{
    char buf[48];
    tide_decimal_format((const char *)c->values + 16 * row, c->scale, buf);
    return strtod(buf, NULL);
}

/* The integral part of a decimal, truncated toward zero, wrapped to 64
   bits (BigDecimal.longValue). */
static int64_t decimal_to_long(const tide_column *c, int64_t row)
{
    i128 v = dec_load((const char *)c->values + 16 * row);
    i128 q = v / (i128)dec_pow10(c->scale);
    return (int64_t)(uint64_t)(u128)q;
}

/* Row `row` of a numeric, boolean or timestamp column as a double (for
   timestamps, seconds). */
static double number_as_double(const tide_column *c, int64_t row)
{
    switch (c->type) {
    case TIDE_BOOL: return ((const uint8_t *)c->values)[row] ? 1.0 : 0.0;
    case TIDE_INT32: return ((const int32_t *)c->values)[row];
    case TIDE_INT64: return (double)((const int64_t *)c->values)[row];
    case TIDE_FLOAT32: return ((const float *)c->values)[row];
    case TIDE_FLOAT64: return ((const double *)c->values)[row];
    case TIDE_TIMESTAMP: return (double)((const int64_t *)c->values)[row] / 1e6;
    case TIDE_DECIMAL: return decimal_to_double(c, row);
    default: return 0;
    }
}

/* Row `row` as a long (doubles saturate, timestamps in whole seconds). */
static int64_t number_as_long(const tide_column *c, int64_t row)
{
    switch (c->type) {
    case TIDE_BOOL: return ((const uint8_t *)c->values)[row] ? 1 : 0;
    case TIDE_INT32: return ((const int32_t *)c->values)[row];
    case TIDE_INT64: return ((const int64_t *)c->values)[row];
    case TIDE_FLOAT32:
        return kernel_java_d2l(((const float *)c->values)[row]);
    case TIDE_FLOAT64:
        return kernel_java_d2l(((const double *)c->values)[row]);
    case TIDE_TIMESTAMP: return floor_div(((const int64_t *)c->values)[row], MICROS);
    case TIDE_DECIMAL: return decimal_to_long(c, row);
    default: return 0;
    }
}

static int is_numeric_source(int32_t t)
{
    return t == TIDE_BOOL || t == TIDE_INT32 || t == TIDE_INT64 || t == TIDE_FLOAT32 ||
           t == TIDE_FLOAT64 || t == TIDE_TIMESTAMP || t == TIDE_DECIMAL;
}

/* Row `row` of src as decimal(p, s); -1 when it cannot be (NULL). */
static int to_decimal(const tide_column *src, int64_t row, int32_t p, int32_t s, i128 *out)
{
    char buf[48];
    switch (src->type) {
    case TIDE_BOOL:
    case TIDE_INT32:
    case TIDE_INT64: {
        i128 v = number_as_long(src, row), r;
        if (dec_rescale(v, 0, s, &r) != 0 || !dec_fits(r, p)) return -1;
        *out = r;
        return 0;
    }
    case TIDE_TIMESTAMP: {
        i128 v = ((const int64_t *)src->values)[row], r;
        if (dec_rescale(v, 6, s, &r) != 0 || !dec_fits(r, p)) return -1;
        *out = r;
        return 0;
    }
    case TIDE_FLOAT32:
    case TIDE_FLOAT64: {
        double d = number_as_double(src, row);
        if (!isfinite(d)) return -1;
        int n = tide_format_java_double(d, 0, buf);
        return cast_parse_decimal(buf, n, p, s, out);
    }
    case TIDE_DECIMAL: {
        i128 v = dec_load((const char *)src->values + 16 * row), r;
        if (dec_rescale(v, src->scale, s, &r) != 0 || !dec_fits(r, p)) return -1;
        *out = r;
        return 0;
    }
    case TIDE_STRING: {
        int32_t len;
        const char *text = tide_column_bytes(src, row, &len);
        return cast_parse_decimal(text, len, p, s, out);
    }
    default: return -1;
    }
}

/* Row `row` of src as the fixed-width target type, written to slot; -1
   for NULL. */
static int convert_row(const tide_column *src, int64_t row, int32_t type, int32_t p, int32_t s,
                       void *slot)
{
    if (type == TIDE_DECIMAL) {
        i128 v;
        if (to_decimal(src, row, p, s, &v) != 0) return -1;
        dec_store(slot, v);
        return 0;
    }
    if (src->type == TIDE_STRING) {
        int32_t len;
        const char *text = tide_column_bytes(src, row, &len);
        switch (type) {
        case TIDE_BOOL: return cast_parse_bool(text, len, slot);
        case TIDE_INT32:
        case TIDE_INT64: {
            int64_t v;
            if (cast_parse_long(text, len, &v) != 0) return -1;
            if (type == TIDE_INT64) return *(int64_t *)slot = v, 0;
            if (v < INT32_MIN || v > INT32_MAX) return -1;
            return *(int32_t *)slot = (int32_t)v, 0;
        }
        case TIDE_FLOAT32:
        case TIDE_FLOAT64: {
            double d;
            if (cast_parse_double(text, len, &d) != 0) return -1;
            if (type == TIDE_FLOAT32) return *(float *)slot = (float)d, 0;
            return *(double *)slot = d, 0;
        }
        case TIDE_TIMESTAMP: {
            cast_trim(&text, &len);
            return tide_timestamp_parse(text, (size_t)len, slot) == 0 ? 0 : -1;
        }
        case TIDE_DATE: return tide_date_parse(text, (size_t)len, slot) == 0 ? 0 : -1;
        default: return -1;
        }
    }
    if (type == TIDE_DATE) /* from a timestamp: its local date */
        return *(int32_t *)slot = (int32_t)tide_local_days(((const int64_t *)src->values)[row]), 0;
    if (src->type == TIDE_DATE && type != TIDE_TIMESTAMP) return -1; /* Spark's NULL */
    if (src->type == TIDE_DATE) { /* to a timestamp: the start of its day */
        int32_t days = ((const int32_t *)src->values)[row];
        /* beyond int64 microseconds (about 292,000 years): NULL */
        if (days > 106751990 || days < -106751990) return -1;
        return *(int64_t *)slot = tide_start_of_day(days), 0;
    }
    switch (type) {
    case TIDE_BOOL: {
        uint8_t b;
        if (src->type == TIDE_FLOAT32 || src->type == TIDE_FLOAT64) b = number_as_double(src, row) != 0;
        else if (src->type == TIDE_DECIMAL) b = dec_load((const char *)src->values + 16 * row) != 0;
        else if (src->type == TIDE_TIMESTAMP) b = ((const int64_t *)src->values)[row] != 0;
        else b = number_as_long(src, row) != 0;
        *(uint8_t *)slot = b;
        return 0;
    }
    case TIDE_INT32:
        if (src->type == TIDE_FLOAT32 || src->type == TIDE_FLOAT64)
            *(int32_t *)slot = d2i(number_as_double(src, row));
        else
            *(int32_t *)slot = (int32_t)(uint32_t)(uint64_t)number_as_long(src, row);
        return 0;
    case TIDE_INT64: *(int64_t *)slot = number_as_long(src, row); return 0;
    case TIDE_FLOAT32: *(float *)slot = (float)number_as_double(src, row); return 0;
    case TIDE_FLOAT64: *(double *)slot = number_as_double(src, row); return 0;
    case TIDE_TIMESTAMP: {
        int64_t micros;
        if (src->type == TIDE_FLOAT32 || src->type == TIDE_FLOAT64) {
            double d = number_as_double(src, row);
            if (!isfinite(d)) return -1;
            micros = kernel_java_d2l(d * 1e6);
        } else if (src->type == TIDE_DECIMAL) {
            i128 v = dec_load((const char *)src->values + 16 * row);
            if (src->scale <= 6) v *= (i128)dec_pow10(6 - src->scale);
            else v /= (i128)dec_pow10(src->scale - 6);
            micros = (int64_t)(uint64_t)(u128)v;
        } else if (src->type == TIDE_BOOL) {
            micros = number_as_long(src, row);
        } else {
            int64_t secs = number_as_long(src, row);
            if (secs > INT64_MAX / MICROS) micros = INT64_MAX;
            else if (secs < INT64_MIN / MICROS) micros = INT64_MIN;
            else micros = secs * MICROS;
        }
        *(int64_t *)slot = micros;
        return 0;
    }
    default: return -1;
    }
}

static int cast_to_binary(tide_batch *out, const tide_column *src, tide_column *dst, char *errbuf,
                          size_t errlen)
{
    int64_t n = src->length;
    if (kernel_alloc(out, dst, src->name, TIDE_BINARY, 0, 0, n, n * 8) != 0 ||
        kernel_validity_and(out, dst, src, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(src, i)) {
            /* Integers as big-endian bytes, as Spark does. */
            uint64_t v = src->type == TIDE_INT32 ? (uint32_t)((const int32_t *)src->values)[i]
                                                 : (uint64_t)((const int64_t *)src->values)[i];
            int width = src->type == TIDE_INT32 ? 4 : 8;
            unsigned char bytes[8];
            for (int k = 0; k < width; k++) bytes[k] = (unsigned char)(v >> (8 * (width - 1 - k)));
            if (kernel_str_append(out, dst, &used, bytes, width, errbuf, errlen) != 0) return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_cast(tide_batch *out, const tide_column *src, int32_t type, int32_t precision,
                   int32_t scale, tide_column *dst, char *errbuf, size_t errlen)
{
    int32_t from = src->type;
    int same = from == type &&
               (type != TIDE_DECIMAL || (src->precision == precision && src->scale == scale));
    if (same || (from == TIDE_BINARY && type == TIDE_STRING) ||
        (from == TIDE_STRING && type == TIDE_BINARY)) {
        *dst = *src; /* the same bytes: share them */
        dst->type = type;
        return 0;
    }
    if (type == TIDE_STRING) return cast_to_string(out, src, type, dst, errbuf, errlen);
    if (type == TIDE_BINARY) {
        if (from == TIDE_INT32 || from == TIDE_INT64)
            return cast_to_binary(out, src, dst, errbuf, errlen);
        return kernel_error(errbuf, errlen, "cannot cast %s to binary", tide_type_name(from));
    }
    if (type == TIDE_STRUCT || from == TIDE_STRUCT || type == TIDE_ARRAY || from == TIDE_ARRAY ||
        type == TIDE_MAP || from == TIDE_MAP ||
        from == TIDE_BINARY ||
        (type == TIDE_DATE && from != TIDE_STRING && from != TIDE_TIMESTAMP) ||
        (from != TIDE_STRING && from != TIDE_DATE && !is_numeric_source(from)))
        return kernel_error(errbuf, errlen, "cannot cast %s to %s", tide_type_name(from),
                            tide_type_name(type));
    if (type == TIDE_DECIMAL && (precision < 1 || precision > 38 || scale < 0 || scale > precision))
        return kernel_error(errbuf, errlen, "decimal(%d,%d) is not a valid type", precision,
                            scale);
    int64_t n = src->length;
    if (kernel_alloc(out, dst, src->name, type, precision, scale, n, 0) != 0 ||
        kernel_validity_and(out, dst, src, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    size_t width = (size_t)tide_type_width(type);
    char *values = dst->values;

    /* The common widening casts, without a switch per row. */
    if (from == TIDE_INT32 && type == TIDE_INT64) {
        const int32_t *a = src->values;
        for (int64_t i = 0; i < n; i++) ((int64_t *)values)[i] = a[i];
    } else if (from == TIDE_INT32 && type == TIDE_FLOAT64) {
        const int32_t *a = src->values;
        for (int64_t i = 0; i < n; i++) ((double *)values)[i] = a[i];
    } else if (from == TIDE_INT64 && type == TIDE_FLOAT64) {
        const int64_t *a = src->values;
        for (int64_t i = 0; i < n; i++) ((double *)values)[i] = (double)a[i];
    } else if (from == TIDE_FLOAT32 && type == TIDE_FLOAT64) {
        const float *a = src->values;
        for (int64_t i = 0; i < n; i++) ((double *)values)[i] = a[i];
    } else if ((from == TIDE_INT32 || from == TIDE_INT64) && type == TIDE_DECIMAL &&
               precision - scale >= (from == TIDE_INT32 ? 10 : 19)) {
        /* Every value fits (an int as decimal(10,0) of Spark's arithmetic
           with decimals): scaled, no check a row. */
        i128 factor = (i128)dec_pow10(scale);
        for (int64_t i = 0; i < n; i++) {
            int64_t v = from == TIDE_INT32 ? ((const int32_t *)src->values)[i]
                                           : ((const int64_t *)src->values)[i];
            dec_store(values + 16 * (size_t)i, (i128)v * factor);
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            if (!tide_valid(src, i)) continue;
            if (convert_row(src, i, type, precision, scale, values + (size_t)i * width) != 0) {
                if (kernel_validity(out, dst) != 0) return kernel_error(errbuf, errlen, "out of memory");
                tide_mark_null(dst, i);
            }
        }
    }
    kernel_finish(dst);
    return 0;
}

/* Whether TRY_CAST (an ANSI cast that gives NULL where ANSI fails) keeps
   row `row` of src cast to an int (wide 0) or a bigint (wide 1): no
   overflow, and text that is a whole number (UTF8String.toLongExact
   refuses a fraction, which the non-ANSI cast drops). */
static int exact_integral(const tide_column *src, int64_t row, int wide)
{
    double lo = wide ? -9223372036854775808.0 : INT32_MIN,
           hi = wide ? 9223372036854775808.0 : 2147483648.0;
    switch (src->type) {
    case TIDE_FLOAT32:
    case TIDE_FLOAT64: {
        double d = number_as_double(src, row);
        return d == d && floor(d) < hi && ceil(d) >= lo;
    }
    case TIDE_STRING: {
        int32_t len;
        const char *text = tide_column_bytes(src, row, &len);
        return memchr(text, '.', (size_t)len) == NULL;
    }
    case TIDE_INT64:
    case TIDE_TIMESTAMP:
    case TIDE_DECIMAL: {
        if (src->type == TIDE_DECIMAL) {
            i128 v = dec_load((const char *)src->values + 16 * row) / (i128)dec_pow10(src->scale);
            return wide ? v >= INT64_MIN && v <= INT64_MAX : v >= INT32_MIN && v <= INT32_MAX;
        }
        int64_t v = number_as_long(src, row);
        return wide || (v >= INT32_MIN && v <= INT32_MAX);
    }
    default:
        return 1;
    }
}

int tide_eval_try_cast(tide_batch *out, const tide_column *src, int32_t type, int32_t precision,
                       int32_t scale, tide_column *dst, char *errbuf, size_t errlen)
{
    if (tide_eval_cast(out, src, type, precision, scale, dst, errbuf, errlen) != 0) return -1;
    if ((type != TIDE_INT32 && type != TIDE_INT64) || src->type == type) return 0;
    for (int64_t i = 0; i < dst->length; i++) {
        if (!tide_valid(dst, i) || exact_integral(src, i, type == TIDE_INT64)) continue;
        if (kernel_validity(out, dst) != 0) return kernel_error(errbuf, errlen, "out of memory");
        tide_mark_null(dst, i);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_narrow(tide_batch *out, const tide_column *src, int32_t bits, int32_t strict,
                     tide_column *dst, char *errbuf, size_t errlen)
{
    if (src->type != TIDE_INT32 || (bits != 8 && bits != 16))
        return kernel_error(errbuf, errlen, "cannot narrow %s to %d bits",
                            tide_type_name(src->type), (int)bits);
    int64_t n = src->length;
    if (kernel_alloc(out, dst, src->name, TIDE_INT32, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, src, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *a = src->values;
    int32_t *v = dst->values;
    if (!strict) {
        /* Java's (byte) and (short): the low bits, sign-extended. */
        if (bits == 8)
            for (int64_t i = 0; i < n; i++) v[i] = (int8_t)(uint8_t)(uint32_t)a[i];
        else
            for (int64_t i = 0; i < n; i++) v[i] = (int16_t)(uint16_t)(uint32_t)a[i];
    } else {
        int32_t hi = bits == 8 ? 127 : 32767, lo = -hi - 1;
        for (int64_t i = 0; i < n; i++) {
            v[i] = a[i];
            if (!tide_valid(src, i) || (a[i] >= lo && a[i] <= hi)) continue;
            if (kernel_validity(out, dst) != 0) return kernel_error(errbuf, errlen, "out of memory");
            tide_mark_null(dst, i);
        }
    }
    kernel_finish(dst);
    return 0;
}
