/*
 * number_format_to_number.c — to_number and try_to_number: text read by
 * a compiled number format (number_format.c) as Spark 3.5's
 * ToNumberParser.parse reads it, into decimal(precision, scale) of the
 * format. Text is read as Java chars, so that Unicode digits and white
 * space count as Spark counts them.
 */
#include "kernel.h"
#include "decimal128.h"
#include "java_char.h"
#include "text_kernel.h"
#include "number_format_int.h"

#include <stdint.h>
#include <stdlib.h>

/* The digits read so far, before and after the input's point. Only as
   many as a matching input can have are kept: the counts go on, and fail
   the row when they pass them. */
typedef struct {
    char before[NF_MAX_DIGITS + 1], after[NF_MAX_DIGITS + 1];
    int32_t num_before, num_after;
} nf_digits;

static void keep_digit(nf_digits *d, int after, int value)
{
    int32_t *n = after ? &d->num_after : &d->num_before;
    char *into = after ? d->after : d->before;
    if (*n < NF_MAX_DIGITS + 1) into[*n] = (char)value;
    if (*n < INT32_MAX) (*n)++;
}

/* Reads one digit group of the format at input[*at]: digits, separators
   and white space, in groups (split by ',') that the format's digit runs
   take from the right: a '0' run before the point exactly its length,
   others at most. */
static int parse_group(const tide_number_parser *p, const nf_token *g, const unsigned char *s,
                       int32_t len, int32_t *at, int after_point, nf_digits *d, int32_t *sizes)
{
    int32_t found = 0, current = 0, i = *at, runs = g->exact;
    for (;;) {
        if (i >= len) {
            sizes[found++] = current;
            break;
        }
        int32_t j = i, c = text_java_code_point(s, &j, len);
        if (java_whitespace(c)) {
            i = j;
            continue;
        }
        int value = java_digit(c);
        if (value >= 0) {
            keep_digit(d, after_point, value);
            if (current < INT32_MAX) current++;
            i = j;
            continue;
        }
        sizes[found++] = current;
        if (c != ',') break;
        /* more groups than the format has fail however the input goes on */
        if (found > runs) return -1;
        current = 0;
        i = j;
    }
    if (found > runs) return -1;
    const nf_token *item = &p->items[g->at + g->count];
    for (int32_t k = 0; k < runs; k++) {
        do
            item--;
        while (item->kind != NF_DIGITS);
        int32_t actual = k < found ? sizes[found - 1 - k] : 0;
        if (item->exact ? actual != item->count : actual > item->count) return -1;
    }
    *at = i;
    return 0;
}

/* ToNumberParser.parse of one text: 0 with its value (scaled by the
   format's scale), or -1 when the format does not match it. */
static int parse_row(const tide_number_parser *p, const unsigned char *s, int32_t len,
                     int32_t *sizes, i128 *value)
{
    nf_digits d = {.num_before = 0};
    int32_t i = 0;
    int after_point = 0, opened = 0, closed = 0, negative = 0;
    for (int32_t k = 0; k < p->num_tokens; k++) {
        const nf_token *t = &p->tokens[k];
        int32_t next = i, c = i < len ? text_java_code_point(s, &next, len) : -1;
        switch (t->kind) {
        case NF_GROUP:
            if (parse_group(p, t, s, len, &i, after_point, &d, sizes) != 0) return -1;
            break;
        case NF_POINT:
            if (c == '.') after_point = 1, i = next;
            break;
        case NF_DOLLAR:
            /* at the end of the text the '$' may be missing, as Spark lets it */
            if (c >= 0 && c != '$') return -1;
            if (c == '$') i = next;
            break;
        case NF_SIGN:
            if (c == '+' || c == '-') negative ^= c == '-', i = next;
            break;
        case NF_MINUS:
            if (c == '-') negative ^= 1, i = next;
            break;
        case NF_OPEN:
            if (c == '<') {
                if (opened) return -1;
                opened = 1, i = next;
            }
            break;
        case NF_CLOSE:
            if (c == '>') {
                if (!opened) return -1;
                closed = 1, negative ^= 1, i = next;
            }
            break;
        default:
            return -1;
        }
    }
    if (i < len || opened != closed) return -1;
    /* Without a digit, Spark 3.5 gets zero from the format's fraction
       zeros, and fails on "" (or "-") when it has none: no match here. */
    if (d.num_before == 0 && d.num_after == 0 && p->scale == 0) return -1;
    if (d.num_before + p->scale > NF_MAX_DIGITS || d.num_after > p->scale) return -1;
    /* More whole digits than the format has room for (its fraction group
       read them when the text has no point: '15' by '.99'): no value of
       decimal(precision, scale), where Spark's fails to make one. */
    if (d.num_before > p->precision - p->scale) return -1;
    i128 v = 0;
    for (int32_t k = 0; k < d.num_before; k++)
        v = v * 10 + d.before[k];
    for (int32_t k = 0; k < p->scale; k++)
        v = v * 10 + (k < d.num_after ? d.after[k] : 0);
    *value = negative ? -v : v;
    return 0;
}

int tide_eval_to_number(tide_batch *out, const tide_column *s, const tide_number_parser *p,
                        int32_t strict, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "to_number needs a string");
    if (p->precision < 1 || p->precision > NF_MAX_DIGITS)
        return kernel_error(errbuf, errlen, "to_number: decimal precision %d is not 1 to 38",
                            (int)p->precision);
    if (kernel_alloc(out, dst, "", TIDE_DECIMAL, p->precision, p->scale, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t *sizes = malloc(((size_t)p->max_runs + 2) * sizeof *sizes);
    if (!sizes) return kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int32_t len;
        const unsigned char *text = text_row(s, i, &len);
        i128 v;
        if (parse_row(p, text, len, sizes, &v) == 0) {
            dec_store((char *)dst->values + 16 * i, v);
        } else if (strict) {
            free(sizes);
            return kernel_error(errbuf, errlen,
                                "[INVALID_FORMAT.MISMATCH_INPUT] The format is invalid: %s. The "
                                "input \"STRING\" %.*s does not match the format.",
                                p->quoted, (int)len, (const char *)text);
        } else if (kernel_validity(out, dst) != 0) {
            free(sizes);
            return kernel_error(errbuf, errlen, "out of memory");
        } else {
            tide_mark_null(dst, i);
        }
    }
    free(sizes);
    kernel_finish(dst);
    return 0;
}
