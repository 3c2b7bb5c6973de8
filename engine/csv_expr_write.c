/*
 * csv_expr_write.c — to_csv (ffi/csv_expr.h): each row of a struct
 * column as one CSV record, its values formatted as Spark's
 * UnivocityGenerator formats them (Java's toString of numbers, dates and
 * timestamps by dateFormat and timestampFormat) and quoted as
 * univocity's CsvWriter quotes them:
 *
 * - a value starting with the quote (after blanks, when ignore_leading)
 *   is quoted; so is one holding the separator, a line feed or, when
 *   escape_quotes, a quote (from the first quote or escape on);
 * - inside quotes, a quote is written after the escape, the escape after
 *   escape_escape; a value holding a quote but nothing that quotes it is
 *   written as it is;
 * - blanks (bytes 1..32) before a value are dropped when ignore_leading,
 *   after it (inside its quotes too) when ignore_trailing;
 * - a null is null_value, an empty value empty_value (as it is, even
 *   when it is quoted text such as the default "\"\""); quote_all quotes
 *   everything.
 *
 * A record is built in a scratch buffer the call owns and frees, then
 * copied into the output column.
 */
#include "batch.h"
#include "kernel.h"
#include "csv_columns.h"
#include "ffi/csv_expr.h"
#include "ffi/datetime.h"
#include "timestamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte buffer, owned by the call that makes it. */
typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static int put(buf *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) return -1;
        b->data = d;
        b->cap = cap;
    }
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

static int put_c(buf *b, char c)
{
    return put(b, &c, 1);
}

static int is_blank(unsigned char c)
{
    return c >= 1 && c <= ' ';
}

/* The writer's settings, as bytes (0: none). */
typedef struct writer {
    unsigned char sep, quote, esc, esc_esc;
    int escape_quotes, ignore_leading, ignore_trailing;
} writer;

/* Whether e[from..n) holds what makes univocity quote a value. */
static int needs_quotes(const writer *w, const char *e, size_t from, size_t n)
{
    for (size_t i = from; i < n; i++) {
        unsigned char c = (unsigned char)e[i];
        if (c == w->sep || c == '\n' || c == '\r' ||
            (w->escape_quotes && w->quote && c == w->quote))
            return 1;
    }
    return 0;
}

/* e[from..n) inside quotes (univocity's appendQuoted). */
static int put_quoted(const writer *w, buf *v, const char *e, size_t from, size_t n)
{
    size_t start = from;
    for (size_t i = from; i < n; i++) {
        unsigned char c = (unsigned char)e[i];
        if ((w->quote && c == w->quote) || (w->esc && c == w->esc)) {
            if (put(v, e + start, i - start) != 0) return -1;
            start = i + 1;
            if (w->quote && c == w->quote) {
                if (w->esc && put_c(v, (char)w->esc) != 0) return -1;
            } else if (w->esc_esc && put_c(v, (char)w->esc_esc) != 0) {
                return -1;
            }
            if (put_c(v, (char)c) != 0) return -1;
        }
    }
    return put(v, e + start, n - start);
}

/* Appends value e[0..n) to v as univocity's CsvWriter.append does:
   returns 1 when it is to be quoted, 0 when not, -1 when out of memory.
   substitute: e is null_value or empty_value standing for the value. */
static int append_value(const writer *w, buf *v, int quoted, const char *e, size_t n,
                        int substitute)
{
    size_t start = 0;
    if (w->ignore_leading)
        while (start < n && is_blank((unsigned char)e[start]))
            start++;
    if (w->quote && start < n && (unsigned char)e[start] == w->quote) quoted = 1;
    if (quoted) {
        /* null_value or empty_value already in quotes is written as it is */
        if (substitute && n >= 2 && (unsigned char)e[0] == w->quote &&
            (unsigned char)e[n - 1] == w->quote)
            return put(v, e, n) != 0 ? -1 : 0;
        return put_quoted(w, v, e, start, n) != 0 ? -1 : 1;
    }
    for (size_t i = start; i < n; i++) {
        unsigned char c = (unsigned char)e[i];
        int is_quote = w->quote && c == w->quote, is_esc = w->esc && c == w->esc;
        if (is_quote || is_esc) {
            if (needs_quotes(w, e, i, n)) {
                if (put(v, e + start, i - start) != 0 || put_quoted(w, v, e, i, n) != 0) return -1;
                return 1;
            }
            return put(v, e + start, n - start) != 0 ? -1 : quoted;
        }
        if (c == w->sep || c == '\n' || c == '\r') {
            if (put(v, e + start, i - start) != 0 || put_quoted(w, v, e, i, n) != 0) return -1;
            return 1;
        }
    }
    return put(v, e + start, n - start) != 0 ? -1 : quoted;
}

