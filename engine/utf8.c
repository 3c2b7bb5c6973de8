/*
 * utf8.c — finding the first byte of a text that is not plain (a NUL, or
 * not well-formed UTF-8) eight bytes at a time, and replacing malformed
 * sequences by U+FFFD (utf8.h).
 */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* The bytes of w (8 of text, read little-endian) that need a look: the
   high bit of each byte >= 0x80 or zero is set in the result, and the
   lowest bit set is exactly the first such byte ((w - ONES) & ~w flags
   a zero byte; a borrow goes only from a zero byte upwards, so only
   bytes after the first zero can be flagged wrongly). */
static uint64_t attention(uint64_t w)
{
    return (((w - ONES) & ~w) | w) & HIGHS;
}

/* The index of the first byte of s[0..n) that needs attention — a NUL, or
   one that does not start a well-formed sequence — or n when there is
   none. Text goes 8 bytes at a time (the last 8 overlapping those
   before), skipping straight to its first non-ASCII byte; a run of
   multi-byte sequences is checked one sequence at a time. */
size_t tide_utf8_clean_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (n >= 8) {
            /* the 8 bytes from i, or the last 8 with those before i masked */
            size_t at = n - i >= 8 ? i : n - 8;
            uint64_t w;
            memcpy(&w, s + at, 8);
            uint64_t m = attention(w) & (~UINT64_C(0) << (8 * (i - at)));
            if (m == 0) {
                i = at + 8;
                continue;
            }
            i = at + ((size_t)__builtin_ctzll(m) >> 3);
        } else {
            while (i < n && s[i] - 1u < 0x7Fu)
                i++;
            if (i == n) break;
        }
#else
        while (i < n && s[i] - 1u < 0x7Fu)
            i++;
        if (i == n) break;
#endif
        if (s[i] == 0) return i;
        do {
            size_t k = tide_utf8_sequence(s + i, n - i);
            if (k == 0) return i;
            i += k;
        } while (i < n && s[i] >= 0x80);
    }
    return n;
}

/* s[0..n) with each malformed sequence from `from` on replaced by U+FFFD
   (EF BF BD) into out (NULL: only measured); s[0..from) is clean and is
   copied as it is. Returns the length, or (size_t)-1 when s holds a NUL
   (its index in *nul). */
size_t tide_utf8_replace(const unsigned char *s, size_t n, size_t from, unsigned char *out,
                         size_t *nul)
{
    if (out) memcpy(out, s, from);
    size_t i = from, len = from;
    while (i < n) {
        size_t clean = i + tide_utf8_clean_prefix(s + i, n - i);
        if (out) memcpy(out + len, s + i, clean - i);
        len += clean - i;
        i = clean;
        if (i == n) break;
        if (s[i] == 0) return *nul = i, (size_t)-1;
        i += tide_utf8_malformed(s + i, n - i);
        if (out) memcpy(out + len, TIDE_UTF8_REPLACEMENT, 3);
        len += 3;
    }
    return len;
}

locale_t tide_utf8_locale(void)
{
    static locale_t loc;
    static int tried;
    if (!tried) {
        tried = 1;
        loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    return loc;
}
