/*
 * csv_reader.c — a streaming CSV reader: zlib's gzread (plain or gzip
 * files alike) feeds libcsv line by line, and libcsv's field callbacks
 * convert each field straight into the batch's typed column — no per-row
 * Lua, no row objects. A call appends about max_rows rows, so memory is the
 * input buffer plus the result columns.
 *
 * Semantics follow Spark's CSV reader: the file's fields fill the schema's
 * columns in order; an unquoted empty field or one equal to nullValue is
 * null; a record with a field that does not parse, or with too few or too
 * many fields, is malformed and handled by the mode (tide_csv_mode). Lines
 * end with LF or CRLF; blank lines are skipped; quoted fields may hold
 * separators, doubled or escaped quotes, and (with multiLine) line breaks.
 * Without multiLine, Spark's default, a line is a record of its own: a
 * quote left open at the end of a line, or text after a closing quote,
 * makes just that line malformed, and reading goes on at the next. Line
 * numbers are counted so that errors name the file and the line a record
 * starts on. A leading UTF-8 byte-order mark is skipped; gzip data that
 * ends early is an error, never a quiet end of file.
 */
#include "csv_columns.h"
#include "csv_convert.h"

#include <csv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define INPUT_BYTES (256 * 1024)
/* The input buffer is this much longer than INPUT_BYTES, so that a line
   can be scanned in whole 16-byte blocks past its end. */
#define INPUT_PAD   16
#define MAX_COLUMNS 4096

/* libcsv's parser states (csv.c): between records, inside a field, and
   just after a quote inside a quoted field. */
enum { LIBCSV_ROW_NOT_BEGUN = 0, LIBCSV_FIELD_BEGUN = 2, LIBCSV_FIELD_MIGHT_HAVE_ENDED = 3 };

/* libcsv's options: strict, so that text after a closing quote stops the
   parse (csv_parse returns early with CSV_EPARSE) instead of being glued to
   the field, which keeps the field open to the next quote, lines later. */
#define LIBCSV_OPTIONS (CSV_APPEND_NULL | CSV_EMPTY_IS_NULL | CSV_STRICT)

/* Why a record's quoting went wrong (the record is malformed). */
enum {
    QUOTE_OK = 0,
    QUOTE_OPEN_AT_LINE_END, /* multiLine false: a quote not closed in its line */
    QUOTE_OPEN_AT_FILE_END, /* multiLine: a quote never closed */
    QUOTE_TEXT_AFTER        /* "b"x: text after the closing quote */
};

struct tide_csv_reader {
    char *path;
    gzFile gz;
    int64_t file_size;
    struct csv_parser parser;
    tide_csv_options opt;
    char *null_value;
    size_t null_len;

    unsigned char *in; /* input buffer: in[pos..len) not yet parsed */
    size_t pos, len;
    int started; /* the first bytes were read (and a byte-order mark skipped) */
    int eof, finished;
    int skip_line;          /* the record went wrong: the rest of its line is not parsed */
    unsigned char *scratch; /* a line with escapes rewritten for libcsv */
    size_t scratch_cap;

    int64_t line;        /* 1-based line of the next byte */
    int64_t record_line; /* line the record in progress started on */

    /* The header, kept when opt.header: names of the first record. */
    int header_pending;
    char **names;
    int32_t num_names, names_cap;

    /* The record in progress. */
    int32_t field;      /* index of the next field */
    int bad_field;      /* index of the first field that did not parse, or -1 */
    char bad_text[64];  /* its text, cut, for the error message */
    int too_many;
    int quote_error;     /* QUOTE_*: its quoting went wrong */
    int32_t quote_field; /* the field it went wrong in */
    char *raw;          /* its text, for the corrupt-record column */
    size_t raw_len, raw_cap;

    /* Reading into a batch. */
    tide_batch *batch;
    tide_column **targets; /* the column of each file field */
    int32_t num_targets;
    tide_column *corrupt;
    int64_t row;  /* the row being written */
    int64_t room; /* rows every column has room for (0: not known yet) */

    /* Inferring instead. */
    int inferring;
    csv_infer_state *infer;
    int32_t infer_width;
    double sampling_ratio;
    int64_t sampled_seen;
    int sample_this;
    int64_t infer_limit; /* records to look at, or -1 for all */
    int64_t inferred;

