/*
 * eval_text_printf_values.c — the text java.util.Formatter gives one
 * argument value (text_printf.h): %s of Spark's internal values (Java's
 * Double.toString, Float.toString, BigDecimal.toString), %d %o %x with
 * signs, grouping and zero padding, %e %f %g rounded HALF_UP from the
 * shortest decimal digits (FormattedFloatingDecimal: zeros, not binary
 * noise, past them), and width counted in UTF-16 chars.
 */
#include "text_printf.h"
#include "decimal128.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <wctype.h>

static int put_str(pf_buf *b, const char *s)
{
    return pf_put(b, s, strlen(s));
}

/* UTF-16 chars of UTF-8 text (a 4-byte sequence is two). */
static int64_t utf16_length(const char *s, size_t n)
{
    int64_t units = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        units += (c & 0xC0) != 0x80;
        units += c >= 0xF0;
    }
    return units;
}

/* Formatter.appendJustified: spaces to width (before, or after with '-'). */
static int justify(pf_buf *b, const pf_piece *pc, const char *s, size_t n)
{
    int64_t pad = pc->width < 0 ? 0 : pc->width - utf16_length(s, n);
    if (!(pc->flags & PF_LEFT))
        for (; pad > 0; pad--)
            if (pf_put(b, " ", 1)) return -1;
    if (pf_put(b, s, n)) return -1;
    for (; pad > 0; pad--)
        if (pf_put(b, " ", 1)) return -1;
    return 0;
}

/* Formatter.print(String): cut to the precision (UTF-16 chars; half a
   pair is '?'), upper-cased for %S %B ..., justified. */
static int print_text(pf_buf *b, pf_buf *tmp, const pf_piece *pc, const char *s, size_t n)
{
    tmp->n = 0;
    locale_t loc = tide_utf8_locale();
    int64_t left = pc->precision < 0 ? INT64_MAX : pc->precision;
    for (int32_t i = 0; i < (int32_t)n && left > 0;) {
        int32_t cp = text_java_code_point((const unsigned char *)s, &i, (int32_t)n);
        if (cp >= 0x10000 && left == 1) cp = '?';
        left -= cp >= 0x10000 ? 2 : 1;
        unsigned char u[8];
        int w;
        if ((pc->flags & PF_UPPER) && cp == 0xDF) { /* String.toUpperCase: ß is SS */
            memcpy(u, "SS", 2), w = 2;
        } else {
            if (pc->flags & PF_UPPER)
                cp = cp < 0x80 ? (cp >= 'a' && cp <= 'z' ? cp - 32 : cp)
                     : loc     ? (int32_t)towupper_l((wint_t)cp, loc)
                               : cp;
            w = tide_utf8_encode(cp, u);
        }
        if (pf_put(tmp, u, (size_t)w)) return -1;
    }
    return justify(b, pc, tmp->p ? tmp->p : "", tmp->n);
}

/* Formatter.localizedMagnitude: digits (and '.') of value, ',' every
   three integer digits with the GROUP flag, then zeros after what sb
   holds from `begin` (the sign) up to width with ZERO_PAD. */
static int magnitude(pf_buf *sb, size_t begin, const char *value, int32_t flags, int64_t width)
{
    size_t len = strlen(value), dot = len;
    const char *pt = strchr(value, '.');
    if (pt) dot = (size_t)(pt - value);
    for (size_t j = 0; j < len; j++) {
        if (pf_put(sb, value + j, 1)) return -1;
        if ((flags & PF_GROUP) && j < dot && j != dot - 1 && (dot - j) % 3 == 1)
            if (pf_put(sb, ",", 1)) return -1;
    }
    if (width >= 0 && (flags & PF_ZERO) && (int64_t)sb->n < width) {
        size_t zeros = (size_t)(width - (int64_t)sb->n), old = sb->n;
        for (size_t z = 0; z < zeros; z++) /* room, then the zeros go in at begin */
            if (pf_put(sb, "0", 1)) return -1;
        memmove(sb->p + begin + zeros, sb->p + begin, old - begin);
        memset(sb->p + begin, '0', zeros);
    }
    return 0;
}

static int leading_sign(pf_buf *sb, int32_t flags, int negative)
{
    if (negative) return pf_put(sb, flags & PF_PAREN ? "(" : "-", 1);
    if (flags & PF_PLUS) return pf_put(sb, "+", 1);
    if (flags & PF_SPACE) return pf_put(sb, " ", 1);
    return 0;
}

static int64_t adjust_width(const pf_piece *pc, int64_t width, int negative)
{
    return width >= 0 && negative && (pc->flags & PF_PAREN) ? width - 1 : width;
}

