/*
 * csv_expr.c — from_csv and schema_of_csv (ffi/csv_expr.h): one CSV
 * record per value, split as univocity's parser splits a line with
 * Spark's options, its fields converted as Spark's UnivocityParser does
 * (csv_convert.c), or their types inferred as CSVInferSchema does.
 *
 * Splitting: a field starting with the quote (after blanks, when
 * ignore_leading) is quoted: inside it an escape before a quote is a
 * quote, escape_escape before the escape is one escape, a doubled quote
 * is a quote; after its closing quote blanks are skipped and the
 * separator or the end must follow, else the record is malformed (as the
 * CSV reader judges it, csv_quoting.c), as it is when a quote is never
 * closed. Any other field runs to the next separator, a quote in it an
 * ordinary character, blanks after it dropped when ignore_trailing. An
 * unquoted empty field reads as null_value, a quoted one as empty_value;
 * a field equal to null_value is null. Line breaks are ordinary
 * characters, as Spark sets a line separator no text holds.
 *
 * The split is written to a scratch buffer the call owns and frees.
 */
#include "batch.h"
#include "kernel.h"
#include "csv_columns.h"
#include "csv_convert.h"
#include "ffi/csv_expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why a record could not be split. */
enum {
    SPLIT_OK = 0,
    SPLIT_EMPTY,      /* empty text: univocity gives no record */
    SPLIT_COMMENT,    /* starts with the comment character */
    SPLIT_QUOTE_OPEN, /* a quote never closed */
    SPLIT_TEXT_AFTER, /* text after a closing quote */
    SPLIT_NO_MEMORY
};

static const char *const SPLIT_WHY[] = {"",
                                        "the record is empty",
                                        "the record is a comment",
                                        "a quote is not closed",
                                        "text follows a closing quote",
                                        "out of memory"};

/* The fields of one record: their texts one after another in text, each
   NUL-terminated (csv_parse_double reads up to the NUL). */
typedef struct split {
    char *text;
    size_t len, cap;
    size_t *start; /* field i is text[start[i] .. start[i] + size[i]) */
    size_t *size;
    int32_t count, fields_cap;
} split;

static void split_free(split *sp)
{
    free(sp->text);
    free(sp->start);
    free(sp->size);
}

static int put_bytes(split *sp, const char *s, size_t n)
{
    if (sp->len + n + 1 > sp->cap) {
        size_t cap = sp->cap ? sp->cap : 256;
        while (cap < sp->len + n + 1)
            cap *= 2;
        char *t = realloc(sp->text, cap);
        if (!t) return -1;
        sp->text = t;
        sp->cap = cap;
    }
    memcpy(sp->text + sp->len, s, n);
    sp->len += n;
    return 0;
}

/* Begins field sp->count at the end of text. */
static int begin_field(split *sp)
{
    if (sp->count == sp->fields_cap) {
        if (sp->fields_cap > INT32_MAX / 2) return -1; /* (a value of 2^30 fields) */
        int32_t cap = sp->fields_cap ? sp->fields_cap * 2 : 16;
        size_t *st = realloc(sp->start, (size_t)cap * sizeof *st);
        if (!st) return -1;
        sp->start = st;
        size_t *sz = realloc(sp->size, (size_t)cap * sizeof *sz);
        if (!sz) return -1;
        sp->size = sz;
        sp->fields_cap = cap;
    }
    sp->start[sp->count] = sp->len;
    return 0;
}

/* Ends the field begun last: its text is what was put since, or `instead`
   (null_value, empty_value) when that is empty. */
static int end_field(split *sp, const char *instead)
{
    size_t begin = sp->start[sp->count];
    if (sp->len == begin && instead && put_bytes(sp, instead, strlen(instead)) != 0) return -1;
    sp->size[sp->count] = sp->len - begin;
    if (put_bytes(sp, "", 1) != 0) return -1; /* the NUL */
    sp->count++;
    return 0;
}

