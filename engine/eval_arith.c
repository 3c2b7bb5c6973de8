/*
 * eval_arith.c — + - * / % and unary minus (contracts in ffi/eval.h), as
 * Spark computes them in non-ANSI mode: int and bigint wrap around, a
 * zero divisor gives NULL (for doubles too), and decimal results are exact
 * then rounded half up to the result's scale, NULL when they do not fit its
 * precision (exact past 128 bits: sums and remainders of far apart scales
 * are 256-bit intermediates, as products and quotients are). SQL's div of
 * decimals is tide_eval_decimal_quot. The result type is decided in Lua
 * (tide.eval) with Spark's rules; operands arrive already cast to a
 * common type.
 */
#include "decimal128.h"
#include "kernel.h"

#include <math.h>
#include <string.h>

/* One loop per operator and type: the switch stays outside the rows. */
#define INT_LOOP(T, U, EXPR)                                                                       \
    do {                                                                                           \
        const T *x = a->values, *y = b->values;                                                    \
        T *r = dst->values;                                                                        \
        for (int64_t i = 0; i < n; i++) r[i] = (T)(EXPR);                                          \
    } while (0)

static int mark_null(tide_batch *out, tide_column *dst, int64_t i)
{
    if (kernel_validity(out, dst) != 0) return -1;
    tide_mark_null(dst, i);
    return 0;
}

static int int_arith(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                     tide_column *dst)
{
    int64_t n = a->length;
    if (a->type == TIDE_INT32) {
        switch (op) {
        case TIDE_ADD: INT_LOOP(int32_t, uint32_t, (uint32_t)x[i] + (uint32_t)y[i]); return 0;
        case TIDE_SUB: INT_LOOP(int32_t, uint32_t, (uint32_t)x[i] - (uint32_t)y[i]); return 0;
        case TIDE_MUL: INT_LOOP(int32_t, uint32_t, (uint32_t)x[i] * (uint32_t)y[i]); return 0;
        case TIDE_DIV: /* integral division (SQL's div), truncating */
        case TIDE_MOD: {
            const int32_t *x = a->values, *y = b->values;
            int32_t *r = dst->values;
            for (int64_t i = 0; i < n; i++) {
                if (y[i] == 0) {
                    if (mark_null(out, dst, i) != 0) return -1;
                } else if (y[i] == -1) {
                    r[i] = op == TIDE_DIV ? (int32_t)(0u - (uint32_t)x[i]) : 0; /* MIN / -1 wraps */
                } else {
                    r[i] = op == TIDE_DIV ? x[i] / y[i] : x[i] % y[i];
                }
            }
            return 0;
        }
        }
    } else {
        switch (op) {
        case TIDE_ADD: INT_LOOP(int64_t, uint64_t, (uint64_t)x[i] + (uint64_t)y[i]); return 0;
        case TIDE_SUB: INT_LOOP(int64_t, uint64_t, (uint64_t)x[i] - (uint64_t)y[i]); return 0;
        case TIDE_MUL: INT_LOOP(int64_t, uint64_t, (uint64_t)x[i] * (uint64_t)y[i]); return 0;
        case TIDE_DIV: /* integral division (SQL's div), truncating */
        case TIDE_MOD: {
            const int64_t *x = a->values, *y = b->values;
            int64_t *r = dst->values;
            for (int64_t i = 0; i < n; i++) {
                if (y[i] == 0) {
                    if (mark_null(out, dst, i) != 0) return -1;
                } else if (y[i] == -1) {
                    r[i] = op == TIDE_DIV ? (int64_t)(0u - (uint64_t)x[i]) : 0; /* MIN / -1 wraps */
                } else {
                    r[i] = op == TIDE_DIV ? x[i] / y[i] : x[i] % y[i];
                }
            }
            return 0;
        }
        }
    }
    return 1; /* no such operator for integers */
}

