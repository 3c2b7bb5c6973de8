/*
 * decimal128.h — arithmetic on decimal(38, s) values (128-bit two's
 * complement integers scaled by 10^s) for the kernels: rescaling with
 * Spark's rounding (half up, away from zero), precision checks, and the
 * 256-bit intermediates that exact multiplication and division need.
 */
#ifndef TIDE_DECIMAL128_H
#define TIDE_DECIMAL128_H
#include <stdint.h>
#include <string.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

static inline i128 dec_load(const void *p)
{
    i128 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void dec_store(void *p, i128 v)
{
    memcpy(p, &v, sizeof v);
}

/* 10^n for 0 <= n <= 38: a table, as kernels ask for it per row. */
static inline u128 dec_pow10(int n)
{
#define E19 ((u128)10000000000000000000ULL)
    static const u128 table[39] = {
        (u128)1ULL, (u128)10ULL,
        (u128)100ULL, (u128)1000ULL,
        (u128)10000ULL, (u128)100000ULL,
        (u128)1000000ULL, (u128)10000000ULL,
        (u128)100000000ULL, (u128)1000000000ULL,
        (u128)10000000000ULL, (u128)100000000000ULL,
        (u128)1000000000000ULL, (u128)10000000000000ULL,
        (u128)100000000000000ULL, (u128)1000000000000000ULL,
        (u128)10000000000000000ULL, (u128)100000000000000000ULL,
        (u128)1000000000000000000ULL, (u128)10000000000000000000ULL,
        E19 * 10ULL, E19 * 100ULL,
        E19 * 1000ULL, E19 * 10000ULL,
        E19 * 100000ULL, E19 * 1000000ULL,
        E19 * 10000000ULL, E19 * 100000000ULL,
        E19 * 1000000000ULL, E19 * 10000000000ULL,
        E19 * 100000000000ULL, E19 * 1000000000000ULL,
        E19 * 10000000000000ULL, E19 * 100000000000000ULL,
        E19 * 1000000000000000ULL, E19 * 10000000000000000ULL,
        E19 * 100000000000000000ULL, E19 * 1000000000000000000ULL,
        E19 * 10000000000000000000ULL};
#undef E19
    return table[n];
}

static inline u128 dec_abs(i128 v)
{
    return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

/* Whether v has at most `precision` digits. */
static inline int dec_fits(i128 v, int precision)
{
    return dec_abs(v) < dec_pow10(precision);
}

/* Divides by 10^k (k <= 38), rounding half away from zero. */
static inline i128 dec_div_pow10_round(i128 v, int k)
{
    if (k <= 0) return v;
    u128 p = dec_pow10(k), a = dec_abs(v);
    u128 q = a / p, r = a % p;
    if (r >= p - r) q++; /* r >= p/2 without overflow */
    return v < 0 ? -(i128)q : (i128)q;
}

/* v from scale `from` to scale `to`: more digits multiply, fewer divide
   and round half up. -1 when the result does not fit 128 bits. */
static inline int dec_rescale(i128 v, int from, int to, i128 *out)
{
    if (to >= from) {
        if (to - from > 38) return v == 0 ? (*out = 0, 0) : -1;
        i128 r;
        if (__builtin_mul_overflow(v, (i128)dec_pow10(to - from), &r)) return -1;
        *out = r;
        return 0;
    }
    if (from - to > 38) {
        *out = 0;
        return 0;
    }
    *out = dec_div_pow10_round(v, from - to);
    return 0;
}

/* ---- 256-bit intermediates -------------------------------------------- */

typedef struct {
    u128 hi, lo;
} dec_u256;

static inline dec_u256 dec_mul_wide(u128 a, u128 b)
{
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
    u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
    dec_u256 r;
    r.lo = (mid << 64) | (uint64_t)p00;
    r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    return r;
}

/* n * m into *out; -1 when it passes 256 bits. */
static inline int dec_mul_wide_by(dec_u256 n, u128 m, dec_u256 *out)
{
    dec_u256 low = dec_mul_wide(n.lo, m), high = dec_mul_wide(n.hi, m);
    if (high.hi != 0 || __builtin_add_overflow(low.hi, high.lo, &out->hi)) return -1;
    out->lo = low.lo;
    return 0;
}

/* n / d truncated into *q, the remainder into *rem; -1 when d is 0 or the
   quotient passes 128 bits. Long division bit by bit: only the rare wide
   cases come here. */
static inline int dec_div_wide(dec_u256 n, u128 d, u128 *q, u128 *rem)
{
    if (d == 0) return -1;
    if (n.hi == 0) {
        *q = n.lo / d, *rem = n.lo % d;
        return 0;
    }
    if (n.hi >= d) return -1; /* the quotient needs more than 128 bits */
    u128 r = 0, quo = 0;
    for (int i = 255; i >= 0; i--) {
        int carry = (int)(r >> 127);
        u128 bit = i >= 128 ? (n.hi >> (i - 128)) & 1 : (n.lo >> i) & 1;
        r = (r << 1) | bit;
        if (carry || r >= d) {
            r -= d;
            if (i < 128) quo |= (u128)1 << i;
        }
    }
    *q = quo, *rem = r;
    return 0;
}

/* n % d (d > 0), whatever the quotient's size. */
static inline u128 dec_mod_wide(dec_u256 n, u128 d)
{
    if (n.hi == 0) return n.lo % d;
    u128 r = 0;
    for (int i = 255; i >= 0; i--) {
        int carry = (int)(r >> 127);
        u128 bit = i >= 128 ? (n.hi >> (i - 128)) & 1 : (n.lo >> i) & 1;
        r = (r << 1) | bit;
        if (carry || r >= d) r -= d;
    }
    return r;
}

/* |v| * 10^k (0 <= k <= 38) as 256 bits. */
static inline dec_u256 dec_widen(i128 v, int k)
{
    return dec_mul_wide(dec_abs(v), dec_pow10(k));
}

/* a + b or a - b of two 256-bit magnitudes with signs (neg_a, neg_b),
   as a magnitude and *neg its sign; -1 when it passes 256 bits. */
static inline int dec_add_wide(dec_u256 a, int neg_a, dec_u256 b, int neg_b, dec_u256 *out,
                               int *neg)
{
    if (neg_a == neg_b) {
        u128 lo = a.lo + b.lo;
        u128 carry = lo < a.lo;
        if (__builtin_add_overflow(a.hi, b.hi, &out->hi) ||
            __builtin_add_overflow(out->hi, carry, &out->hi))
            return -1;
        out->lo = lo;
        *neg = neg_a;
        return 0;
    }
    int a_bigger = a.hi > b.hi || (a.hi == b.hi && a.lo >= b.lo);
    dec_u256 x = a_bigger ? a : b, y = a_bigger ? b : a;
    out->lo = x.lo - y.lo;
    out->hi = x.hi - y.hi - (x.lo < y.lo);
    *neg = a_bigger ? neg_a : neg_b;
    return 0;
}

/* n / d rounded half up into *q; -1 when d is 0 or the quotient passes
   128 bits. */
static inline int dec_div_wide_round(dec_u256 n, u128 d, u128 *q)
{
    if (d == 1) return n.hi != 0 ? -1 : (*q = n.lo, 0); /* a product at its own scale */
    u128 quo, rem;
    if (dec_div_wide(n, d, &quo, &rem) != 0) return -1;
    if (rem >= d - rem) {
        if (quo == ~(u128)0) return -1;
        quo++;
    }
    *q = quo;
    return 0;
}

/* n / 10^k (k <= 76) rounded half up into *q; -1 when the quotient passes
   128 bits. Past 10^38 in two steps: truncated by 10^38 first (n < 10^77
   leaves a quotient of 128 bits), then rounded, which rounds as one
   division would (the half of the second step is the half of the whole). */
static inline int dec_div_wide_pow10_round(dec_u256 n, int k, u128 *q)
{
    if (k <= 38) return dec_div_wide_round(n, dec_pow10(k), q);
    u128 high, rem;
    if (dec_div_wide(n, dec_pow10(38), &high, &rem) != 0) return -1;
    dec_u256 rest = {0, high};
    return dec_div_wide_round(rest, dec_pow10(k - 38), q);
}

#endif
