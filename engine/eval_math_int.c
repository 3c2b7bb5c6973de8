/*
 * eval_math_int.c — pmod, the try_ arithmetic, the bitwise operators and
 * shifts, bit_count, factorial, bin and conv (contracts in ffi/math.h), as
 * Spark 3.5 computes them in non-ANSI mode (arithmetic.scala,
 * bitwiseExpressions.scala, mathExpressions.scala, NumberConverter):
 * - integers wrap as Java's do, except in try_add/try_subtract/
 *   try_multiply, whose overflow is NULL (Spark's TRY eval mode);
 * - a shift takes its count mod the width, as Java's << >> >>> do;
 * - conv reads an unsigned 64-bit number, overflowing to all ones.
 * Types and coercions are decided in Lua (tide.eval_math).
 */
#include "decimal128.h"
#include "ffi/math.h"
#include "kernel.h"

#include <math.h>
#include <string.h>

static int set_null(tide_batch *out, tide_column *dst, int64_t i)
{
    if (kernel_validity(out, dst) != 0) return -1;
    tide_mark_null(dst, i);
    return 0;
}

static int same_length(const tide_column *a, const tide_column *b, char *errbuf, size_t errlen)
{
    if (b && a->length != b->length)
        return kernel_error(errbuf, errlen, "operands of %lld and %lld rows", (long long)a->length,
                            (long long)b->length);
    return 0;
}

/* ---- pmod ------------------------------------------------------------------------ */

/* Java's a % n and (r + n) % n on two's complement values: MIN % -1 is 0
   (no trap), and r + n wraps. */
#define PMOD_INT(T, U)                                                                             \
    do {                                                                                           \
        const T *x = a->values, *y = b->values;                                                    \
        T *r = dst->values;                                                                        \
        for (int64_t i = 0; i < n; i++) {                                                          \
            if (!tide_valid(dst, i)) continue;                                                     \
            T d = y[i];                                                                            \
            if (d == 0) {                                                                          \
                if (set_null(out, dst, i) != 0) return -1;                                         \
                continue;                                                                          \
            }                                                                                      \
            T m = d == -1 ? 0 : x[i] % d;                                                          \
            if (m < 0) {                                                                           \
                T s = (T)((U)m + (U)d);                                                            \
                m = d == -1 ? 0 : s % d;                                                           \
            }                                                                                      \
            r[i] = m;                                                                              \
        }                                                                                          \
    } while (0)

/* Java's % on floats is C's fmod; the sum is rounded to T first. */
#define PMOD_FLOAT(T, FMOD)                                                                        \
    do {                                                                                           \
        const T *x = a->values, *y = b->values;                                                    \
        T *r = dst->values;                                                                        \
        for (int64_t i = 0; i < n; i++) {                                                          \
            if (!tide_valid(dst, i)) continue;                                                     \
            if (y[i] == 0) {                                                                       \
                if (set_null(out, dst, i) != 0) return -1;                                         \
                continue;                                                                          \
            }                                                                                      \
            T m = FMOD(x[i], y[i]);                                                                \
            if (m < 0) {                                                                           \
                T s = m + y[i];                                                                    \
                m = FMOD(s, y[i]);                                                                 \
            }                                                                                      \
            r[i] = m;                                                                              \
        }                                                                                          \
    } while (0)

/* Decimal pmod at the common scale: exact, as Spark's BigDecimal
   arithmetic (NULL only when a value does not fit 128 bits there, or the
   result does not fit its precision). */
static int pmod_decimal(i128 x, int sx, i128 y, int sy, int p, int s, i128 *r)
{
    int common = sx > sy ? sx : sy;
    i128 xs, ys;
    if (y == 0 || dec_rescale(x, sx, common, &xs) != 0 || dec_rescale(y, sy, common, &ys) != 0)
        return -1;
    i128 m = xs % ys, sum;
    if (m < 0) {
        if (__builtin_add_overflow(m, ys, &sum)) return -1;
        m = sum % ys;
    }
    if (dec_rescale(m, common, s, r) != 0) return -1;
    return dec_fits(*r, p) ? 0 : -1;
}