/* FormattedFloatingDecimal.applyPrecision: d kept to `keep` digits,
   rounded HALF_UP. */
static void round_half_up(text_digits *d, int64_t keep)
{
    if (keep >= d->count) return;
    if (keep < 0) {
        d->count = d->point = 0;
        return;
    }
    int up = d->digits[keep] >= '5';
    d->count = (int32_t)keep;
    if (up) {
        int32_t i = d->count - 1;
        while (i >= 0 && d->digits[i] == '9')
            i--;
        if (i < 0) {
            d->digits[0] = '1', d->count = 1, d->point++;
        } else {
            d->digits[i]++, d->count = i + 1;
        }
    }
    while (d->count > 0 && d->digits[d->count - 1] == '0')
        d->count--;
    if (d->count == 0) d->point = 0;
}

/* d in plain notation with exactly `frac` fraction digits (and a '.' for
   '#' at 0), into out. */
static int plain(const text_digits *d, int64_t frac, int alt, pf_buf *out)
{
    int rc = 0;
    if (d->point <= 0) rc = pf_put(out, "0", 1);
    for (int64_t k = 0; rc == 0 && k < d->point; k++)
        rc = pf_put(out, k < d->count ? &d->digits[k] : "0", 1);
    if (rc == 0 && (frac > 0 || alt)) rc = pf_put(out, ".", 1);
    for (int64_t i = 0; rc == 0 && i < frac; i++) {
        int64_t at = (int64_t)d->point + i; /* the digit's index */
        rc = pf_put(out, at >= 0 && at < d->count ? &d->digits[at] : "0", 1);
    }
    return rc;
}

/* %e %f %g of a finite, non-negative x. */
static int print_double(pf_buf *sb, size_t begin, const pf_piece *pc, double x, int negative,
                        pf_buf *tmp)
{
    text_digits d;
    text_java_digits(x, 0, &d);
    int64_t prec = pc->precision < 0 ? 6 : pc->precision;
    int alt = (pc->flags & PF_ALT) != 0, sci = pc->conv == 'e';
    if (pc->conv == 'g') {
        prec = pc->precision < 0 ? 6 : pc->precision == 0 ? 1 : pc->precision;
        if (d.count) round_half_up(&d, prec);
        int64_t e = d.count ? d.point - 1 : 0;
        sci = d.count && (e < -4 || e >= prec);
        prec = sci ? prec - 1 : prec - (e + 1);
        alt = 0;
    } else if (sci) {
        round_half_up(&d, prec + 1);
    } else {
        round_half_up(&d, (int64_t)d.point + prec);
    }
    tmp->n = 0;
    char exp[16] = "";
    int64_t width = pc->width;
    if (sci) {
        text_digits m = d;
        m.point = 1;
        if (plain(&m, prec, alt, tmp)) return -1;
        int e = d.count ? d.point - 1 : 0;
        snprintf(exp, sizeof exp, "%c%c%02d", pc->flags & PF_UPPER ? 'E' : 'e', e < 0 ? '-' : '+',
                 e < 0 ? -e : e);
        if (width >= 0) width -= (int64_t)strlen(exp);
    } else {
        if (plain(&d, prec, alt, tmp)) return -1;
    }
    if (pf_put(tmp, "", 1)) return -1; /* its NUL */
    return magnitude(sb, begin, tmp->p, pc->flags, adjust_width(pc, width, negative)) ||
           put_str(sb, exp);
}

/* BigDecimal.toString of a decimal: plain, or scientific when the
   exponent is below -6. */
static void decimal_text(i128 v, int32_t scale, char *out)
{
    char digits[48];
    int k = (int)sizeof digits - 1;
    digits[k] = '\0';
    u128 a = dec_abs(v);
    do {
        digits[--k] = (char)('0' + (int)(a % 10));
        a /= 10;
    } while (a);
    const char *c = digits + k;
    int n = (int)strlen(c), o = 0;
    int64_t adjusted = -(int64_t)scale + (n - 1);
    if (v < 0) out[o++] = '-';
    if (scale == 0) {
        o += sprintf(out + o, "%s", c);
    } else if (adjusted >= -6) {
        if (n > scale) {
            o += sprintf(out + o, "%.*s.%s", n - scale, c, c + n - scale);
        } else {
            o += sprintf(out + o, "0.");
            for (int i = 0; i < scale - n; i++)
                out[o++] = '0';
            o += sprintf(out + o, "%s", c);
        }
    } else {
        o += sprintf(out + o, "%c%s%s", c[0], n > 1 ? "." : "", c + 1);
        o += sprintf(out + o, "E%lld", (long long)adjusted);
    }
    out[o] = '\0';
}

