/*
 * eval_text.c — the string functions of tide.eval_text (contracts in
 * ffi/text.h) as Spark 3.5's UTF8String computes them: trim/ltrim/rtrim,
 * lpad/rpad (of binary too), concat_ws, instr/locate, translate, initcap, reverse, repeat
 * and ascii. Characters are what UTF8String steps over (the length its
 * first byte announces), so positions and cuts in malformed text fall
 * where Spark's do. translate and initcap go through Java Strings in
 * Spark: their malformed bytes come out as U+FFFD, as Java's decoder
 * replaces them (utf8.h).
 */
#include "text_kernel.h"
#include "case_map.h"
#include "ffi/text.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* ---- trim ------------------------------------------------------------------------ */

/* Whether the bytes of c occur in set (UTF8String.find: a byte search). */
static int contains(const unsigned char *set, int32_t n, const unsigned char *c, int32_t w)
{
    for (int32_t k = 0; k + w <= n; k++)
        if (set[k] == c[0] && memcmp(set + k, c, (size_t)w) == 0) return 1;
    return 0;
}

int tide_eval_trim(tide_batch *out, const tide_column *s, const tide_column *chars, int32_t side,
                   tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "trim", "a string", errbuf, errlen) != 0 ||
        (chars && text_check(chars, TIDE_STRING, n, "trim", "string characters", errbuf, errlen)))
        return -1;
    if (side < TIDE_TRIM_BOTH || side > TIDE_TRIM_TRAILING)
        return kernel_error(errbuf, errlen, "unknown trim side %d", side);
    if (text_alloc(out, dst, TIDE_STRING, n, text_data_bytes(s), s, chars) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int lead = side != TIDE_TRIM_TRAILING, trail = side != TIDE_TRIM_LEADING;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t len, start = 0, end;
            const unsigned char *p = text_row(s, i, &len);
            end = len;
            if (!chars) {
                while (lead && start < end && p[start] == ' ')
                    start++;
                while (trail && end > start && p[end - 1] == ' ')
                    end--;
            } else {
                int32_t setlen;
                const unsigned char *set = text_row(chars, i, &setlen);
                while (lead && start < len) {
                    int32_t w = text_char_at(p, start, len);
                    if (!contains(set, setlen, p + start, w)) break;
                    start += w;
                }
                if (trail) {
                    /* The end of the last character not in the set, the
                       characters counted from start as UTF8String does. */
                    end = start;
                    for (int32_t j = start; j < len;) {
                        int32_t w = text_char_at(p, j, len);
                        j += w;
                        if (!contains(set, setlen, p + j - w, w)) end = j;
                    }
                }
            }
            if (kernel_str_append(out, dst, &used, p + start, end - start, errbuf, errlen) != 0)
                return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- lpad / rpad -------------------------------------------------------------------- */

static int append_times(tide_batch *out, tide_column *dst, int64_t *used, const unsigned char *p,
                        int32_t len, int64_t times, char *errbuf, size_t errlen)
{
    for (int64_t k = 0; k < times; k++)
        if (kernel_str_append(out, dst, used, p, len, errbuf, errlen) != 0) return -1;
    return 0;
}

int tide_eval_pad(tide_batch *out, const tide_column *s, const tide_column *len,
                  const tide_column *pad, int32_t left, tide_column *dst, char *errbuf,
                  size_t errlen)
{
    int64_t n = s->length;
    /* binary s and pad: bytes for characters, a binary result (Spark's
       ByteArray.lpad/rpad) */
    int32_t type = s->type == TIDE_BINARY ? TIDE_BINARY : TIDE_STRING;
    if (text_check(s, type, n, "lpad/rpad", "a string", errbuf, errlen) != 0 ||
        text_check(len, TIDE_INT32, n, "lpad/rpad", "an int length", errbuf, errlen) != 0 ||
        text_check(pad, type, n, "lpad/rpad", "a pad of the same type", errbuf, errlen) != 0)
        return -1;
    if (text_alloc(out, dst, type, n, text_data_bytes(s), s, len) != 0 ||
        kernel_validity_and(out, dst, dst, pad) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *want = len->values;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t slen, plen;
            const unsigned char *p = text_row(s, i, &slen), *q = text_row(pad, i, &plen);
            if (type == TIDE_BINARY && want[i] < 0) /* a byte[] of that length */
                return kernel_error(errbuf, errlen,
                                    "lpad/rpad: a binary cannot be padded to %d bytes",
                                    (int)want[i]);
            int64_t slen_chars = type == TIDE_BINARY ? slen : text_count_chars(p, slen);
            int64_t spaces = (int64_t)want[i] - slen_chars;
            int rc;
            if (spaces <= 0 || plen == 0) {
                /* UTF8String.substring(0, len): the first len characters. */
                int32_t keep = want[i] <= 0            ? 0
                               : type == TIDE_BINARY ? (want[i] < slen ? want[i] : slen)
                                                     : text_chars_prefix(p, slen, want[i]);
                rc = kernel_str_append(out, dst, &used, p, keep, errbuf, errlen);
            } else {
                int64_t pad_chars = type == TIDE_BINARY ? plen : text_count_chars(q, plen);
                int64_t times = spaces / pad_chars;
                int32_t rest = type == TIDE_BINARY
                                   ? (int32_t)(spaces - pad_chars * times)
                                   : text_chars_prefix(q, plen, spaces - pad_chars * times);
                if (left)
                    rc = append_times(out, dst, &used, q, plen, times, errbuf, errlen) ||
                         kernel_str_append(out, dst, &used, q, rest, errbuf, errlen) ||
                         kernel_str_append(out, dst, &used, p, slen, errbuf, errlen);
                else
                    rc = kernel_str_append(out, dst, &used, p, slen, errbuf, errlen) ||
                         append_times(out, dst, &used, q, plen, times, errbuf, errlen) ||
                         kernel_str_append(out, dst, &used, q, rest, errbuf, errlen);
            }
            if (rc != 0) return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- concat_ws ------------------------------------------------------------------------ */

int tide_eval_concat_ws(tide_batch *out, const tide_column *sep, const tide_column *const *args,
                        int32_t n, int64_t rows, tide_column *dst, char *errbuf, size_t errlen)
{
    if (text_check(sep, TIDE_STRING, rows, "concat_ws", "a string separator", errbuf, errlen))
        return -1;
    int64_t bytes = 0;
    for (int32_t a = 0; a < n; a++) {
        /* an array<string> argument gives its elements */
        const tide_column *c = args[a];
        int array = c->type == TIDE_ARRAY && c->children[0].type == TIDE_STRING;
        if (!array && text_check(c, TIDE_STRING, rows, "concat_ws", "strings", errbuf, errlen))
            return -1;
        bytes += text_data_bytes(array ? &c->children[0] : c);
    }
    if (text_alloc(out, dst, TIDE_STRING, rows, bytes, sep, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; i < rows; i++) {
        if (tide_valid(dst, i)) {
            int32_t seplen, len;
            const unsigned char *sp = text_row(sep, i, &seplen);
            int first = 1;
            for (int32_t a = 0; a < n; a++) {
                const tide_column *c = args[a];
                if (!tide_valid(c, i)) continue;
                /* a string is its own one piece; an array's valid elements are the pieces */
                const tide_column *pieces = c->type == TIDE_ARRAY ? &c->children[0] : c;
                int64_t from = i, to = i + 1;
                if (c->type == TIDE_ARRAY)
                    from = ((const int64_t *)c->values)[i],
                    to = ((const int64_t *)c->values)[i + 1];
                for (int64_t e = from; e < to; e++) {
                    if (!tide_valid(pieces, e)) continue;
                    const unsigned char *p = text_row(pieces, e, &len);
                    if ((!first &&
                         kernel_str_append(out, dst, &used, sp, seplen, errbuf, errlen)) ||
                        kernel_str_append(out, dst, &used, p, len, errbuf, errlen))
                        return -1;
                    first = 0;
                }
            }
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- instr / locate ----------------------------------------------------------------- */

/* UTF8String.indexOf(v, start): the character index of v in p from
   character `start` on, -1 when absent; 0 for an empty v. */
static int32_t index_of(const unsigned char *p, int32_t len, const unsigned char *v, int32_t vlen,
                        int32_t start)
{
    if (vlen == 0) return 0;
    int32_t i = 0, c = 0;
    while (i < len && c < start) {
        i += text_char_bytes(p[i]);
        c++;
    }
    do {
        if ((int64_t)i + vlen > len) return -1;
        if (p[i] == v[0] && memcmp(p + i, v, (size_t)vlen) == 0) return c;
        i += text_char_bytes(p[i]);
        c++;
    } while (i < len);
    return -1;
}

int tide_eval_locate(tide_batch *out, const tide_column *s, const tide_column *sub,
                     const tide_column *pos, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "locate", "a string", errbuf, errlen) != 0 ||
        text_check(sub, TIDE_STRING, n, "locate", "a string", errbuf, errlen) != 0 ||
        (pos && text_check(pos, TIDE_INT32, n, "locate", "an int position", errbuf, errlen)))
        return -1;
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, sub) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (pos && !tide_valid(pos, i)) { /* a NULL position gives 0 (Hive's rule) */
            if (dst->validity) tide_mark_valid(dst, i);
            r[i] = 0;
            continue;
        }
        if (!tide_valid(dst, i)) continue;
        int32_t start = pos ? ((const int32_t *)pos->values)[i] : 1;
        if (start < 1) {
            r[i] = 0;
            continue;
        }
        int32_t len, vlen;
        const unsigned char *p = text_row(s, i, &len), *v = text_row(sub, i, &vlen);
        r[i] = index_of(p, len, v, vlen, start - 1) + 1;
    }
    kernel_finish(dst);
    return 0;
}

/* ---- translate ---------------------------------------------------------------------- */

/* The dictionary of translate: code point -> code point, -1 to delete. */
typedef struct {
    int32_t ascii[128]; /* -2: not in the dictionary */
    int32_t *keys, *values;
    int32_t n;
} translation;

static int32_t translated(const translation *t, int32_t cp)
{
    if (cp < 128) return t->ascii[cp];
    for (int32_t k = 0; k < t->n; k++)
        if (t->keys[k] == cp) return t->values[k];
    return -2;
}

/* StringTranslate.buildDict: the k-th character of matching maps to the
   k-th of replace (U+0000, which deletes, past its end); the first
   mapping of a character wins. */
static int build_translation(translation *t, const unsigned char *m, int32_t mlen,
                             const unsigned char *r, int32_t rlen)
{
    for (int k = 0; k < 128; k++)
        t->ascii[k] = -2;
    t->keys = malloc(sizeof(int32_t) * (size_t)(mlen + 1));
    t->values = malloc(sizeof(int32_t) * (size_t)(mlen + 1));
    t->n = 0;
    if (!t->keys || !t->values) return -1;
    int32_t i = 0, j = 0;
    while (i < mlen) {
        int32_t key = text_java_code_point(m, &i, mlen);
        int32_t value = j < rlen ? text_java_code_point(r, &j, rlen) : 0;
        if (value == 0) value = -1;
        if (translated(t, key) != -2) continue;
        if (key < 128) {
            t->ascii[key] = value;
        } else {
            t->keys[t->n] = key;
            t->values[t->n++] = value;
        }
    }
    return 0;
}

int tide_eval_translate(tide_batch *out, const tide_column *s, const char *matching,
                        size_t matching_len, const char *replace, size_t replace_len,
                        tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "translate", "a string", errbuf, errlen) != 0) return -1;
    if (matching_len > INT32_MAX || replace_len > INT32_MAX)
        return kernel_error(errbuf, errlen, "translate: the characters are too long");
    translation t;
    int rc = build_translation(&t, (const unsigned char *)matching, (int32_t)matching_len,
                               (const unsigned char *)replace, (int32_t)replace_len);
    if (rc != 0 || text_alloc(out, dst, TIDE_STRING, n, text_data_bytes(s), s, NULL) != 0)
        rc = kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t len, k = 0, b = 0;
            const unsigned char *p = text_row(s, i, &len);
            unsigned char buf[256];
            while (rc == 0 && k < len) {
                int32_t from = k, cp = text_java_code_point(p, &k, len), to = translated(&t, cp);
                if (to == -2 && cp != 0xFFFD) { /* kept as it is */
                    memcpy(buf + b, p + from, (size_t)(k - from));
                    b += k - from;
                } else if (to != -1) {
                    b += tide_utf8_encode(to == -2 ? cp : to, buf + b);
                }
                if (b > (int32_t)sizeof buf - 8 || k == len) {
                    rc = kernel_str_append(out, dst, &used, buf, b, errbuf, errlen);
                    b = 0;
                }
            }
        }
        kernel_str_end(dst, i, used);
    }
    free(t.keys);
    free(t.values);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/* ---- initcap, reverse ----------------------------------------------------------------- */

