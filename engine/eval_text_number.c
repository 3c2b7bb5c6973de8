/*
 * eval_text_number.c — format_number (contracts in ffi/text.h) as Spark
 * 3.5 formats with java.text.DecimalFormat (Locale.US): to d decimal
 * places ("#,###,###,###,###,###,##0.00..."), or by a pattern (digits #
 * and 0, grouping ',', '.', quoted and plain prefix and suffix text, %
 * and per mille, a ';' negative pattern). Rounding is HALF_EVEN on the
 * exact value; a double shows no more digits than Double.toString has
 * (the rest are zeros), and a value rounded to zero keeps its minus sign,
 * as DecimalFormat does.
 */
#include "text_kernel.h"
#include "decimal128.h"
#include "ffi/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define AFFIX 64

struct tide_number_format {
    char prefix[2][AFFIX], suffix[2][AFFIX]; /* [0] positive, [1] negative */
    int32_t min_int, min_frac, max_frac, grouping, multiplier, point_always;
};

/* Appends pattern text to an affix (quoted text as it is, '' a quote, %
   and per mille setting the multiplier); stops at a digit, ',', '.', ';'
   or the end, returning where. */
static const char *affix(const char *p, const char *end, char *out, tide_number_format *f,
                         int record_multiplier, int *bad)
{
    size_t n = strlen(out);
    int quoted = 0;
    for (; p < end; p++) {
        char c = *p;
        if (c == '\'') {
            if (p + 1 < end && p[1] == '\'') {
                c = *++p;
            } else {
                quoted = !quoted;
                continue;
            }
        } else if (!quoted) {
            if (c == '#' || c == '0' || c == ',' || c == '.' || c == ';') break;
            if (c == '%' || !strncmp(p, "\xE2\x80\xB0", 3)) {
                int m = c == '%' ? 100 : 1000;
                if (record_multiplier && f->multiplier != 1) *bad = 1;
                if (record_multiplier) f->multiplier = m;
            }
        }
        if (n + 1 >= AFFIX) {
            *bad = 1;
            break;
        }
        out[n++] = c;
        out[n] = '\0';
    }
    if (quoted) *bad = 1;
    return p;
}

tide_number_format *tide_number_format_compile(const char *pattern, size_t len, char *errbuf,
                                               size_t errlen)
{
    tide_number_format *f = calloc(1, sizeof *f);
    if (!f) return kernel_error(errbuf, errlen, "out of memory"), NULL;
    f->multiplier = 1;
    const char *p = pattern, *end = pattern + len;
    int bad = 0, negative = 0;
    /* DecimalFormat.applyPattern: prefix, number, suffix, then optionally
       ';' and the negative pattern, whose digits are not read. */
    for (int part = 0; part < 2 && !bad; part++) {
        p = affix(p, end, f->prefix[part], f, part == 0, &bad);
        int left = 0, zeros = 0, right = 0, point = -1, group = -1;
        for (; p < end && !bad; p++) {
            char c = *p;
            if (c == '#') {
                *(zeros > 0 ? &right : &left) += 1;
            } else if (c == '0') {
                if (right > 0) bad = 1;
                zeros++;
            } else if (c == ',') {
                group = 0;
                continue;
            } else if (c == '.') {
                if (point >= 0) bad = 1;
                point = left + zeros + right;
                continue;
            } else if (c == 'E' || !strncmp(p, "\xC2\xA4", 2)) {
                kernel_error(errbuf, errlen,
                             "format_number: the pattern \"%.*s\" uses '%s', which tide does not "
                             "support (digits, ',', '.', %%, quoted text only)",
                             (int)len, pattern, c == 'E' ? "E" : "\xC2\xA4");
                free(f);
                return NULL;
            } else {
                break;
            }
            if (group >= 0 && point < 0) group++;
        }
        p = affix(p, end, f->suffix[part], f, part == 0, &bad);
        if (part == 0) {
            /* "##.###" reads as "#0.###", ".###" as ".0##" */
            if (zeros == 0 && left > 0 && point >= 0) {
                int k = point == 0 ? 1 : point;
                right = left - k, left = k - 1, zeros = 1;
            }
            if ((point < 0 && right > 0) ||
                (point >= 0 && (point < left || point > left + zeros)) || group == 0)
                bad = 1;
            int total = left + zeros + right, at = point >= 0 ? point : total;
            f->min_int = at - left;
            f->max_frac = point >= 0 ? total - point : 0;
            f->min_frac = point >= 0 ? left + zeros - point : 0;
            f->grouping = group > 0 ? group : 0;
            f->point_always = point == 0 || (point >= 0 && point == total);
        }
        if (p < end && *p == ';' && part == 0) {
            negative = 1;
            p++;
            if (p == end) bad = 1;
        } else if (p < end) {
            bad = 1;
        } else {
            break;
        }
    }
    if (!bad && !negative) {
        /* the default negative pattern: '-' before the positive prefix */
        f->prefix[1][0] = '-';
        memcpy(f->prefix[1] + 1, f->prefix[0], AFFIX - 1);
        f->prefix[1][AFFIX - 1] = '\0';
        memcpy(f->suffix[1], f->suffix[0], AFFIX);
    }
    if (bad) {
        kernel_error(errbuf, errlen, "format_number: malformed pattern \"%.*s\"", (int)len,
                     pattern);
        free(f);
        return NULL;
    }
    return f;
}

