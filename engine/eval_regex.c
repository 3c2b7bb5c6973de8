/*
 * eval_regex.c — regular expressions over string columns with PCRE2
 * (contracts in ffi/eval.h): regexp_replace, regexp_extract, split,
 * split(...)[i], RLIKE and LIKE. Patterns use Java's syntax, rewritten
 * where PCRE2 reads it otherwise (java_regex.c); they are compiled once per plan (UTF-8 mode, invalid UTF-8 subjects allowed,
 * JIT when available). Matches are found as java.util.regex.Matcher.find
 * finds them: the next search starts where the last match ended, one
 * character further after an empty match, so that replace and split agree
 * with Spark's results (split keeps trailing empty strings, as Spark's
 * limit -1 does, and drops a leading empty piece made by an empty match).
 * An empty split pattern is no regex in Spark 3.4+ (SPARK-40194): the
 * string's characters, without the trailing empty string a regex split
 * would keep. The compiled regex and the way of finding matches are
 * shared with eval_regex_find.c and eval_url.c (regex_internal.h).
 */
#include "java_regex.h"
#include "regex_internal.h"

#include <stdlib.h>
#include <string.h>

/* re, compiled, as a tide_regex (JIT-compiled when PCRE2 has a JIT). */
static tide_regex *wrap(pcre2_code *re, char *errbuf, size_t errlen)
{
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* without JIT it still works, slower */
    tide_regex *r = calloc(1, sizeof *r);
    if (!r) {
        pcre2_code_free(re);
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    r->code = re;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &r->captures);
    return r;
}

tide_regex *tide_regex_compile(const char *pattern, size_t len, char *errbuf, size_t errlen)
{
    char why[256];
    pcre2_code *re = java_regex_compile(pattern, len, 0, why, sizeof why);
    if (!re) {
        kernel_error(errbuf, errlen, "invalid regular expression '%.*s': %s", (int)len, pattern, why);
        return NULL;
    }
    tide_regex *r = wrap(re, errbuf, errlen);
    if (r) r->empty = len == 0;
    return r;
}

tide_regex *tide_like_compile(const char *pattern, size_t len, int32_t escape, char *errbuf,
                              size_t errlen)
{
    /* Every byte becomes at most 2 of regex. */
    char *rx = malloc(len * 2 + 1);
    if (!rx) {
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pattern[i];
        if ((int32_t)c == escape) {
            if (i + 1 == len || (pattern[i + 1] != '_' && pattern[i + 1] != '%' &&
                                 (unsigned char)pattern[i + 1] != (unsigned char)escape)) {
                kernel_error(errbuf, errlen,
                             "the escape character is not allowed to precede '%c' in LIKE '%.*s'",
                             i + 1 < len ? pattern[i + 1] : ' ', (int)len, pattern);
                free(rx);
                return NULL;
            }
            c = (unsigned char)pattern[++i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                rx[n++] = '\\';
            rx[n++] = (char)c;
        } else if (c == '%') {
            rx[n++] = '.', rx[n++] = '*';
        } else if (c == '_') {
            rx[n++] = '.';
        } else if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                                 (c >= 'A' && c <= 'Z'))) {
            rx[n++] = '\\', rx[n++] = (char)c;
        } else {
            rx[n++] = (char)c;
        }
    }
    int code;
    PCRE2_SIZE where;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)rx, n,
                                   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_ANCHORED |
                                       PCRE2_ENDANCHORED | PCRE2_DOTALL,
                                   &code, &where, NULL);
    free(rx);
    if (!re) { /* (invalid UTF-8 in the pattern) */
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        kernel_error(errbuf, errlen, "invalid LIKE pattern '%.*s': %s", (int)len, pattern,
                     (const char *)msg);
        return NULL;
    }
    return wrap(re, errbuf, errlen);
}

int32_t tide_regex_groups(const tide_regex *re)
{
    return (int32_t)re->captures;
}

void tide_regex_free(tide_regex *re)
{
    if (!re) return;
    pcre2_code_free(re->code);
    free(re);
}

/* ---- finding matches as Java does ------------------------------------------ */

/* A match that failed (code < 0, other than PCRE2_ERROR_NOMATCH) as an error. */
static int match_error(int code, char *errbuf, size_t errlen)
{
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    return kernel_error(errbuf, errlen, "regular expression: %s", (const char *)msg);
}

/* re's match data, and dst as a `type` column of s's rows (with room for
   `bytes`) valid where s is; NULL, with errbuf, when out of memory. */
static pcre2_match_data *start_matching(tide_batch *out, const tide_column *s, const tide_regex *re,
                                        int32_t type, int64_t bytes, tide_column *dst, char *errbuf,
                                        size_t errlen)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!md || kernel_alloc(out, dst, "", type, 0, 0, s->length, bytes) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0) {
        pcre2_match_data_free(md);
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    return md;
}

