/*
 * spark_hash.h — the bytes Spark's hash functions (HashExpression: hash's
 * Murmur3 in eval_digest.c, xxhash64 in eval_hash.c) take from the values
 * they do not hash as they are stored: a float or double as its bits with
 * -0.0 as 0.0 and NaN as one NaN, and a decimal wider than a long as
 * BigInteger.toByteArray of its unscaled value. Not part of the FFI.
 */
#ifndef TIDE_SPARK_HASH_H
#define TIDE_SPARK_HASH_H
#include "decimal128.h"

#include <stdint.h>
#include <string.h>

/* Float.floatToIntBits of f, -0.0 taken as 0.0. */
static inline uint32_t spark_hash_float_bits(float f)
{
    uint32_t bits = 0x7fc00000u; /* floatToIntBits: one NaN */
    if (f == 0.0f) f = 0.0f;     /* -0.0 hashes as 0.0 */
    if (f == f) memcpy(&bits, &f, 4);
    return bits;
}

/* Double.doubleToLongBits of d, -0.0 taken as 0.0. */
static inline uint64_t spark_hash_double_bits(double d)
{
    uint64_t bits = 0x7ff8000000000000ull;
    if (d == 0.0) d = 0.0;
    if (d == d) memcpy(&bits, &d, 8);
    return bits;
}

/* BigInteger.toByteArray of v: big-endian two's complement, the shortest
   form that keeps the sign bit. The bytes are written into b; returns
   where they start, *len their count. */
static inline const unsigned char *spark_hash_decimal_bytes(i128 v, unsigned char b[16],
                                                            int32_t *len)
{
    u128 u = (u128)v;
    for (int k = 0; k < 16; k++)
        b[15 - k] = (unsigned char)(u >> (8 * k));
    int start = 0;
    while (start < 15 && ((b[start] == 0x00 && !(b[start + 1] & 0x80)) ||
                          (b[start] == 0xff && (b[start + 1] & 0x80))))
        start++;
    *len = 16 - start;
    return b + start;
}

#endif