static void trim_trailing(const writer *w, buf *v, size_t from)
{
    if (!w->ignore_trailing) return;
    while (v->len > from && is_blank((unsigned char)v->data[v->len - 1]))
        v->len--;
}

/* Java's BigDecimal.toString of a decimal(38, scale) value: plain, or
   with an exponent when the adjusted exponent is below -6. */
static int put_decimal(buf *b, const void *value, int scale)
{
    char digits[48];
    int nd = tide_decimal_format(value, 0, digits); /* the unscaled integer */
    const char *d = digits;
    int negative = d[0] == '-';
    if (negative) {
        d++;
        nd--;
    }
    if (negative && put_c(b, '-') != 0) return -1;
    if (scale == 0) return put(b, d, (size_t)nd);
    int adjusted = nd - 1 - scale;
    if (adjusted >= -6) {
        if (nd <= scale) {
            if (put(b, "0.", 2) != 0) return -1;
            for (int k = 0; k < scale - nd; k++)
                if (put_c(b, '0') != 0) return -1;
            return put(b, d, (size_t)nd);
        }
        if (put(b, d, (size_t)(nd - scale)) != 0 || put_c(b, '.') != 0) return -1;
        return put(b, d + nd - scale, (size_t)scale);
    }
    if (put_c(b, d[0]) != 0) return -1;
    if (nd > 1 && (put_c(b, '.') != 0 || put(b, d + 1, (size_t)(nd - 1)) != 0)) return -1;
    char e[16];
    int k = snprintf(e, sizeof e, "E%d", adjusted);
    return put(b, e, (size_t)k);
}

/* An instant as pattern p writes it. */
static int put_pattern(buf *b, const tide_datetime_pattern *p, int64_t micros)
{
    char small[128];
    int k = tide_datetime_format_one(p, micros, small, sizeof small);
    if (k >= 0) return put(b, small, (size_t)k);
    size_t size = 4096;
    char *big = malloc(size);
    if (!big) return -1;
    k = tide_datetime_format_one(p, micros, big, size);
    int rc = k >= 0 ? put(b, big, (size_t)k) : -1;
    free(big);
    return rc;
}

/* The text of row `row` of c (valid) as Spark's CSV writer makes it. 0,
   -1 when out of memory or the text cannot be made. */
static int format_value(buf *b, const tide_column *c, int64_t row, const tide_csv_expr_options *o,
                        const tide_datetime_pattern *timestamp_format)
{
    char tmp[64];
    int k;
    switch (c->type) {
    case TIDE_BOOL:
        return ((const uint8_t *)c->values)[row] ? put(b, "true", 4) : put(b, "false", 5);
    case TIDE_INT32:
        k = snprintf(tmp, sizeof tmp, "%d", (int)((const int32_t *)c->values)[row]);
        return put(b, tmp, (size_t)k);
    case TIDE_INT64:
        k = snprintf(tmp, sizeof tmp, "%lld", (long long)((const int64_t *)c->values)[row]);
        return put(b, tmp, (size_t)k);
    case TIDE_FLOAT32:
        k = tide_format_java_double(((const float *)c->values)[row], 1, tmp);
        return put(b, tmp, (size_t)k);
    case TIDE_FLOAT64:
        k = tide_format_java_double(((const double *)c->values)[row], 0, tmp);
        return put(b, tmp, (size_t)k);
    case TIDE_DECIMAL:
        return put_decimal(b, (const char *)c->values + 16 * row, c->scale);
    case TIDE_STRING: {
        int32_t len;
        const char *s = tide_column_bytes(c, row, &len);
        return put(b, s, (size_t)len);
    }
    case TIDE_DATE: {
        int32_t days = ((const int32_t *)c->values)[row];
        /* The pattern formats instants: the day's first one in the session
           time zone has the day's date there (for days a timestamp holds). */
        if (o->date_write_format && days >= -106751990 && days <= 106751990)
            return put_pattern(b, o->date_write_format, tide_start_of_day(days));
        k = tide_date_format(days, tmp);
        return put(b, tmp, (size_t)k);
    }
    case TIDE_TIMESTAMP:
        return put_pattern(b, timestamp_format, ((const int64_t *)c->values)[row]);
    default:
        return -1;
    }
}

