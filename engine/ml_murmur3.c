/*
 * ml_murmur3.c — MurmurHash3_x86_32 of bytes, as Spark's
 * Murmur3_x86_32.hashUnsafeBytes2 computes it (contract in ffi/ml.h): the
 * hash FeatureHasher (ml_vector.c) takes of a column's name, or of
 * "name=value", to find the feature's index.
 */
#include "batch.h"
#include "ffi/ml.h"

static inline uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

int32_t tide_ml_murmur3_32(const void *data, int32_t len, uint32_t seed)
{
    const uint8_t *p = data;
    const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
    uint32_t h1 = seed;
    int32_t blocks = len / 4;
    for (int32_t i = 0; i < blocks; i++) {
        uint32_t k1 = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                      (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
        k1 *= c1;
        k1 = rotl32(k1, 15);
        k1 *= c2;
        h1 ^= k1;
        h1 = rotl32(h1, 13);
        h1 = h1 * 5 + 0xe6546b64;
    }
    const uint8_t *tail = p + blocks * 4;
    uint32_t k1 = 0;
    switch (len & 3) {
    case 3:
        k1 ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2:
        k1 ^= (uint32_t)tail[1] << 8; /* fall through */
    case 1:
        k1 ^= tail[0];
        k1 *= c1;
        k1 = rotl32(k1, 15);
        k1 *= c2;
        h1 ^= k1;
    }
    h1 ^= (uint32_t)len;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >> 16;
    return (int32_t)h1;
}
