/* Spark's number format strings (number_format.c): to_number,
   try_to_number and to_char of numbers, as Spark 3.5's ToNumberParser
   reads and writes them. Part of the FFI declarations (see tide_ffi.h):
   plain C, no macros, so that LuaJIT's ffi.cdef reads it as well.

   As the kernels of ffi/eval.h: each writes its result into dst (buffers
   in out's arena) and returns 0, or -1 with a message in errbuf; types are
   checked and cast in Lua. A row is NULL when its input is. */
#ifndef TIDE_FFI_NUMBER_FORMAT_H
#define TIDE_FFI_NUMBER_FORMAT_H

#include "tide_ffi.h"

typedef struct tide_number_parser tide_number_parser;

/* A number format (case-insensitive): '0'/'9' digits, '.'/'D' the
   decimal point, ','/'G' grouping separators, '$', 'S' and 'MI' signs
   and 'PR' (angle brackets around negative numbers), in Spark's order
   ([MI|S] [$] [0|9|G|,]* [.|D] [0|9]* [$] [PR|MI|S]). NULL with errbuf
   holding Spark's INVALID_FORMAT error when the format is not one. */
tide_number_parser *tide_number_parser_compile(const char *format, size_t len, char *errbuf,
                                               size_t errlen);
void tide_number_parser_free(tide_number_parser *p);
/* to_number's result is decimal(precision, scale): all the digits of
   the format, those after its decimal point. The precision may pass 38,
   which to_number refuses and to_char does not mind. */
int32_t tide_number_parser_precision(const tide_number_parser *p);
int32_t tide_number_parser_scale(const tide_number_parser *p);

/* to_number(s, format) of a string column: decimal(precision, scale)
   (at most 38 digits). Text the format does not match is an error naming
   it (INVALID_FORMAT.MISMATCH_INPUT) when strict, else NULL
   (try_to_number). */
int tide_eval_to_number(tide_batch *out, const tide_column *s, const tide_number_parser *p,
                        int32_t strict, tide_column *dst, char *errbuf, size_t errlen);
/* to_char(x, format) of a decimal column: a string as long as the
   format's parts, '#' for every digit when x has more digits before or
   after the point than the format. */
int tide_eval_to_char_number(tide_batch *out, const tide_column *x, const tide_number_parser *p,
                             tide_column *dst, char *errbuf, size_t errlen);

#endif
