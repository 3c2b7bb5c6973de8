/*
 * eval_math.c — the math functions of tide.eval (contracts in ffi/eval.h)
 * as Spark 3.5 computes them in non-ANSI mode (mathExpressions.scala):
 * - round/bround go through decimal digits, never a float multiply: a
 *   double is rounded as BigDecimal(Double.toString(d)).setScale(d, mode)
 *   rounds it, so round(2.675, 2) is 2.68 although the double 2.675 is
 *   2.67499999...; NaN and infinities stay; the result is never -0.0.
 *   Integers round at negative scales only and wrap (intValue).
 * - the log family gives NULL at x <= 0 (Hive's rule, kept by Spark), not
 *   NaN or -Infinity; log2 is ln(x) / ln(2) as Spark writes it. exp and
 *   the logarithms are the C library's, which differ from Java's
 *   StrictMath (fdlibm) in the last bit for some arguments: exp(1) is
 *   2.718281828459045 here, 2.7182818284590455 in Spark.
 * - pow follows Java's Math.pow where it differs from C's: a NaN exponent
 *   gives NaN even for base 1, and (+-1)^(+-Infinity) is NaN.
 * - floor/ceil of a double is Java's (long) cast: saturating, NaN -> 0.
 * - abs of int/bigint wraps (abs(INT_MIN) is INT_MIN).
 * Types and coercions are decided in Lua (tide.eval_math); kernels take
 * the types they document.
 */
#include "decimal128.h"
#include "ffi/math.h"
#include "kernel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int alloc_like(tide_batch *out, tide_column *dst, const tide_column *a, const tide_column *b,
                      int32_t type, int32_t precision, int32_t scale)
{
    if (kernel_alloc(out, dst, "", type, precision, scale, a->length, 0) != 0) return -1;
    return kernel_validity_and(out, dst, a, b);
}

static int set_null(tide_batch *out, tide_column *dst, int64_t i)
{
    if (kernel_validity(out, dst) != 0) return -1;
    tide_mark_null(dst, i);
    return 0;
}

/* ---- double -> double ------------------------------------------------------------ */

static double java_pow(double x, double y)
{
    /* C99 says pow(1, y) = 1 and pow(-1, +-inf) = 1 for any y; Java's
       Math.pow gives NaN for a NaN exponent and for |x| = 1 with an
       infinite one. Everything else agrees. */
    if (isnan(y)) return y == 0 ? 1.0 : NAN;
    if (isinf(y) && fabs(x) == 1.0) return NAN;
    return pow(x, y);
}

static double java_signum(double x)
{
    /* Math.signum: -0.0, 0.0 and NaN are their own signs. */
    if (x > 0) return 1.0;
    if (x < 0) return -1.0;
    return x;
}

