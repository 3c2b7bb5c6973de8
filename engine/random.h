/*
 * random.h — the random numbers of the kernels that make them (uuid,
 * shuffle): SplitMix64 (Steele, Lea and Flood), whose every output of a
 * seed is a good seed of another, so that a row's numbers can come from
 * its own position and the answer need not depend on how rows are cut
 * into slices. Not part of the FFI.
 */
#ifndef TIDE_RANDOM_H
#define TIDE_RANDOM_H

#include "ffi/misc.h"

#include <stdint.h>

/* The next number of *state's sequence. */
static inline uint64_t tide_random_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A state for the numbers of item `k` of the sequence seeded by seed. */
static inline uint64_t tide_random_at(uint64_t seed, uint64_t k)
{
    uint64_t s = seed ^ (k * 0xD1B54A32D192ED03ULL);
    return tide_random_next(&s);
}

#endif
