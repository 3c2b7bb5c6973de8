/* CSV: the reader (csv_reader.c on libcsv + zlib, csv_convert.c) and the
   file helpers its sources use (file_info.c).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_CSV_H
#define TIDE_FFI_CSV_H

#include "tide_ffi.h"

/* Spark's parse modes for CSV. PERMISSIVE: a malformed record (a field that
   does not parse as its column's type, too few or too many fields, a
   quoted field not closed, or text after a field's closing quote)
   keeps what parsed, the rest null, and the corrupt-record column (if any)
   gets its text. DROPMALFORMED: it is dropped. FAILFAST: the read stops
   with an error naming the file and line. All modes count them. */
typedef enum tide_csv_mode {
    TIDE_CSV_PERMISSIVE = 0,
    TIDE_CSV_DROPMALFORMED = 1,
    TIDE_CSV_FAILFAST = 2
} tide_csv_mode;

typedef struct tide_csv_options {
    int32_t sep;           /* field separator byte (',') */
    int32_t quote;         /* quote byte ('"'); 0 for none */
    int32_t escape;        /* inside quotes, escape+quote is a literal quote ('\\');
                              a doubled quote always is */
    int32_t header;        /* 1: the first record of the file names the columns */
    int32_t mode;          /* tide_csv_mode */
    int32_t corrupt_field; /* index of a string column of the batch that gets the
                              text of malformed records (Spark's
                              columnNameOfCorruptRecord), or -1 */
    const char *null_value; /* a field with exactly this text is null ("");
                              an unquoted empty field always is */
    int32_t multi_line;     /* Spark's multiLine. 0 (its default): a line break always
                               ends the record, so a quote not closed by the end of
                               its line makes that line malformed and the next line
                               is read. 1: quoted fields may hold line breaks */
    /* Date columns: a field is read by date_format (Spark's dateFormat,
       compiled for parsing, ffi/datetime.h), or when NULL as CAST(string
       AS date) reads it; failing that, when date_fallback, as CAST reads
       it with "GMT" taken out first: Spark's reading, whose fallback is
       on unless a dateFormat is given. A field read neither way is
       malformed. */
    const struct tide_datetime_pattern *date_format;
    int32_t date_fallback;
    /* Inference (Spark's preferDate): a column whose values
       infer_date_format reads (the dateFormat, or yyyy-MM-dd) is a date
       column; NULL infers no dates. A column of dates and timestamps is
       a timestamp column when infer_dates_as_timestamps (Spark: no
       timestampFormat, and a dateFormat its lenient timestamp parsing
       reads), else a string one. */
    int32_t infer_dates_as_timestamps;
    const struct tide_datetime_pattern *infer_date_format;
    /* Timestamp columns (and inference): read by timestamp_format
       (Spark's timestampFormat, compiled for parsing), or when NULL as
       CAST(string AS timestamp) reads them; failing that, when
       timestamp_fallback, as CAST reads them with "GMT" taken out
       (Spark's fallback, on unless a timestampFormat is given). */
    const struct tide_datetime_pattern *timestamp_format;
    int32_t timestamp_fallback;
    /* univocity's settings as Spark sets them. comment: a record
       starting with it is skipped by the reader (from_csv: malformed);
       0 for none. ignore_leading, ignore_trailing: blanks (bytes 1..32
       but the separator and line ends) before and after an unquoted
       value are dropped, and before a quoted one's opening quote and
       after its closing quote. */
    int32_t comment;
    int32_t ignore_leading;
    int32_t ignore_trailing;
    /* Reading: the text of a quoted empty field (NULL for "", which the
       default null_value makes null). Writing (to_csv): what an empty
       string is written as (NULL for "\"\""). */
    const char *empty_value;
    /* Reading float and double fields: these texts are NaN, +Infinity and
       -Infinity (NULL for "NaN", "Inf", "-Inf"), tried before Java's
       Double.parseDouble; so is inference. */
    const char *nan_value;
    const char *positive_inf;
    const char *negative_inf;
    /* The text source (Spark's text format). text_lines 1: each line is a
       record of one field taken as it is (no separator, quotes, escapes or
       null_value; an empty line is ""), ending at line_sep, which it does
       not keep: NULL for Hadoop's default, "\n", "\r\n" or a lone "\r". A
       last line without an end is a line too; an end at the file's end
       starts none. 2: the whole file is one record (Spark's wholetext),
       none for an empty file. 0: CSV. */
    int32_t text_lines;
    const char *line_sep;
} tide_csv_options;

