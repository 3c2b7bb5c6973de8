/*
 * csv_record.c — CSV records into rows. A whole line without quotes is
 * split at its separators here (16 bytes at a time with SSE2), several
 * times faster than libcsv's byte-at-a-time state machine and with the
 * same fields; a line with quotes reaches here field by field through
 * libcsv (csv_quoting.c). Each field becomes the first record's name when
 * the file has a header, a vote on its column's type when inferring a
 * schema, or else a value converted straight into its typed column of the
 * batch (csv_columns.c).
 *
 * At the record's end it is judged as Spark's CSV reader judges it: a
 * field that does not parse, too few or too many fields, or broken quoting
 * make it malformed, and the mode (tide_csv_mode) keeps it with nulls and
 * its text in the corrupt-record column, drops it, or stops the read with
 * an error naming the file and the line it starts on.
 */
#include "csv_columns.h"
#include "csv_reader.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing fields into columns (csv_columns.c) -------------------------------------- */

static void put_null(tide_csv_reader *r, tide_column *c)
{
    if (csv_put_null(r->batch, c, r->row) != 0) csv_fail(r, "out of memory reading %s", r->path);
}

static void put_bytes(tide_csv_reader *r, tide_column *c, const char *s, size_t n)
{
    if (csv_put_bytes(r->batch, c, r->row, s, n) != 0)
        csv_fail(r, "%s:%lld: column %s holds more than 2 GiB in one batch, or out of memory",
                 r->path, (long long)r->record_line, c->name);
}

/* Converts one field into its column; -1 when it is not of the type. */
static int put_value(tide_csv_reader *r, tide_column *c, const char *s, size_t n)
{
    if (c->type == TIDE_STRING) {
        put_bytes(r, c, s, n);
        return 0;
    }
    if (c->type == TIDE_DATE) return csv_put_date(c, r->row, s, n, &r->opt);
    if (c->type == TIDE_TIMESTAMP) return csv_put_timestamp(c, r->row, s, n, &r->opt);
    return csv_put_value(c, r->row, s, n, &r->opt);
}

/* ---- fields --------------------------------------------------------------------------- */

static void keep_name(tide_csv_reader *r, const char *s, size_t n)
{
    if (r->num_names == MAX_COLUMNS) return;
    if (r->num_names == r->names_cap) {
        int32_t cap = r->names_cap ? r->names_cap * 2 : 32;
        char **names = realloc(r->names, sizeof *names * (size_t)cap);
        if (!names) {
            csv_fail(r, "out of memory reading the header of %s", r->path);
            return;
        }
        r->names = names;
        r->names_cap = cap;
    }
    char *name = malloc(n + 1);
    if (!name) {
        csv_fail(r, "out of memory reading the header of %s", r->path);
        return;
    }
    memcpy(name, s ? s : "", n);
    name[n] = '\0';
    r->names[r->num_names++] = name;
}

static int is_null_text(const tide_csv_reader *r, const char *s, size_t n)
{
    return s == NULL || (n == r->null_len && memcmp(s, r->null_value, n) == 0);
}

static int ensure_row(tide_csv_reader *r)
{
    if (r->row < r->room || csv_ensure_row(r->batch, r->row, &r->room) == 0) return 0;
    csv_fail(r, "out of memory reading %s", r->path);
    return -1;
}

/* Field k of the record being read into the batch (s NULL: empty). */
static inline void store_field(tide_csv_reader *r, int32_t k, const char *s, size_t n)
{
    if (k == 0 && ensure_row(r) != 0) return;
    if (k >= r->num_targets) {
        r->too_many = 1;
        return;
    }
    tide_column *c = r->targets[k];
    if (is_null_text(r, s, n)) {
        put_null(r, c);
    } else if (put_value(r, c, s, n) != 0) {
        put_null(r, c);
        if (r->bad_field < 0) {
            r->bad_field = k;
            size_t keep = n < sizeof r->bad_text - 1 ? n : sizeof r->bad_text - 1;
            memcpy(r->bad_text, s, keep);
            r->bad_text[keep] = '\0';
        }
    }
}

void csv_on_field(void *data, size_t n, void *arg)
{
    tide_csv_reader *r = arg;
    const char *s = data;
    if (r->failed) return;
    if (s && n == 0 && r->opt.empty_value) { /* a quoted empty field: Spark's emptyValue */
        s = r->opt.empty_value;
        n = strlen(s);
    }
    int32_t k = r->field++;
    if (r->header_pending) {
        keep_name(r, s, n);
        return;
    }
    if (r->inferring) {
        if (k == 0) {
            /* Every record when the ratio is 1; else an even share of them. */
            double i = (double)r->sampled_seen++;
            r->sample_this =
                (int64_t)((i + 1) * r->sampling_ratio) > (int64_t)(i * r->sampling_ratio);
        }
        if (r->sample_this && k < MAX_COLUMNS && !is_null_text(r, s, n))
            csv_infer_field_with(&r->infer[k], &r->opt, s, n);
        return;
    }
    store_field(r, k, s, n);
}

