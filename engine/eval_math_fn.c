/*
 * eval_math_fn.c — the math functions of doubles, width_bucket and rand
 * (contracts in ffi/math.h), as Spark 3.5 computes them in non-ANSI mode
 * (mathExpressions.scala, randomExpressions.scala):
 * - each function keeps Spark's formula, not the libm function of the
 *   same name where they differ: acosh(1e300) is Infinity in Spark (x * x
 *   overflows), so it is here too. The functions come from the C
 *   library, whose results are Java's but for some arguments, by one bit
 *   in the last place (Java computes most of them with fdlibm); cbrt goes
 *   through the long double cbrtl, so that a cube's root is exact, as
 *   Java's is (cbrt(27.0) is 3.0).
 * - rand and randn replay Spark's XORShiftRandom (a java.util.Random whose
 *   seed is hashed with Scala's MurmurHash3 and whose next() is an
 *   xorshift): the same seed gives Spark's sequence of values.
 * Types and coercions are decided in Lua (tide.eval_math).
 */
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

/* ---- functions of one double ------------------------------------------------------ */

/* The long double root rounded once: exact for cubes (glibc's double
   cbrt(27.0) is 3.0000000000000004). */
static double java_cbrt(double x)
{
    return (double)cbrtl(x);
}

static double spark_cot(double x)
{
    return 1 / tan(x);
}

static double spark_sec(double x)
{
    return 1 / cos(x);
}

static double spark_csc(double x)
{
    return 1 / sin(x);
}

static double spark_asinh(double x)
{
    /* x + sqrt(x * x + 1) is Infinity - Infinity (NaN) at -Infinity. */
    return x == -INFINITY ? x : log(x + sqrt(x * x + 1.0));
}

static double spark_acosh(double x)
{
    return log(x + sqrt(x * x - 1.0));
}

static double spark_atanh(double x)
{
    return 0.5 * (log1p(x) - log1p(-x));
}

/* Java 9+'s Math.toRadians and toDegrees: one multiplication by a
   constant (Java 8 divided by 180 and multiplied by pi, which differs in
   the last bit for some angles). */
static double java_radians(double x)
{
    return x * 0.017453292519943295;
}

static double java_degrees(double x)
{
    return x * 57.29577951308232;
}

typedef double (*unary_fn)(double);

static unary_fn unary_of(int32_t fn)
{
    switch (fn) {
    case TIDE_FN_SIN:
        return sin;
    case TIDE_FN_COS:
        return cos;
    case TIDE_FN_TAN:
        return tan;
    case TIDE_FN_COT:
        return spark_cot;
    case TIDE_FN_SEC:
        return spark_sec;
    case TIDE_FN_CSC:
        return spark_csc;
    case TIDE_FN_ASIN:
        return asin;
    case TIDE_FN_ACOS:
        return acos;
    case TIDE_FN_ATAN:
        return atan;
    case TIDE_FN_SINH:
        return sinh;
    case TIDE_FN_COSH:
        return cosh;
    case TIDE_FN_TANH:
        return tanh;
    case TIDE_FN_ASINH:
        return spark_asinh;
    case TIDE_FN_ACOSH:
        return spark_acosh;
    case TIDE_FN_ATANH:
        return spark_atanh;
    case TIDE_FN_RADIANS:
        return java_radians;
    case TIDE_FN_DEGREES:
        return java_degrees;
    case TIDE_FN_LOG1P:
        return log1p;
    case TIDE_FN_EXPM1:
        return expm1;
    case TIDE_FN_CBRT:
        return java_cbrt;
    case TIDE_FN_RINT:
        return rint; /* round-to-nearest-even: Math.rint */
    default:
        return NULL;
    }
}

