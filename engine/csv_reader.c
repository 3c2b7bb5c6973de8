/*
 * csv_reader.c — a streaming CSV reader: zlib's gzread (plain or gzip
 * files alike, concatenated gzip members too) fills an input buffer, and
 * each line's fields are converted straight into the batch's typed columns
 * (csv_record.c), a line with quotes going through libcsv first
 * (csv_quoting.c) — no per-row Lua, no row objects. A call appends about
 * max_rows rows, so memory is the input buffer plus the result columns.
 *
 * This file is the reader's life and its input: open and close, the
 * counters, the file's bytes (a leading UTF-8 byte-order mark skipped;
 * gzip data that ends early is an error, never a quiet end of file), the
 * loop over lines that counts them for error messages and stops a read at
 * a record's end once it has its rows (inference: its records), and the
 * API's read and infer, which send the fields to a batch or to votes on
 * each column's type.
 */
#include "csv_columns.h"
#include "csv_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void csv_fail(tide_csv_reader *r, const char *fmt, ...)
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
    if (csv_quoting_init(r) != 0) goto oom;

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
    for (int32_t i = 0; i < r->num_names; i++)
        free(r->names[i]);
    free(r->names);
    free(r->targets);
    free(r->infer);
    free(r->raw);
    free(r->scratch);
    free(r->held);
    free(r->in);
    free(r->null_value);
    free(r->path);
    free(r);
}

int64_t tide_csv_records(const tide_csv_reader *r)
{
    return r->records;
}
int64_t tide_csv_malformed(const tide_csv_reader *r)
{
    return r->malformed;
}
int64_t tide_csv_dropped(const tide_csv_reader *r)
{
    return r->dropped;
}
int64_t tide_csv_file_size(const tide_csv_reader *r)
{
    return r->file_size;
}

int64_t tide_csv_bytes_read(const tide_csv_reader *r)
{
    if (r->finished) return r->file_size;
    z_off_t off = gzoffset(r->gz);
    return off < 0 ? 0 : (int64_t)off;
}

int32_t tide_csv_header_count(const tide_csv_reader *r)
{
    return r->num_names;
}

const char *tide_csv_header_name(const tide_csv_reader *r, int32_t i)
{
    return i >= 0 && i < r->num_names ? r->names[i] : NULL;
}

/* ---- input --------------------------------------------------------------------------- */

/* Reads more of the file after the unread bytes, which move to the
   buffer's start first: a line is handed on in pieces only when it is
   longer than the buffer, so that a line with quotes reaches libcsv whole
   and a line without them takes the fast split (csv_split_plain_line).
   Called only while the buffer has room. */
static int refill(tide_csv_reader *r)
{
    size_t keep = r->len - r->pos;
    memmove(r->in, r->in + r->pos, keep);
    r->pos = 0;
    r->len = keep;
    int got = gzread(r->gz, r->in + keep, (unsigned)(INPUT_BYTES - keep));
    int zerr;
    if (got < 0) {
        const char *msg = gzerror(r->gz, &zerr);
        csv_fail(r, "cannot read %s: %s", r->path, zerr == Z_ERRNO ? strerror(errno) : msg);
        return -1;
    }
    r->len += (size_t)got;
    if (!r->started) {
        r->started = 1;
        /* A UTF-8 byte-order mark is no text of the file: left in, it would
           be part of the first field (the first column's name). gzread
           fills the whole buffer unless the file is shorter. A whole file
           (wholetext) keeps it, as Spark's reader of whole files. */
        if (got >= 3 && memcmp(r->in, "\xEF\xBB\xBF", 3) == 0 && r->opt.text_lines != 2)
            r->pos = 3;
    }
    if (got == 0) {
        /* zlib reports input that ends inside a gzip member only here, as
           Z_BUF_ERROR (gzread itself returns what it could inflate): a
           truncated file, which must not pass for a whole one. */
        gzerror(r->gz, &zerr);
        if (zerr == Z_BUF_ERROR) {
            z_off_t text = gztell(r->gz);
            csv_fail(r,
                     "cannot read %s: unexpected end of gzip data (the file is truncated): it "
                     "ends in line %lld, after %lld bytes of text",
                     r->path, (long long)r->line, (long long)(text < 0 ? 0 : text));
            return -1;
        }
        r->eof = 1;
    }
    return 0;
}

/* ---- the text mode (opt.text_lines) ------------------------------------------------------ */

/* A line of the text mode ends in s[0..n): with the piece of it kept in
   raw, when it began before the input buffer's last refill. */
static void text_line(tide_csv_reader *r, const unsigned char *s, size_t n)
{
    r->record_line = r->line++;
    if (r->raw_len == 0) {
        csv_on_text_line(r, (const char *)s, n);
        return;
    }
    if (n && csv_keep_raw(r, s, n) != 0) return;
    csv_on_text_line(r, r->raw, r->raw_len);
    r->raw_len = 0;
}

/* Where the line at s[0..n) ends: the separator's first byte, or NULL
   when the buffer holds no end; *end_len is the separator's length. A
   lone CR ends a line under the default separators: whether a LF follows
   is known only once the next byte is read (r->text_cr). */
