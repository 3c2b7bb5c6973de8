/*
 * number_format_to_char.c — to_char of decimals: each value written by a
 * compiled number format (number_format.c) with Spark 3.5's
 * ToNumberParser.format edits, '#' in every digit's place when the value
 * has more digits before or after the point than the format.
 */
#include "kernel.h"
#include "decimal128.h"
#include "number_format_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A row's text is built in place with ToNumberParser's edits; `len` is
   its length. */
typedef struct {
    char *text;
    int32_t len;
} nf_text;

/* addSpaceCheckingTrailingCharacters: a space that moves in front of the
   signs and brackets just written, so that they stay by the digits. */
static void add_space(nf_text *r)
{
    char *t = r->text;
    t[r->len++] = ' ';
    for (int32_t i = r->len - 1;
         i >= 1 && (t[i - 1] == '+' || t[i - 1] == '-' || t[i - 1] == '<') && t[i] == ' '; i--) {
        t[i] = t[i - 1];
        t[i - 1] = ' ';
    }
}

/* addCharacterCheckingTrailingSpaces: c moves in front of the spaces
   before it, next to the digits. */
static void add_char(nf_text *r, char c)
{
    char *t = r->text;
    t[r->len++] = c;
    for (int32_t i = r->len - 1; i >= 1 && t[i - 1] == ' ' && t[i] == c; i--) {
        t[i] = ' ';
        t[i - 1] = c;
    }
}

/* stripTrailingLoneDecimalPoint: a point with no digit after it becomes a
   space. */
static void strip_lone_point(nf_text *r)
{
    char *dot = memchr(r->text, '.', (size_t)r->len);
    if (dot && (dot - r->text == r->len - 1 || dot[1] == ' ')) *dot = ' ';
}

/* The digits of a decimal before its point (no leading zeros: none for
   zero) and after it (no trailing zeros), as ToNumberParser splits
   toPlainString's text. */
static void split_decimal(i128 v, int32_t scale, char *before, int32_t *num_before, char *after,
                          int32_t *num_after)
{
    char digits[48];
    int32_t n = 0;
    for (u128 a = dec_abs(v); a; a /= 10)
        digits[n++] = (char)('0' + (int)(a % 10)); /* least significant first */
    *num_before = 0;
    for (int32_t k = n - 1; k >= scale; k--)
        before[(*num_before)++] = digits[k];
    int32_t last = 0; /* the lowest fraction digit that is not zero */
    while (last < scale && last < n && digits[last] == '0')
        last++;
    *num_after = 0;
    if (last < scale && last < n)
        for (int32_t k = scale - 1; k >= last; k--)
            after[(*num_after)++] = k < n ? digits[k] : '0';
}

/* One value's text by the format's tokens: before and after are its
   digits padded to the format's (spaces in front, zeros behind) or '#'s. */
static void write_row(const tide_number_parser *p, int negative, const char *before,
                      const char *after, nf_text *r)
{
    int32_t at_before = 0, at_after = 0, point = 0;
    for (int32_t k = 0; k < p->num_tokens; k++) {
        const nf_token *t = &p->tokens[k];
        switch (t->kind) {
        case NF_GROUP:
            for (int32_t j = 0; j < t->count; j++) {
                const nf_token *item = &p->items[t->at + j];
                if (item->kind == NF_SEPARATOR) {
                    if (r->len > 0 && r->text[r->len - 1] >= '0' && r->text[r->len - 1] <= '9')
                        r->text[r->len++] = ',';
                    else
                        add_space(r);
                    continue;
                }
                for (int32_t m = 0; m < item->count; m++) {
                    char c = point ? after[at_after++] : before[at_before++];
                    if (c != ' ')
                        r->text[r->len++] = c;
                    else if (item->exact)
                        r->text[r->len++] = '0'; /* a leading '0' place keeps its zero */
                    else
                        add_space(r);
                }
            }
            break;
        case NF_POINT:
            /* no integer digits: a zero before the point */
            if (r->len > 0 && r->text[r->len - 1] == ' ') r->text[r->len - 1] = '0';
            r->text[r->len++] = '.';
            point = 1;
            break;
        case NF_DOLLAR:
            r->text[r->len++] = '$';
            break;
        case NF_SIGN:
            strip_lone_point(r);
            add_char(r, negative ? '-' : '+');
            break;
        case NF_MINUS:
            if (negative) {
                strip_lone_point(r);
                add_char(r, '-');
            } else {
                r->text[r->len++] = ' ';
            }
            break;
        case NF_OPEN:
            if (negative) r->text[r->len++] = '<';
            break;
        case NF_CLOSE:
            strip_lone_point(r);
            if (negative) {
                add_char(r, '>');
            } else {
                r->text[r->len++] = ' ';
                r->text[r->len++] = ' ';
            }
            break;
        default:
            break;
        }
    }
    strip_lone_point(r);
    if (r->len == 0 || (r->len == 1 && (r->text[0] == '+' || r->text[0] == '-')))
        r->text[0] = '0', r->len = 1;
}

int tide_eval_to_char_number(tide_batch *out, const tide_column *x, const tide_number_parser *p,
                             tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = x->length;
    if (x->type != TIDE_DECIMAL) return kernel_error(errbuf, errlen, "to_char needs a decimal");
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, n * 8) != 0 ||
        kernel_validity_and(out, dst, x, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t want_before = p->precision - p->scale, want_after = p->scale;
    /* each format byte writes at most a character and a half (PR's three
       for two); the digits of the value are padded to the format's */
    char *text = malloc((size_t)p->format_len * 2 + 8);
    char *before = malloc((size_t)want_before + NF_MAX_DIGITS + 2);
    char *after = malloc((size_t)want_after + NF_MAX_DIGITS + 2);
    int rc = 0;
    int64_t used = 0;
    if (!text || !before || !after) {
        rc = kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t row = 0; row < n; row++) {
        if (tide_valid(dst, row)) {
            i128 v = dec_load((const char *)x->values + 16 * row);
            int negative = v < 0;
            char digits_before[NF_MAX_DIGITS + 2], digits_after[NF_MAX_DIGITS + 2];
            int32_t nb, na;
            split_decimal(v, x->scale, digits_before, &nb, digits_after, &na);
            if (nb > want_before || na > want_after) {
                /* too many digits for the format: a '#' in each place */
                memset(before, '#', (size_t)want_before);
                memset(after, '#', (size_t)want_after);
            } else {
                memset(before, ' ', (size_t)(want_before - nb));
                memcpy(before + want_before - nb, digits_before, (size_t)nb);
                memcpy(after, digits_after, (size_t)na);
                memset(after + na, '0', (size_t)(want_after - na));
            }
            nf_text r = {text, 0};
            write_row(p, negative, before, after, &r);
            if (kernel_str_append(out, dst, &used, r.text, r.len, errbuf, errlen) != 0) {
                rc = -1;
                goto done;
            }
        }
        kernel_str_end(dst, row, used);
    }
    kernel_finish(dst);
done:
    free(text);
    free(before);
    free(after);
    return rc;
}
