/*
 * eval_text_search.c — the string functions that look for literal text
 * (contracts in ffi/text.h): contains/startswith/endswith, find_in_set,
 * substring_index, replace and split_part. As Spark's UTF8String, they
 * search bytes, so a delimiter is found wherever its bytes are; split_part
 * goes through a Java String in Spark (String.split), so its malformed
 * bytes come out as U+FFFD.
 */
#include "text_kernel.h"
#include "ffi/text.h"

#include <stdlib.h>

/* ---- contains / startswith / endswith ------------------------------------- */

int tide_eval_text_match(tide_batch *out, int32_t op, const tide_column *s, const tide_column *sub,
                         tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (!tide_is_varlen(s->type) ||
        text_check(sub, s->type, n, "contains", "two strings or two binaries", errbuf, errlen))
        return kernel_error(errbuf, errlen,
                            "contains/startswith/endswith need two strings or two "
                            "binaries of one length");
    if (op < TIDE_MATCH_CONTAINS || op > TIDE_MATCH_ENDS)
        return kernel_error(errbuf, errlen, "unknown string predicate %d", op);
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, sub) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint8_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int32_t len, sl;
        const unsigned char *p = text_row(s, i, &len), *q = text_row(sub, i, &sl);
        if (sl > len)
            r[i] = 0;
        else if (op == TIDE_MATCH_STARTS)
            r[i] = memcmp(p, q, (size_t)sl) == 0;
        else if (op == TIDE_MATCH_ENDS)
            r[i] = memcmp(p + len - sl, q, (size_t)sl) == 0;
        else
            r[i] = text_find(p, len, q, sl, 0) >= 0;
    }
    kernel_finish(dst);
    return 0;
}

/* ---- find_in_set ------------------------------------------------------------ */

/* UTF8String.findInSet: the 1-based place of word among set's
   comma-separated pieces, 0 when absent or when word holds a comma. */
static int32_t find_in_set(const unsigned char *set, int32_t len, const unsigned char *w,
                           int32_t wl)
{
    if (memchr(w, ',', (size_t)wl)) return 0;
    int32_t n = 1, start = 0;
    for (int32_t i = 0; i <= len; i++) {
        if (i < len && set[i] != ',') continue;
        if (i - start == wl && memcmp(set + start, w, (size_t)wl) == 0) return n;
        start = i + 1;
        n++;
    }
    return 0;
}

int tide_eval_find_in_set(tide_batch *out, const tide_column *word, const tide_column *set,
                          tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = word->length;
    if (text_check(word, TIDE_STRING, n, "find_in_set", "a string", errbuf, errlen) ||
        text_check(set, TIDE_STRING, n, "find_in_set", "a string", errbuf, errlen))
        return -1;
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, word, set) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int32_t wl, sl;
        const unsigned char *w = text_row(word, i, &wl), *p = text_row(set, i, &sl);
        r[i] = find_in_set(p, sl, w, wl);
    }
    kernel_finish(dst);
    return 0;
}

/* The checks and the result of a function of a string, a string to look
   for and a third argument (substring_index, replace, split_part), all of
   one length: dst a string column with room for s's bytes, NULL where any
   argument is. */
static int search_start(tide_batch *out, const char *fn, const tide_column *s,
                        const tide_column *search, const tide_column *third, int32_t third_type,
                        const char *third_what, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, fn, "a string", errbuf, errlen) ||
        text_check(search, TIDE_STRING, n, fn, "a string", errbuf, errlen) ||
        text_check(third, third_type, n, fn, third_what, errbuf, errlen))
        return -1;
    if (text_alloc(out, dst, TIDE_STRING, n, text_data_bytes(s), s, search) != 0 ||
        kernel_validity_and(out, dst, dst, third) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    return 0;
}

/* ---- substring_index ---------------------------------------------------------- */

/* The last byte index at or before `from` where needle starts (-1: none),
   as UTF8String.rfind. */
static int32_t rfind(const unsigned char *hay, int32_t len, const unsigned char *needle,
                     int32_t nlen, int32_t from)
{
    if (from > len - nlen) from = len - nlen;
    for (int32_t i = from; i >= 0; i--)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, (size_t)nlen) == 0) return i;
    return -1;
}

/* UTF8String.subStringIndex: the bytes before the count-th delimiter from
   the left (count > 0) or after the -count-th from the right; the whole
   string when there are fewer delimiters; "" for count 0 or an empty
   delimiter. Delimiters may overlap, as the search restarts one byte on. */
static void substring_index(const unsigned char *p, int32_t len, const unsigned char *d, int32_t dl,
                            int64_t count, int32_t *from, int32_t *to)
{
    *from = 0, *to = len;
    if (dl == 0 || count == 0) {
        *to = 0;
        return;
    }
    if (count > 0) {
        int32_t idx = -1;
        for (; count > 0; count--)
            if ((idx = text_find(p, len, d, dl, idx + 1)) < 0) return;
        *to = idx;
        return;
    }
    int32_t idx = len - dl + 1;
    for (; count < 0; count++)
        if (idx <= 0 || (idx = rfind(p, len, d, dl, idx - 1)) < 0) return;
    *from = idx + dl;
}

