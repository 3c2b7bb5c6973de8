/*
 * csv_reader.h — the CSV reader's state, shared by its three files:
 * csv_reader.c (the file: open, gzip or plain bytes through the input
 * buffer, the loop over its lines, the API's read and infer), csv_record.c
 * (lines without quotes split; a record's fields into the batch, the
 * header or the inference; a record's end judged by the parse mode) and
 * csv_quoting.c (lines with quotes through libcsv, broken quoting caught).
 * The API is engine/ffi/csv.h. C only.
 */
#ifndef TIDE_CSV_READER_H
#define TIDE_CSV_READER_H
#include "batch.h"
#include "csv_convert.h"
#include "ffi/csv.h"

#include <csv.h>
#include <zlib.h>

#define INPUT_BYTES (256 * 1024)
/* The input buffer is this much longer than INPUT_BYTES, so that a line
   can be scanned in whole 16-byte blocks past its end. */
#define INPUT_PAD   16
#define MAX_COLUMNS 4096

/* Why a record's quoting went wrong (the record is malformed). */
enum {
    QUOTE_OK = 0,
    QUOTE_OPEN_AT_LINE_END, /* multiLine false: a quote not closed in its line */
    QUOTE_OPEN_AT_FILE_END, /* multiLine: a quote never closed */
    QUOTE_TEXT_AFTER        /* "b"x: text after the closing quote */
};

struct tide_csv_reader {
    /* The file and its input (csv_reader.c). */
    char *path;
    gzFile gz;
    int64_t file_size;
    tide_csv_options opt;
    char *null_value;
    size_t null_len;
    unsigned char *in; /* input buffer: in[pos..len) not yet parsed */
    size_t pos, len;
    int started; /* the first bytes were read (and a byte-order mark skipped) */
    int eof, finished;
    int64_t line; /* 1-based line of the next byte */
    int text_cr;  /* text mode: a lone CR ended the last line (a LF next is its CRLF) */
    int skipping_line; /* the line being read is a comment or blank (skipped_line) */

    /* Quoted input through libcsv (csv_quoting.c). */
    struct csv_parser parser;
    int skip_line;          /* the record went wrong: the rest of its line is not parsed */
    int blanks_after_quote; /* the input so far ends in blanks after a closing quote */
    int escapes_pending;    /* escapes ending a piece inside quotes, not yet given to libcsv */
    unsigned char *held;    /* blanks ending the value so far (ignore_trailing), not yet given */
    size_t held_len, held_cap;
    unsigned char *scratch; /* a line with escapes rewritten for libcsv */
    size_t scratch_cap;

    /* The header, kept when opt.header: names of the first record. */
    int header_pending;
    char **names;
    int32_t num_names, names_cap;

    /* The record in progress (csv_record.c). */
    int64_t record_line; /* line it started on */
    int32_t field;       /* index of the next field */
    int bad_field;       /* index of the first field that did not parse, or -1 */
    char bad_text[64];   /* its text, cut, for the error message */
    int too_many;
    int quote_error;     /* QUOTE_*: its quoting went wrong */
    int32_t quote_field; /* the field it went wrong in */
    char *raw;           /* its text, for the corrupt-record column */
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

/* csv_reader.c: records the reader's first error; reading stops there. */
void csv_fail(tide_csv_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* csv_quoting.c. csv_quoting_init sets libcsv up for the options (0, or
   -1 when out of memory). csv_between_records: no record is in progress.
   csv_feed_quoted parses what csv_split_plain_line does not take: a line
   with quotes, one inside a record already begun, or a piece of a line
   longer than the input buffer: only such lines come in pieces, and the
   pieces read as the whole line would. csv_end_line ends a record its line
   leaves broken, csv_end_file the last record. */
int csv_quoting_init(tide_csv_reader *r);
int csv_between_records(const tide_csv_reader *r);
void csv_feed_quoted(tide_csv_reader *r, const unsigned char *s, size_t n);
void csv_end_line(tide_csv_reader *r);
void csv_end_file(tide_csv_reader *r);

/* csv_record.c. csv_split_plain_line splits s[0..n), a whole line (its
   '\n' included) at a record's start, and returns 1; or 0, reading
   nothing, when it holds a quote or a CR. csv_on_field and csv_on_record are
   libcsv's callbacks (arg is the reader): field data[0..n) (data NULL: an
   unquoted empty field), and the record's end. csv_keep_raw appends to the
   record's text, for the corrupt-record column (0, or -1 when out of
   memory). */
int csv_split_plain_line(tide_csv_reader *r, const unsigned char *s, size_t n);
void csv_on_field(void *data, size_t n, void *arg);
void csv_on_record(int terminator, void *arg);
int csv_keep_raw(tide_csv_reader *r, const unsigned char *s, size_t n);
/* csv_record.c: a line of the text mode (opt.text_lines), s[0..n), as a
   record: a row whose first column holds it ("" when n is 0). */
void csv_on_text_line(tide_csv_reader *r, const char *s, size_t n);

#endif
