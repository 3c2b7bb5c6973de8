/*
 * eval_strings.c — lower/upper (Java's case, case_map.c), length,
 * substring and concat over string columns (contracts in ffi/eval.h;
 * tide_text_lower, ILIKE's pattern, in ffi/text.h). Strings are UTF-8 and counted in
 * code points, as Spark counts characters; bytes that are not UTF-8 count
 * one each and are copied as they are. Binary columns count bytes.
 */
#include "kernel.h"
#include "case_map.h"
#include "ffi/text.h"
#include "text_kernel.h"
#include "utf8.h"

#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one code point at s[0..len); returns its byte length (1 for an
   invalid byte, with *cp = -1). */
static int utf8_decode(const unsigned char *s, int32_t len, int32_t *cp)
{
    unsigned char b = s[0];
    int n;
    int32_t v;
    if (b < 0x80) return *cp = b, 1;
    if (b >= 0xC2 && b <= 0xDF) n = 2, v = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF) n = 3, v = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4) n = 4, v = b & 0x07;
    else return *cp = -1, 1;
    if (n > len) return *cp = -1, 1;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return *cp = -1, 1;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return *cp = -1, 1;
    *cp = v;
    return n;
}

/* Characters in s: every byte that does not continue a sequence. Invalid
   sequences are rare enough that counting lead bytes is what Spark's
   numChars does too. */
static int32_t utf8_chars(const unsigned char *s, int32_t len)
{
    int32_t n = 0;
    for (int32_t i = 0; i < len; i++) n += (s[i] & 0xC0) != 0x80;
    return n;
}

/* Byte offset of character `chars` of s (len when past the end). */
static int32_t utf8_offset(const unsigned char *s, int32_t len, int32_t chars)
{
    int32_t i = 0;
    while (i < len && chars > 0) {
        i++;
        while (i < len && (s[i] & 0xC0) == 0x80) i++;
        chars--;
    }
    return i;
}

size_t tide_text_lower(const char *s, size_t len, char *out)
{
    locale_t loc = tide_utf8_locale();
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t k = 0; k < len;) {
        int32_t cp, l[2];
        int w = p[k] < 0x80 ? (cp = p[k], 1) : utf8_decode(p + k, (int32_t)(len - k), &cp);
        if (cp >= 0 && cp < 0x80) {
            out[o++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        } else if (cp >= 0) {
            int n = case_lower(p, (int32_t)k, (int32_t)k + w, (int32_t)len, cp, loc, l);
            for (int j = 0; j < n; j++)
                o += (size_t)tide_utf8_encode(l[j], (unsigned char *)out + o);
        } else {
            memcpy(out + o, p + k, (size_t)w);
            o += (size_t)w;
        }
        k += (size_t)w;
    }
    return o;
}

/* The case of row p[0..len) as UTF8String.toUpperCase / toLowerCase give
   it: ASCII letters in place when no byte starts a multi-byte sequence,
   else Java's String case of the text Java decodes (malformed bytes as
   U+FFFD). */
