/*
 * eval_hash.c — Spark's xxhash64 (contract in ffi/eval.h): XXH64 with
 * seed 42 chained over the arguments, each value hashed as Spark's
 * XxHash64Function encodes it (HashExpression in Spark's catalyst): ints
 * and booleans as 4 little-endian bytes, bigint and timestamps as 8,
 * float/double as their IEEE bits (-0.0 as 0.0, NaN canonical), strings
 * and binary as their bytes, decimals of precision <= 18 as the unscaled
 * long, wider ones as BigInteger.toByteArray of the unscaled value, struct
 * fields in order. A NULL value leaves the running hash unchanged.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "kernel.h"
#include "spark_hash.h"

#include <math.h>

static uint64_t hash_int(int32_t v, uint64_t seed)
{
    uint8_t b[4];
    uint32_t u = (uint32_t)v;
    for (int k = 0; k < 4; k++) b[k] = (uint8_t)(u >> (8 * k));
    return XXH64(b, 4, seed);
}

static uint64_t hash_long(int64_t v, uint64_t seed)
{
    uint8_t b[8];
    uint64_t u = (uint64_t)v;
    for (int k = 0; k < 8; k++) b[k] = (uint8_t)(u >> (8 * k));
    return XXH64(b, 8, seed);
}

static uint64_t hash_decimal(const tide_column *c, int64_t row, uint64_t seed)
{
    i128 v = dec_load((const char *)c->values + 16 * row);
    if (c->precision <= 18) return hash_long((int64_t)v, seed);
    unsigned char b[16];
    int32_t len;
    const unsigned char *p = spark_hash_decimal_bytes(v, b, &len);
    return XXH64(p, (size_t)len, seed);
}

/* The hash of row `row` of c chained onto seed (c valid there). */
static uint64_t hash_value(const tide_column *c, int64_t row, uint64_t seed)
{
    switch (c->type) {
    case TIDE_BOOL: return hash_int(((const uint8_t *)c->values)[row] ? 1 : 0, seed);
    case TIDE_INT32:
    case TIDE_DATE: return hash_int(((const int32_t *)c->values)[row], seed);
    case TIDE_INT64:
    case TIDE_TIMESTAMP: return hash_long(((const int64_t *)c->values)[row], seed);
    case TIDE_FLOAT32:
        return hash_int((int32_t)spark_hash_float_bits(((const float *)c->values)[row]), seed);
    case TIDE_FLOAT64:
        return hash_long((int64_t)spark_hash_double_bits(((const double *)c->values)[row]), seed);
    case TIDE_DECIMAL: return hash_decimal(c, row, seed);
    case TIDE_STRING:
    case TIDE_BINARY: {
        int32_t len;
        const char *p = tide_column_bytes(c, row, &len);
        return XXH64(p, (size_t)len, seed);
    }
    case TIDE_STRUCT:
        for (int32_t k = 0; k < c->num_children; k++)
            if (tide_valid(&c->children[k], row)) seed = hash_value(&c->children[k], row, seed);
        return seed;
    case TIDE_ARRAY:
    case TIDE_MAP: {
        /* Spark's: each element in turn (a map's key, then value), nulls
           leaving the hash as it is */
        const int64_t *off = c->values;
        for (int64_t e = off[row]; e < off[row + 1]; e++)
            for (int32_t k = 0; k < c->num_children; k++)
                if (tide_valid(&c->children[k], e)) seed = hash_value(&c->children[k], e, seed);
        return seed;
    }
    default: return seed;
    }
}

int tide_eval_xxhash64(tide_batch *out, const tide_column *const *args, int32_t n, int64_t seed,
                       int64_t rows, tide_column *dst, char *errbuf, size_t errlen)
{
    for (int32_t a = 0; a < n; a++)
        if (args[a]->length != rows)
            return kernel_error(errbuf, errlen, "xxhash64: argument %d has %lld rows, not %lld", a + 1,
                                (long long)args[a]->length, (long long)rows);
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, rows, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint64_t *h = dst->values;
    for (int64_t i = 0; i < rows; i++) h[i] = (uint64_t)seed;
    for (int32_t a = 0; a < n; a++) {
        const tide_column *c = args[a];
        if (c->type == TIDE_INT64 && !c->validity) {
            const int64_t *v = c->values;
            for (int64_t i = 0; i < rows; i++) h[i] = hash_long(v[i], h[i]);
            continue;
        }
        for (int64_t i = 0; i < rows; i++)
            if (tide_valid(c, i)) h[i] = hash_value(c, i, h[i]);
    }
    return 0;
}
