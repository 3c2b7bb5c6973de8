/*
 * digits.h — decimal digits of integers, two at a time from a table: the
 * formatting behind to_json, casts to string and decimal text, which run
 * once per value on the hot paths (a division per digit, or a 128-bit
 * division, costs several times more).
 *
 * tide_u64_digits(u, out) writes u's digits (no sign, no terminator) to
 * out, which has room for 20 bytes, and returns how many it wrote.
 * tide_i64_digits(v, out) does the same with a leading '-' for negatives
 * (room for 21 bytes). tide_u128_digits(u, out) for 128-bit magnitudes
 * (room for 39 bytes).
 */
#ifndef TIDE_DIGITS_H
#define TIDE_DIGITS_H
#include <stdint.h>
#include <string.h>

static const char tide_digit_pairs[201] = "00010203040506070809"
                                          "10111213141516171819"
                                          "20212223242526272829"
                                          "30313233343536373839"
                                          "40414243444546474849"
                                          "50515253545556575859"
                                          "60616263646566676869"
                                          "70717273747576777879"
                                          "80818283848586878889"
                                          "90919293949596979899";

static inline int tide_u64_digit_count(uint64_t u)
{
    int n = 1;
    for (;;) {
        if (u < 10) return n;
        if (u < 100) return n + 1;
        if (u < 1000) return n + 2;
        if (u < 10000) return n + 3;
        u /= 10000;
        n += 4;
    }
}

/* Writes exactly `n` digits of u (the low ones), right-aligned in out. */
static inline void tide_u64_digits_n(uint64_t u, char *out, int n)
{
    char *p = out + n;
    while (n >= 2) {
        unsigned k = (unsigned)(u % 100) * 2;
        u /= 100;
        p -= 2;
        memcpy(p, tide_digit_pairs + k, 2);
        n -= 2;
    }
    if (n) *--p = (char)('0' + (int)(u % 10));
}

static inline int tide_u64_digits(uint64_t u, char *out)
{
    int n = tide_u64_digit_count(u);
    tide_u64_digits_n(u, out, n);
    return n;
}

static inline int tide_i64_digits(int64_t v, char *out)
{
    if (v >= 0) return tide_u64_digits((uint64_t)v, out);
    *out = '-';
    return 1 + tide_u64_digits((uint64_t)0 - (uint64_t)v, out + 1);
}

static inline int tide_u128_digits(unsigned __int128 u, char *out)
{
    if (u <= UINT64_MAX) return tide_u64_digits((uint64_t)u, out);
    /* One 128-bit division splits off the low 19 digits; a magnitude below
       10^38 leaves a high part below 10^19, so both halves are 64-bit. */
    const uint64_t e19 = 10000000000000000000ULL;
    unsigned __int128 hi = u / e19;
    uint64_t lo = (uint64_t)(u - hi * e19);
    int n;
    if (hi <= UINT64_MAX) {
        n = tide_u64_digits((uint64_t)hi, out);
    } else { /* beyond 10^38: only a full 128-bit value gets here */
        unsigned __int128 top = hi / e19;
        n = tide_u64_digits((uint64_t)top, out);
        tide_u64_digits_n((uint64_t)(hi - top * e19), out + n, 19);
        n += 19;
    }
    tide_u64_digits_n(lo, out + n, 19);
    return n + 19;
}

#endif
