/*
 * eval_text_codes.c — the string functions over characters' codes and
 * classes (contracts in ffi/text.h): chr, space, bit_length/octet_length,
 * soundex, levenshtein, luhn_check and mask, as Spark 3.5 computes them.
 * soundex and levenshtein work on UTF8String's bytes and characters;
 * luhn_check and mask go through Java Strings (UTF-16 chars, malformed
 * bytes as U+FFFD) and Java's character classes.
 */
#include "java_char.h"
#include "text_kernel.h"
#include "ffi/text.h"

#include <locale.h>
#include <stdlib.h>
#include <wctype.h>

/* ---- chr, space, bit_length / octet_length ------------------------------------- */

int tide_eval_chr(tide_batch *out, const tide_column *n, tide_column *dst, char *errbuf,
                  size_t errlen)
{
    int64_t rows = n->length;
    if (n->type != TIDE_INT64) return kernel_error(errbuf, errlen, "chr needs a bigint");
    if (text_alloc(out, dst, TIDE_STRING, rows, rows * 2, n, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *v = n->values;
    int64_t used = 0;
    for (int64_t i = 0; i < rows; i++) {
        /* Chr: "" below 0, else the character (n & 0xFF), U+0000 included */
        if (tide_valid(dst, i) && v[i] >= 0) {
            unsigned char b[2];
            int w = tide_utf8_encode((int32_t)(v[i] & 0xFF), b);
            if (kernel_str_append(out, dst, &used, b, w, errbuf, errlen) != 0) return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_space(tide_batch *out, const tide_column *n, tide_column *dst, char *errbuf,
                    size_t errlen)
{
    int64_t rows = n->length;
    if (n->type != TIDE_INT32) return kernel_error(errbuf, errlen, "space needs an int");
    if (text_alloc(out, dst, TIDE_STRING, rows, 0, n, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *v = n->values;
    static const char blanks[64] =
        "                                                               ";
    int64_t used = 0;
    for (int64_t i = 0; i < rows; i++) {
        for (int64_t left = tide_valid(dst, i) && v[i] > 0 ? v[i] : 0; left > 0; left -= 63)
            if (kernel_str_append(out, dst, &used, blanks, left < 63 ? left : 63, errbuf, errlen))
                return -1;
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_byte_length(tide_batch *out, const tide_column *s, int32_t bits, tide_column *dst,
                          char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (!tide_is_varlen(s->type))
        return kernel_error(errbuf, errlen, "bit_length/octet_length need a string or binary");
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *off = s->values;
    int32_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) /* Java's int: numBytes * 8 wraps */
        r[i] = (int32_t)((uint32_t)(off[i + 1] - off[i]) * (bits ? 8u : 1u));
    kernel_finish(dst);
    return 0;
}

/* ---- soundex ------------------------------------------------------------------------ */

/* UTF8String.soundex: the first byte must be an ASCII letter (else the
   string is its own code); the codes of the letters after it, a repeated
   code once, vowels (code 0) separating repeats, H and W (code 7)
   ignored, anything but a letter resetting the last code. */
static int soundex(const unsigned char *p, int32_t len, unsigned char sx[4])
{
    static const char map[] = "01230127022455012623017202";
    unsigned char b = p[0];
    if (b >= 'a' && b <= 'z') b = (unsigned char)(b - 32);
    if (b < 'A' || b > 'Z') return 0;
    memcpy(sx, "0000", 4);
    sx[0] = b;
    int k = 1;
    char last = map[b - 'A'];
    for (int32_t i = 1; i < len && k < 4; i++) {
        unsigned char c = p[i];
        if (c >= 'a' && c <= 'z') c = (unsigned char)(c - 32);
        if (c < 'A' || c > 'Z') {
            last = '0';
            continue;
        }
        char code = map[c - 'A'];
        if (code == '7') continue;
        if (code != '0' && code != last) sx[k++] = (unsigned char)code;
        last = code;
    }
    return 1;
}

int tide_eval_soundex(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                      size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "soundex", "a string", errbuf, errlen)) return -1;
    if (text_alloc(out, dst, TIDE_STRING, n, n * 4, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        int32_t len;
        const unsigned char *p = text_row(s, i, &len);
        unsigned char sx[4];
        if (tide_valid(dst, i) && len > 0) {
            int rc = soundex(p, len, sx)
                         ? kernel_str_append(out, dst, &used, sx, 4, errbuf, errlen)
                         : kernel_str_append(out, dst, &used, p, len, errbuf, errlen);
            if (rc != 0) return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- levenshtein ------------------------------------------------------------------------ */

typedef struct {
    int32_t *starts, *cols;
    size_t cap_starts, cap_cols;
} lev_scratch;

static int grow(int32_t **p, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    int32_t *q = realloc(*p, need * sizeof(int32_t));
    if (!q) return -1;
    *p = q, *cap = need;
    return 0;
}

/* UTF8String.levenshteinDistance: over characters (the bytes each first
   byte announces), one row of the table at a time. With a limit (>= 0),
   only the cells within `limit` of the diagonal count, as Spark's
   limitedCompare: anything past it is past the limit, and a row whose
   every cell is gives up early; O(n * limit), not O(n * m). */
static int64_t levenshtein(const unsigned char *a, int32_t al, const unsigned char *b, int32_t bl,
                           int64_t limit, lev_scratch *w)
{
    int64_t n = text_count_chars(a, al), m = text_count_chars(b, bl);
    if (n > m) { /* the shorter string spans the row */
        const unsigned char *t = a;
        int32_t tl = al;
        int64_t tn = n;
        a = b, al = bl, n = m, b = t, bl = tl, m = tn;
    }
    if (grow(&w->starts, &w->cap_starts, (size_t)n + 1) ||
        grow(&w->cols, &w->cap_cols, 2 * ((size_t)n + 2)))
        return -1;
    /* past the limit: a value no path within it reaches */
    int32_t far = limit >= 0 && limit < INT32_MAX - 2 ? (int32_t)limit + 1 : INT32_MAX - 2;
    int32_t *start = w->starts, *p = w->cols, *d = w->cols + n + 2;
    for (int32_t i = 0, at = 0; i <= n; i++) {
        start[i] = at;
        if (i < n) at += text_char_at(a, at, al);
        p[i] = i < far ? i : far;
    }
    p[n + 1] = far;
    for (int32_t j = 0, bj = 0; j < m; j++) {
        int32_t wj = text_char_at(b, bj, bl);
        int64_t lo = limit >= 0 && j - limit > 0 ? j - limit : 0;
        int64_t hi = limit >= 0 && j + 1 + limit < n ? j + 1 + limit : n;
        d[lo] = lo == 0 ? (j + 1 < far ? j + 1 : far) : far;
        int32_t row_min = d[lo];
        for (int64_t i = lo; i < hi; i++) {
            int32_t wi = start[i + 1] - start[i];
            int cost = wi != wj || memcmp(a + start[i], b + bj, (size_t)wj) != 0;
            int32_t best = d[i] + 1 < p[i + 1] + 1 ? d[i] + 1 : p[i + 1] + 1;
            best = best < p[i] + cost ? best : p[i] + cost;
            d[i + 1] = best < far ? best : far;
            if (d[i + 1] < row_min) row_min = d[i + 1];
        }
        d[hi + 1 <= n ? hi + 1 : n + 1] = far;
        if (limit >= 0 && row_min > limit) return far;
        int32_t *swap = p;
        p = d, d = swap;
        bj += wj;
    }
    return p[n];
}

int tide_eval_levenshtein(tide_batch *out, const tide_column *a, const tide_column *b,
                          const tide_column *threshold, tide_column *dst, char *errbuf,
                          size_t errlen)
{
    int64_t n = a->length;
    if (text_check(a, TIDE_STRING, n, "levenshtein", "a string", errbuf, errlen) ||
        text_check(b, TIDE_STRING, n, "levenshtein", "a string", errbuf, errlen) ||
        (threshold &&
         text_check(threshold, TIDE_INT32, n, "levenshtein", "an int threshold", errbuf, errlen)))
        return -1;
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0 ||
        (threshold && kernel_validity_and(out, dst, dst, threshold) != 0))
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t *r = dst->values;
    lev_scratch w = {0};
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int32_t al, bl;
        const unsigned char *p = text_row(a, i, &al), *q = text_row(b, i, &bl);
        int64_t t = threshold ? ((const int32_t *)threshold->values)[i] : INT64_MAX;
        /* with a threshold, -1 past it; lengths alone may tell */
        int64_t gap = text_count_chars(p, al) - text_count_chars(q, bl);
        if (threshold && (gap > t || -gap > t)) {
            r[i] = -1;
            continue;
        }
        int64_t dist = levenshtein(p, al, q, bl, threshold ? t : -1, &w);
        if (dist < 0) rc = kernel_error(errbuf, errlen, "out of memory");
        r[i] = dist <= t ? (int32_t)dist : -1;
    }
    free(w.starts);
    free(w.cols);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/* ---- luhn_check, mask: Java's character classes ------------------------------------- */

/* Splits p into the UTF-16 chars of its Java String, into units (grown as
   needed); their count, or -1 out of memory. */
static int64_t java_chars(const unsigned char *p, int32_t len, int32_t **units, size_t *cap)
{
    if (grow(units, cap, (size_t)len * 2 + 1)) return -1;
    int64_t n = 0;
    for (int32_t i = 0; i < len;) {
        int32_t cp = text_java_code_point(p, &i, len);
        if (cp >= 0x10000) {
            (*units)[n++] = 0xD800 + ((cp - 0x10000) >> 10);
            (*units)[n++] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
        } else {
            (*units)[n++] = cp;
        }
    }
    return n;
}

/* ExpressionImplUtils.isLuhnNumber: every char a digit (any script's),
   from the right every second one doubled and its digits summed. */
static int luhn(const int32_t *c, int64_t n)
{
    if (n == 0) return 0;
    int sum = 0, second = 0;
    for (int64_t i = n - 1; i >= 0; i--) {
        int d = java_digit(c[i]);
        if (d < 0) return 0;
        if (second) d *= 2;
        sum += d % 10 + d / 10;
        second = !second;
    }
    return sum % 10 == 0;
}

int tide_eval_luhn_check(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                         size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "luhn_check", "a string", errbuf, errlen)) return -1;
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint8_t *r = dst->values;
    int32_t *units = NULL;
    size_t cap = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int32_t len;
        const unsigned char *p = text_row(s, i, &len);
        int64_t k = java_chars(p, len, &units, &cap);
        if (k < 0) rc = kernel_error(errbuf, errlen, "out of memory");
        r[i] = k > 0 && luhn(units, k);
    }
    free(units);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/* Java's Character.getType of a UTF-16 char, as far as mask asks:
   UPPERCASE_LETTER 0, LOWERCASE_LETTER 1, DECIMAL_DIGIT_NUMBER 2,
   anything else (title-case letters, surrogates) 3. */
static int char_class(int32_t c, locale_t loc)
{
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') return 0;
        if (c >= 'a' && c <= 'z') return 1;
        return c >= '0' && c <= '9' ? 2 : 3;
    }
    if (java_digit(c) >= 0) return 2;
    if ((c >= 0xD800 && c <= 0xDFFF) || !loc) return 3;
    /* the title-case letters (Lt) are neither */
    if (c == 0x1C5 || c == 0x1C8 || c == 0x1CB || c == 0x1F2 ||
        (c >= 0x1F88 && c <= 0x1FAF && (c & 8)) || c == 0x1FBC || c == 0x1FCC || c == 0x1FFC)
        return 3;
    if (iswupper_l((wint_t)c, loc)) return 0;
    return iswlower_l((wint_t)c, loc) ? 1 : 3;
}

/* Appends UTF-16 char c as UTF-8; a surrogate pair is joined, a lone
   surrogate is '?' (String.getBytes). *i is c's index in units. */
static int put_java_char(unsigned char *buf, const int32_t *units, int64_t n, int64_t *i)
{
    int32_t c = units[*i];
    if (c >= 0xD800 && c <= 0xDBFF && *i + 1 < n && units[*i + 1] >= 0xDC00 &&
        units[*i + 1] <= 0xDFFF) {
        int32_t cp = 0x10000 + ((c - 0xD800) << 10) + (units[*i + 1] - 0xDC00);
        (*i)++;
        return tide_utf8_encode(cp, buf);
    }
    if (c >= 0xD800 && c <= 0xDFFF) c = '?';
    return tide_utf8_encode(c, buf);
}

int tide_eval_mask(tide_batch *out, const tide_column *s, const int32_t *chars, tide_column *dst,
                   char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "mask", "a string", errbuf, errlen)) return -1;
    if (text_alloc(out, dst, TIDE_STRING, n, text_data_bytes(s), s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    locale_t loc = tide_utf8_locale();
    int32_t *units = NULL;
    size_t cap = 0;
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t len;
            const unsigned char *p = text_row(s, i, &len);
            int64_t k = java_chars(p, len, &units, &cap);
            if (k < 0) rc = kernel_error(errbuf, errlen, "out of memory");
            /* each char by its class: replaced by that class's char, or
               kept (chars[class] < 0) */
            for (int64_t j = 0; j < k; j++) {
                int32_t with = chars[char_class(units[j], loc)];
                if (with >= 0) units[j] = with > 0xFFFF ? 0xD800 + ((with - 0x10000) >> 10) : with;
            }
            unsigned char buf[256];
            int b = 0;
            for (int64_t j = 0; rc == 0 && j < k; j++) {
                b += put_java_char(buf + b, units, k, &j);
                if (b > (int)sizeof buf - 8 || j == k - 1) {
                    rc = kernel_str_append(out, dst, &used, buf, b, errbuf, errlen);
                    b = 0;
                }
            }
        }
        kernel_str_end(dst, i, used);
    }
    free(units);
    if (rc == 0) kernel_finish(dst);
    return rc;
}