/* One column of a schema: name and type (tide_type), with precision and
   scale for decimals; an int32 column's precision is 8 or 16 for a
   tinyint or smallint (a field out of its range is malformed, as in
   Spark's reader), else 0. */
typedef struct tide_csv_field {
    const char *name;
    int32_t type;
    int16_t precision;
    int16_t scale;
} tide_csv_field;

typedef struct tide_csv_reader tide_csv_reader;

/* Opens a CSV file, plain or gzip (detected from its bytes), to be read as
   a stream; a UTF-8 byte-order mark at its start is skipped. NULL with
   errbuf naming the file on failure. */
tide_csv_reader *tide_csv_open(const char *path, const tide_csv_options *options,
                               char *errbuf, size_t errlen);
void tide_csv_close(tide_csv_reader *reader);

/* An empty batch whose columns follow the schema, with room for
   `capacity` rows. NULL when out of memory or a type is not readable from
   CSV (binary, struct). */
tide_batch *tide_csv_batch_new(const tide_csv_field *fields, int32_t num_fields,
                               int64_t capacity);
/* Grows every column of a batch made by tide_csv_batch_new to hold `rows`
   rows (strings: bytes in proportion to what they hold so far), so a
   large read does not grow by doubling. 0, or -1 when out of memory. */
int tide_csv_reserve(tide_batch *batch, int64_t rows);

/* Reads records and appends at most about max_rows rows (it stops at the
   first line end after that many) to batch, whose columns are the schema:
   the file's fields fill the columns in order, skipping the corrupt-record
   column. Returns the rows appended (0 at the end of the file), or -1 with
   errbuf (FAILFAST: "path:line: ..."; I/O errors name the file, and so
   does gzip data that ends before its end: a truncated file). */
int64_t tide_csv_read(tide_csv_reader *reader, tide_batch *batch, int64_t max_rows,
                      char *errbuf, size_t errlen);

/* Counters since open: records read (header excluded), malformed records,
   and records dropped (DROPMALFORMED). */
int64_t tide_csv_records(const tide_csv_reader *reader);
int64_t tide_csv_malformed(const tide_csv_reader *reader);
int64_t tide_csv_dropped(const tide_csv_reader *reader);
/* Bytes of the file consumed so far (compressed bytes for gzip) and the
   file's size, for progress. */
int64_t tide_csv_bytes_read(const tide_csv_reader *reader);
int64_t tide_csv_file_size(const tide_csv_reader *reader);

/* Reads up to max_records records (-1: all; 0: just the header) and of
   them a share sampling_ratio (1 for all), and infers each column's type with Spark's rules: int,
   then bigint, then decimal(p,0) for wider integers (p <= 38), double, date (see
   infer_date_format), timestamp, boolean, string; nulls do not vote, and a column of nulls gets
   type 0 (Spark makes it a string unless other files have values). The width is the first record's
   (the header's when header = 1). Fills out[0..n) with types (names NULL; use tide_csv_header_name)
   and returns n, or -1 with errbuf. */
int32_t tide_csv_infer(tide_csv_reader *reader, int64_t max_records, double sampling_ratio,
                       tide_csv_field *out, int32_t max_fields, char *errbuf, size_t errlen);

/* The header's fields once the first record was read (header = 1), in
   order; NULL past the end. */
int32_t tide_csv_header_count(const tide_csv_reader *reader);
const char *tide_csv_header_name(const tide_csv_reader *reader, int32_t i);

/* A file's size and kind: 0 and *is_dir set, or -1 with errbuf (a missing
   path too). */
int tide_fs_stat(const char *path, int64_t *size, int32_t *is_dir, double *mtime,
                 char *errbuf, size_t errlen);
/* 1 when stderr is a terminal (progress bars go there). */
int tide_stderr_is_tty(void);

#endif
