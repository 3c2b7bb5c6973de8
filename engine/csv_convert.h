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
/* Java's Double.parseDouble (surrounding blanks allowed, a d/f suffix, NaN
   and [+-]Infinity) plus Spark's nanValue/positiveInf/negativeInf defaults
   (NaN, Inf, -Inf). s must be NUL-terminated at n. */
int csv_parse_double(const char *s, size_t n, double *out);
/* "true" or "false", any case. */
int csv_parse_bool(const char *s, size_t n, uint8_t *out);
/* A decimal(precision, scale): rounded half up to the scale; -1 when it
   needs more than `precision` digits. */
int csv_parse_decimal(const char *s, size_t n, int32_t precision, int32_t scale, void *out);

/* The type inference of one column so far. */
typedef enum csv_inferred {
    CSV_INFER_NULL = 0,
    CSV_INFER_INT,
    CSV_INFER_LONG,
    CSV_INFER_DECIMAL,
    CSV_INFER_DOUBLE,
    CSV_INFER_TIMESTAMP,
    CSV_INFER_BOOLEAN,
    CSV_INFER_STRING
} csv_inferred;

typedef struct csv_infer_state {
    int32_t kind;      /* csv_inferred */
    int32_t precision; /* decimal */
} csv_infer_state;

/* Widens state by one non-null field (s NUL-terminated at n). */
void csv_infer_field(csv_infer_state *state, const char *s, size_t n);
/* The tide type of a finished inference; type 0 when no value was seen. */
void csv_infer_result(const csv_infer_state *state, tide_csv_field *out);

#endif