static int is_blank(unsigned char c)
{
    return c >= 1 && c <= ' ';
}

/* Splits s[0..n) into sp (emptied first). SPLIT_OK, or why not: the
   fields ended before the trouble stay in sp. */
static int split_record(split *sp, const tide_csv_expr_options *o, const char *s, size_t n)
{
    sp->len = 0;
    sp->count = 0;
    if (n == 0) return SPLIT_EMPTY;
    if (o->csv.comment && (unsigned char)s[0] == (unsigned char)o->csv.comment)
        return SPLIT_COMMENT;
    const unsigned char sep = (unsigned char)o->csv.sep, quote = (unsigned char)o->csv.quote;
    const unsigned char esc = (unsigned char)o->csv.escape,
                        esc_esc = (unsigned char)o->escape_escape;
    const char *null_value = o->csv.null_value ? o->csv.null_value : "";
    const char *empty_value = o->csv.empty_value ? o->csv.empty_value : "";
    size_t p = 0;
    for (;;) {
        if (begin_field(sp) != 0) return SPLIT_NO_MEMORY;
        size_t q = p;
        if (o->csv.ignore_leading)
            while (q < n && is_blank((unsigned char)s[q]) && (unsigned char)s[q] != sep)
                q++;
        if (quote && q < n && (unsigned char)s[q] == quote) {
            p = q + 1;
            int closed = 0;
            while (p < n) {
                unsigned char c = (unsigned char)s[p];
                unsigned char next = p + 1 < n ? (unsigned char)s[p + 1] : 0;
                if (esc_esc && c == esc_esc && esc != quote && p + 1 < n && next == esc) {
                    if (put_bytes(sp, (const char *)&esc, 1) != 0) return SPLIT_NO_MEMORY;
                    p += 2;
                } else if (esc && c == esc && esc != quote && p + 1 < n && next == quote) {
                    if (put_bytes(sp, (const char *)&quote, 1) != 0) return SPLIT_NO_MEMORY;
                    p += 2;
                } else if (c == quote && p + 1 < n && next == quote) {
                    if (put_bytes(sp, (const char *)&quote, 1) != 0) return SPLIT_NO_MEMORY;
                    p += 2;
                } else if (c == quote) {
                    p++;
                    closed = 1;
                    break;
                } else {
                    /* a run of ordinary bytes at once */
                    size_t e = p + 1;
                    while (e < n && (unsigned char)s[e] != quote &&
                           (!esc || (unsigned char)s[e] != esc) &&
                           (!esc_esc || (unsigned char)s[e] != esc_esc))
                        e++;
                    if (put_bytes(sp, s + p, e - p) != 0) return SPLIT_NO_MEMORY;
                    p = e;
                }
            }
            if (!closed) return SPLIT_QUOTE_OPEN;
            while (p < n && is_blank((unsigned char)s[p]) && (unsigned char)s[p] != sep)
                p++;
            if (p < n && (unsigned char)s[p] != sep) return SPLIT_TEXT_AFTER;
            if (end_field(sp, empty_value) != 0) return SPLIT_NO_MEMORY;
        } else {
            p = q;
            const char *end = memchr(s + p, sep, n - p);
            size_t e = end ? (size_t)(end - s) : n;
            size_t last = e;
            if (o->csv.ignore_trailing)
                while (last > p && is_blank((unsigned char)s[last - 1]))
                    last--;
            if (put_bytes(sp, s + p, last - p) != 0) return SPLIT_NO_MEMORY;
            if (end_field(sp, null_value) != 0) return SPLIT_NO_MEMORY;
            p = e;
        }
        if (p >= n) return SPLIT_OK;
        p++; /* the separator: a field follows, empty at the end */
    }
}