/* initcap: InitCap's toLowerCase().toTitleCase(), title case at the start
   and after each space. Text without a byte that starts a sequence
   (C2..F4) stays bytes, as UTF8String's fast paths keep it: only ASCII
   letters change. Other text goes through Java's String: malformed
   bytes become U+FFFD, and String.toLowerCase's special cases apply. */
static int initcap_row(tide_batch *out, tide_column *dst, int64_t *used, const unsigned char *p,
                       int32_t len, locale_t loc, char *errbuf, size_t errlen)
{
    unsigned char buf[256];
    int b = 0, after_space = 1, bytes_only = 1;
    for (int32_t k = 0; k < len && bytes_only; k++)
        bytes_only = text_char_bytes(p[k]) == 1;
    for (int32_t k = 0; k < len;) {
        int32_t l[2], nl = 1;
        if (bytes_only) {
            unsigned char c = p[k++];
            l[0] = c >= 'A' && c <= 'Z' ? c + 32 : c;
        } else {
            int32_t at = k, cp = text_java_code_point(p, &k, len);
            nl = case_lower(p, at, k, len, cp, loc, l);
        }
        for (int j = 0; j < nl; j++) {
            int32_t cp = l[j];
            if (after_space && (!bytes_only || (cp >= 'a' && cp <= 'z')))
                cp = case_title_cp(cp, loc);
            after_space = cp == ' ';
            if (bytes_only)
                buf[b++] = (unsigned char)cp;
            else
                b += tide_utf8_encode(cp, buf + b);
        }
        if (b > (int)sizeof buf - 8) {
            if (kernel_str_append(out, dst, used, buf, b, errbuf, errlen) != 0) return -1;
            b = 0;
        }
    }
    return kernel_str_append(out, dst, used, buf, b, errbuf, errlen);
}