int regex_find_next(regex_finder *f, size_t *start, size_t *end, char *errbuf, size_t errlen)
{
    if (f->done || f->from > f->len) return 0;
    int rc = pcre2_match(f->re->code, f->s, f->len, f->from, 0, f->md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH) {
        f->done = 1;
        return 0;
    }
    if (rc < 0) return match_error(rc, errbuf, errlen);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(f->md);
    *start = ov[0];
    *end = ov[1];
    if (*end > *start) {
        f->from = *end;
    } else {
        /* After an empty match, one character further. */
        size_t next = *end + 1;
        while (next < f->len && (f->s[next] & 0xC0) == 0x80) next++;
        f->from = next;
    }
    return 1;
}

/* ---- the replacement: literal text and group references ------------------ */

typedef struct {
    int32_t group; /* -1: literal text */
    size_t offset, len;
} rpart;

typedef struct {
    char *text; /* literal bytes, unescaped */
    rpart *parts;
    int32_t n;
} replacement;

/* Parses Java's replacement syntax: \x is x, $n and ${name} refer to groups
   ($12 is group 12 only if the pattern has 12 groups, else group 1 then
   "2"). */
static int parse_replacement(const tide_regex *re, const char *r, size_t len, replacement *out,
                             char *errbuf, size_t errlen)
{
    out->text = malloc(len + 1);
    out->parts = malloc(sizeof(rpart) * (len + 1));
    out->n = 0;
    if (!out->text || !out->parts) return kernel_error(errbuf, errlen, "out of memory");
    size_t t = 0;
    for (size_t i = 0; i < len;) {
        if (r[i] == '$') {
            int64_t group = -1;
            i++;
            if (i < len && r[i] == '{') {
                size_t close = i + 1;
                while (close < len && r[close] != '}') close++;
                if (close >= len)
                    return kernel_error(errbuf, errlen, "replacement: missing '}' after '${'");
                char name[128];
                size_t nl = close - i - 1;
                if (nl == 0 || nl >= sizeof name)
                    return kernel_error(errbuf, errlen, "replacement: bad group name");
                memcpy(name, r + i + 1, nl);
                name[nl] = '\0';
                int num = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
                if (num < 0) return kernel_error(errbuf, errlen, "replacement: no group named %s", name);
                group = num;
                i = close + 1;
            } else if (i < len && r[i] >= '0' && r[i] <= '9') {
                group = r[i++] - '0';
                while (i < len && r[i] >= '0' && r[i] <= '9' &&
                       group * 10 + (r[i] - '0') <= (int64_t)re->captures)
                    group = group * 10 + (r[i++] - '0');
                if (group > (int64_t)re->captures)
                    return kernel_error(errbuf, errlen, "replacement: no group %lld", (long long)group);
            } else {
                return kernel_error(errbuf, errlen, "replacement: illegal group reference");
            }
            out->parts[out->n++] = (rpart){(int32_t)group, 0, 0};
            continue;
        }
        if (r[i] == '\\') {
            if (++i >= len) return kernel_error(errbuf, errlen, "replacement: character to be escaped is missing");
        }
        /* Literal text, merged with the literal part before it. */
        if (out->n > 0 && out->parts[out->n - 1].group < 0) {
            out->parts[out->n - 1].len++;
        } else {
            out->parts[out->n++] = (rpart){-1, t, 1};
        }
        out->text[t++] = r[i++];
    }
    return 0;
}

/* The byte offset of s's character `chars` (0-based), len when s has
   fewer (Java counts UTF-16 units, where a character beyond U+FFFF is two:
   positions past such a character differ). */
static size_t char_offset(const unsigned char *s, size_t len, int64_t chars)
{
    size_t b = 0;
    for (int64_t k = 0; k < chars && b < len; k++) {
        b++;
        while (b < len && (s[b] & 0xC0) == 0x80) b++;
    }
    return b;
}

