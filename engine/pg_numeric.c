/*
 * pg_numeric.c — PostgreSQL's binary numeric next to tide's decimal(38, s).
 * A binary numeric is int16 ndigits, int16 weight, uint16 sign, int16
 * dscale and ndigits base-10000 digits, all big-endian; value = sum of
 * digit[i] * 10000^(weight - i). Conversions are exact or refused: ids
 * beyond 2^63 must come back digit for digit.
 */
#include "pg_conn.h"

#include <stdint.h>
#include <string.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

#define NUMERIC_NEG 0x4000
#define NUMERIC_SPECIAL 0xC000

static int get16(const unsigned char *p) { return (p[0] << 8) | p[1]; }

static int signed16(int v) { return v >= 0x8000 ? v - 0x10000 : v; }

static u128 pow10_u128(int n)
{
    u128 p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

int tide_pgnum_read(const char *buf, int len, pg_numeric *out)
{
    const unsigned char *p = (const unsigned char *)buf;
    if (len < 8) return -1;
    out->ndigits = get16(p);
    out->weight = signed16(get16(p + 2));
    out->sign = get16(p + 4);
    out->dscale = get16(p + 6);
    out->digits = p + 8;
    if (out->ndigits < 0 || len != 8 + 2 * out->ndigits || out->dscale > 0x3FFF) return -1;
    for (int i = 0; i < out->ndigits; i++)
        if (get16(out->digits + 2 * i) >= 10000) return -1;
    return 0;
}

int tide_pgnum_is_special(const pg_numeric *n)
{
    return (n->sign & NUMERIC_SPECIAL) == NUMERIC_SPECIAL;
}

int tide_pgnum_int_digits(const pg_numeric *n)
{
    /* Leading zero digits do not count (PostgreSQL strips them anyway). */
    for (int i = 0; i < n->ndigits && n->weight - i >= 0; i++) {
        int d = get16(n->digits + 2 * i);
        if (d == 0) continue;
        int width = d >= 1000 ? 4 : d >= 100 ? 3 : d >= 10 ? 2 : 1;
        return 4 * (n->weight - i) + width;
    }
    return 0;
}

int tide_pgnum_to_decimal(const pg_numeric *n, int scale, void *out)
{
    if (tide_pgnum_is_special(n) || scale < 0 || scale > 38) return -1;
    const u128 limit = pow10_u128(38);
    u128 v = 0;
    for (int i = 0; i < n->ndigits; i++) {
        u128 d = (u128)get16(n->digits + 2 * i);
        if (d == 0) continue;
        int e = 4 * (n->weight - i) + scale;
        if (e >= 0) {
            if (e > 38) return -1;
            u128 term = d * pow10_u128(e); /* < 10^4 * 10^38: fits 128 bits */
            if (term >= limit) return -1;
            v += term;
            if (v >= limit) return -1;
        } else {
            if (e <= -4) return -1; /* digits beyond the scale */
            u128 p = pow10_u128(-e);
            if (d % p != 0) return -1;
            v += d / p;
            if (v >= limit) return -1;
        }
    }
    i128 r = (n->sign == NUMERIC_NEG) ? -(i128)v : (i128)v;
    memcpy(out, &r, sizeof r);
    return 0;
}

size_t tide_pgnum_text_size(const pg_numeric *n)
{
    size_t w = n->weight < 0 ? (size_t)-n->weight : (size_t)n->weight;
    return 16 + 4 * ((size_t)n->ndigits + w) + (size_t)n->dscale;
}

static int digit_at(const pg_numeric *n, int weight)
{
    int i = n->weight - weight;
    return i >= 0 && i < n->ndigits ? get16(n->digits + 2 * i) : 0;
}

int tide_pgnum_to_text(const pg_numeric *n, char *buf)
{
    if (tide_pgnum_is_special(n)) {
        const char *s = n->sign == 0xD000 ? "Infinity" : n->sign == 0xF000 ? "-Infinity" : "NaN";
        strcpy(buf, s);
        return (int)strlen(s);
    }
    char *p = buf;
    if (n->sign == NUMERIC_NEG) *p++ = '-';
    if (n->weight < 0) {
        *p++ = '0';
    } else {
        int started = 0;
        for (int w = n->weight; w >= 0; w--) {
            int d = digit_at(n, w);
            char tmp[5];
            for (int k = 3; k >= 0; k--) {
                tmp[k] = (char)('0' + d % 10);
                d /= 10;
            }
            for (int k = 0; k < 4; k++) {
                if (!started && tmp[k] == '0' && !(w == 0 && k == 3)) continue;
                started = 1;
                *p++ = tmp[k];
            }
        }
    }
    if (n->dscale > 0) {
        *p++ = '.';
        int left = n->dscale;
        for (int w = -1; left > 0; w--) {
            int d = digit_at(n, w);
            char tmp[4];
            for (int k = 3; k >= 0; k--) {
                tmp[k] = (char)('0' + d % 10);
                d /= 10;
            }
            for (int k = 0; k < 4 && left > 0; k++, left--) *p++ = tmp[k];
        }
    }
    *p = '\0';
    return (int)(p - buf);
}

static void put16(unsigned char *p, int v)
{
    p[0] = (unsigned char)((v >> 8) & 0xFF);
    p[1] = (unsigned char)(v & 0xFF);
}

/* Base-10000 groups of x, least significant first; returns their count. */
static int groups_u128(u128 x, int *out)
{
    int n = 0;
    while (x > UINT64_MAX) {
        out[n++] = (int)(x % 10000);
        x /= 10000;
    }
    uint64_t y = (uint64_t)x; /* the rest in 64-bit arithmetic, much cheaper */
    while (y) {
        out[n++] = (int)(y % 10000);
        y /= 10000;
    }
    return n;
}

int tide_pgnum_encode(const void *value, int scale, unsigned char *out)
{
    i128 v;
    memcpy(&v, value, sizeof v);
    u128 u = v < 0 ? (u128)0 - (u128)v : (u128)v;
    int int_groups[12], frac_groups[12], digits[24];
    int nint, nfrac = (scale + 3) / 4;
    if (scale == 0) {
        nint = groups_u128(u, int_groups);
    } else {
        u128 p = pow10_u128(scale);
        nint = groups_u128(u / p, int_groups);
        /* The last group holds scale % 4 digits padded with zeros on the
           right (multiplying the whole fraction instead could overflow). */
        u128 frac = u % p;
        int i = 0, partial = scale % 4;
        if (partial) {
            u128 q = pow10_u128(partial);
            frac_groups[i++] = (int)(frac % q) * (int)pow10_u128(4 - partial);
            frac /= q;
        }
        for (; i < nfrac; i++) {
            frac_groups[i] = (int)(frac % 10000);
            frac /= 10000;
        }
    }
    int nd = 0;
    for (int i = nint - 1; i >= 0; i--) digits[nd++] = int_groups[i];
    for (int i = nfrac - 1; i >= 0; i--) digits[nd++] = frac_groups[i];
    int weight = nint - 1, first = 0;
    while (first < nd && digits[first] == 0) {
        first++;
        weight--;
    }
    while (nd > first && digits[nd - 1] == 0) nd--;
    int count = nd - first;
    if (count == 0) weight = 0;
    put16(out, count);
    put16(out + 2, weight & 0xFFFF);
    put16(out + 4, v < 0 && count > 0 ? NUMERIC_NEG : 0);
    put16(out + 6, scale);
    for (int i = 0; i < count; i++) put16(out + 8 + 2 * i, digits[first + i]);
    return 8 + 2 * count;
}