int tide_eval_math_fn(tide_batch *out, int32_t fn, const tide_column *a, tide_column *dst,
                      char *errbuf, size_t errlen)
{
    unary_fn f = unary_of(fn);
    if (!f) return kernel_error(errbuf, errlen, "unknown math function %d", fn);
    if (a->type != TIDE_FLOAT64)
        return kernel_error(errbuf, errlen, "math functions need doubles, not type %d", a->type);
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", TIDE_FLOAT64, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const double *x = a->values;
    double *r = dst->values;
    if (fn == TIDE_FN_LOG1P) {
        /* Hive's rule, kept by Spark: NULL at the asymptote and below. */
        for (int64_t i = 0; i < n; i++) {
            if (!tide_valid(dst, i)) continue;
            if (x[i] <= -1.0) {
                if (set_null(out, dst, i) != 0)
                    return kernel_error(errbuf, errlen, "out of memory");
                continue;
            }
            r[i] = log1p(x[i]);
        }
    } else {
        for (int64_t i = 0; i < n; i++)
            r[i] = f(x[i]);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_math_fn2(tide_batch *out, int32_t fn, const tide_column *a, const tide_column *b,
                       tide_column *dst, char *errbuf, size_t errlen)
{
    if (fn != TIDE_FN_ATAN2 && fn != TIDE_FN_HYPOT)
        return kernel_error(errbuf, errlen, "unknown math function %d", fn);
    if (a->type != TIDE_FLOAT64 || b->type != TIDE_FLOAT64)
        return kernel_error(errbuf, errlen, "math functions need doubles, not types %d and %d",
                            a->type, b->type);
    if (a->length != b->length)
        return kernel_error(errbuf, errlen, "operands of %lld and %lld rows", (long long)a->length,
                            (long long)b->length);
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", TIDE_FLOAT64, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const double *x = a->values, *y = b->values;
    double *r = dst->values;
    if (fn == TIDE_FN_ATAN2) {
        /* Spark adds 0.0 so that interpreted and generated code agree:
           atan2(-0.0, -1) is pi, not -pi. */
        for (int64_t i = 0; i < n; i++)
            r[i] = atan2(x[i] + 0.0, y[i] + 0.0);
    } else {
        for (int64_t i = 0; i < n; i++)
            r[i] = hypot(x[i], y[i]);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- width_bucket ------------------------------------------------------------------ */

/* WidthBucket.computeBucketNumberNotNull, with Java's (long) cast of the
   quotient and its wrapping + 1 (a count near 2^63 wraps in Spark too). */
static int64_t bucket_of(double v, double lo, double hi, int64_t buckets)
{
    double lower = fmin(lo, hi), upper = fmax(lo, hi);
    int64_t k;
    if (lo < hi) {
        if (v < lower) return 0;
        if (v >= upper) return (int64_t)((uint64_t)buckets + 1u);
        k = kernel_java_d2l((double)buckets * (v - lower) / (upper - lower));
    } else {
        if (v > upper) return 0;
        if (v <= lower) return (int64_t)((uint64_t)buckets + 1u);
        k = kernel_java_d2l((double)buckets * (upper - v) / (upper - lower));
    }
    return (int64_t)((uint64_t)k + 1u);
}

int tide_eval_width_bucket(tide_batch *out, const tide_column *v, const tide_column *lo,
                           const tide_column *hi, const tide_column *n, tide_column *dst,
                           char *errbuf, size_t errlen)
{
    if (v->type != TIDE_FLOAT64 || lo->type != TIDE_FLOAT64 || hi->type != TIDE_FLOAT64 ||
        n->type != TIDE_INT64)
        return kernel_error(errbuf, errlen, "width_bucket needs three doubles and a bigint");
    int64_t rows = v->length;
    if (lo->length != rows || hi->length != rows || n->length != rows)
        return kernel_error(errbuf, errlen, "width_bucket's arguments differ in length");
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, rows, 0) != 0 ||
        kernel_validity_and(out, dst, v, lo) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const double *x = v->values, *a = lo->values, *b = hi->values;
    const int64_t *k = n->values;
    int64_t *r = dst->values;
    for (int64_t i = 0; i < rows; i++) {
        if (!tide_valid(dst, i)) continue;
        if (!tide_valid(hi, i) || !tide_valid(n, i) || k[i] <= 0 || k[i] == INT64_MAX ||
            isnan(x[i]) || a[i] == b[i] || !isfinite(a[i]) || !isfinite(b[i])) {
            if (set_null(out, dst, i) != 0) return kernel_error(errbuf, errlen, "out of memory");
            continue;
        }
        r[i] = bucket_of(x[i], a[i], b[i], k[i]);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- rand, randn: Spark's XORShiftRandom ----------------------------------------------- */

static uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

static uint32_t murmur_mix_last(uint32_t h, uint32_t k)
{
    k *= 0xcc9e2d51u;
    k = rotl32(k, 15);
    k *= 0x1b873593u;
    return h ^ k;
}

/* scala.util.hashing.MurmurHash3.bytesHash of 8 bytes (two whole blocks,
   no tail). */
static uint32_t murmur_bytes8(const uint8_t *data, uint32_t seed)
{
    uint32_t h = seed;
    for (int i = 0; i < 8; i += 4) {
        uint32_t k = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 |
                     (uint32_t)data[i + 3] << 24;
        h = rotl32(murmur_mix_last(h, k), 13) * 5u + 0xe6546b64u;
    }
    h ^= 8u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/* XORShiftRandom.hashSeed: the seed's big-endian bytes hashed twice. */
static uint64_t xorshift_hash_seed(int64_t seed)
{
    uint8_t bytes[8];
    for (int i = 0; i < 8; i++)
        bytes[i] = (uint8_t)((uint64_t)seed >> (56 - 8 * i));
    uint32_t low = murmur_bytes8(bytes, 0x3c074a61u);
    uint32_t high = murmur_bytes8(bytes, low);
    return (uint64_t)high << 32 | low;
}

/* XORShiftRandom.next(bits). */
static uint32_t xorshift_next(uint64_t *s, int bits)
{
    uint64_t x = *s ^ (*s << 21);
    x ^= x >> 35;
    x ^= x << 4;
    *s = x;
    return (uint32_t)(x & ((UINT64_C(1) << bits) - 1));
}

/* java.util.Random.nextDouble over that next(). */
static double xorshift_double(uint64_t *s)
{
    uint64_t hi = xorshift_next(s, 26), lo = xorshift_next(s, 27);
    return (double)((hi << 27) + lo) * 0x1.0p-53;
}

int tide_eval_rand(tide_batch *out, int64_t rows, int64_t seed, int32_t gaussian, tide_column *dst,
                   char *errbuf, size_t errlen)
{
    if (rows < 0) return kernel_error(errbuf, errlen, "rand of %lld rows", (long long)rows);
    if (kernel_alloc(out, dst, "", TIDE_FLOAT64, 0, 0, rows, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    double *r = dst->values;
    uint64_t s = xorshift_hash_seed(seed);
    if (!gaussian) {
        for (int64_t i = 0; i < rows; i++)
            r[i] = xorshift_double(&s);
    } else {
        /* Random.nextGaussian: Marsaglia's polar method, the second value
           of each pair kept for the next row. */
        for (int64_t i = 0; i < rows; i += 2) {
            double v1, v2, q;
            do {
                v1 = 2 * xorshift_double(&s) - 1;
                v2 = 2 * xorshift_double(&s) - 1;
                q = v1 * v1 + v2 * v2;
            } while (q >= 1 || q == 0);
            double m = sqrt(-2 * log(q) / q);
            r[i] = v1 * m;
            if (i + 1 < rows) r[i + 1] = v2 * m;
        }
    }
    kernel_finish(dst);
    return 0;
}