int tide_eval_regexp_replace(tide_batch *out, const tide_column *s, const tide_regex *re,
                             const char *replacement_text, size_t replacement_len, int64_t position,
                             tide_column *dst, char *errbuf, size_t errlen)
{
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "regexp_replace needs a string column");
    replacement rep = {0};
    int rc = parse_replacement(re, replacement_text, replacement_len, &rep, errbuf, errlen);
    int64_t n = s->length;
    const int32_t *off = s->values;
    pcre2_match_data *md = rc == 0 ? start_matching(out, s, re, TIDE_STRING, n ? off[n] - off[0] : 0,
                                                    dst, errbuf, errlen)
                                   : NULL;
    if (!md) rc = -1;
    int64_t used = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(s, i)) {
            const unsigned char *row = s->data + off[i];
            size_t row_len = (size_t)(off[i + 1] - off[i]);
            /* Java's Matcher.region(position - 1, length): the text before
               it kept, the region searched as the whole subject (^ and
               lookbehind see its bounds); past the end nothing is replaced. */
            size_t skip = position > 1 ? char_offset(row, row_len, position - 1) : 0;
            int past_end = position > 1 && skip >= row_len;
            rc = kernel_str_append(out, dst, &used, row, (int64_t)skip, errbuf, errlen);
            regex_finder f = {re, md, row + skip, row_len - skip, 0, past_end};
            size_t copied = 0, ms = 0, me = 0;
            int found = 0;
            while (rc == 0 && (found = regex_find_next(&f, &ms, &me, errbuf, errlen)) == 1) {
                rc = kernel_str_append(out, dst, &used, f.s + copied, (int64_t)(ms - copied), errbuf, errlen);
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                for (int32_t k = 0; rc == 0 && k < rep.n; k++) {
                    rpart *p = &rep.parts[k];
                    if (p->group < 0) {
                        rc = kernel_str_append(out, dst, &used, rep.text + p->offset, (int64_t)p->len, errbuf, errlen);
                    } else if (ov[2 * p->group] != PCRE2_UNSET) {
                        rc = kernel_str_append(out, dst, &used, f.s + ov[2 * p->group],
                                               (int64_t)(ov[2 * p->group + 1] - ov[2 * p->group]), errbuf, errlen);
                    }
                }
                copied = me;
            }
            if (found < 0) rc = -1;
            if (rc == 0) rc = kernel_str_append(out, dst, &used, f.s + copied, (int64_t)(f.len - copied), errbuf, errlen);
        }
        kernel_str_end(dst, i, used);
    }
    if (rc == 0) kernel_finish(dst);
    pcre2_match_data_free(md);
    free(rep.text);
    free(rep.parts);
    return rc;
}

/* The bytes of a character as Spark's UTF8String.numBytesForFirstByte counts
   them from its first byte (1 for a byte that starts no sequence). */
static size_t char_bytes(unsigned char c)
{
    return c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 1;
}

/* Calls emit(ctx, start, end) for each piece of s[0, len) that Spark's
   split(s, re, limit) gives, in order, until emit returns nonzero (1:
   enough, -1: an error). An empty pattern splits a non-empty string into
   its characters (the last piece, the limit's, the rest) without the
   trailing empty piece; a regex at every match (at most limit - 1 of them
   when limit > 0), keeping trailing empty pieces, without the leading
   empty piece of an empty match. 0, or -1 with errbuf. */
typedef int (*piece_fn)(void *ctx, size_t start, size_t end);

static int each_split_piece(const tide_regex *re, pcre2_match_data *md, const unsigned char *s,
                            size_t len, int32_t limit, piece_fn emit, void *ctx, char *errbuf,
                            size_t errlen)
{
    int rc = 0;
    if (re->empty && len > 0) {
        int64_t chars = 0;
        for (size_t b = 0; b < len; b += char_bytes(s[b]))
            chars++;
        int64_t pieces = limit <= 0 || limit > chars ? chars : limit;
        size_t b = 0;
        for (int64_t k = 0; rc == 0 && k < pieces; k++) {
            size_t next = k < pieces - 1 ? b + char_bytes(s[b]) : len;
            rc = emit(ctx, b, next);
            b = next;
        }
        return rc < 0 ? -1 : 0;
    }
    regex_finder f = {re, md, s, len, 0, 0};
    size_t seg = 0, ms = 0, me = 0;
    int32_t pieces = 0;
    int found = 0;
    while (rc == 0 && (limit <= 0 || pieces < limit - 1) &&
           (found = regex_find_next(&f, &ms, &me, errbuf, errlen)) == 1) {
        if (seg == 0 && ms == 0 && me == 0) continue; /* no leading empty piece */
        rc = emit(ctx, seg, ms);
        pieces++;
        seg = me;
    }
    if (found < 0 || rc < 0) return -1;
    if (rc == 0 && emit(ctx, seg, len) < 0) return -1; /* the rest (the whole string without a match) */
    return 0;
}

typedef struct {
    int32_t want, seen; /* split_part: the piece wanted, and how many went by */
    size_t start, end;
    int have;
} part_wanted;

static int take_part(void *ctx, size_t start, size_t end)
{
    part_wanted *p = ctx;
    if (p->seen++ != p->want) return 0;
    p->start = start, p->end = end, p->have = 1;
    return 1;
}