#define FLOAT_ARITH(T)                                                                             \
    do {                                                                                           \
        const T *x = a->values, *y = b->values;                                                    \
        T *r = dst->values;                                                                        \
        switch (op) {                                                                              \
        case TIDE_ADD: for (int64_t i = 0; i < n; i++) r[i] = x[i] + y[i]; return 0;              \
        case TIDE_SUB: for (int64_t i = 0; i < n; i++) r[i] = x[i] - y[i]; return 0;              \
        case TIDE_MUL: for (int64_t i = 0; i < n; i++) r[i] = x[i] * y[i]; return 0;              \
        case TIDE_DIV:                                                                             \
        case TIDE_MOD:                                                                             \
            for (int64_t i = 0; i < n; i++) {                                                      \
                if (y[i] == 0) {                                                                   \
                    if (mark_null(out, dst, i) != 0) return -1;                                    \
                } else {                                                                           \
                    r[i] = op == TIDE_DIV ? x[i] / y[i] : (T)fmod(x[i], y[i]);                     \
                }                                                                                  \
            }                                                                                      \
            return 0;                                                                              \
        }                                                                                          \
    } while (0)

static int float_arith(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                       tide_column *dst)
{
    int64_t n = a->length;
    if (a->type == TIDE_FLOAT32) FLOAT_ARITH(float);
    else FLOAT_ARITH(double);
    return 1;
}

/* x + y or x - y (sub) exactly at the larger of their scales, past 128
   bits, then rounded half up to scale s: Spark adds the BigDecimals
   exactly before it rounds to the result's type, decimal(38, s) when the
   exact sum has more digits than 38. -1 when the result passes 128 bits. */
static int wide_add(i128 x, int sx, i128 y, int sy, int sub, int s, i128 *r)
{
    int common = sx > sy ? sx : sy;
    dec_u256 sum;
    int neg;
    if (dec_add_wide(dec_widen(x, common - sx), x < 0, dec_widen(y, common - sy),
                     sub ? y > 0 : y < 0, &sum, &neg) != 0)
        return -1;
    u128 q;
    if (common >= s) {
        if (dec_div_wide_pow10_round(sum, common - s, &q) != 0) return -1;
    } else {
        if (sum.hi != 0 || dec_mul_wide_by(sum, dec_pow10(s - common), &sum) != 0 || sum.hi != 0)
            return -1;
        q = sum.lo;
    }
    if (q >> 127) return -1;
    *r = neg ? -(i128)q : (i128)q;
    return 0;
}

/* x % y (y != 0) exactly at the larger of their scales, past 128 bits,
   then rounded half up to scale s; the sign is x's, as Java's remainder. */
static int wide_mod(i128 x, int sx, i128 y, int sy, int s, i128 *r)
{
    int common = sx > sy ? sx : sy;
    dec_u256 ys = dec_widen(y, common - sy);
    if (ys.hi != 0) { /* |y| past 128 bits at the common scale: more than |x| */
        dec_u256 xs = dec_widen(x, common - sx);
        if (xs.hi != 0) return -1;
        return dec_rescale(x < 0 ? -(i128)xs.lo : (i128)xs.lo, common, s, r);
    }
    u128 m = dec_mod_wide(dec_widen(x, common - sx), ys.lo);
    if (m >> 127) return -1;
    return dec_rescale(x < 0 ? -(i128)m : (i128)m, common, s, r);
}

/* One decimal operation; -1 when the result is NULL (overflow, zero
   divisor). */
