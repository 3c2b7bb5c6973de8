/*
 * eval_text_cut.c — the string functions that cut and paste pieces by
 * position (contracts in ffi/text.h): left, right, overlay and elt, as
 * Spark's UTF8String.substringSQL and ByteArray.subStringSQL count
 * positions: characters of text, bytes of binary, 1-based, a position
 * below 1 counted from the end.
 */
#include "text_kernel.h"
#include "ffi/text.h"

#include <limits.h>

/* The units [*from, *to) that substringSQL(pos, length) takes of a value
   of n units (characters or bytes), Java's int arithmetic clamped as
   Spark clamps it. */
static void sql_range(int64_t n, int32_t pos, int32_t length, int64_t *from, int64_t *to)
{
    int64_t start = pos > 0 ? (int64_t)pos - 1 : pos < 0 ? n + pos : 0;
    int64_t end = start + length;
    if (end > INT_MAX) end = INT_MAX;
    if (start < 0) start = 0;
    if (end > n) end = n;
    *from = start, *to = end > start ? end : start;
}

/* The bytes [*b0, *b1) of units [from, to) of p (characters of a string,
   bytes of binary). */
static void unit_bytes(const unsigned char *p, int32_t len, int binary, int64_t from, int64_t to,
                       int32_t *b0, int32_t *b1)
{
    if (binary) {
        *b0 = (int32_t)from, *b1 = (int32_t)to;
        return;
    }
    *b0 = text_chars_prefix(p, len, from);
    *b1 = *b0 + text_chars_prefix(p + *b0, len - *b0, to - from);
}

static int64_t units(const unsigned char *p, int32_t len, int binary)
{
    return binary ? len : text_count_chars(p, len);
}

/* Appends substringSQL(pos, length) of p. */
static int append_sql_range(tide_batch *out, tide_column *dst, int64_t *used,
                            const unsigned char *p, int32_t len, int binary, int32_t pos,
                            int32_t length, char *errbuf, size_t errlen)
{
    int64_t from, to;
    int32_t b0, b1;
    sql_range(units(p, len, binary), pos, length, &from, &to);
    unit_bytes(p, len, binary, from, to, &b0, &b1);
    return kernel_str_append(out, dst, used, p + b0, b1 - b0, errbuf, errlen);
}

int tide_eval_left_right(tide_batch *out, const tide_column *s, const tide_column *len,
                         int32_t right, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (!tide_is_varlen(s->type) ||
        text_check(len, TIDE_INT32, n, "left/right", "an int length", errbuf, errlen))
        return kernel_error(errbuf, errlen, "left/right need a string and an int length");
    if (text_alloc(out, dst, s->type, n, text_data_bytes(s), s, len) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *k = len->values;
    int binary = s->type == TIDE_BINARY;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        /* Left is substring(s, 1, len); Right is "" for len <= 0, else
           substring(s, -len) (Spark's replacements). */
        if (tide_valid(dst, i) && (!right || k[i] > 0)) {
            int32_t bytes;
            const unsigned char *p = text_row(s, i, &bytes);
            if (append_sql_range(out, dst, &used, p, bytes, binary, right ? -k[i] : 1,
                                 right ? INT_MAX : k[i], errbuf, errlen) != 0)
                return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_overlay(tide_batch *out, const tide_column *s, const tide_column *rep,
                      const tide_column *pos, const tide_column *len, tide_column *dst,
                      char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (!tide_is_varlen(s->type) ||
        text_check(rep, s->type, n, "overlay", "a replacement of the input's type", errbuf,
                   errlen) ||
        text_check(pos, TIDE_INT32, n, "overlay", "an int position", errbuf, errlen) ||
        text_check(len, TIDE_INT32, n, "overlay", "an int length", errbuf, errlen))
        return kernel_error(errbuf, errlen, "overlay needs two strings (or binaries) and ints");
    if (text_alloc(out, dst, s->type, n, text_data_bytes(s) + text_data_bytes(rep), s, rep) != 0 ||
        kernel_validity_and(out, dst, dst, pos) != 0 || kernel_validity_and(out, dst, dst, len))
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *at = pos->values, *want = len->values;
    int binary = s->type == TIDE_BINARY;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t sl, rl;
            const unsigned char *p = text_row(s, i, &sl), *r = text_row(rep, i, &rl);
            /* Overlay.calculate, in Java's wrapping int arithmetic: the
               input before pos, the replacement, the input from pos + len
               (len < 0: the replacement's length). */
            int32_t cut = want[i] >= 0 ? want[i] : (int32_t)units(r, rl, binary);
            int32_t before = (int32_t)((uint32_t)at[i] - 1u);
            int32_t after = (int32_t)((uint32_t)at[i] + (uint32_t)cut);
            if (append_sql_range(out, dst, &used, p, sl, binary, 1, before, errbuf, errlen) ||
                kernel_str_append(out, dst, &used, r, rl, errbuf, errlen) ||
                append_sql_range(out, dst, &used, p, sl, binary, after, INT_MAX, errbuf, errlen))
                return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_elt(tide_batch *out, const tide_column *index, const tide_column *const *inputs,
                  int32_t n, int64_t rows, tide_column *dst, char *errbuf, size_t errlen)
{
    if (text_check(index, TIDE_INT32, rows, "elt", "an int index", errbuf, errlen)) return -1;
    if (n < 1) return kernel_error(errbuf, errlen, "elt needs an input");
    int32_t type = inputs[0]->type;
    int64_t bytes = 0;
    for (int32_t a = 0; a < n; a++) {
        if (!tide_is_varlen(type) ||
            text_check(inputs[a], type, rows, "elt", "inputs of one type", errbuf, errlen))
            return kernel_error(errbuf, errlen, "elt needs string (or binary) inputs");
        bytes += text_data_bytes(inputs[a]);
    }
    if (text_alloc(out, dst, type, rows, bytes / n, index, NULL) != 0 ||
        kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int32_t *k = index->values;
    int64_t used = 0;
    for (int64_t i = 0; i < rows; i++) {
        /* an index out of range is NULL (Spark's non-ANSI mode) */
        const tide_column *c =
            tide_valid(index, i) && k[i] >= 1 && k[i] <= n ? inputs[k[i] - 1] : NULL;
        if (c && tide_valid(c, i)) {
            int32_t len;
            const unsigned char *p = text_row(c, i, &len);
            if (kernel_str_append(out, dst, &used, p, len, errbuf, errlen) != 0) return -1;
        } else {
            tide_mark_null(dst, i);
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}
