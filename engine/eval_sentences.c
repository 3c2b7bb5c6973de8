/*
 * eval_sentences.c — sentences(str) (ffi/sentences.h), as Spark 3.5
 * computes it with the JRE's sentence and word BreakIterators: sentences
 * end after ? or ! (with the terminators, closing marks and spaces that
 * follow), and after a period that closing marks or spaces follow unless
 * a lower-case letter or a digit comes next (Mr. Smith is two, e.g. this
 * one, 3.14 and A.B.C none); the words are the JRE's (case_map.c's
 * case_word_end) that start with a letter or a digit.
 */
#include "case_map.h"
#include "ffi/sentences.h"
#include "kernel.h"
#include "text_kernel.h"

#include <wctype.h>

static int32_t code_point(const unsigned char *p, int32_t *i, int32_t len)
{
    return text_java_code_point(p, i, len);
}

static int is_space(int32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static int is_closing(int32_t c)
{
    return c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == 0x2019 ||
           c == 0x201D || c == 0xBB || c == 0x300D || c == 0x300F;
}

static int is_opening(int32_t c)
{
    return c == '(' || c == '[' || c == '{' || c == '"' || c == '\'' || c == 0x2018 ||
           c == 0x201C || c == 0xAB || c == 0x300C || c == 0x300E;
}

static int is_terminator(int32_t c)
{
    return c == '?' || c == '!';
}

/* The end of the sentence whose terminator (., ? or !) ends at p[i], or
   -1 when a period ends none there. */
static int32_t sentence_end(const unsigned char *p, int32_t i, int32_t len, int terminated,
                            locale_t loc)
{
    int32_t j = i, k;
    int marks = 0;
    while (j < len) {
        k = j;
        int32_t c = code_point(p, &k, len);
        if (c == '.' || is_terminator(c)) {
            terminated |= is_terminator(c);
        } else if (is_closing(c) || is_space(c)) {
            marks = 1;
        } else {
            break;
        }
        j = k;
    }
    if (terminated) return j;
    if (!marks) return -1;
    int32_t at = j;
    while (at < len) {
        k = at;
        int32_t c = code_point(p, &k, len);
        if (!is_opening(c)) {
            int lower = c < 0x80 ? (c >= 'a' && c <= 'z') : loc && iswlower_l((wint_t)c, loc);
            if (lower || (c >= '0' && c <= '9')) return -1;
            break;
        }
        at = k;
    }
    return j;
}

/* The words of p[from, to) appended to words (a string column). */
static int add_words(tide_batch *out, tide_column *words, const unsigned char *p, int32_t from,
                     int32_t to, locale_t loc)
{
    int32_t i = from;
    while (i < to) {
        int32_t end = case_word_end(p, i, to, loc);
        if (end > i) {
            if (tide_column_append_bytes(out, words, p + i, end - i) != 0) return -1;
            i = end;
        } else {
            code_point(p, &i, to);
        }
    }
    return 0;
}

int tide_eval_sentences(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                        size_t errlen)
{
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "sentences needs a string");
    int64_t n = s->length;
    tide_column *list;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0 ||
        tide_column_init_array(out, list = &dst->children[0], "element", n) != 0 ||
        tide_column_init(out, &list->children[0], "element", TIDE_STRING, n * 4) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    locale_t loc = tide_utf8_locale();
    int64_t *offsets = dst->values;
    for (int64_t r = 0; r < n; r++) {
        int32_t len;
        const unsigned char *p =
            tide_valid(s, r) ? (const unsigned char *)tide_column_bytes(s, r, &len) : NULL;
        int32_t start = 0, i = 0;
        while (p && i < len) {
            int32_t k = i;
            int32_t c = code_point(p, &k, len);
            int32_t end =
                c == '.' || is_terminator(c) ? sentence_end(p, k, len, is_terminator(c), loc) : -1;
            if (end < 0 || end >= len) {
                i = k;
                continue;
            }
            if (add_words(out, &list->children[0], p, start, end, loc) != 0 ||
                tide_column_append_array(out, list) != 0)
                return kernel_error(errbuf, errlen, "out of memory");
            start = i = end;
        }
        if (p && len > 0 &&
            (add_words(out, &list->children[0], p, start, len, loc) != 0 ||
             tide_column_append_array(out, list) != 0))
            return kernel_error(errbuf, errlen, "out of memory");
        offsets[r + 1] = list->length;
    }
    kernel_finish(dst);
    return 0;
}