/* Java's Double.toHexString of x >= 0, finite, without its "0x". */
static void hex_text(double x, char *out)
{
    if (x == 0) {
        strcpy(out, "0.0p0");
        return;
    }
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int subnormal = x < 2.2250738585072014e-308;
    char digits[16];
    snprintf(digits, sizeof digits, "%013llx", (unsigned long long)(bits & 0xFFFFFFFFFFFFFULL));
    int n = 13;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    sprintf(out, "%s.%.*sp%d", subnormal ? "0" : "1", n, digits,
            subnormal ? -1022 : (int)((bits >> 52) & 0x7FF) - 1023);
}

/* Formatter.hexDouble: x >= 0 finite rounded to prec hex digits (1..12,
   half even), a subnormal normalized; 0 or 13+: Double.toHexString's. */
static void hex_double(double x, int32_t prec, char *out)
{
    if (x == 0 || prec == 0 || prec >= 13) {
        hex_text(x, out);
        return;
    }
    int subnormal = x < 2.2250738585072014e-308;
    if (subnormal) x = ldexp(x, 54);
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int shift = 53 - (1 + prec * 4);
    uint64_t kept = bits >> shift, dropped = bits & ~(~0ULL << shift);
    int least_zero = (kept & 1) == 0, round = (dropped >> (shift - 1)) & 1;
    int sticky = shift > 1 && (dropped & ~(1ULL << (shift - 1))) != 0;
    if ((least_zero && round && sticky) || (!least_zero && round)) kept++;
    bits = kept << shift;
    double r;
    memcpy(&r, &bits, sizeof r);
    if (isinf(r)) {
        strcpy(out, "1.0p1024");
        return;
    }
    hex_text(r, out);
    if (subnormal) {
        char *p = strchr(out, 'p');
        sprintf(p + 1, "%d", atoi(p + 1) - 54);
    }
}

/* Formatter's %a of x >= 0 (finite) after its sign: 0x, zeros for '0',
   the digits (at least the precision of them), p and the exponent. */
static int print_hex(pf_buf *sb, const pf_piece *pc, double x, int negative)
{
    int32_t prec = pc->precision < 0 ? 0 : pc->precision == 0 ? 1 : pc->precision;
    char s[64];
    hex_double(x, prec, s);
    int upper = (pc->flags & PF_UPPER) != 0;
    if (put_str(sb, upper ? "0X" : "0x")) return -1;
    if (pc->flags & PF_ZERO) {
        int lead = (pc->flags & (PF_SPACE | PF_PLUS)) || negative ? 3 : 2;
        for (int64_t z = (int64_t)pc->width - (int64_t)strlen(s) - lead; z > 0; z--)
            if (pf_put(sb, "0", 1)) return -1;
    }
    char *p = strchr(s, 'p');
    *p = '\0';
    for (char *q = s; upper && *q; q++)
        if (*q >= 'a' && *q <= 'f') *q = (char)(*q - 32);
    if (put_str(sb, s)) return -1;
    /* Formatter.addZeros: the precision's digits after the point */
    const char *dot = strchr(s, '.');
    int64_t have = dot ? (int64_t)strlen(dot + 1) : 0;
    if (prec != 0 && !dot && pf_put(sb, ".", 1)) return -1;
    for (int64_t z = prec != 0 ? prec - have : 0; z > 0; z--)
        if (pf_put(sb, "0", 1)) return -1;
    return put_str(sb, upper ? "P" : "p") || put_str(sb, p + 1);
}