static int change_case_row(tide_batch *out, tide_column *dst, int64_t *used, const unsigned char *p,
                           int32_t len, int32_t upper, locale_t loc, char *errbuf, size_t errlen)
{
    int java = case_needs_java(p, len);
    int32_t k = 0;
    while (k < len) {
        /* Runs of ASCII in one go. */
        unsigned char tmp[64];
        int t = 0;
        while (k < len && (p[k] < 0x80 || !java) && t < (int)sizeof tmp) {
            unsigned char c = p[k++];
            if (upper && c >= 'a' && c <= 'z') c = (unsigned char)(c - 32);
            else if (!upper && c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
            tmp[t++] = c;
        }
        if (t == 0) {
            int32_t at = k, m[3];
            int32_t cp = text_java_code_point(p, &k, len);
            int n = upper ? case_upper(cp, loc, m) : case_lower(p, at, k, len, cp, loc, m);
            for (int j = 0; j < n; j++) t += tide_utf8_encode(m[j], tmp + t);
        }
        if (kernel_str_append(out, dst, used, tmp, t, errbuf, errlen) != 0) return -1;
    }
    return 0;
}

int tide_eval_change_case(tide_batch *out, const tide_column *s, int32_t upper, tide_column *dst,
                          char *errbuf, size_t errlen)
{
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "lower/upper need a string column");
    int64_t n = s->length;
    const int32_t *off = s->values;
    int64_t bytes = n ? off[n] - off[0] : 0;
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, bytes) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    locale_t loc = tide_utf8_locale();
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        const unsigned char *p = s->data + off[i];
        if (tide_valid(s, i) &&
            change_case_row(out, dst, &used, p, off[i + 1] - off[i], upper, loc, errbuf, errlen) != 0)
            return -1;
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_length(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                     size_t errlen)
{
    if (!tide_is_varlen(s->type)) return kernel_error(errbuf, errlen, "length needs a string column");
    int64_t n = s->length;
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *off = s->values;
    int32_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        int32_t len = off[i + 1] - off[i];
        r[i] = s->type == TIDE_BINARY ? len : utf8_chars(s->data + off[i], len);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_substring(tide_batch *out, const tide_column *s, const tide_column *pos,
                        const tide_column *len, tide_column *dst, char *errbuf, size_t errlen)
{
    if (!tide_is_varlen(s->type) || pos->type != TIDE_INT32 || (len && len->type != TIDE_INT32))
        return kernel_error(errbuf, errlen, "substring needs a string and int positions");
    int64_t n = s->length;
    const int32_t *off = s->values;
    int64_t bytes = n ? off[n] - off[0] : 0;
    if (kernel_alloc(out, dst, "", s->type, 0, 0, n, bytes) != 0 ||
        kernel_validity_and(out, dst, s, pos) != 0 ||
        (len && kernel_validity_and(out, dst, dst, len) != 0))
        return kernel_error(errbuf, errlen, "out of memory");
    int is_binary = s->type == TIDE_BINARY;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            const unsigned char *p = s->data + off[i];
            int32_t bytes_len = off[i + 1] - off[i];
            int32_t chars = is_binary ? bytes_len : utf8_chars(p, bytes_len);
            int64_t start = ((const int32_t *)pos->values)[i];
            int64_t length = len ? ((const int32_t *)len->values)[i] : INT_MAX;
            /* UTF8String.substringSQL: 1-based, 0 as 1, negative from the end. */
            start = start > 0 ? start - 1 : (start < 0 ? chars + start : 0);
            int64_t end = start + length;
            if (end > INT_MAX) end = INT_MAX;
            if (start < 0) start = 0;
            if (start < end && start < chars) {
                if (end > chars) end = chars;
                int32_t b0 = is_binary ? (int32_t)start : utf8_offset(p, bytes_len, (int32_t)start);
                int32_t b1 = is_binary ? (int32_t)end
                                       : b0 + utf8_offset(p + b0, bytes_len - b0, (int32_t)(end - start));
                if (kernel_str_append(out, dst, &used, p + b0, b1 - b0, errbuf, errlen) != 0) return -1;
            }
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_concat(tide_batch *out, const tide_column *const *args, int32_t n,
                     tide_column *dst, char *errbuf, size_t errlen)
{
    if (n < 1) return kernel_error(errbuf, errlen, "concat needs an argument");
    int64_t rows = args[0]->length, bytes = 0;
    int32_t type = TIDE_BINARY; /* of binary columns only, as Spark's Concat */
    for (int32_t a = 0; a < n; a++) {
        const int32_t *off = args[a]->values;
        if (!tide_is_varlen(args[a]->type) || args[a]->length != rows)
            return kernel_error(errbuf, errlen, "concat needs string columns of one length");
        if (args[a]->type != TIDE_BINARY) type = TIDE_STRING;
        if (rows) bytes += off[rows] - off[0];
    }
    if (kernel_alloc(out, dst, "", type, 0, 0, rows, bytes) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    for (int32_t a = 0; a < n; a++)
        if (kernel_validity_and(out, dst, dst, args[a]) != 0)
            return kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; i < rows; i++) {
        if (tide_valid(dst, i)) {
            for (int32_t a = 0; a < n; a++) {
                int32_t len;
                const char *p = tide_column_bytes(args[a], i, &len);
                if (kernel_str_append(out, dst, &used, p, len, errbuf, errlen) != 0) return -1;
            }
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}
