/*
 * utf8.h — well-formed UTF-8 (Unicode's table 3-7: no overlong forms, no
 * surrogates, nothing beyond U+10FFFF), and malformed bytes replaced by
 * U+FFFD as Java's UTF-8 decoder replaces them: the writers whose readers
 * take only valid text (to_json, PostgreSQL's COPY) give what Spark gives,
 * whose strings reach them as Java Strings.
 */
#ifndef TIDE_UTF8_H
#define TIDE_UTF8_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#define TIDE_UTF8_REPLACEMENT "\xEF\xBF\xBD"

static inline int tide_utf8_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* The length of the well-formed UTF-8 sequence at s (n > 0 bytes left)
   that is not ASCII, or 0 when s does not start one (Unicode's table 3-7:
   no overlong forms, no surrogates, nothing beyond U+10FFFF). */
static inline size_t tide_utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c >= 0xC2 && c <= 0xDF) return n >= 2 && tide_utf8_continuation(s[1]) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || !tide_utf8_continuation(s[1]) || !tide_utf8_continuation(s[2])) return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0)) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || !tide_utf8_continuation(s[1]) || !tide_utf8_continuation(s[2]) ||
            !tide_utf8_continuation(s[3]))
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)) return 0;
        return 4;
    }
    return 0;
}

/* The bytes at s (n > 0 left; not a well-formed sequence) that one U+FFFD
   replaces, as Java's UTF-8 decoder (String(bytes, UTF_8), which Spark's
   UTF8String.toString is) counts them: the maximal subpart of a
   well-formed sequence (Unicode 3.9, "U+FFFD Substitution of Maximal
   Subparts"), or one byte. One exception, Java's: ED A0..BF is taken as
   the start of a sequence, so an encoded surrogate (ED A0 80) is one
   U+FFFD, not three. */
static inline size_t tide_utf8_malformed(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (n < 2 || c < 0xE0 || c > 0xF4) return 1; /* a lone byte, C0/C1, a 2-byte start */
    unsigned c2 = s[1];
    if (!tide_utf8_continuation(c2) || (c == 0xE0 && c2 < 0xA0) || (c == 0xF0 && c2 < 0x90) ||
        (c == 0xF4 && c2 >= 0x90))
        return 1;
    if (n < 3 || !tide_utf8_continuation(s[2])) return 2;
    return 3; /* E?: the surrogate; F?: the fourth byte is missing or wrong */
}

/* Writes the UTF-8 of code point cp (at most U+10FFFF) to out; its length. */
static inline int tide_utf8_encode(int32_t cp, unsigned char *out)
{
    if (cp < 0x80) return out[0] = (unsigned char)cp, 1;
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The C.UTF-8 locale, for the case of characters beyond ASCII (loaded
   once; NULL leaves them unchanged). */
locale_t tide_utf8_locale(void);

/* The index of the first byte of s[0..n) that is a NUL or does not start
   a well-formed sequence, or n when there is none. */
size_t tide_utf8_clean_prefix(const unsigned char *s, size_t n);

/* s[0..n) with each malformed sequence from `from` on replaced by U+FFFD
   into out (NULL: only measured); s[0..from) is clean and copied as it
   is. Returns the length, or (size_t)-1 when s holds a NUL (its index in
   *nul). */
size_t tide_utf8_replace(const unsigned char *s, size_t n, size_t from, unsigned char *out,
                         size_t *nul);

#endif