void tide_number_format_free(tide_number_format *f)
{
    free(f);
}

/* d rounded HALF_EVEN to `frac` decimal places (exact digits). */
static void round_half_even(text_digits *d, int32_t frac)
{
    int64_t keep = (int64_t)d->point + frac;
    if (keep >= d->count) return;
    if (keep < 0) {
        d->count = d->point = 0;
        return;
    }
    int up = d->digits[keep] > '5' ||
             (d->digits[keep] == '5' &&
              (keep + 1 < d->count || (keep > 0 && (d->digits[keep - 1] - '0') % 2)));
    d->count = (int32_t)keep;
    if (up) {
        int32_t i = d->count - 1;
        while (i >= 0 && d->digits[i] == '9')
            i--;
        if (i < 0) {
            d->digits[0] = '1';
            d->count = 1;
            d->point++;
        } else {
            d->digits[i]++;
            d->count = i + 1;
        }
    }
    while (d->count > 0 && d->digits[d->count - 1] == '0')
        d->count--;
    if (d->count == 0) d->point = 0;
}

/* The digits of a double (already multiplied) to at most max_frac places:
   Double.toString's digits when they fit, else the exact value rounded
   HALF_EVEN (DigitList.set's result). */
static void double_digits(double x, int32_t max_frac, text_digits *d)
{
    text_java_digits(x, 0, d);
    if (d->count - d->point <= max_frac) return;
    char buf[sizeof d->digits];
    snprintf(buf, sizeof buf, "%.*f", (int)max_frac, fabs(x));
    text_digits_parse(buf, d);
}

/* DecimalFormat.subformat: the integer digits (at least min_int, grouped),
   the point when there is a fraction (or always), the fraction digits
   between min_frac and max_frac. */
static int render(const tide_number_format *f, int negative, const text_digits *d, int32_t min_frac,
                  int32_t max_frac, tide_batch *out, tide_column *dst, int64_t *used, char *errbuf,
                  size_t errlen)
{
    const char *pre = f->prefix[negative], *suf = f->suffix[negative];
    if (kernel_str_append(out, dst, used, pre, (int64_t)strlen(pre), errbuf, errlen)) return -1;
    char buf[512];
    int b = 0;
    int64_t ints = d->point > f->min_int ? d->point : f->min_int, at = 0;
    for (int64_t i = ints - 1; i >= 0; i--) {
        buf[b++] = i < d->point && at < d->count ? d->digits[at++] : '0';
        if (f->grouping && i > 0 && i % f->grouping == 0) buf[b++] = ',';
        if (b > (int)sizeof buf - 4) {
            if (kernel_str_append(out, dst, used, buf, b, errbuf, errlen)) return -1;
            b = 0;
        }
    }
    int fraction = min_frac > 0 || at < d->count;
    if (!fraction && ints == 0) buf[b++] = '0';
    if (fraction || f->point_always) buf[b++] = '.';
    for (int32_t i = 0; i < max_frac; i++) {
        if (i >= min_frac && at >= d->count) break;
        buf[b++] = -1 - i > d->point - 1 || at >= d->count ? '0' : d->digits[at++];
        if (b > (int)sizeof buf - 4) {
            if (kernel_str_append(out, dst, used, buf, b, errbuf, errlen)) return -1;
            b = 0;
        }
    }
    if (kernel_str_append(out, dst, used, buf, b, errbuf, errlen)) return -1;
    return kernel_str_append(out, dst, used, suf, (int64_t)strlen(suf), errbuf, errlen);
}