/* ---- lines without quotes, split here ------------------------------------------------- */

/* Blanks (bytes 1..32) around a value, which ignoreLeadingWhiteSpace and
   ignoreTrailingWhiteSpace drop. */
static size_t trim_value(const tide_csv_reader *r, const unsigned char **p, size_t len)
{
    const unsigned char *v = *p;
    if (r->opt.ignore_leading)
        while (len > 0 && *v >= 1 && *v <= ' ') {
            v++;
            len--;
        }
    if (r->opt.ignore_trailing)
        while (len > 0 && v[len - 1] >= 1 && v[len - 1] <= ' ')
            len--;
    *p = v;
    return len;
}

/* The fields of a plain line (no quote, no CR), [s, stop): to the batch
   directly when reading, else through csv_on_field (header, inference). */
static void split_fields(tide_csv_reader *r, const unsigned char *s, const unsigned char *stop)
{
    unsigned char sep = (unsigned char)r->opt.sep;
    int trim = r->opt.ignore_leading || r->opt.ignore_trailing;
    if (r->header_pending || r->inferring || trim) {
        for (const unsigned char *p = s;;) {
            const unsigned char *q = memchr(p, sep, (size_t)(stop - p));
            const unsigned char *v = p;
            size_t len = trim_value(r, &v, (size_t)((q ? q : stop) - p));
            csv_on_field(len ? (void *)v : NULL, len, r);
            if (!q) return;
            p = q + 1;
        }
    }
    const unsigned char *p = s;
    for (;;) {
        const unsigned char *q = memchr(p, sep, (size_t)(stop - p));
        size_t len = (size_t)((q ? q : stop) - p);
        if (r->failed) return;
        store_field(r, r->field++, len ? (const char *)p : NULL, len);
        if (!q) return;
        p = q + 1;
    }
}

#ifdef __SSE2__
/* csv_split_plain_line's scan, 16 bytes at a time: one pass finds the line's
   separators and whether it holds a quote or a CR (then 0, for libcsv),
   instead of a memchr for each. Reads up to 15 bytes past the line, which
   INPUT_PAD keeps inside the input buffer. */
static int split_plain_line_sse2(tide_csv_reader *r, const unsigned char *s, size_t end)
{
    const __m128i vsep = _mm_set1_epi8((char)r->opt.sep);
    const __m128i vquote = _mm_set1_epi8((char)r->opt.quote);
    const __m128i vcr = _mm_set1_epi8('\r');
    int quote = r->opt.quote != 0;
    /* Quote and CR first: such a line is left whole to libcsv. */
    for (size_t i = 0; i < end; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i odd = _mm_cmpeq_epi8(x, vcr);
        if (quote) odd = _mm_or_si128(odd, _mm_cmpeq_epi8(x, vquote));
        unsigned m = (unsigned)_mm_movemask_epi8(odd);
        if (end - i < 16) m &= (1u << (end - i)) - 1;
        if (m) return 0;
    }
    if (r->header_pending || r->inferring || r->opt.ignore_leading || r->opt.ignore_trailing) {
        split_fields(r, s, s + end);
        return 1;
    }
    size_t start = 0;
    for (size_t i = 0; i < end; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vsep));
        if (end - i < 16) m &= (1u << (end - i)) - 1;
        while (m) {
            size_t at = i + (size_t)__builtin_ctz(m);
            m &= m - 1;
            size_t len = at - start;
            if (r->failed) return 1;
            store_field(r, r->field++, len ? (const char *)s + start : NULL, len);
            start = at + 1;
        }
    }
    size_t len = end - start;
    if (!r->failed) store_field(r, r->field++, len ? (const char *)s + start : NULL, len);
    return 1;
}
#endif

/* A line with no quote and no lone CR holds just what libcsv would find
   between its separators, so it is split here. This is the reader's
   hottest code: it starts on a cache line, because where it happened to
   start moved a read's speed by a few percent as unrelated code grew. */
__attribute__((aligned(64))) int csv_split_plain_line(tide_csv_reader *r, const unsigned char *s,
                                                      size_t n)
{
    size_t end = n - 1; /* s[n - 1] is '\n' */
    if (end > 0 && s[end - 1] == '\r') end--;
    if (end == 0) return 1; /* a blank line, skipped as libcsv does */
#ifdef __SSE2__
    if (!split_plain_line_sse2(r, s, end)) return 0;
#else
    if ((r->opt.quote && memchr(s, r->opt.quote, end)) || memchr(s, '\r', end)) return 0;
    split_fields(r, s, s + end);
#endif
    csv_on_record('\n', r);
    return 1;
}