static const char DEFAULT_TIMESTAMP[] = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

int tide_to_csv(tide_batch *out, const tide_column *input, const tide_csv_expr_options *o,
                tide_column *dst, char *errbuf, size_t errlen)
{
    if (input->type != TIDE_STRUCT) {
        kernel_error(errbuf, errlen, "to_csv needs a struct column, not %s",
                     tide_type_name(input->type));
        return -1;
    }
    for (int32_t i = 0; i < input->num_children; i++) {
        if (!csv_field_type(input->children[i].type)) {
            kernel_error(errbuf, errlen,
                         "to_csv: field %s: CSV data source does not support %s data type",
                         input->children[i].name, tide_type_name(input->children[i].type));
            return -1;
        }
    }
    int64_t n = input->length;
    if (tide_column_init(out, dst, "to_csv", TIDE_STRING, n) != 0) {
        kernel_error(errbuf, errlen, "to_csv: out of memory");
        return -1;
    }
    /* Spark's default timestampFormat for writing, compiled for this call. */
    tide_datetime_pattern *own_format = NULL;
    const tide_datetime_pattern *ts_format = o->timestamp_write_format;
    if (!ts_format) {
        own_format = tide_datetime_pattern_compile(DEFAULT_TIMESTAMP, sizeof DEFAULT_TIMESTAMP - 1,
                                                   0, errbuf, errlen);
        if (!own_format) return -1;
        ts_format = own_format;
    }
    writer w = {
        .sep = (unsigned char)o->csv.sep,
        .quote = (unsigned char)o->csv.quote,
        .esc = (unsigned char)o->csv.escape,
        .esc_esc = (unsigned char)o->escape_escape,
        .escape_quotes = o->escape_quotes,
        .ignore_leading = o->csv.ignore_leading,
        .ignore_trailing = o->csv.ignore_trailing,
    };
    const char *null_value = o->csv.null_value ? o->csv.null_value : "";
    const char *empty_value = o->csv.empty_value ? o->csv.empty_value : "\"\"";
    buf record = {0}, text = {0};
    const char *why = "out of memory";
    for (int64_t row = 0; row < n; row++) {
        if (!tide_valid(input, row)) {
            if (csv_put_null(out, dst, row) != 0) goto failed;
            continue;
        }
        record.len = 0;
        for (int32_t i = 0; i < input->num_children; i++) {
            const tide_column *c = &input->children[i];
            if (i > 0 && put_c(&record, (char)w.sep) != 0) goto failed;
            int is_null = !tide_valid(c, row);
            text.len = 0;
            if (!is_null && format_value(&text, c, row, o, ts_format) != 0) {
                why = "a value could not be formatted";
                goto failed;
            }
            /* univocity writes the value into the record after the quote
               it may need, so it is built after that room */
            if (put_c(&record, '"') != 0) goto failed;
            size_t from = record.len;
            int quoted =
                is_null ? append_value(&w, &record, o->quote_all, null_value, strlen(null_value), 1)
                        : append_value(&w, &record, o->quote_all, text.data, text.len, 0);
            if (quoted < 0) goto failed;
            trim_trailing(&w, &record, from);
            if (record.len == from) {
                /* nothing written (blanks dropped too): null_value for a
                   null, empty_value for an empty value */
                const char *sub = is_null ? null_value : empty_value;
                int q = quoted && !is_null;
                size_t sn = strlen(sub);
                if (append_value(&w, &record, q, sub, sn, 1) < 0) goto failed;
                trim_trailing(&w, &record, from);
                /* a substitute already in quotes ("" for an empty value)
                   is written as it is, not quoted again */
                if (w.quote && sn >= 2 && (unsigned char)sub[0] == w.quote &&
                    (unsigned char)sub[sn - 1] == w.quote)
                    quoted = 0;
            }
            if (quoted && w.quote) {
                record.data[from - 1] = (char)w.quote;
                if (put_c(&record, (char)w.quote) != 0) goto failed;
            } else {
                memmove(record.data + from - 1, record.data + from, record.len - from);
                record.len--;
            }
        }
        if (csv_put_bytes(out, dst, row, record.data ? record.data : "", record.len) != 0)
            goto failed;
    }
    dst->length = n;
    free(record.data);
    free(text.data);
    tide_datetime_pattern_free(own_format);
    return 0;

failed:
    free(record.data);
    free(text.data);
    tide_datetime_pattern_free(own_format);
    kernel_error(errbuf, errlen, "to_csv: %s", why);
    return -1;
}
