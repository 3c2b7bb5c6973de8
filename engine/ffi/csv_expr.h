/* CSV expression functions (csv_expr.c, csv_expr_write.c): from_csv,
   to_csv and schema_of_csv over whole columns, as Spark 3.5's
   CsvToStructs, StructsToCsv and SchemaOfCsv (univocity's parser and
   writer with Spark's CSVOptions).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_CSV_EXPR_H
#define TIDE_FFI_CSV_EXPR_H

#include "ffi/csv.h"
#include "tide_ffi.h"

typedef struct tide_csv_expr_options {
    /* sep, quote (0: none), escape (0: none), mode (PERMISSIVE or
       FAILFAST: Spark's from_csv refuses DROPMALFORMED), corrupt_field
       (index of a string field of the schema that gets the text of
       malformed records, or -1), null_value (a field with exactly this
       text is null; "" by default, so an unquoted empty field is one),
       and the date and timestamp parsing and inference (date_format,
       date_fallback, timestamp_format, timestamp_fallback,
       infer_date_format, infer_dates_as_timestamps), comment,
       ignore_leading/ignore_trailing (also writing), empty_value (also
       writing), nan_value, positive_inf and negative_inf. Line breaks are
       ordinary characters: Spark gives from_csv and schema_of_csv a line
       separator no text holds. */
    tide_csv_options csv;
    /* Spark's charToEscapeQuoteEscaping: inside quotes, this and the
       escape is one escape (0: none; Spark's default is the escape when
       it is not the quote). */
    int32_t escape_escape;
    int32_t quote_all;       /* writing: every value quoted */
    int32_t escape_quotes;   /* writing: a value holding a quote is quoted (Spark's escapeQuotes) */
    /* Writing: dates as this pattern (compiled for formatting) writes
       them, NULL for yyyy-MM-dd; timestamps likewise, NULL for Spark's
       yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the session time zone. */
    const struct tide_datetime_pattern *date_write_format;
    const struct tide_datetime_pattern *timestamp_write_format;
} tide_csv_expr_options;

/* from_csv: parses every row of input (a string or binary column, one
   record a row) into dst, a struct column built in out's arena whose
   children follow fields (bool, int, bigint, float, double, decimal,
   string, date, timestamp). A null input row gives a null struct. A
   record is malformed when its fields (the corrupt-record field left out)
   are more or fewer than the schema's, when a field does not convert to
   its type, when a quote is left open or text follows a closing one, or
   when it is empty or a comment; it keeps what converted, the rest null,
   and its text in the corrupt-record field. Returns the number of
   malformed rows, or -1 with errbuf: in FAILFAST mode at the first
   malformed row, naming it (also stored in *failed_row when not NULL),
   or for an unsupported type or out of memory. */
int64_t tide_from_csv(tide_batch *out, const tide_column *input, const tide_csv_field *fields,
                      int32_t num_fields, const tide_csv_expr_options *options, tide_column *dst,
                      int64_t *failed_row, char *errbuf, size_t errlen);

/* to_csv: writes every row of input, a struct column of atomic fields,
   as one CSV record (no line end) into dst, a string column built in
   out's arena, as univocity's writer does with Spark's options: null as
   null_value, an empty string as empty_value, a value holding the
   separator, a line feed or (escape_quotes) a quote, or starting with a
   quote, quoted with its quotes escaped; blanks around values dropped
   when ignore_leading / ignore_trailing (Spark's default for writing).
   Numbers as Java prints them, decimals as BigDecimal.toString. A null
   row gives null. 0, or -1 with errbuf. */
int tide_to_csv(tide_batch *out, const tide_column *input, const tide_csv_expr_options *options,
                tide_column *dst, char *errbuf, size_t errlen);

/* schema_of_csv: splits text[0..len) into fields as from_csv does and
   infers each one's type by Spark's CSVInferSchema (null_value and empty
   fields infer nothing: type 0, which Spark makes a string). Fills
   out[0..n) (names NULL) and returns n, or -1 with errbuf (more than
   max_fields fields, broken quoting). */
int32_t tide_schema_of_csv(const char *text, size_t len, const tide_csv_expr_options *options,
                           tide_csv_field *out, int32_t max_fields, char *errbuf, size_t errlen);

#endif