/* One value of x (row i) by f, fraction digits as f says. */
static int format_row(const tide_number_format *f, const tide_column *x, int64_t i, tide_batch *out,
                      tide_column *dst, int64_t *used, char *errbuf, size_t errlen)
{
    text_digits d;
    int negative;
    /* a double's (and long's) fraction digits are capped at 340, as
       DecimalFormat caps them for those; a BigDecimal's are not */
    int32_t max_frac = f->max_frac, min_frac = f->min_frac;
    if (x->type == TIDE_DECIMAL) {
        i128 v = dec_load((const char *)x->values + 16 * i);
        char buf[48];
        u128 a = dec_abs(v);
        int k = (int)sizeof buf - 1;
        buf[k] = '\0';
        do {
            buf[--k] = (char)('0' + (int)(a % 10));
            a /= 10;
        } while (a);
        text_digits_parse(buf + k, &d);
        if (d.count) d.point -= x->scale;
        if (d.count && f->multiplier > 1) d.point += f->multiplier == 100 ? 2 : 3;
        negative = v < 0;
        round_half_even(&d, max_frac);
    } else if (x->type == TIDE_FLOAT32 || x->type == TIDE_FLOAT64) {
        double v = x->type == TIDE_FLOAT32 ? ((const float *)x->values)[i]
                                           : ((const double *)x->values)[i];
        if (isnan(v)) return kernel_str_append(out, dst, used, "NaN", 3, errbuf, errlen);
        negative = v < 0 || (v == 0 && signbit(v));
        v *= f->multiplier;
        if (max_frac > 340) max_frac = 340;
        if (min_frac > 340) min_frac = 340;
        if (isinf(v)) {
            const char *pre = f->prefix[negative], *suf = f->suffix[negative];
            return kernel_str_append(out, dst, used, pre, (int64_t)strlen(pre), errbuf, errlen) ||
                   kernel_str_append(out, dst, used, "\xE2\x88\x9E", 3, errbuf, errlen) ||
                   kernel_str_append(out, dst, used, suf, (int64_t)strlen(suf), errbuf, errlen);
        }
        double_digits(v, max_frac, &d);
    } else {
        int64_t v = x->type == TIDE_INT32 ? ((const int32_t *)x->values)[i]
                                          : ((const int64_t *)x->values)[i];
        char buf[32];
        snprintf(buf, sizeof buf, "%llu",
                 v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);
        text_digits_parse(buf, &d);
        if (d.count && f->multiplier > 1) d.point += f->multiplier == 100 ? 2 : 3;
        negative = v < 0;
        if (max_frac > 340) max_frac = 340;
        if (min_frac > 340) min_frac = 340;
    }
    return render(f, negative, &d, min_frac, max_frac, out, dst, used, errbuf, errlen);
}

int tide_eval_format_number(tide_batch *out, const tide_column *x, const tide_column *places,
                            const tide_number_format *pattern, tide_column *dst, char *errbuf,
                            size_t errlen)
{
    int64_t n = x->length;
    int32_t t = x->type;
    if (t != TIDE_INT32 && t != TIDE_INT64 && t != TIDE_FLOAT32 && t != TIDE_FLOAT64 &&
        t != TIDE_DECIMAL)
        return kernel_error(errbuf, errlen, "format_number needs a number");
    if ((!places) == (!pattern) || (places && text_check(places, TIDE_INT32, n, "format_number",
                                                         "int places", errbuf, errlen)))
        return kernel_error(errbuf, errlen, "format_number needs int places or a pattern");
    if (text_alloc(out, dst, TIDE_STRING, n, n * 8, x, places) != 0 ||
        kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    /* d places: "#,###,###,###,###,###,##0" and d zeros after the point */
    tide_number_format fixed = {.prefix = {"", "-"}, .min_int = 1, .grouping = 3, .multiplier = 1};
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            const tide_number_format *f = pattern;
            if (places) {
                int32_t dp = ((const int32_t *)places->values)[i];
                fixed.min_frac = fixed.max_frac = dp;
                f = &fixed;
            }
            if (f == &fixed && fixed.max_frac < 0)
                tide_mark_null(dst, i); /* negative places: NULL */
            else if (format_row(f, x, i, out, dst, &used, errbuf, errlen) != 0)
                return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}
