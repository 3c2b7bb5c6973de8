/*
 * sample.c — per-row uniform draws for sample() and randomSplit(): a row's
 * draw is a hash of (seed, row index), so it does not depend on how the
 * rows are split into batches or on the order the splits are computed in,
 * and the same seed always picks the same rows.
 */
#include "ffi/frame_ops.h"

/* splitmix64's finalizer: a bijection that mixes every bit. */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

int64_t tide_sample_rows(int64_t num_rows, int64_t first_index, uint64_t seed, double lo,
                         double hi, int64_t *out)
{
    uint64_t key = mix(seed);
    int64_t n = 0;
    for (int64_t r = 0; r < num_rows; r++) {
        uint64_t h = mix(key ^ mix((uint64_t)(first_index + r)));
        double u = (double)(h >> 11) * (1.0 / 9007199254740992.0); /* 53 bits: [0, 1) */
        if (u >= lo && u < hi) out[n++] = r;
    }
    return n;
}