    int64_t records, malformed, dropped;
    int failed; /* an error is in errmsg: stop */
    char errmsg[600];
};

static void set_error(tide_csv_reader *r, const char *fmt, ...)
{
    if (r->failed) return;
    r->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
    va_end(ap);
}

static void copy_error(const tide_csv_reader *r, char *errbuf, size_t errlen)
{
    if (errbuf && errlen) snprintf(errbuf, errlen, "%s", r->errmsg);
}

/* libcsv trims blanks around unquoted fields unless told none are blank;
   Spark keeps them (ignoreLeadingWhiteSpace and ...Trailing... are false). */
static int no_blanks(unsigned char c)
{
    (void)c;
    return 0;
}

tide_csv_reader *tide_csv_open(const char *path, const tide_csv_options *options, char *errbuf,
                               size_t errlen)
{
    tide_csv_reader *r = calloc(1, sizeof *r);
    if (!r) goto oom;
    r->opt = *options;
    r->path = strdup(path);
    r->null_value = strdup(options->null_value ? options->null_value : "");
    r->in = malloc(INPUT_BYTES + INPUT_PAD);
    if (!r->path || !r->null_value || !r->in) goto oom;
    r->null_len = strlen(r->null_value);
    r->line = 1;
    r->bad_field = -1;
    r->header_pending = options->header != 0;
    r->sampling_ratio = 1;
    if (csv_init(&r->parser, LIBCSV_OPTIONS) != 0) goto oom;
    csv_set_delim(&r->parser, (unsigned char)options->sep);
    csv_set_quote(&r->parser, (unsigned char)options->quote);
    csv_set_space_func(&r->parser, no_blanks);

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(errbuf, errlen, "cannot open %s: %s", path, strerror(errno));
        tide_csv_close(r);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0) r->file_size = (int64_t)st.st_size;
    if (S_ISDIR(st.st_mode)) {
        snprintf(errbuf, errlen, "cannot read %s: it is a directory", path);
        close(fd);
        tide_csv_close(r);
        return NULL;
    }
    r->gz = gzdopen(fd, "rb");
    if (!r->gz) {
        close(fd);
        goto oom;
    }
    gzbuffer(r->gz, INPUT_BYTES);
    return r;
oom:
    snprintf(errbuf, errlen, "out of memory opening %s", path);
    tide_csv_close(r);
    return NULL;
}

void tide_csv_close(tide_csv_reader *r)
{
    if (!r) return;
    if (r->gz) gzclose(r->gz);
    csv_free(&r->parser);
    for (int32_t i = 0; i < r->num_names; i++) free(r->names[i]);
    free(r->names);
    free(r->targets);
    free(r->infer);
    free(r->raw);
    free(r->scratch);
    free(r->in);
    free(r->null_value);
    free(r->path);
    free(r);
}

int64_t tide_csv_records(const tide_csv_reader *r) { return r->records; }
int64_t tide_csv_malformed(const tide_csv_reader *r) { return r->malformed; }
int64_t tide_csv_dropped(const tide_csv_reader *r) { return r->dropped; }
int64_t tide_csv_file_size(const tide_csv_reader *r) { return r->file_size; }

int64_t tide_csv_bytes_read(const tide_csv_reader *r)
{
    if (r->finished) return r->file_size;
    z_off_t off = gzoffset(r->gz);
    return off < 0 ? 0 : (int64_t)off;
}

int32_t tide_csv_header_count(const tide_csv_reader *r) { return r->num_names; }

const char *tide_csv_header_name(const tide_csv_reader *r, int32_t i)
{
    return i >= 0 && i < r->num_names ? r->names[i] : NULL;
}

/* ---- writing fields into columns (csv_columns.c) -------------------------------------- */

static void put_null(tide_csv_reader *r, tide_column *c)
{
    if (csv_put_null(r->batch, c, r->row) != 0) set_error(r, "out of memory reading %s", r->path);
}

static void put_bytes(tide_csv_reader *r, tide_column *c, const char *s, size_t n)
{
    if (csv_put_bytes(r->batch, c, r->row, s, n) != 0)
        set_error(r, "%s:%lld: column %s holds more than 2 GiB in one batch, or out of memory",
                  r->path, (long long)r->record_line, c->name);
}