int tide_eval_substring_index(tide_batch *out, const tide_column *s, const tide_column *delim,
                              const tide_column *count, tide_column *dst, char *errbuf,
                              size_t errlen)
{
    if (search_start(out, "substring_index", s, delim, count, TIDE_INT32, "an int count", dst,
                     errbuf, errlen) != 0)
        return -1;
    int64_t n = s->length;
    const int32_t *k = count->values;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t len, dl, from, to;
            const unsigned char *p = text_row(s, i, &len), *d = text_row(delim, i, &dl);
            substring_index(p, len, d, dl, k[i], &from, &to);
            if (kernel_str_append(out, dst, &used, p + from, to - from, errbuf, errlen) != 0)
                return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- replace -------------------------------------------------------------------- */

int tide_eval_replace(tide_batch *out, const tide_column *s, const tide_column *search,
                      const tide_column *rep, tide_column *dst, char *errbuf, size_t errlen)
{
    if (search_start(out, "replace", s, search, rep, TIDE_STRING, "a string", dst, errbuf,
                     errlen) != 0)
        return -1;
    int64_t n = s->length, used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t len, sl, rl, at = 0, hit;
            const unsigned char *p = text_row(s, i, &len), *q = text_row(search, i, &sl),
                                *r = text_row(rep, i, &rl);
            /* UTF8String.replace: an empty search (or string) changes nothing */
            while (sl > 0 && (hit = text_find(p, len, q, sl, at)) >= 0) {
                if (kernel_str_append(out, dst, &used, p + at, hit - at, errbuf, errlen) ||
                    kernel_str_append(out, dst, &used, r, rl, errbuf, errlen))
                    return -1;
                at = hit + sl;
            }
            if (kernel_str_append(out, dst, &used, p + at, len - at, errbuf, errlen)) return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- split_part --------------------------------------------------------------------- */

/* p[0..len) as the Java String Spark splits: malformed bytes replaced by
   U+FFFD into *buf (grown as needed), or p itself when it is clean. */
static const unsigned char *as_java_text(const unsigned char *p, int32_t *len, unsigned char **buf,
                                         size_t *cap)
{
    size_t n = (size_t)*len, clean = n;
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 0x80) {
            clean = i + tide_utf8_clean_prefix(p + i, n - i);
            break;
        }
    while (clean < n && p[clean] == 0) /* a NUL is text to Java: keep it */
        clean += 1 + tide_utf8_clean_prefix(p + clean + 1, n - clean - 1);
    if (clean >= n) return p;
    size_t need = 3 * n;
    if (need > *cap) {
        unsigned char *b = realloc(*buf, need);
        if (!b) return NULL;
        *buf = b, *cap = need;
    }
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t w = p[i] < 0x80 ? 1 : tide_utf8_sequence(p + i, n - i);
        if (w == 0) {
            i += tide_utf8_malformed(p + i, n - i);
            memcpy(*buf + o, TIDE_UTF8_REPLACEMENT, 3);
            o += 3;
        } else {
            memcpy(*buf + o, p + i, w);
            o += w, i += w;
        }
    }
    *len = (int32_t)o;
    return *buf;
}

/* The piece `part` (1-based; < 0 from the end) of p split at every d (not
   overlapping, from the left; trailing empty pieces kept, as
   String.split(Pattern.quote(d), -1)); -1 when there is no such piece. An
   empty d does not split. */
static int pick_piece(const unsigned char *p, int32_t len, const unsigned char *d, int32_t dl,
                      int64_t part, int32_t *from, int32_t *to)
{
    int64_t pieces = 1;
    if (dl > 0)
        for (int32_t at = 0, hit; (hit = text_find(p, len, d, dl, at)) >= 0; at = hit + dl)
            pieces++;
    int64_t want = part > 0 ? part - 1 : pieces + part;
    if (want < 0 || want >= pieces) return -1;
    int32_t at = 0;
    for (int64_t k = 0; k < want; k++)
        at = text_find(p, len, d, dl, at) + dl;
    int32_t end = dl > 0 ? text_find(p, len, d, dl, at) : -1;
    *from = at, *to = end < 0 ? len : end;
    return 0;
}

int tide_eval_text_split_part(tide_batch *out, const tide_column *s, const tide_column *delim,
                              const tide_column *part, tide_column *dst, char *errbuf,
                              size_t errlen)
{
    if (search_start(out, "split_part", s, delim, part, TIDE_INT32, "an int part", dst, errbuf,
                     errlen) != 0)
        return -1;
    int64_t n = s->length;
    const int32_t *k = part->values;
    unsigned char *buf = NULL, *dbuf = NULL;
    size_t cap = 0, dcap = 0;
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(dst, i)) {
            if (k[i] == 0) {
                rc = kernel_error(errbuf, errlen,
                                  "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall "
                                  "be either < 0 or > 0 (the first element has index 1).");
                break;
            }
            int32_t len, dl, from, to;
            const unsigned char *p = text_row(s, i, &len), *d = text_row(delim, i, &dl);
            p = as_java_text(p, &len, &buf, &cap);
            d = p ? as_java_text(d, &dl, &dbuf, &dcap) : NULL;
            if (!p || !d)
                rc = kernel_error(errbuf, errlen, "out of memory");
            else if (pick_piece(p, len, d, dl, k[i], &from, &to) == 0)
                rc = kernel_str_append(out, dst, &used, p + from, to - from, errbuf, errlen);
        }
        kernel_str_end(dst, i, used);
    }
    free(buf);
    free(dbuf);
    if (rc == 0) kernel_finish(dst);
    return rc;
}