int tide_eval_split_part(tide_batch *out, const tide_column *s, const tide_regex *re,
                         int32_t limit, int32_t index, tide_column *dst, char *errbuf,
                         size_t errlen)
{
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "split needs a string column");
    int64_t n = s->length;
    const int32_t *off = s->values;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!md || kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, n ? (off[n] - off[0]) / 2 : 0) != 0 ||
        kernel_validity(out, dst) != 0) {
        pcre2_match_data_free(md);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        part_wanted p = {index, 0, 0, 0, 0};
        if (tide_valid(s, i) && index >= 0)
            rc = each_split_piece(re, md, s->data + off[i], (size_t)(off[i + 1] - off[i]), limit,
                                  take_part, &p, errbuf, errlen);
        if (rc == 0 && p.have)
            rc = kernel_str_append(out, dst, &used, s->data + off[i] + p.start,
                                   (int64_t)(p.end - p.start), errbuf, errlen);
        else
            tide_mark_null(dst, i);
        kernel_str_end(dst, i, used);
    }
    pcre2_match_data_free(md);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

typedef struct {
    tide_batch *out;
    tide_column *pieces;
    const char *s;
    int failed; /* out of memory appending a piece */
} piece_sink;

static int append_piece(void *ctx, size_t start, size_t end)
{
    piece_sink *k = ctx;
    if (tide_column_append_bytes(k->out, k->pieces, k->s + start, (int64_t)(end - start)) == 0) return 0;
    k->failed = 1;
    return -1;
}

int tide_eval_split(tide_batch *out, const tide_column *s, const tide_regex *re, int32_t limit,
                    tide_column *dst, char *errbuf, size_t errlen)
{
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "split needs a string column");
    int64_t n = s->length;
    const int32_t *off = s->values;
    pcre2_match_data *md = start_matching(out, s, re, TIDE_ARRAY, 0, dst, errbuf, errlen);
    if (!md) return -1;
    if (tide_column_init(out, &dst->children[0], "element", TIDE_STRING, n * 2) != 0) {
        pcre2_match_data_free(md);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    int64_t *offsets = dst->values;
    piece_sink sink = {out, &dst->children[0], NULL, 0};
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(s, i)) {
            sink.s = (const char *)s->data + off[i];
            rc = each_split_piece(re, md, s->data + off[i], (size_t)(off[i + 1] - off[i]), limit,
                                  append_piece, &sink, errbuf, errlen);
            if (sink.failed) kernel_error(errbuf, errlen, "out of memory");
        }
        offsets[i + 1] = dst->children[0].length;
    }
    pcre2_match_data_free(md);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

int tide_eval_regex_match(tide_batch *out, const tide_column *s, const tide_regex *re,
                          tide_column *dst, char *errbuf, size_t errlen)
{
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "LIKE/RLIKE need a string column");
    int64_t n = s->length;
    const int32_t *off = s->values;
    pcre2_match_data *md = start_matching(out, s, re, TIDE_BOOL, 0, dst, errbuf, errlen);
    if (!md) return -1;
    uint8_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(s, i)) continue;
        int rc = pcre2_match(re->code, s->data + off[i], (size_t)(off[i + 1] - off[i]), 0, 0, md, NULL);
        if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
            pcre2_match_data_free(md);
            return match_error(rc, errbuf, errlen);
        }
        r[i] = rc >= 0;
    }
    pcre2_match_data_free(md);
    kernel_finish(dst);
    return 0;
}

/* regexp_extract: the first match, found as java.util.regex.Matcher.find
   finds it from the start; its group, or "" when the pattern does not
   match or the group took no part, as Spark's RegExpExtract. */
int tide_eval_regexp_extract(tide_batch *out, const tide_column *s, const tide_regex *re,
                             int32_t group, tide_column *dst, char *errbuf, size_t errlen)
{
    if (s->type != TIDE_STRING)
        return kernel_error(errbuf, errlen, "regexp_extract needs a string column");
    if (group < 0 || (uint32_t)group > re->captures)
        return kernel_error(errbuf, errlen, "the regex has %u groups, not a group %d", re->captures,
                            group);
    int64_t n = s->length;
    const int32_t *off = s->values;
    pcre2_match_data *md = start_matching(out, s, re, TIDE_STRING, 0, dst, errbuf, errlen);
    if (!md) return -1;
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(s, i)) {
            const unsigned char *p = s->data + off[i];
            int m = pcre2_match(re->code, p, (size_t)(off[i + 1] - off[i]), 0, 0, md, NULL);
            if (m >= 0) {
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                PCRE2_SIZE a = ov[2 * group], b = ov[2 * group + 1];
                if (a != PCRE2_UNSET && b >= a)
                    rc =
                        kernel_str_append(out, dst, &used, p + a, (int64_t)(b - a), errbuf, errlen);
            } else if (m != PCRE2_ERROR_NOMATCH) {
                rc = match_error(m, errbuf, errlen);
            }
        }
        kernel_str_end(dst, i, used);
    }
    pcre2_match_data_free(md);
    if (rc == 0) kernel_finish(dst);
    return rc;
}