static int decimal_op(int32_t op, i128 x, int sx, i128 y, int sy, int p, int s, i128 *r)
{
    switch (op) {
    case TIDE_ADD:
    case TIDE_SUB: {
        int common = sx > sy ? sx : sy;
        i128 xs, ys, sum;
        if (dec_rescale(x, sx, common, &xs) != 0 || dec_rescale(y, sy, common, &ys) != 0 ||
            (op == TIDE_SUB ? __builtin_sub_overflow(xs, ys, &sum)
                            : __builtin_add_overflow(xs, ys, &sum))) {
            if (wide_add(x, sx, y, sy, op == TIDE_SUB, s, r) != 0) return -1;
            break;
        }
        if (dec_rescale(sum, common, s, r) != 0) return -1;
        break;
    }
    case TIDE_MUL: {
        /* Two 64-bit values at the product's own scale (an int column
           times a short literal): one exact multiplication. */
        if (sx + sy == s && x == (int64_t)x && y == (int64_t)y) {
            *r = (i128)(int64_t)x * (int64_t)y;
            break;
        }
        /* The exact product has scale sx + sy; round it to s. */
        dec_u256 prod = dec_mul_wide(dec_abs(x), dec_abs(y));
        int drop = sx + sy - s;
        u128 q;
        if (drop >= 0) {
            if (dec_div_wide_pow10_round(prod, drop, &q) != 0) return -1;
        } else {
            if (prod.hi != 0 || dec_div_wide_round(dec_mul_wide(prod.lo, dec_pow10(-drop)), 1, &q) != 0)
                return -1;
        }
        if (q >> 127) return -1;
        *r = ((x < 0) != (y < 0)) ? -(i128)q : (i128)q;
        break;
    }
    case TIDE_DIV: {
        if (y == 0) return -1;
        /* x / y at scale s is x * 10^(s - sx + sy) / y. */
        int e = s - sx + sy;
        u128 num = dec_abs(x), den = dec_abs(y), q;
        dec_u256 wide;
        if (e >= 0) {
            /* (past 10^38 in two steps: a product past 256 bits is a
               quotient past 10^38, which no decimal holds) */
            wide = dec_mul_wide(num, dec_pow10(e > 38 ? 38 : e));
            if (e > 38 && dec_mul_wide_by(wide, dec_pow10(e - 38), &wide) != 0) return -1;
        } else {
            if (-e > 38) return -1;
            dec_u256 d = dec_mul_wide(den, dec_pow10(-e));
            if (d.hi != 0) {
                *r = 0; /* |x| < 10^38 is far below half of such a divisor */
                return 0;
            }
            den = d.lo;
            wide.hi = 0;
            wide.lo = num;
        }
        if (dec_div_wide_round(wide, den, &q) != 0) return -1;
        if (q >> 127) return -1;
        *r = ((x < 0) != (y < 0)) ? -(i128)q : (i128)q;
        break;
    }
    case TIDE_MOD: {
        if (y == 0) return -1;
        int common = sx > sy ? sx : sy;
        i128 xs, ys;
        if (dec_rescale(x, sx, common, &xs) != 0 || dec_rescale(y, sy, common, &ys) != 0) {
            if (wide_mod(x, sx, y, sy, s, r) != 0) return -1;
            break;
        }
        if (dec_rescale(xs % ys, common, s, r) != 0) return -1;
        break;
    }
    default: return -1;
    }
    return dec_fits(*r, p) ? 0 : -1;
}

static int decimal_arith(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                         int32_t p, int32_t s, tide_column *dst)
{
    int64_t n = a->length;
    const char *x = a->values, *y = b->values;
    char *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        i128 v;
        if (decimal_op(op, dec_load(x + 16 * i), a->scale, dec_load(y + 16 * i), b->scale, p, s, &v) != 0) {
            if (mark_null(out, dst, i) != 0) return -1;
        } else {
            dec_store(r + 16 * i, v);
        }
    }
    return 0;
}