/* Up to 200 bytes of text for a message, control characters as '?'. */
static void excerpt(const char *s, size_t n, char *buf, size_t cap)
{
    size_t k = n < 200 ? n : 200;
    if (k > cap - 4) k = cap - 4;
    for (size_t i = 0; i < k; i++)
        buf[i] = (unsigned char)s[i] < ' ' ? '?' : s[i];
    if (k < n) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
}

static int same_text(const char *a, size_t n, const char *b)
{
    return b && strlen(b) == n && memcmp(a, b, n) == 0;
}

/* Converts field text s[0..n) (NUL-terminated) into row `row` of c. 0, -1
   when it is not a value of c's type, -2 when out of memory. */
static int put_field(tide_batch *out, tide_column *c, int64_t row, const char *s, size_t n,
                     const tide_csv_expr_options *o)
{
    const char *null_value = o->csv.null_value ? o->csv.null_value : "";
    if (same_text(s, n, null_value)) return csv_put_null(out, c, row) == 0 ? 0 : -2;
    switch (c->type) {
    case TIDE_STRING:
        return csv_put_bytes(out, c, row, s, n) == 0 ? 0 : -2;
    case TIDE_DATE:
        return csv_put_date(c, row, s, n, &o->csv);
    case TIDE_TIMESTAMP:
        return csv_put_timestamp(c, row, s, n, &o->csv);
    default:
        return csv_put_value(c, row, s, n, &o->csv);
    }
}