/* Converts one field into its column; -1 when it is not of the type. */
static int put_value(tide_csv_reader *r, tide_column *c, const char *s, size_t n)
{
    if (c->type == TIDE_STRING) {
        put_bytes(r, c, s, n);
        return 0;
    }
    return csv_put_value(c, r->row, s, n);
}

/* ---- libcsv callbacks -------------------------------------------------------------- */

static void keep_name(tide_csv_reader *r, const char *s, size_t n)
{
    if (r->num_names == MAX_COLUMNS) return;
    if (r->num_names == r->names_cap) {
        int32_t cap = r->names_cap ? r->names_cap * 2 : 32;
        char **names = realloc(r->names, sizeof *names * (size_t)cap);
        if (!names) {
            set_error(r, "out of memory reading the header of %s", r->path);
            return;
        }
        r->names = names;
        r->names_cap = cap;
    }
    char *name = malloc(n + 1);
    if (!name) {
        set_error(r, "out of memory reading the header of %s", r->path);
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
    set_error(r, "out of memory reading %s", r->path);
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

static void on_field(void *data, size_t n, void *arg)
{
    tide_csv_reader *r = arg;
    const char *s = data;
    if (r->failed) return;
    int32_t k = r->field++;
    if (r->header_pending) {
        keep_name(r, s, n);
        return;
    }
    if (r->inferring) {
        if (k == 0) {
            /* Every record when the ratio is 1; else an even share of them. */
            double i = (double)r->sampled_seen++;
            r->sample_this = (int64_t)((i + 1) * r->sampling_ratio) > (int64_t)(i * r->sampling_ratio);
        }
        if (r->sample_this && k < MAX_COLUMNS && !is_null_text(r, s, n))
            csv_infer_field(&r->infer[k], s, n);
        return;
    }
    store_field(r, k, s, n);
}

static const char *type_name(const tide_column *c)
{
    switch (c->type) {
    case TIDE_BOOL: return "boolean";
    case TIDE_INT32: return "int";
    case TIDE_INT64: return "bigint";
    case TIDE_FLOAT32: return "float";
    case TIDE_FLOAT64: return "double";
    case TIDE_TIMESTAMP: return "timestamp";
    case TIDE_DECIMAL: return "decimal";
    default: return "string";
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
            snprintf(buf, len, "field %d (%s): '%s' is not a valid decimal(%d,%d)", r->bad_field + 1,
                     c->name, r->bad_text, c->precision, c->scale);
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

static void on_record(int terminator, void *arg)
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
    for (int32_t k = r->field; k < r->num_targets; k++) put_null(r, r->targets[k]);
    int malformed = r->bad_field >= 0 || r->too_many || r->field < r->num_targets || r->quote_error;
    if (malformed) {
        r->malformed++;
        if (r->opt.mode == TIDE_CSV_FAILFAST) {
            char why[200];
            describe_malformed(r, why, sizeof why);
            set_error(r,
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
            while (n > 0 && (r->raw[n - 1] == '\n' || r->raw[n - 1] == '\r')) n--;
            put_bytes(r, r->corrupt, r->raw, n);
        } else {
            put_null(r, r->corrupt);
        }
    }
    r->row++;
    reset_record(r);
}

/* ---- input --------------------------------------------------------------------------- */

static int refill(tide_csv_reader *r)
{
    int got = gzread(r->gz, r->in, INPUT_BYTES);
    int zerr;
    if (got < 0) {
        const char *msg = gzerror(r->gz, &zerr);
        set_error(r, "cannot read %s: %s", r->path,
                  zerr == Z_ERRNO ? strerror(errno) : msg);
        return -1;
    }
    r->pos = 0;
    r->len = (size_t)got;
    if (!r->started) {
        r->started = 1;
        /* A UTF-8 byte-order mark is no text of the file: left in, it would
           be part of the first field (the first column's name). gzread
           fills the whole buffer unless the file is shorter. */
        if (got >= 3 && memcmp(r->in, "\xEF\xBB\xBF", 3) == 0) r->pos = 3;
    }
    if (got == 0) {
        /* zlib reports input that ends inside a gzip member only here, as
           Z_BUF_ERROR (gzread itself returns what it could inflate): a
           truncated file, which must not pass for a whole one. */
        gzerror(r->gz, &zerr);
        if (zerr == Z_BUF_ERROR) {
            z_off_t text = gztell(r->gz);
            set_error(r,
                      "cannot read %s: unexpected end of gzip data (the file is truncated): it "
                      "ends in line %lld, after %lld bytes of text",
                      r->path, (long long)r->line, (long long)(text < 0 ? 0 : text));
            return -1;
        }
        r->eof = 1;
    }
    return 0;
}

static int keep_raw(tide_csv_reader *r, const unsigned char *s, size_t n)
{
    if (r->raw_len + n > r->raw_cap) {
        size_t cap = r->raw_cap ? r->raw_cap : 1024;
        while (cap < r->raw_len + n) cap *= 2;
        char *raw = realloc(r->raw, cap);
        if (!raw) {
            set_error(r, "out of memory reading %s", r->path);
            return -1;
        }
        r->raw = raw;
        r->raw_cap = cap;
    }
    memcpy(r->raw + r->raw_len, s, n);
    r->raw_len += n;
    return 0;
}

/* Rewrites an escaped quote (escape + quote inside a quoted field) as the
   doubled quote libcsv understands. The quoted state at the start comes
   from libcsv, which has parsed everything before this line. */
static const unsigned char *unescape(tide_csv_reader *r, const unsigned char *s, size_t *n)
{
    unsigned char esc = (unsigned char)r->opt.escape, quote = (unsigned char)r->opt.quote;
    unsigned char sep = (unsigned char)r->opt.sep;
    if (*n > r->scratch_cap) {
        unsigned char *buf = realloc(r->scratch, *n * 2);
        if (!buf) {
            set_error(r, "out of memory reading %s", r->path);
            return NULL;
        }
        r->scratch = buf;
        r->scratch_cap = *n * 2;
    }
    int state = r->parser.pstate;
    int in_quotes = state == LIBCSV_FIELD_BEGUN && r->parser.quoted;
    int field_start = state < LIBCSV_FIELD_BEGUN;
    size_t out = 0;
    for (size_t i = 0; i < *n; i++) {
        unsigned char c = s[i];
        if (in_quotes) {
            if (c == esc && i + 1 < *n && s[i + 1] == quote) {
                r->scratch[out++] = quote;
                r->scratch[out++] = quote;
                i++;
                continue;
            }
            if (c == esc && i + 2 < *n && s[i + 1] == esc && s[i + 2] == quote) {
                r->scratch[out++] = esc; /* an escaped escape: the quote ends the field */
                i++;
                continue;
            }
            if (c == quote) {
                if (i + 1 < *n && s[i + 1] == quote) {
                    r->scratch[out++] = quote;
                    r->scratch[out++] = quote;
                    i++;
                    continue;
                }
                in_quotes = 0;
            }
        } else {
            if (c == quote && field_start) in_quotes = 1;
            field_start = c == sep;
        }
        r->scratch[out++] = c;
    }
    *n = out;
    return r->scratch;
}

/* The record in progress went wrong (r->quote_error says how, unless it
   is set already): libcsv's partial field is dropped, the parser starts
   afresh, and the record ends here, malformed. */
static void end_bad_record(tide_csv_reader *r, int why)
{
    /* libcsv has no reset; its state is the public fields of csv.h. */
    r->parser.pstate = LIBCSV_ROW_NOT_BEGUN;
    r->parser.quoted = 0;
    r->parser.spaces = 0;
    r->parser.entry_pos = 0;
    r->parser.status = CSV_SUCCESS;
    r->skip_line = 0;
    if (!r->quote_error) {
        r->quote_error = why;
        r->quote_field = r->field;
    }
    on_record('\n', r);
}

static void feed(tide_csv_reader *r, const unsigned char *s, size_t n)
{
    if (r->opt.escape && r->opt.escape != r->opt.quote && r->opt.quote &&
        memchr(s, r->opt.escape, n)) {
        s = unescape(r, s, &n);
        if (!s) return;
    }
    for (;;) {
        size_t done = csv_parse(&r->parser, s, n, on_field, on_record, r);
        if (done == n || r->failed) return;
        if (csv_error(&r->parser) != CSV_EPARSE) {
            set_error(r, "%s:%lld: %s", r->path, (long long)r->line,
                      csv_strerror(csv_error(&r->parser)));
            return;
        }
        /* Strict mode stops at s[done] for two reasons. */
        r->parser.status = CSV_SUCCESS;
        if (r->parser.pstate != LIBCSV_FIELD_MIGHT_HAVE_ENDED) {
            /* A quote inside an unquoted field (5'10"): an ordinary
               character, as Spark's, so that byte is parsed leniently. */
            csv_set_opts(&r->parser, LIBCSV_OPTIONS & ~CSV_STRICT);
            csv_parse(&r->parser, s + done, 1, on_field, on_record, r);
            csv_set_opts(&r->parser, LIBCSV_OPTIONS);
            s += done + 1;
            n -= done + 1;
            continue;
        }
        /* Text after a closing quote ("b"x): the record is malformed, and
           the rest of its line is skipped, so that the next line, a record
           of its own, is read whatever quotes this one left open. */
        r->quote_error = QUOTE_TEXT_AFTER;
        r->quote_field = r->field;
        r->skip_line = 1;
        return;
    }
}

/* The fields of a plain line (no quote, no CR), [s, stop): to the batch
   directly when reading, else through on_field (header, inference). */
static void split_fields(tide_csv_reader *r, const unsigned char *s, const unsigned char *stop)
{
    unsigned char sep = (unsigned char)r->opt.sep;
    if (r->header_pending || r->inferring) {
        for (const unsigned char *p = s;;) {
            const unsigned char *q = memchr(p, sep, (size_t)(stop - p));
            size_t len = (size_t)((q ? q : stop) - p);
            on_field(len ? (void *)p : NULL, len, r);
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
/* split_plain_line's scan, 16 bytes at a time: one pass finds the line's
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
    if (r->header_pending || r->inferring) {
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

/* A whole line with no quote and no lone CR, at a record start: its fields
   are what libcsv would find between the separators, so they are split
   here, several times faster than libcsv's byte-at-a-time state machine.
   Lines with quotes go to libcsv. */
static int split_plain_line(tide_csv_reader *r, const unsigned char *s, size_t n)
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
    on_record('\n', r);
    return 1;
}

/* The end of the file: the last record may lack its line end. */
static void finish(tide_csv_reader *r)
{
    if (r->finished) return;
    r->finished = 1;
    if (r->skip_line) {
        end_bad_record(r, QUOTE_TEXT_AFTER);
        return;
    }
    if (r->parser.pstate == LIBCSV_FIELD_BEGUN && r->parser.quoted) {
        /* The record runs to the end of the file: a quote was never closed. */
        end_bad_record(r, r->opt.multi_line ? QUOTE_OPEN_AT_FILE_END : QUOTE_OPEN_AT_LINE_END);
        return;
    }
    csv_fini(&r->parser, on_field, on_record, r);
}

/* Parses input until `enough` says stop (checked at line ends) or the file
   ends. */
static void parse(tide_csv_reader *r, int64_t stop_row)
{
    while (!r->failed && !r->finished) {
        if (r->parser.pstate == LIBCSV_ROW_NOT_BEGUN && r->field == 0 && !r->header_pending &&
            (r->inferring ? r->infer_limit >= 0 && r->inferred >= r->infer_limit
                          : r->row >= stop_row))
            return;
        if (r->pos == r->len) {
            if (refill(r) != 0) return;
            if (r->eof) {
                finish(r);
                return;
            }
        }
        const unsigned char *s = r->in + r->pos;
        size_t avail = r->len - r->pos;
        const unsigned char *nl = memchr(s, '\n', avail);
        size_t n = nl ? (size_t)(nl - s) + 1 : avail;
        int at_start = r->parser.pstate == LIBCSV_ROW_NOT_BEGUN && r->field == 0;
        if (at_start) {
            r->record_line = r->line;
            r->raw_len = 0;
        }
        if (r->corrupt && keep_raw(r, s, n) != 0) return;
        /* (A line being skipped is kept above, for the corrupt column.) */
        if (!r->skip_line && !(nl && at_start && split_plain_line(r, s, n))) feed(r, s, n);
        r->pos += n;
        if (nl) {
            if (r->skip_line)
                end_bad_record(r, QUOTE_TEXT_AFTER);
            else if (!r->opt.multi_line && r->parser.pstate == LIBCSV_FIELD_BEGUN &&
                     r->parser.quoted)
                end_bad_record(r, QUOTE_OPEN_AT_LINE_END); /* a line is a record */
            r->line++;
        }
    }
}

/* ---- reading and inferring ------------------------------------------------------------ */

static int bind_batch(tide_csv_reader *r, tide_batch *b)
{
    if (r->batch == b) return 0;
    int32_t corrupt = r->opt.corrupt_field;
    if (corrupt >= b->num_columns || (corrupt >= 0 && b->columns[corrupt].type != TIDE_STRING)) {
        set_error(r, "the corrupt record column must be a string column of the schema");
        return -1;
    }
    free(r->targets);
    r->targets = calloc((size_t)b->num_columns + 1, sizeof *r->targets);
    if (!r->targets) {
        set_error(r, "out of memory reading %s", r->path);
        return -1;
    }
    r->num_targets = 0;
    r->corrupt = NULL;
    for (int32_t i = 0; i < b->num_columns; i++) {
        if (i == corrupt) r->corrupt = &b->columns[i];
        else r->targets[r->num_targets++] = &b->columns[i];
    }
    r->batch = b;
    return 0;
}

int64_t tide_csv_read(tide_csv_reader *r, tide_batch *b, int64_t max_rows, char *errbuf,
                      size_t errlen)
{
    if (r->failed) {
        copy_error(r, errbuf, errlen);
        return -1;
    }
    if (r->inferring) {
        snprintf(errbuf, errlen, "%s: this reader was used to infer a schema", r->path);
        return -1;
    }
    if (bind_batch(r, b) != 0) {
        copy_error(r, errbuf, errlen);
        return -1;
    }
    int64_t start = b->num_columns > 0 ? b->columns[0].length : 0;
    r->row = start;
    r->room = 0; /* the columns may have grown since (tide_csv_reserve) */
    parse(r, start + (max_rows > 0 ? max_rows : 1));
    /* The row past r->row (a dropped or failed record's partial writes) is
       not kept: its nulls must not count. */
    for (int32_t i = 0; i < b->num_columns; i++) {
        tide_column *c = &b->columns[i];
        if (r->row < c->capacity) csv_mark_valid(c, r->row);
        c->length = r->row;
        if (c->validity && c->null_count == 0) c->validity = NULL;
    }
    b->num_rows = r->row;
    if (r->failed) {
        copy_error(r, errbuf, errlen);
        return -1;
    }
    return r->row - start;
}

int32_t tide_csv_infer(tide_csv_reader *r, int64_t max_records, double sampling_ratio,
                       tide_csv_field *out, int32_t max_fields, char *errbuf, size_t errlen)
{
    if (r->batch || r->inferring) {
        snprintf(errbuf, errlen, "%s: infer needs a freshly opened reader", r->path);
        return -1;
    }
    r->inferring = 1;
    r->infer_width = -1;
    r->infer_limit = max_records;
    r->sampling_ratio = sampling_ratio > 0 && sampling_ratio < 1 ? sampling_ratio : 1;
    r->infer = calloc(MAX_COLUMNS, sizeof *r->infer);
    if (!r->infer) {
        snprintf(errbuf, errlen, "out of memory inferring the schema of %s", r->path);
        return -1;
    }
    parse(r, 0);
    if (r->failed) {
        copy_error(r, errbuf, errlen);
        return -1;
    }
    /* The first record's width (the header's) is the table's, as Spark's. */
    int32_t width = r->opt.header ? r->num_names : r->infer_width;
    if (width < 0) width = 0;
    if (width > max_fields || width > MAX_COLUMNS) {
        snprintf(errbuf, errlen, "%s has %d columns; at most %d are supported", r->path, width,
                 max_fields < MAX_COLUMNS ? max_fields : MAX_COLUMNS);
        return -1;
    }
    for (int32_t i = 0; i < width; i++) csv_infer_result(&r->infer[i], &out[i]);
    return width;
}