void csv_on_text_line(tide_csv_reader *r, const char *s, size_t n)
{
    if (r->failed) return;
    r->records++;
    if (ensure_row(r) != 0) return;
    if (r->num_targets > 0) put_bytes(r, r->targets[0], n ? s : "", n);
    for (int32_t k = 1; k < r->num_targets; k++)
        put_null(r, r->targets[k]);
    if (r->corrupt) put_null(r, r->corrupt);
    r->row++;
}

int csv_keep_raw(tide_csv_reader *r, const unsigned char *s, size_t n)
{
    if (r->raw_len + n > r->raw_cap) {
        size_t cap = r->raw_cap ? r->raw_cap : 1024;
        while (cap < r->raw_len + n)
            cap *= 2;
        char *raw = realloc(r->raw, cap);
        if (!raw) {
            csv_fail(r, "out of memory reading %s", r->path);
            return -1;
        }
        r->raw = raw;
        r->raw_cap = cap;
    }
    memcpy(r->raw + r->raw_len, s, n);
    r->raw_len += n;
    return 0;
}

/* ---- the record's end ----------------------------------------------------------------- */

static const char *type_name(const tide_column *c)
{
    switch (c->type) {
    case TIDE_BOOL:
        return "boolean";
    case TIDE_INT32:
        return "int";
    case TIDE_INT64:
        return "bigint";
    case TIDE_FLOAT32:
        return "float";
    case TIDE_FLOAT64:
        return "double";
    case TIDE_TIMESTAMP:
        return "timestamp";
    case TIDE_DATE:
        return "date";
    case TIDE_DECIMAL:
        return "decimal";
    default:
        return "string";
    }
}

static void describe_malformed(tide_csv_reader *r, char *buf, size_t len)
{
    if (r->quote_error) {
        /* First: a record cut short by its quoting also has too few fields. */
        const char *why = r->quote_error == QUOTE_TEXT_AFTER ? "text after the closing quote"
                          : r->quote_error == QUOTE_OPEN_AT_LINE_END
                              ? "a quoted field is not closed by the end of its line; set "
                                "multiLine to true for quoted line breaks"
                              : "a quoted field is not closed before the end of the file";
        snprintf(buf, len, "field %d: %s", r->quote_field + 1, why);
    } else if (r->bad_field >= 0) {
        const tide_column *c = r->targets[r->bad_field];
        if (c->type == TIDE_DECIMAL)
            snprintf(buf, len, "field %d (%s): '%s' is not a valid decimal(%d,%d)",
                     r->bad_field + 1, c->name, r->bad_text, c->precision, c->scale);
        else
            snprintf(buf, len, "field %d (%s): '%s' is not a valid %s", r->bad_field + 1, c->name,
                     r->bad_text, type_name(c));
    } else {
        snprintf(buf, len, "expected %d fields, found %s%d", r->num_targets,
                 r->too_many ? "more than " : "", r->too_many ? r->num_targets : r->field);
    }
}

static void reset_record(tide_csv_reader *r)
{
    r->field = 0;
    r->bad_field = -1;
    r->too_many = 0;
    r->quote_error = QUOTE_OK;
}

void csv_on_record(int terminator, void *arg)
{
    tide_csv_reader *r = arg;
    (void)terminator;
    if (r->failed) return;
    if (r->header_pending) {
        r->header_pending = 0;
        reset_record(r);
        return;
    }
    if (r->inferring) {
        if (r->infer_width < 0) r->infer_width = r->field;
        r->inferred++;
        reset_record(r);
        return;
    }
    r->records++;
    if (r->field == 0 && ensure_row(r) != 0) return;
    for (int32_t k = r->field; k < r->num_targets; k++)
        put_null(r, r->targets[k]);
    int malformed = r->bad_field >= 0 || r->too_many || r->field < r->num_targets || r->quote_error;
    if (malformed) {
        r->malformed++;
        if (r->opt.mode == TIDE_CSV_FAILFAST) {
            char why[200];
            describe_malformed(r, why, sizeof why);
            csv_fail(r,
                     "%s:%lld: malformed CSV record (%s). Parse mode FAILFAST; use PERMISSIVE "
                     "or DROPMALFORMED to read past it",
                     r->path, (long long)r->record_line, why);
            return;
        }
        if (r->opt.mode == TIDE_CSV_DROPMALFORMED) {
            r->dropped++;
            reset_record(r); /* the row is written over by the next record */
            return;
        }
    }
    if (r->corrupt) {
        if (malformed) {
            size_t n = r->raw_len;
            while (n > 0 && (r->raw[n - 1] == '\n' || r->raw[n - 1] == '\r'))
                n--;
            put_bytes(r, r->corrupt, r->raw, n);
        } else {
            put_null(r, r->corrupt);
        }
    }
    r->row++;
    reset_record(r);
}