int64_t tide_from_csv(tide_batch *out, const tide_column *input, const tide_csv_field *fields,
                      int32_t num_fields, const tide_csv_expr_options *o, tide_column *dst,
                      int64_t *failed_row, char *errbuf, size_t errlen)
{
    if (input->type != TIDE_STRING && input->type != TIDE_BINARY) {
        kernel_error(errbuf, errlen, "from_csv needs a string column, not %s",
                     tide_type_name(input->type));
        return -1;
    }
    int32_t corrupt = o->csv.corrupt_field;
    if (corrupt >= num_fields || (corrupt >= 0 && fields[corrupt].type != TIDE_STRING)) {
        kernel_error(errbuf, errlen,
                     "from_csv: the field for corrupt records must be a string field");
        return -1;
    }
    for (int32_t i = 0; i < num_fields; i++) {
        if (!csv_field_type(fields[i].type)) {
            kernel_error(errbuf, errlen,
                         "from_csv: field %s: CSV data source does not support %s data type",
                         fields[i].name, tide_type_name(fields[i].type));
            return -1;
        }
    }
    int64_t n = input->length;
    if (tide_column_init_struct(out, dst, "from_csv", num_fields) != 0) {
        kernel_error(errbuf, errlen, "from_csv: out of memory");
        return -1;
    }
    for (int32_t i = 0; i < num_fields; i++) {
        int rc = fields[i].type == TIDE_DECIMAL
                     ? tide_column_init_decimal(out, &dst->children[i], fields[i].name,
                                                fields[i].precision, fields[i].scale, n)
                     : tide_column_init(out, &dst->children[i], fields[i].name, fields[i].type, n);
        if (rc == 0 && fields[i].type == TIDE_INT32) dst->children[i].precision = fields[i].precision;
        if (rc != 0) {
            kernel_error(errbuf, errlen, "from_csv: field %s: cannot make a %s column",
                         fields[i].name, tide_type_name(fields[i].type));
            return -1;
        }
    }
    dst->length = n; /* (tide_column_set_null sizes a struct's bitmap by it) */
    int32_t width = num_fields - (corrupt >= 0 ? 1 : 0);
    split sp = {0};
    int64_t malformed = 0;
    char text[256];
    for (int64_t row = 0; row < n; row++) {
        if (!tide_valid(input, row)) {
            tide_column_set_null(out, dst, row);
            for (int32_t i = 0; i < num_fields; i++)
                if (csv_put_null(out, &dst->children[i], row) != 0) goto no_memory;
            if (!dst->validity) goto no_memory;
            continue;
        }
        int32_t len;
        const char *s = tide_column_bytes(input, row, &len);
        int why = split_record(&sp, o, s, (size_t)len);
        if (why == SPLIT_NO_MEMORY) goto no_memory;
        int bad = why != SPLIT_OK || sp.count != width;
        int32_t bad_field = -1;
        int32_t k = 0; /* the record's field for the next schema field */
        for (int32_t i = 0; i < num_fields; i++) {
            tide_column *c = &dst->children[i];
            if (i == corrupt) continue;
            int rc;
            if (k < sp.count) {
                rc = put_field(out, c, row, sp.text + sp.start[k], sp.size[k], o);
                if (rc == -1) {
                    if (bad_field < 0) bad_field = i;
                    bad = 1;
                    rc = csv_put_null(out, c, row);
                }
            } else {
                rc = csv_put_null(out, c, row);
            }
            if (rc != 0) goto no_memory;
            k++;
        }
        if (bad) {
            malformed++;
            if (o->csv.mode == TIDE_CSV_FAILFAST) {
                char what[512];
                if (why != SPLIT_OK) {
                    snprintf(what, sizeof what, "%s", SPLIT_WHY[why]);
                } else if (bad_field >= 0) {
                    int32_t at = bad_field - (corrupt >= 0 && corrupt < bad_field ? 1 : 0);
                    excerpt(sp.text + sp.start[at], sp.size[at], text, sizeof text);
                    snprintf(what, sizeof what, "field %s: \"%s\" cannot be read as %s",
                             fields[bad_field].name, text, tide_type_name(fields[bad_field].type));
                } else {
                    snprintf(what, sizeof what, "%d fields where the schema has %d", sp.count,
                             width);
                }
                excerpt(s, (size_t)len, text, sizeof text);
                kernel_error(
                    errbuf, errlen,
                    "Malformed records are detected in record parsing. Parse Mode: FAILFAST. "
                    "Row %lld: %s. Record: %s",
                    (long long)row, what, text);
                if (failed_row) *failed_row = row;
                split_free(&sp);
                return -1;
            }
        }
        if (corrupt >= 0) {
            tide_column *c = &dst->children[corrupt];
            int rc = bad ? csv_put_bytes(out, c, row, s, (size_t)len) : csv_put_null(out, c, row);
            if (rc != 0) goto no_memory;
        }
    }
    for (int32_t i = 0; i < num_fields; i++)
        dst->children[i].length = n;
    split_free(&sp);
    return malformed;

no_memory:
    split_free(&sp);
    kernel_error(errbuf, errlen, "from_csv: out of memory");
    return -1;
}

int32_t tide_schema_of_csv(const char *text, size_t len, const tide_csv_expr_options *o,
                           tide_csv_field *out, int32_t max_fields, char *errbuf, size_t errlen)
{
    split sp = {0};
    int why = split_record(&sp, o, text, len);
    if (why != SPLIT_OK) {
        kernel_error(errbuf, errlen, "schema_of_csv: %s", SPLIT_WHY[why]);
        split_free(&sp);
        return -1;
    }
    if (sp.count > max_fields) {
        kernel_error(errbuf, errlen, "schema_of_csv: %d fields, more than %d", sp.count,
                     max_fields);
        split_free(&sp);
        return -1;
    }
    const char *null_value = o->csv.null_value ? o->csv.null_value : "";
    for (int32_t i = 0; i < sp.count; i++) {
        csv_infer_state state = {0};
        const char *s = sp.text + sp.start[i];
        size_t n = sp.size[i];
        /* Spark's inferField: an empty field or null_value votes for nothing. */
        if (n > 0 && !same_text(s, n, null_value)) csv_infer_field_with(&state, &o->csv, s, n);
        csv_infer_result(&state, &out[i]);
    }
    int32_t count = sp.count;
    split_free(&sp);
    return count;
}
