/* cast_parse.h — a string's text read as Spark's non-ANSI CAST reads it
   to a number or a boolean. Each skips leading and trailing whitespace
   (bytes up to ' ' and DEL, as UTF8String.trimAll), stores the value and
   returns 0, or returns -1 (the cast's NULL) when the text is not one. */
#ifndef TIDE_CAST_PARSE_H
#define TIDE_CAST_PARSE_H

#include "decimal128.h"

#include <stdint.h>

/* *s and *len narrowed to the text without that whitespace. */
void cast_trim(const char **s, int32_t *len);
/* UTF8String.toLong(allowDecimal = true): optional sign, digits, and an
   optional fraction that is dropped ("1.9" is 1); -1 past a long. */
int cast_parse_long(const char *s, int32_t len, int64_t *out);
/* Java's Double.parseDouble (decimal forms, optional f/d suffix, NaN,
   Infinity) and Spark's extra spellings inf/infinity/nan in any case. */
int cast_parse_double(const char *s, int32_t len, double *out);
/* t/true/y/yes/1 and f/false/n/no/0 in any case. */
int cast_parse_bool(const char *s, int32_t len, uint8_t *out);
/* Exact decimal text (digits, optional point, optional exponent) to a
   value of scale `scale`, rounded half up; -1 if malformed or it does not
   fit `precision` digits. */
int cast_parse_decimal(const char *s, int32_t len, int32_t precision, int32_t scale, i128 *out);

#endif
