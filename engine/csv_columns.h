/*
 * csv_columns.h — writing CSV fields into a batch's typed columns
 * (csv_columns.c); the reader calls these as it ends each field
 * (csv_record.c). Each returns 0, or -1 (out of memory; for
 * csv_put_value, also a field that is not of the column's type).
 */
#ifndef TIDE_CSV_COLUMNS_H
#define TIDE_CSV_COLUMNS_H
#include "batch.h"
#include "ffi/csv.h"

/* Whether a CSV field holds values of the type: the atomic types but
   binary (from_csv, to_csv). */
int csv_field_type(int32_t type);
/* Room for row `row` in every column of b; *room is then the rows every
   column has room for (so the caller checks again only past it). */
int csv_ensure_row(tide_batch *b, int64_t row, int64_t *room);
/* Marks row valid (undoing a null written there before). */
void csv_mark_valid(tide_column *c, int64_t row);
int csv_put_null(tide_batch *b, tide_column *c, int64_t row);
int csv_put_bytes(tide_batch *b, tide_column *c, int64_t row, const char *s, size_t n);
/* Parses a field of a fixed-width column (not strings; dates and
   timestamps by csv_put_date and csv_put_timestamp); floats and doubles
   by opt's nan_value, positive_inf and negative_inf. */
int csv_put_value(tide_column *c, int64_t row, const char *s, size_t n,
                  const tide_csv_options *opt);
/* Parses a field of a date column as opt's dateFormat reads it
   (csv_parse_date), of a timestamp column as its timestampFormat does
   (csv_parse_timestamp). */
int csv_put_date(tide_column *c, int64_t row, const char *s, size_t n, const tide_csv_options *opt);
int csv_put_timestamp(tide_column *c, int64_t row, const char *s, size_t n,
                      const tide_csv_options *opt);

#endif