int tide_eval_math_unary(tide_batch *out, int32_t op, const tide_column *a, tide_column *dst,
                         char *errbuf, size_t errlen)
{
    if (a->type != TIDE_FLOAT64)
        return kernel_error(errbuf, errlen, "math functions need doubles, not type %d", a->type);
    if (alloc_like(out, dst, a, NULL, TIDE_FLOAT64, 0, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const double *x = a->values;
    double *r = dst->values;
    int64_t n = a->length;
    const double ln2 = log(2.0);
    switch (op) {
    case TIDE_MATH_SQRT:
        for (int64_t i = 0; i < n; i++)
            r[i] = sqrt(x[i]);
        break;
    case TIDE_MATH_EXP:
        for (int64_t i = 0; i < n; i++)
            r[i] = exp(x[i]);
        break;
    case TIDE_MATH_SIGNUM:
        for (int64_t i = 0; i < n; i++)
            r[i] = java_signum(x[i]);
        break;
    case TIDE_MATH_LN:
    case TIDE_MATH_LOG10:
    case TIDE_MATH_LOG2:
        for (int64_t i = 0; i < n; i++) {
            if (!tide_valid(dst, i)) continue;
            if (x[i] <= 0) { /* NaN is not <= 0: log(NaN) is NaN */
                if (set_null(out, dst, i) != 0)
                    return kernel_error(errbuf, errlen, "out of memory");
                continue;
            }
            r[i] = op == TIDE_MATH_LN      ? log(x[i])
                   : op == TIDE_MATH_LOG10 ? log10(x[i])
                                           : log(x[i]) / ln2;
        }
        break;
    default:
        return kernel_error(errbuf, errlen, "unknown math function %d", op);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_math_binary(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                          tide_column *dst, char *errbuf, size_t errlen)
{
    if (a->type != TIDE_FLOAT64 || b->type != TIDE_FLOAT64)
        return kernel_error(errbuf, errlen, "math functions need doubles, not types %d and %d",
                            a->type, b->type);
    if (a->length != b->length)
        return kernel_error(errbuf, errlen, "operands of %lld and %lld rows", (long long)a->length,
                            (long long)b->length);
    if (alloc_like(out, dst, a, b, TIDE_FLOAT64, 0, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const double *x = a->values, *y = b->values;
    double *r = dst->values;
    int64_t n = a->length;
    switch (op) {
    case TIDE_MATH_POW:
        for (int64_t i = 0; i < n; i++)
            r[i] = java_pow(x[i], y[i]);
        break;
    case TIDE_MATH_LOG:
        /* log(base, x): NULL when either is <= 0 (a base in (0, 1] is fine). */
        for (int64_t i = 0; i < n; i++) {
            if (!tide_valid(dst, i)) continue;
            if (x[i] <= 0 || y[i] <= 0) {
                if (set_null(out, dst, i) != 0)
                    return kernel_error(errbuf, errlen, "out of memory");
                continue;
            }
            r[i] = log(y[i]) / log(x[i]);
        }
        break;
    default:
        return kernel_error(errbuf, errlen, "unknown math function %d", op);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- abs, floor/ceil of doubles ------------------------------------------------------ */

int tide_eval_abs(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                  size_t errlen)
{
    int64_t n = a->length;
    if (alloc_like(out, dst, a, NULL, a->type, a->precision, a->scale) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    switch (a->type) {
    case TIDE_INT32: {
        const int32_t *x = a->values;
        int32_t *r = dst->values;
        for (int64_t i = 0; i < n; i++)
            r[i] = x[i] < 0 ? (int32_t)(0u - (uint32_t)x[i]) : x[i]; /* MIN stays MIN */
        break;
    }
    case TIDE_INT64: {
        const int64_t *x = a->values;
        int64_t *r = dst->values;
        for (int64_t i = 0; i < n; i++)
            r[i] = x[i] < 0 ? (int64_t)(0u - (uint64_t)x[i]) : x[i];
        break;
    }
    case TIDE_FLOAT32:
        for (int64_t i = 0; i < n; i++)
            ((float *)dst->values)[i] = fabsf(((const float *)a->values)[i]);
        break;
    case TIDE_FLOAT64:
        for (int64_t i = 0; i < n; i++)
            ((double *)dst->values)[i] = fabs(((const double *)a->values)[i]);
        break;
    case TIDE_DECIMAL:
        for (int64_t i = 0; i < n; i++) {
            i128 v = dec_load((const char *)a->values + 16 * i);
            dec_store((char *)dst->values + 16 * i, v < 0 ? -v : v);
        }
        break;
    default:
        return kernel_error(errbuf, errlen, "abs needs a number, not type %d", a->type);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_floor_ceil(tide_batch *out, const tide_column *a, int32_t ceil_, tide_column *dst,
                         char *errbuf, size_t errlen)
{
    if (a->type != TIDE_FLOAT64)
        return kernel_error(errbuf, errlen, "floor/ceil needs a double, not type %d", a->type);
    if (alloc_like(out, dst, a, NULL, TIDE_INT64, 0, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const double *x = a->values;
    int64_t *r = dst->values;
    for (int64_t i = 0; i < a->length; i++)
        r[i] = kernel_java_d2l(ceil_ ? ceil(x[i]) : floor(x[i]));
    kernel_finish(dst);
    return 0;
}

/* ---- round -------------------------------------------------------------------------- */

/* |q| after dividing |v| by 10^k (k in 1..38) with `mode`; neg is v's
   sign. HALF_UP rounds ties away from zero, HALF_EVEN to the even
   neighbour, FLOOR and CEILING toward -inf and +inf. */
static u128 div_pow10_mode(u128 a, int k, int neg, int32_t mode)
{
    u128 p = dec_pow10(k), q = a / p, r = a % p;
    if (r == 0) return q;
    switch (mode) {
    case TIDE_ROUND_HALF_UP:
        return r >= p - r ? q + 1 : q;
    case TIDE_ROUND_HALF_EVEN:
        return (r > p - r || (r == p - r && (q & 1))) ? q + 1 : q;
    case TIDE_ROUND_FLOOR:
        return neg ? q + 1 : q;
    case TIDE_ROUND_CEILING:
        return neg ? q : q + 1;
    default:
        return q;
    }
}

/* v (at scale `from`) rounded to `to` decimal places (negative: tens,
   hundreds...) with mode, as a value of scale max(to, 0) in *r; -1 when
   it does not fit 128 bits. */
static int round_decimal(i128 v, int from, int to, int32_t mode, i128 *r)
{
    if (to >= from) return dec_rescale(v, from, to < 0 ? 0 : to, r);
    int neg = v < 0;
    int64_t drop = (int64_t)from - to; /* to may be near INT32_MIN */
    u128 q;
    if (drop > 38) {
        /* |v| < 10^38 is below half of 10^drop: only FLOOR/CEILING move. */
        int away =
            v != 0 && ((mode == TIDE_ROUND_FLOOR && neg) || (mode == TIDE_ROUND_CEILING && !neg));
        q = away ? 1 : 0;
    } else {
        q = div_pow10_mode(dec_abs(v), (int)drop, neg, mode);
    }
    i128 s = neg ? -(i128)q : (i128)q;
    if (to >= 0) {
        *r = s;
        return 0;
    }
    if (q == 0) {
        *r = 0;
        return 0;
    }
    if (to < -38) return -1;
    return __builtin_mul_overflow(s, (i128)dec_pow10(-to), r) ? -1 : 0;
}

/* A double's decimal digits as Double.toString writes them (tide's
   shortest round-trip digits, as every double tide prints): digits holds
   nd significant digits, the value being digits * 10^exp10. */
static int java_digits(double d, char *digits, int *exp10)
{
    char buf[32];
    int len = tide_format_java_double(d, 0, buf), nd = 0, e = 0;
    int seen_point = 0, before_point = 0, zeros_after_point = 0;
    for (int i = 0; i < len; i++) {
        char c = buf[i];
        if (c >= '0' && c <= '9') {
            if (nd == 0 && c == '0') { /* leading zeros: "0.00123" */
                zeros_after_point += seen_point;
                continue;
            }
            digits[nd++] = c;
            before_point += !seen_point;
        } else if (c == '.') {
            seen_point = 1;
        } else if (c == 'E') {
            e = atoi(buf + i + 1);
            break;
        }
    }
    /* The power of ten of the last digit's place. */
    *exp10 = before_point - zeros_after_point + e - nd;
    return nd;
}

static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* BigDecimal(Double.toString(d)).setScale(scale, mode).doubleValue()
   (floatValue when is_float): half modes only, as Spark's round/bround. */
static double round_double(double d, int32_t scale, int32_t mode, int is_float)
{
    if (!isfinite(d)) return d;
    if (d == 0) return 0.0;
    char digits[32];
    int exp10, nd = java_digits(d, digits, &exp10);
    int64_t drop = -(int64_t)scale - exp10; /* digits to drop from the end */
    if (drop <= 0) return d;                /* already at most `scale` places: exact */
    uint64_t kept = 0;
    int up;
    if (drop > nd) {
        up = 0; /* below half a unit of the last place kept */
    } else {
        for (int i = 0; i < nd - drop; i++)
            kept = kept * 10 + (uint64_t)(digits[i] - '0');
        int first = digits[nd - drop] - '0', rest = 0;
        for (int i = nd - drop + 1; i < nd; i++)
            rest |= digits[i] != '0';
        if (first != 5)
            up = first > 5;
        else if (rest)
            up = 1;
        else
            up = mode == TIDE_ROUND_HALF_UP || (kept & 1);
    }
    kept += (uint64_t)up;
    if (kept == 0) return 0.0;
    double sign = d < 0 ? -1.0 : 1.0;
    /* kept * 10^-scale: one correctly rounded operation on exact operands
       when both fit (Clinger's fast path), else the decimal text parsed. */
    if (is_float) {
        if (kept < (1u << 24) && scale >= 0 && scale <= 10)
            return sign * (double)((float)kept / (float)POW10[scale]);
    } else if (kept < ((uint64_t)1 << 53) && scale >= -22 && scale <= 22) {
        return sign * (scale >= 0 ? (double)kept / POW10[scale] : (double)kept * POW10[-scale]);
    }
    char text[48];
    snprintf(text, sizeof text, "%llue%d", (unsigned long long)kept, -scale);
    return sign * (is_float ? (double)strtof(text, NULL) : strtod(text, NULL));
}

/* An integer rounded at a negative scale, wrapped to 64 bits. */
static int64_t round_integer(int64_t v, int32_t scale, int32_t mode)
{
    i128 r;
    if (scale >= 0) return v;
    if (round_decimal(v, 0, scale, mode, &r) != 0) return 0; /* > 10^38: the rounding gave 0 */
    return (int64_t)(uint64_t)(u128)r;
}

int tide_eval_round(tide_batch *out, const tide_column *a, int32_t scale, int32_t mode,
                    int32_t precision, int32_t result_scale, tide_column *dst, char *errbuf,
                    size_t errlen)
{
    int64_t n = a->length;
    int32_t type = a->type;
    if (type == TIDE_DECIMAL &&
        (precision < 1 || precision > 38 || result_scale < 0 || result_scale > precision))
        return kernel_error(errbuf, errlen, "decimal(%d,%d) is not a valid result", precision,
                            result_scale);
    if (type != TIDE_DECIMAL && mode != TIDE_ROUND_HALF_UP && mode != TIDE_ROUND_HALF_EVEN)
        return kernel_error(errbuf, errlen, "rounding mode %d needs a decimal", mode);
    if (alloc_like(out, dst, a, NULL, type, type == TIDE_DECIMAL ? precision : 0,
                   type == TIDE_DECIMAL ? result_scale : 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    switch (type) {
    case TIDE_INT32:
        for (int64_t i = 0; i < n; i++)
            ((int32_t *)dst->values)[i] = (int32_t)(uint32_t)(uint64_t)round_integer(
                ((const int32_t *)a->values)[i], scale, mode);
        break;
    case TIDE_INT64:
        for (int64_t i = 0; i < n; i++)
            ((int64_t *)dst->values)[i] =
                round_integer(((const int64_t *)a->values)[i], scale, mode);
        break;
    case TIDE_FLOAT32:
        for (int64_t i = 0; i < n; i++)
            ((float *)dst->values)[i] =
                (float)round_double(((const float *)a->values)[i], scale, mode, 1);
        break;
    case TIDE_FLOAT64:
        for (int64_t i = 0; i < n; i++)
            ((double *)dst->values)[i] =
                round_double(((const double *)a->values)[i], scale, mode, 0);
        break;
    case TIDE_DECIMAL:
        for (int64_t i = 0; i < n; i++) {
            if (!tide_valid(dst, i)) continue;
            i128 r, v = dec_load((const char *)a->values + 16 * i);
            int to = scale < result_scale ? scale : result_scale;
            if (round_decimal(v, a->scale, to, mode, &r) != 0 ||
                dec_rescale(r, to < 0 ? 0 : to, result_scale, &r) != 0 || !dec_fits(r, precision)) {
                /* Spark: NULL past the precision at scale >= 0; at a
                   negative scale Decimal.set raises. */
                if (scale < 0)
                    return kernel_error(
                        errbuf, errlen,
                        "the rounded value needs more than the %d digits of decimal(%d,0)",
                        precision, precision);
                if (set_null(out, dst, i) != 0)
                    return kernel_error(errbuf, errlen, "out of memory");
                continue;
            }
            dec_store((char *)dst->values + 16 * i, r);
        }
        break;
    default:
        return kernel_error(errbuf, errlen, "round needs a number, not type %d", type);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- greatest / least --------------------------------------------------------------- */

/* Spark's ordering of doubles: NaN above everything, -0.0 equal to 0.0. */
static int cmp_double(double x, double y)
{
    if (x < y) return -1;
    if (x > y) return 1;
    if (x == y) return 0;
    return isnan(x) ? (isnan(y) ? 0 : 1) : -1;
}

static int cmp_bytes(const tide_column *a, int64_t i, const tide_column *b, int64_t j)
{
    int32_t la, lb;
    const char *x = tide_column_bytes(a, i, &la), *y = tide_column_bytes(b, j, &lb);
    int c = memcmp(x, y, (size_t)(la < lb ? la : lb));
    if (c) return c;
    return la < lb ? -1 : la > lb;
}

/* Row i of a against row i of b, both of one type. */
static int cmp_row(const tide_column *a, const tide_column *b, int64_t i)
{
    switch (a->type) {
    case TIDE_BOOL: {
        int x = ((const uint8_t *)a->values)[i], y = ((const uint8_t *)b->values)[i];
        return (x > y) - (x < y);
    }
    case TIDE_INT32:
    case TIDE_DATE: {
        int32_t x = ((const int32_t *)a->values)[i], y = ((const int32_t *)b->values)[i];
        return (x > y) - (x < y);
    }
    case TIDE_INT64:
    case TIDE_TIMESTAMP: {
        int64_t x = ((const int64_t *)a->values)[i], y = ((const int64_t *)b->values)[i];
        return (x > y) - (x < y);
    }
    case TIDE_FLOAT32:
        return cmp_double(((const float *)a->values)[i], ((const float *)b->values)[i]);
    case TIDE_FLOAT64:
        return cmp_double(((const double *)a->values)[i], ((const double *)b->values)[i]);
    case TIDE_DECIMAL: {
        i128 x = dec_load((const char *)a->values + 16 * i),
             y = dec_load((const char *)b->values + 16 * i);
        return (x > y) - (x < y);
    }
    default:
        return cmp_bytes(a, i, b, i);
    }
}

int tide_eval_greatest(tide_batch *out, const tide_column *const *args, int32_t n, int32_t least,
                       tide_column *dst, char *errbuf, size_t errlen)
{
    if (n < 1) return kernel_error(errbuf, errlen, "greatest/least needs an argument");
    int32_t type = args[0]->type;
    int64_t rows = args[0]->length;
    for (int32_t a = 1; a < n; a++)
        if (args[a]->type != type || args[a]->length != rows ||
            (type == TIDE_DECIMAL && args[a]->scale != args[0]->scale))
            return kernel_error(errbuf, errlen,
                                "greatest/least arguments differ in type or length");
    if (type != TIDE_STRING && type != TIDE_BINARY && tide_type_width(type) == 0)
        return kernel_error(errbuf, errlen, "greatest/least cannot order type %d", type);
    if (type == TIDE_VECTOR || type == TIDE_ARRAY || type == TIDE_MAP)
        return kernel_error(errbuf, errlen, "greatest/least cannot order type %d", type);
    int32_t *which = malloc(sizeof *which * (size_t)(rows ? rows : 1));
    if (!which) return kernel_error(errbuf, errlen, "out of memory");
    /* The first non-null argument, replaced only by a strictly greater
       (smaller) one: ties keep the first, as Spark's fold does. NULLs are
       skipped; all NULL gives NULL. */
    for (int64_t i = 0; i < rows; i++) {
        int32_t best = -1;
        for (int32_t a = 0; a < n; a++) {
            if (!tide_valid(args[a], i)) continue;
            if (best < 0) {
                best = a;
                continue;
            }
            int c = cmp_row(args[a], args[best], i);
            if (least ? c < 0 : c > 0) best = a;
        }
        which[i] = best;
    }
    int rc = kernel_gather(out, dst, "", args, n, which, NULL, rows, errbuf, errlen);
    free(which);
    return rc;
}