int tide_eval_arith(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                    int32_t precision, int32_t scale, tide_column *dst, char *errbuf,
                    size_t errlen)
{
    int32_t type = a->type;
    if (a->length != b->length)
        return kernel_error(errbuf, errlen, "operands of %lld and %lld rows", (long long)a->length,
                            (long long)b->length);
    if (type != b->type)
        return kernel_error(errbuf, errlen, "arithmetic on columns of different types (%d, %d)",
                            a->type, b->type);
    if (type == TIDE_DECIMAL &&
        (precision < 1 || precision > 38 || scale < 0 || scale > precision))
        return kernel_error(errbuf, errlen, "decimal(%d,%d) is not a valid type", precision, scale);
    if (type != TIDE_DECIMAL) precision = scale = 0;
    if (kernel_alloc(out, dst, "", type, precision, scale, a->length, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int rc;
    switch (type) {
    case TIDE_INT32:
    case TIDE_INT64: rc = int_arith(out, op, a, b, dst); break;
    case TIDE_FLOAT32:
    case TIDE_FLOAT64: rc = float_arith(out, op, a, b, dst); break;
    case TIDE_DECIMAL: rc = decimal_arith(out, op, a, b, precision, scale, dst); break;
    default: return kernel_error(errbuf, errlen, "arithmetic needs numbers, not type %d", type);
    }
    if (rc < 0) return kernel_error(errbuf, errlen, "out of memory");
    if (rc > 0) return kernel_error(errbuf, errlen, "operator %d does not apply to type %d", op, type);
    kernel_finish(dst);
    return 0;
}

/* trunc(x / y) of decimals x (scale sx) and y (scale sy), y != 0, into
   *q as a magnitude; -1 when it passes 128 bits. */
static int decimal_quot(i128 x, int sx, i128 y, int sy, u128 *q)
{
    u128 rem;
    if (sx >= sy) { /* |x| / (|y| * 10^(sx - sy)) */
        dec_u256 den = dec_widen(y, sx - sy);
        if (den.hi != 0) { /* a divisor past 10^38: more than |x| */
            *q = 0;
            return 0;
        }
        *q = dec_abs(x) / den.lo;
        return 0;
    }
    return dec_div_wide(dec_widen(x, sy - sx), dec_abs(y), q, &rem);
}

int tide_eval_decimal_quot(tide_batch *out, const tide_column *a, const tide_column *b,
                           tide_column *dst, char *errbuf, size_t errlen)
{
    if (a->type != TIDE_DECIMAL || b->type != TIDE_DECIMAL || a->length != b->length)
        return kernel_error(errbuf, errlen, "div needs two decimal columns of one length");
    /* IntegralDivide's decimal(p1 - s1 + s2, 0), at most 38 digits */
    int digits = a->precision - a->scale + b->scale;
    if (digits > 38) digits = 38;
    if (digits < 1) digits = 1;
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, a->length, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const char *x = a->values, *y = b->values;
    int64_t *r = dst->values;
    for (int64_t i = 0; i < a->length; i++) {
        if (!tide_valid(dst, i)) continue;
        i128 xv = dec_load(x + 16 * i), yv = dec_load(y + 16 * i);
        u128 q;
        if (yv == 0 || decimal_quot(xv, a->scale, yv, b->scale, &q) != 0 ||
            q >= dec_pow10(digits)) {
            if (mark_null(out, dst, i) != 0) return kernel_error(errbuf, errlen, "out of memory");
            continue;
        }
        /* Decimal.toLong: BigDecimal.longValue, the low 64 bits */
        uint64_t low = (uint64_t)q;
        r[i] = (int64_t)(((xv < 0) != (yv < 0)) ? 0 - low : low);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_negate(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                     size_t errlen)
{
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", a->type, a->precision, a->scale, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    switch (a->type) {
    case TIDE_INT32:
        for (int64_t i = 0; i < n; i++)
            ((int32_t *)dst->values)[i] = (int32_t)(0u - (uint32_t)((const int32_t *)a->values)[i]);
        break;
    case TIDE_INT64:
        for (int64_t i = 0; i < n; i++)
            ((int64_t *)dst->values)[i] = (int64_t)(0u - (uint64_t)((const int64_t *)a->values)[i]);
        break;
    case TIDE_FLOAT32:
        for (int64_t i = 0; i < n; i++) ((float *)dst->values)[i] = -((const float *)a->values)[i];
        break;
    case TIDE_FLOAT64:
        for (int64_t i = 0; i < n; i++) ((double *)dst->values)[i] = -((const double *)a->values)[i];
        break;
    case TIDE_DECIMAL:
        for (int64_t i = 0; i < n; i++)
            dec_store((char *)dst->values + 16 * i, -dec_load((const char *)a->values + 16 * i));
        break;
    default: return kernel_error(errbuf, errlen, "unary minus needs a number, not type %d", a->type);
    }
    kernel_finish(dst);
    return 0;
}