/* reverse: UTF8String.reverse, characters in reverse order, each kept
   as its bytes. */
static int reverse_row(tide_batch *out, tide_column *dst, int64_t *used, const unsigned char *p,
                       int32_t len, char *errbuf, size_t errlen)
{
    int64_t at = *used;
    if (kernel_str_append(out, dst, used, p, len, errbuf, errlen) != 0) return -1;
    unsigned char *r = dst->data + at;
    for (int32_t i = 0; i < len;) {
        int32_t w = text_char_at(p, i, len);
        memcpy(r + len - i - w, p + i, (size_t)w);
        i += w;
    }
    return 0;
}

int tide_eval_text_map(tide_batch *out, int32_t op, const tide_column *s, tide_column *dst,
                       char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "initcap/reverse", "a string", errbuf, errlen) != 0)
        return -1;
    if (op != TIDE_TEXT_INITCAP && op != TIDE_TEXT_REVERSE)
        return kernel_error(errbuf, errlen, "unknown string function %d", op);
    if (text_alloc(out, dst, TIDE_STRING, n, text_data_bytes(s), s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    locale_t loc = op == TIDE_TEXT_INITCAP ? tide_utf8_locale() : (locale_t)0;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t len;
            const unsigned char *p = text_row(s, i, &len);
            int rc = op == TIDE_TEXT_INITCAP
                         ? initcap_row(out, dst, &used, p, len, loc, errbuf, errlen)
                         : reverse_row(out, dst, &used, p, len, errbuf, errlen);
            if (rc != 0) return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- repeat, ascii ---------------------------------------------------------------------- */

int tide_eval_repeat(tide_batch *out, const tide_column *s, const tide_column *times,
                     tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "repeat", "a string", errbuf, errlen) != 0 ||
        text_check(times, TIDE_INT32, n, "repeat", "an int count", errbuf, errlen) != 0)
        return -1;
    if (text_alloc(out, dst, TIDE_STRING, n, text_data_bytes(s), s, times) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *k = times->values;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i) && k[i] > 0) {
            int32_t len;
            const unsigned char *p = text_row(s, i, &len);
            if ((int64_t)len * k[i] > INT32_MAX)
                return kernel_error(errbuf, errlen, "repeat: %d copies of %d bytes exceed 2 GiB",
                                    k[i], len);
            if (append_times(out, dst, &used, p, len, k[i], errbuf, errlen) != 0) return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_ascii(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                    size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "ascii", "a string", errbuf, errlen) != 0) return -1;
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        int32_t len, k = 0;
        const unsigned char *p = text_row(s, i, &len);
        /* The first character (substring(0, 1)) as Java decodes it. */
        r[i] = len == 0 ? 0 : text_java_code_point(p, &k, text_char_at(p, 0, len));
    }
    kernel_finish(dst);
    return 0;
}
