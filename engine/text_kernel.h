/*
 * text_kernel.h — what the string kernels (eval_text*.c, eval_url*.c)
 * share: characters as Spark's UTF8String steps over them, code points as
 * Java's decoder reads them, and result columns built row by row. Not
 * part of the FFI.
 */
#ifndef TIDE_TEXT_KERNEL_H
#define TIDE_TEXT_KERNEL_H
#include "kernel.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* UTF8String.numBytesForFirstByte: 2-4 for a byte starting a sequence, 1
   for anything else. */
static inline int32_t text_char_bytes(unsigned char c)
{
    return c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 1;
}

/* The bytes of the character at p[i] of a len-byte string (cut at len). */
static inline int32_t text_char_at(const unsigned char *p, int32_t i, int32_t len)
{
    int32_t w = text_char_bytes(p[i]);
    return w < len - i ? w : len - i;
}

static inline int64_t text_count_chars(const unsigned char *p, int32_t len)
{
    int64_t n = 0;
    for (int32_t i = 0; i < len; i += text_char_bytes(p[i]))
        n++;
    return n;
}

/* The byte length of the first `chars` characters of p (len when fewer). */
static inline int32_t text_chars_prefix(const unsigned char *p, int32_t len, int64_t chars)
{
    int32_t i = 0;
    for (; i < len && chars > 0; chars--)
        i += text_char_at(p, i, len);
    return i;
}

static inline const unsigned char *text_row(const tide_column *c, int64_t i, int32_t *len)
{
    return (const unsigned char *)tide_column_bytes(c, i, len);
}

static inline int64_t text_data_bytes(const tide_column *s)
{
    const int32_t *off = s->values;
    return s->length ? off[s->length] - off[0] : 0;
}

/* dst as a string (or binary) column of n rows, valid where a and b (NULL:
   no condition) are. */
static inline int text_alloc(tide_batch *out, tide_column *dst, int32_t type, int64_t n,
                             int64_t bytes, const tide_column *a, const tide_column *b)
{
    if (kernel_alloc(out, dst, "", type, 0, 0, n, bytes < 0 ? 0 : bytes) != 0) return -1;
    return kernel_validity_and(out, dst, a, b);
}

static inline int text_check(const tide_column *c, int32_t type, int64_t rows, const char *fn,
                             const char *what, char *errbuf, size_t errlen)
{
    if (c->type != type || c->length != rows)
        return kernel_error(errbuf, errlen, "%s needs %s of %lld rows, not type %d of %lld rows",
                            fn, what, (long long)rows, c->type, (long long)c->length);
    return 0;
}

/* The next code point of p[*i..len) as Java's decoder reads it: a
   well-formed sequence, or U+FFFD for the malformed bytes it replaces. */
static inline int32_t text_java_code_point(const unsigned char *p, int32_t *i, int32_t len)
{
    unsigned char c = p[*i];
    if (c < 0x80) return (*i)++, c;
    size_t w = tide_utf8_sequence(p + *i, (size_t)(len - *i));
    if (w == 0) {
        *i += (int32_t)tide_utf8_malformed(p + *i, (size_t)(len - *i));
        return 0xFFFD;
    }
    int32_t cp = c & (w == 2 ? 0x1F : w == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < w; k++)
        cp = (cp << 6) | (p[*i + (int32_t)k] & 0x3F);
    *i += (int32_t)w;
    return cp;
}

/* The first byte of needle in hay at or after byte `from` (-1: none), as
   UTF8String.find searches: byte by byte. */
static inline int32_t text_find(const unsigned char *hay, int32_t len, const unsigned char *needle,
                                int32_t nlen, int32_t from)
{
    if (nlen == 0) return from <= len ? from : -1;
    for (int32_t i = from < 0 ? 0 : from; i + nlen <= len; i++) {
        const unsigned char *hit = memchr(hay + i, needle[0], (size_t)(len - nlen - i + 1));
        if (!hit) return -1;
        i = (int32_t)(hit - hay);
        if (memcmp(hit, needle, (size_t)nlen) == 0) return i;
    }
    return -1;
}

/* A decimal number as Java's formatters hold it: the digits (no leading
   or trailing zeros; none for zero) and where the decimal point is among
   them (value = 0.digits * 10^point). */
typedef struct {
    char digits[800];
    int32_t count, point;
} text_digits;

/* Fills d from decimal text (digits, an optional '.', more digits, an
   optional E exponent), dropping leading and trailing zeros. */
static inline void text_digits_parse(const char *s, text_digits *d)
{
    int32_t point = 0, seen_point = 0;
    d->count = 0;
    for (; *s && *s != 'E'; s++) {
        if (*s == '.') {
            seen_point = 1;
            continue;
        }
        if (*s < '0' || *s > '9') continue;
        if (d->count == 0 && *s == '0') {
            if (seen_point) point--;
            continue;
        }
        if (d->count < (int32_t)sizeof d->digits) d->digits[d->count++] = *s;
        if (!seen_point) point++;
    }
    if (*s == 'E') point += (int32_t)strtol(s + 1, NULL, 10);
    while (d->count > 0 && d->digits[d->count - 1] == '0')
        d->count--;
    d->point = d->count ? point : 0;
}

/* The digits of |x| (finite) as Java's FloatingDecimal gives them:
   Double.toString's shortest digits. */
static inline void text_java_digits(double x, int is_float, text_digits *d)
{
    char buf[40];
    tide_format_java_double(x < 0 ? -x : x, is_float, buf);
    text_digits_parse(buf, d);
}

#endif