static int pmod_rows(tide_batch *out, const tide_column *a, const tide_column *b, int32_t p,
                     int32_t s, tide_column *dst)
{
    int64_t n = a->length;
    switch (a->type) {
    case TIDE_INT32:
        PMOD_INT(int32_t, uint32_t);
        break;
    case TIDE_INT64:
        PMOD_INT(int64_t, uint64_t);
        break;
    case TIDE_FLOAT32:
        PMOD_FLOAT(float, fmodf);
        break;
    case TIDE_FLOAT64:
        PMOD_FLOAT(double, fmod);
        break;
    case TIDE_DECIMAL:
        for (int64_t i = 0; i < n; i++) {
            if (!tide_valid(dst, i)) continue;
            i128 v;
            if (pmod_decimal(dec_load((const char *)a->values + 16 * i), a->scale,
                             dec_load((const char *)b->values + 16 * i), b->scale, p, s, &v) != 0) {
                if (set_null(out, dst, i) != 0) return -1;
                continue;
            }
            dec_store((char *)dst->values + 16 * i, v);
        }
        break;
    default:
        return 1;
    }
    return 0;
}

int tide_eval_pmod(tide_batch *out, const tide_column *a, const tide_column *b, int32_t precision,
                   int32_t scale, tide_column *dst, char *errbuf, size_t errlen)
{
    if (same_length(a, b, errbuf, errlen) != 0) return -1;
    if (a->type != b->type)
        return kernel_error(errbuf, errlen, "pmod of columns of different types (%d, %d)", a->type,
                            b->type);
    int is_decimal = a->type == TIDE_DECIMAL;
    if (is_decimal && (precision < 1 || precision > 38 || scale < 0 || scale > precision))
        return kernel_error(errbuf, errlen, "decimal(%d,%d) is not a valid type", precision, scale);
    if (kernel_alloc(out, dst, "", a->type, is_decimal ? precision : 0, is_decimal ? scale : 0,
                     a->length, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int rc = pmod_rows(out, a, b, precision, scale, dst);
    if (rc < 0) return kernel_error(errbuf, errlen, "out of memory");
    if (rc > 0) return kernel_error(errbuf, errlen, "pmod needs numbers, not type %d", a->type);
    kernel_finish(dst);
    return 0;
}

/* ---- try_add, try_subtract, try_multiply -------------------------------------------- */

#define TRY_LOOP(T, BUILTIN)                                                                       \
    do {                                                                                           \
        const T *x = a->values, *y = b->values;                                                    \
        T *r = dst->values;                                                                        \
        for (int64_t i = 0; i < n; i++)                                                            \
            if (BUILTIN(x[i], y[i], &r[i]) && tide_valid(dst, i)) {                                \
                r[i] = 0;                                                                          \
                if (set_null(out, dst, i) != 0)                                                    \
                    return kernel_error(errbuf, errlen, "out of memory");                          \
            }                                                                                      \
    } while (0)

#define TRY_OP(T)                                                                                  \
    do {                                                                                           \
        switch (op) {                                                                              \
        case TIDE_ADD:                                                                             \
            TRY_LOOP(T, __builtin_add_overflow);                                                   \
            break;                                                                                 \
        case TIDE_SUB:                                                                             \
            TRY_LOOP(T, __builtin_sub_overflow);                                                   \
            break;                                                                                 \
        default:                                                                                   \
            TRY_LOOP(T, __builtin_mul_overflow);                                                   \
            break;                                                                                 \
        }                                                                                          \
    } while (0)

int tide_eval_try_arith(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                        tide_column *dst, char *errbuf, size_t errlen)
{
    if (op != TIDE_ADD && op != TIDE_SUB && op != TIDE_MUL)
        return kernel_error(errbuf, errlen, "try arithmetic has no operator %d", op);
    if (same_length(a, b, errbuf, errlen) != 0) return -1;
    if (a->type != b->type || (a->type != TIDE_INT32 && a->type != TIDE_INT64))
        return kernel_error(errbuf, errlen, "try arithmetic needs two int or bigint columns");
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", a->type, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    if (a->type == TIDE_INT32)
        TRY_OP(int32_t);
    else
        TRY_OP(int64_t);
    kernel_finish(dst);
    return 0;
}

/* ---- bitwise operators and shifts ------------------------------------------------------ */

/* One loop per operator and width; values go through the unsigned type so
   that shifts and NOT of negative numbers are defined (Java's results). */
#define BIT_LOOP(T, U, BITS)                                                                       \
    do {                                                                                           \
        const T *x = a->values;                                                                    \
        T *r = dst->values;                                                                        \
        if (op == TIDE_BIT_NOT) {                                                                  \
            for (int64_t i = 0; i < n; i++)                                                        \
                r[i] = (T) ~(U)x[i];                                                               \
            break;                                                                                 \
        }                                                                                          \
        if (op >= TIDE_SHIFT_LEFT) {                                                               \
            const int32_t *k = b->values;                                                          \
            for (int64_t i = 0; i < n; i++) {                                                      \
                unsigned c = (unsigned)k[i] & (BITS - 1);                                          \
                U v = (U)x[i];                                                                     \
                if (op == TIDE_SHIFT_LEFT)                                                         \
                    r[i] = (T)(v << c);                                                            \
                else if (op == TIDE_SHIFT_RIGHT_UNSIGNED)                                          \
                    r[i] = (T)(v >> c);                                                            \
                else                                                                               \
                    r[i] = (T)(x[i] < 0 ? ~(~v >> c) : v >> c); /* arithmetic shift */             \
            }                                                                                      \
            break;                                                                                 \
        }                                                                                          \
        const T *y = b->values;                                                                    \
        for (int64_t i = 0; i < n; i++) {                                                          \
            U v = (U)x[i], w = (U)y[i];                                                            \
            r[i] = (T)(op == TIDE_BIT_AND ? v & w : op == TIDE_BIT_OR ? v | w : v ^ w);            \
        }                                                                                          \
    } while (0)

int tide_eval_bitwise(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                      tide_column *dst, char *errbuf, size_t errlen)
{
    if (op < TIDE_BIT_AND || op > TIDE_SHIFT_RIGHT_UNSIGNED)
        return kernel_error(errbuf, errlen, "unknown bitwise operator %d", op);
    if (a->type != TIDE_INT32 && a->type != TIDE_INT64)
        return kernel_error(errbuf, errlen, "bitwise operators need int or bigint, not type %d",
                            a->type);
    if (op == TIDE_BIT_NOT) {
        b = NULL;
    } else {
        if (!b) return kernel_error(errbuf, errlen, "bitwise operator %d needs two columns", op);
        int32_t want = op >= TIDE_SHIFT_LEFT ? TIDE_INT32 : a->type;
        if (b->type != want)
            return kernel_error(errbuf, errlen, "bitwise operator %d: right side of type %d", op,
                                b->type);
    }
    if (same_length(a, b, errbuf, errlen) != 0) return -1;
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", a->type, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    if (a->type == TIDE_INT32)
        BIT_LOOP(int32_t, uint32_t, 32);
    else
        BIT_LOOP(int64_t, uint64_t, 64);
    kernel_finish(dst);
    return 0;
}

int tide_eval_bit_count(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                        size_t errlen)
{
    int64_t n = a->length;
    if (a->type != TIDE_INT32 && a->type != TIDE_INT64 && a->type != TIDE_BOOL)
        return kernel_error(errbuf, errlen, "bit_count needs an int, bigint or boolean");
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        /* Long.bitCount of the value widened to a long: an int's sign
           fills the upper 32 bits. */
        int64_t v = a->type == TIDE_INT32   ? ((const int32_t *)a->values)[i]
                    : a->type == TIDE_INT64 ? ((const int64_t *)a->values)[i]
                                            : ((const uint8_t *)a->values)[i] != 0;
        r[i] = __builtin_popcountll((unsigned long long)v);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- factorial, bin ------------------------------------------------------------------ */

int tide_eval_factorial(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                        size_t errlen)
{
    if (a->type != TIDE_INT32) return kernel_error(errbuf, errlen, "factorial needs an int");
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t table[21];
    table[0] = 1;
    for (int k = 1; k <= 20; k++)
        table[k] = table[k - 1] * k; /* 20! < 2^63 */
    const int32_t *x = a->values;
    int64_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        if (x[i] < 0 || x[i] > 20) {
            if (set_null(out, dst, i) != 0) return kernel_error(errbuf, errlen, "out of memory");
            continue;
        }
        r[i] = table[x[i]];
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_bin(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                  size_t errlen)
{
    if (a->type != TIDE_INT64) return kernel_error(errbuf, errlen, "bin needs a bigint");
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, n * 8) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(a, i)) {
            uint64_t v = (uint64_t)((const int64_t *)a->values)[i];
            char buf[64];
            int len = 0;
            do {
                buf[63 - len++] = (char)('0' + (v & 1));
                v >>= 1;
            } while (v);
            if (kernel_str_append(out, dst, &used, buf + 64 - len, len, errbuf, errlen) != 0)
                return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- conv ---------------------------------------------------------------------------- */

/* Character.digit(c, radix) for one byte (bytes of multi-byte UTF-8
   characters are negative in Java, so never digits). */
static int digit_of(unsigned char c, int radix)
{
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'z' ? c - 'a' + 10
            : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                   : 99;
    return d < radix ? d : -1;
}

/* NumberConverter.convert of p[0..len) into buf (65 bytes at least);
   returns the length, or -1 for NULL. */
static int conv_one(const unsigned char *p, int32_t len, int from, int to, char *buf)
{
    int64_t to_abs = to < 0 ? -(int64_t)to : to; /* (INT_MIN's absolute value) */
    if (from < 2 || from > 36 || to_abs < 2 || to_abs > 36) return -1;
    /* UTF8String.trim: spaces (0x20) only. */
    while (len > 0 && p[0] == ' ')
        p++, len--;
    while (len > 0 && p[len - 1] == ' ')
        len--;
    if (len == 0) return -1;
    int negative = p[0] == '-', i = negative;
    /* encode: the digits up to the first that is not one, as an unsigned
       64-bit number; past 2^64 - 1 the result is all ones (-1). */
    uint64_t v = 0;
    for (; i < len; i++) {
        int d = digit_of(p[i], from);
        if (d < 0) break;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)from) {
            v = UINT64_MAX;
            break;
        }
        v = v * (uint64_t)from + (uint64_t)d;
    }
    if (negative && to > 0) v = (int64_t)v < 0 ? UINT64_MAX : 0u - v;
    if (to < 0 && (int64_t)v < 0) {
        v = 0u - v;
        negative = 1;
    }
    /* decode: v's digits in base |to|, upper case. */
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char tmp[64];
    int k = 0;
    do {
        tmp[k++] = digits[v % (uint64_t)to_abs];
        v /= (uint64_t)to_abs;
    } while (v);
    int out = 0;
    if (negative && to < 0) buf[out++] = '-';
    while (k > 0)
        buf[out++] = tmp[--k];
    return out;
}

int tide_eval_conv(tide_batch *out, const tide_column *num, const tide_column *from,
                   const tide_column *to, tide_column *dst, char *errbuf, size_t errlen)
{
    if (num->type != TIDE_STRING || from->type != TIDE_INT32 || to->type != TIDE_INT32)
        return kernel_error(errbuf, errlen, "conv needs a string and two ints");
    int64_t n = num->length;
    if (from->length != n || to->length != n)
        return kernel_error(errbuf, errlen, "conv's arguments differ in length");
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, n * 4) != 0 ||
        kernel_validity_and(out, dst, num, from) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *f = from->values, *t = to->values;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            char buf[72];
            int32_t len;
            const char *p = tide_column_bytes(num, i, &len);
            int w =
                tide_valid(to, i) ? conv_one((const unsigned char *)p, len, f[i], t[i], buf) : -1;
            if (w < 0) {
                if (set_null(out, dst, i) != 0)
                    return kernel_error(errbuf, errlen, "out of memory");
            } else if (kernel_str_append(out, dst, &used, buf, w, errbuf, errlen) != 0) {
                return -1;
            }
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}
