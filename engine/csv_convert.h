/*
 * csv_convert.h — CSV field text to typed values, as Spark's CSV reader
 * converts them, and Spark's CSV type inference (CSVInferSchema). Each
 * parser returns 0, or -1 when the text is not a value of the type.
 */
#ifndef TIDE_CSV_CONVERT_H
#define TIDE_CSV_CONVERT_H
#include "ffi/csv.h"

/* Java's Integer.parseInt / Long.parseLong: an optional sign and digits. */
int csv_parse_int32(const char *s, size_t n, int32_t *out);
int csv_parse_int64(const char *s, size_t n, int64_t *out);
/* A float or double field as Spark reads one: opt's nan_value,
   positive_inf and negative_inf (NaN, Inf, -Inf when NULL, or opt NULL),
   else Java's Double.parseDouble (surrounding blanks allowed, a d/f
   suffix, NaN and [+-]Infinity). s must be NUL-terminated at n. */
int csv_parse_double(const tide_csv_options *opt, const char *s, size_t n, double *out);
/* "true" or "false", any case. */
int csv_parse_bool(const char *s, size_t n, uint8_t *out);
/* A decimal(precision, scale) as Spark's en-US decimal parser reads one
   (BigDecimal of the text with its commas taken out): rounded half up to
   the scale; -1 when it needs more than `precision` digits. */
int csv_parse_decimal(const char *s, size_t n, int32_t precision, int32_t scale, void *out);
/* A date (days since 1970-01-01) as Spark's CSV and JSON readers read
   one: by `format`, a dateFormat compiled for parsing (strict, the whole
   text; its local date, a time it reads checked and dropped), or without
   one as CAST(string AS date) reads it (Spark's DefaultDateFormatter);
   failing that, when `fallback`, as CAST(string AS date) reads it after
   every "GMT" is taken out (Spark's cleanLegacyTimestampStr). */
int csv_parse_date(const char *s, size_t n, const struct tide_datetime_pattern *format,
                   int fallback, int32_t *out);
/* A timestamp as Spark's CSV and JSON readers read one: by `format`, a
   timestampFormat compiled for parsing (strict, the whole text), or
   without one as CAST(string AS timestamp) reads it; failing that, when
   `fallback`, as CAST reads it after every "GMT" is taken out. */
int csv_parse_timestamp(const char *s, size_t n, const struct tide_datetime_pattern *format,
                        int fallback, int64_t *out);

/* The type inference of one column so far. */
typedef enum csv_inferred {
    CSV_INFER_NULL = 0,
    CSV_INFER_INT,
    CSV_INFER_LONG,
    CSV_INFER_DECIMAL,
    CSV_INFER_DOUBLE,
    CSV_INFER_DATE,
    CSV_INFER_TIMESTAMP,
    CSV_INFER_BOOLEAN,
    CSV_INFER_STRING
} csv_inferred;

typedef struct csv_infer_state {
    int32_t kind;      /* csv_inferred */
    int32_t precision; /* decimal */
} csv_infer_state;

/* Widens state by one non-null field (s NUL-terminated at n), dates not
   inferred. */
void csv_infer_field(csv_infer_state *state, const char *s, size_t n);
/* The same with opt's date inference (Spark's preferDate): a field that
   opt->infer_date_format reads is a date, tried after double and before
   timestamp; dates and timestamps in one column make a timestamp column
   when opt->infer_dates_as_timestamps, else a string one. */
void csv_infer_field_with(csv_infer_state *state, const tide_csv_options *opt, const char *s,
                          size_t n);
/* The tide type of a finished inference; type 0 when no value was seen. */
void csv_infer_result(const csv_infer_state *state, tide_csv_field *out);

#endif