static const unsigned char *text_line_end(const tide_csv_reader *r, const unsigned char *s,
                                          size_t n, size_t *end_len)
{
    const char *sep = r->opt.line_sep;
    if (!sep) {
        const unsigned char *lf = memchr(s, '\n', n);
        const unsigned char *cr = memchr(s, '\r', lf ? (size_t)(lf - s) : n);
        *end_len = 1;
        return cr ? cr : lf;
    }
    size_t len = strlen(sep);
    *end_len = len;
    for (const unsigned char *p = s; n >= len && (size_t)(p - s) <= n - len; p++) {
        p = memchr(p, (unsigned char)sep[0], n - len + 1 - (size_t)(p - s));
        if (!p) return NULL;
        if (memcmp(p, sep, len) == 0) return p;
    }
    return NULL;
}

/* The text mode's loop, as parse's: lines (or the whole file) until the
   read has stop_row rows, checked between lines, or the file ends. A line
   longer than the input buffer gathers in raw. */
static void parse_text(tide_csv_reader *r, int64_t stop_row)
{
    int whole = r->opt.text_lines == 2;
    while (!r->failed && !r->finished) {
        if (!whole && r->raw_len == 0 && r->row >= stop_row) return;
        const unsigned char *s = r->in + r->pos;
        size_t avail = r->len - r->pos;
        if (avail == 0) {
            if (!r->eof) {
                if (refill(r) != 0) return;
                continue;
            }
            r->finished = 1;
            /* Spark reads no split of an empty file, gzip's empty text a row. */
            if (whole ? r->file_size > 0 : r->raw_len > 0) text_line(r, s, 0);
            return;
        }
        if (r->text_cr) {
            r->text_cr = 0;
            if (s[0] == '\n') {
                r->pos++;
                continue;
            }
        }
        size_t end_len = 0;
        const unsigned char *end = whole ? NULL : text_line_end(r, s, avail, &end_len);
        if (end) {
            r->text_cr = !r->opt.line_sep && *end == '\r';
            text_line(r, s, (size_t)(end - s));
            r->pos += (size_t)(end - s) + end_len;
            continue;
        }
        /* No end in the buffer: its bytes are the line's so far, but for
           those a separator the next read completes may start with. */
        size_t keep = whole || r->eof || end_len < 2 ? 0 : end_len - 1;
        size_t take = avail > keep ? avail - keep : 0;
        if (take && csv_keep_raw(r, s, take) != 0) return;
        r->pos += take;
        if (!r->eof && refill(r) != 0) return;
    }
}

/* Whether the line starting a record, s[0..n) (whole when `whole`), is
   not read as Spark does not: a comment (its first byte is the comment
   character), or a line of blanks alone (bytes up to ' '), which Spark's
   filter of lines trims away without multiLine and univocity skips with
   it when it drops leading blanks. */
static int skipped_line(const tide_csv_reader *r, const unsigned char *s, size_t n, int whole)
{
    if (r->opt.comment && s[0] == (unsigned char)r->opt.comment) return 1;
    if ((r->opt.multi_line && !r->opt.ignore_leading) || !whole || s[0] > ' ') return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] > ' ') return 0;
    return 1;
}

/* Parses input, a line at a time, until the read has stop_row rows
   (inference: its records), checked between records, or the file ends. */
static void parse(tide_csv_reader *r, int64_t stop_row)
{
    if (r->opt.text_lines) {
        parse_text(r, stop_row);
        return;
    }
    while (!r->failed && !r->finished) {
        int at_start = csv_between_records(r);
        if (at_start && !r->header_pending &&
            (r->inferring ? r->infer_limit >= 0 && r->inferred >= r->infer_limit
                          : r->row >= stop_row))
            return;
        const unsigned char *s = r->in + r->pos;
        size_t avail = r->len - r->pos;
        const unsigned char *nl = memchr(s, '\n', avail);
        if (!nl && !r->eof && avail < INPUT_BYTES) {
            if (refill(r) != 0) return;
            continue;
        }
        if (avail == 0) {
            r->finished = 1;
            csv_end_file(r);
            return;
        }
        /* Without a line end, s is the whole buffer, a piece of a line
           longer than it, or the file's last line, which lacks its end. */
        size_t n = nl ? (size_t)(nl - s) + 1 : avail;
        if (at_start && !r->skipping_line && skipped_line(r, s, n, nl != NULL || r->eof))
            r->skipping_line = 1;
        if (r->skipping_line) {
            r->pos += n;
            if (nl) {
                r->skipping_line = 0;
                r->line++;
            }
            continue;
        }
        if (at_start) {
            r->record_line = r->line;
            r->raw_len = 0;
        }
        if (r->corrupt && csv_keep_raw(r, s, n) != 0) return;
        /* (A line being skipped is kept above, for the corrupt column.) */
        if (!r->skip_line && !(nl && at_start && csv_split_plain_line(r, s, n)))
            csv_feed_quoted(r, s, n);
        r->pos += n;
        if (nl) {
            csv_end_line(r);
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
        csv_fail(r, "the corrupt record column must be a string column of the schema");
        return -1;
    }
    free(r->targets);
    r->targets = calloc((size_t)b->num_columns + 1, sizeof *r->targets);
    if (!r->targets) {
        csv_fail(r, "out of memory reading %s", r->path);
        return -1;
    }
    r->num_targets = 0;
    r->corrupt = NULL;
    for (int32_t i = 0; i < b->num_columns; i++) {
        if (i == corrupt)
            r->corrupt = &b->columns[i];
        else
            r->targets[r->num_targets++] = &b->columns[i];
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
    for (int32_t i = 0; i < width; i++)
        csv_infer_result(&r->infer[i], &out[i]);
    return width;
}
