/* The math kernels of tide.eval_math beyond those of ffi/eval.h
   (eval_math_fn.c, eval_math_int.c), as Spark 3.5
   computes them in non-ANSI mode. Part of the FFI declarations (see
   tide_ffi.h): plain C, no macros, so that LuaJIT's ffi.cdef reads it as
   well.

   As the kernels of ffi/eval.h: each writes its result into dst (buffers
   in out's arena, of the inputs' length) and returns 0, or -1 with a
   message in errbuf; types are checked and cast in Lua (tide.eval_math).
   A row is NULL when an argument is, unless said otherwise. */
#ifndef TIDE_FFI_MATH_H
#define TIDE_FFI_MATH_H

#include "tide_ffi.h"

/* ---- functions of doubles (eval_math_fn.c) ------------------------------ */

typedef enum tide_math_fn {
    TIDE_FN_SIN = 1,
    TIDE_FN_COS = 2,
    TIDE_FN_TAN = 3,
    TIDE_FN_COT = 4,
    TIDE_FN_SEC = 5,
    TIDE_FN_CSC = 6,
    TIDE_FN_ASIN = 7,
    TIDE_FN_ACOS = 8,
    TIDE_FN_ATAN = 9,
    TIDE_FN_SINH = 10,
    TIDE_FN_COSH = 11,
    TIDE_FN_TANH = 12,
    TIDE_FN_ASINH = 13,
    TIDE_FN_ACOSH = 14,
    TIDE_FN_ATANH = 15,
    TIDE_FN_RADIANS = 16,
    TIDE_FN_DEGREES = 17,
    TIDE_FN_LOG1P = 18,
    TIDE_FN_EXPM1 = 19,
    TIDE_FN_CBRT = 20,
    TIDE_FN_RINT = 21,
    TIDE_FN_ATAN2 = 22,
    TIDE_FN_HYPOT = 23
} tide_math_fn;

/* fn (SIN ... RINT) of a double column, a double column. cot, sec and csc
   are 1 / tan, cos, sin (Infinity at 0); asinh, acosh and atanh use
   Spark's formulas (asinh(x) = log(x + sqrt(x^2 + 1)) but -Infinity at
   -Infinity, acosh(x) = log(x + sqrt(x^2 - 1)), atanh(x) = (log1p(x) -
   log1p(-x)) / 2), so they overflow where Spark's do; radians and degrees
   multiply by Java's constants; log1p is NULL at x <= -1; rint rounds
   half to even. NaN gives NaN. */
int tide_eval_math_fn(tide_batch *out, int32_t fn, const tide_column *a, tide_column *dst,
                      char *errbuf, size_t errlen);
/* fn (ATAN2, HYPOT) of two double columns: atan2(a, b) of a + 0.0 and
   b + 0.0, as Spark (so -0.0 counts as 0.0), hypot(a, b). */
int tide_eval_math_fn2(tide_batch *out, int32_t fn, const tide_column *a, const tide_column *b,
                       tide_column *dst, char *errbuf, size_t errlen);
/* Spark's width_bucket(v, lo, hi, n), v, lo and hi double columns and n a
   bigint one: the bucket of v among n equal ones from lo to hi (0 below,
   n + 1 at or past the end; lo > hi counts down), a bigint; NULL where n
   <= 0 or n is the largest bigint, v is NaN, lo = hi, or lo or hi is NaN
   or infinite. */
int tide_eval_width_bucket(tide_batch *out, const tide_column *v, const tide_column *lo,
                           const tide_column *hi, const tide_column *n, tide_column *dst,
                           char *errbuf, size_t errlen);
/* rows values of Spark's XORShiftRandom(seed): nextDouble ([0, 1)), or
   nextGaussian when gaussian is set, a double column without NULLs. */
int tide_eval_rand(tide_batch *out, int64_t rows, int64_t seed, int32_t gaussian, tide_column *dst,
                   char *errbuf, size_t errlen);

/* ---- integers, bits and digits (eval_math_int.c) -------------------------- */

/* Spark's pmod(a, b): a % b, plus b when that is negative, then % b again
   (so the sign of b when b < 0), for a and b of one type among int,
   bigint, float, double (integers wrap), or decimals of any precision and
   scale giving decimal(precision, scale) (NULL when it does not fit).
   NULL where b is 0. */
int tide_eval_pmod(tide_batch *out, const tide_column *a, const tide_column *b, int32_t precision,
                   int32_t scale, tide_column *dst, char *errbuf, size_t errlen);
/* a op b (TIDE_ADD, TIDE_SUB, TIDE_MUL of ffi/eval.h) of two int or two
   bigint columns, NULL where the result overflows (Spark's try_add,
   try_subtract, try_multiply). */
int tide_eval_try_arith(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                        tide_column *dst, char *errbuf, size_t errlen);

typedef enum tide_bit_op {
    TIDE_BIT_AND = 1,
    TIDE_BIT_OR = 2,
    TIDE_BIT_XOR = 3,
    TIDE_BIT_NOT = 4,
    TIDE_SHIFT_LEFT = 5,
    TIDE_SHIFT_RIGHT = 6,
    TIDE_SHIFT_RIGHT_UNSIGNED = 7
} tide_bit_op;

/* a op b of int or bigint columns, of a's type: AND, OR, XOR of a and b
   of one type; NOT of a (b NULL); the shifts of a by b, an int column,
   as Java shifts (the count taken mod 32 for an int, 64 for a bigint). */
int tide_eval_bitwise(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                      tide_column *dst, char *errbuf, size_t errlen);
/* Spark's bit_count(a): the bits set in an int or bigint (an int widened
   to 64 bits first, so bit_count(-1) is 64), or 1 and 0 for a boolean;
   an int column. */
int tide_eval_bit_count(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                        size_t errlen);
/* factorial(a) of an int column, a bigint one: NULL outside 0..20. */
int tide_eval_factorial(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                        size_t errlen);
/* bin(a) of a bigint column: its binary digits as Java's
   Long.toBinaryString writes them (64 for a negative number). */
int tide_eval_bin(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                  size_t errlen);
/* Spark's conv(num, from, to) (NumberConverter), num a string column
   (spaces trimmed), from and to int columns: the digits up to the first
   one not of base `from` read as an unsigned 64-bit number (all ones when
   it overflows; a leading '-' negates it), written in base |to|, as a
   signed number when to < 0. NULL where a base is outside 2..36 (|to|
   for to) or num is empty. */
int tide_eval_conv(tide_batch *out, const tide_column *num, const tide_column *from,
                   const tide_column *to, tide_column *dst, char *errbuf, size_t errlen);

#endif