int pf_render(pf_buf *b, pf_buf scratch[2], const pf_piece *pc, const tide_column *c, int32_t kind,
              int64_t i, char *errbuf, size_t errlen)
{
    char conv = pc->conv, text[160];
    int rc;
    if (conv == 'n') {
        rc = pf_put(b, "\n", 1);
    } else if (conv == '%') {
        rc = justify(b, pc, "%", 1);
    } else if (!c || kind == 0 || !tide_valid(c, i)) {
        const char *s = conv == 'b' ? "false" : "null";
        rc = print_text(b, scratch, pc, s, strlen(s));
    } else if (conv == 's' || conv == 'b') {
        const char *s = text;
        int32_t len = -1;
        if (conv == 'b') {
            s = kind != TIDE_BOOL || ((const uint8_t *)c->values)[i] ? "true" : "false";
        } else if (kind == TIDE_STRING) {
            s = tide_column_bytes(c, i, &len);
        } else if (kind == TIDE_BOOL) {
            s = ((const uint8_t *)c->values)[i] ? "true" : "false";
        } else if (kind == TIDE_INT32 || kind == TIDE_DATE) {
            snprintf(text, sizeof text, "%d", ((const int32_t *)c->values)[i]);
        } else if (kind == TIDE_INT64 || kind == TIDE_TIMESTAMP) {
            snprintf(text, sizeof text, "%lld", (long long)((const int64_t *)c->values)[i]);
        } else if (kind == TIDE_FLOAT32 || kind == TIDE_FLOAT64) {
            double x = kind == TIDE_FLOAT32 ? ((const float *)c->values)[i]
                                            : ((const double *)c->values)[i];
            tide_format_java_double(x, kind == TIDE_FLOAT32, text);
        } else if (kind == TIDE_DECIMAL) {
            decimal_text(dec_load((const char *)c->values + 16 * i), c->scale, text);
        } else {
            return kernel_error(errbuf, errlen, "format_string cannot format type %d", kind);
        }
        rc = print_text(b, scratch, pc, s, len < 0 ? strlen(s) : (size_t)len);
    } else if (conv == 'c') {
        int32_t cp = ((const int32_t *)c->values)[i];
        if (cp < 0 || cp > 0x10FFFF)
            return kernel_error(errbuf, errlen, "IllegalFormatCodePointException: Code point = %#x",
                                (unsigned)cp);
        unsigned char u[4];
        int w = cp >= 0xD800 && cp <= 0xDFFF ? (u[0] = '?', 1) : tide_utf8_encode(cp, u);
        rc = print_text(b, scratch, pc, (const char *)u, (size_t)w);
    } else {
        int wide = kind == TIDE_INT64 || kind == TIDE_TIMESTAMP;
        scratch->n = 0;
        pf_buf *sb = scratch;
        if (conv == 'd' || conv == 'o' || conv == 'x') {
            int64_t v = wide ? ((const int64_t *)c->values)[i] : ((const int32_t *)c->values)[i];
            if (conv == 'd') {
                uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
                snprintf(text, sizeof text, "%llu", (unsigned long long)mag);
                rc = leading_sign(sb, pc->flags, v < 0) ||
                     magnitude(sb, sb->n, text, pc->flags, adjust_width(pc, pc->width, v < 0)) ||
                     (v < 0 && (pc->flags & PF_PAREN) ? put_str(sb, ")") : 0);
            } else {
                /* a negative value as 2^32 (2^64 for a long) plus it */
                uint64_t u = wide ? (uint64_t)v : (uint32_t)v;
                int upper = (pc->flags & PF_UPPER) != 0, alt = (pc->flags & PF_ALT) != 0;
                snprintf(text, sizeof text,
                         conv == 'o' ? "%llo"
                         : upper     ? "%llX"
                                     : "%llx",
                         (unsigned long long)u);
                const char *prefix = !alt ? "" : conv == 'o' ? "0" : upper ? "0X" : "0x";
                int64_t len = (int64_t)(strlen(text) + strlen(prefix)), zeros = 0;
                if (pc->flags & PF_ZERO) zeros = pc->width - len;
                rc = put_str(sb, prefix);
                for (; rc == 0 && zeros > 0; zeros--)
                    rc = pf_put(sb, "0", 1);
                rc = rc || put_str(sb, text);
            }
        } else {
            double x = kind == TIDE_FLOAT32 ? ((const float *)c->values)[i]
                                            : ((const double *)c->values)[i];
            /* Double.compare(x, 0.0) < 0: -0.0 is negative */
            int negative = x < 0 || (x == 0 && signbit(x));
            int upper = (pc->flags & PF_UPPER) != 0;
            if (isnan(x)) {
                rc = put_str(sb, upper ? "NAN" : "NaN");
            } else {
                rc = leading_sign(sb, pc->flags, negative);
                if (rc == 0 && isinf(x))
                    rc = put_str(sb, upper ? "INFINITY" : "Infinity");
                else if (rc == 0 && conv == 'a')
                    rc = print_hex(sb, pc, fabs(x), negative);
                else if (rc == 0)
                    rc = print_double(sb, sb->n, pc, fabs(x), negative, &scratch[1]);
                if (rc == 0 && negative && (pc->flags & PF_PAREN)) rc = put_str(sb, ")");
            }
        }
        if (rc == 0) rc = justify(b, pc, sb->p ? sb->p : "", sb->n);
    }
    return rc ? kernel_error(errbuf, errlen, "out of memory") : 0;
}
