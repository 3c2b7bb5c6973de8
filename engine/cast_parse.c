/*
 * cast_parse.c — a string's text read as Spark's non-ANSI CAST reads it
 * (contracts in cast_parse.h).
 */
#include "cast_parse.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_space(unsigned char c)
{
    return c <= ' ' || c == 0x7f;
}

void cast_trim(const char **s, int32_t *len)
{
    while (*len > 0 && is_space((unsigned char)**s))
        (*s)++, (*len)--;
    while (*len > 0 && is_space((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

int cast_parse_long(const char *s, int32_t len, int64_t *out)
{
    cast_trim(&s, &len);
    if (len == 0) return -1;
    int32_t i = 0;
    int negative = s[0] == '-';
    if (negative || s[0] == '+') {
        if (len == 1) return -1;
        i++;
    }
    /* Accumulate negatively: |INT64_MIN| > INT64_MAX. */
    int64_t result = 0;
    const int64_t stop = INT64_MIN / 10;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            i++;
            break;
        }
        if (c < '0' || c > '9') return -1;
        if (result < stop) return -1;
        int digit = c - '0';
        if (result * 10 < INT64_MIN + digit) return -1;
        result = result * 10 - digit;
    }
    for (; i < len; i++)
        if (s[i] < '0' || s[i] > '9') return -1;
    if (!negative) {
        if (result == INT64_MIN) return -1;
        result = -result;
    }
    *out = result;
    return 0;
}

static int lower_equals(const char *s, int32_t len, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)len != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[i]) return 0;
    }
    return 1;
}

static int is_digit(char c, int hex)
{
    return hex ? isxdigit((unsigned char)c) != 0 : c >= '0' && c <= '9';
}

/* Java's floating-point text (Double.parseDouble), s[0..len) with its
   sign before `from`: digits with an optional point (hexadecimal ones
   after "0x"), an exponent (e; p, which hexadecimal text requires), an
   optional f, F, d or D; read by strtod without the suffix. */
static int java_double(const char *s, int32_t len, int32_t from, double *out)
{
    int hex = len - from > 2 && s[from] == '0' && (s[from + 1] == 'x' || s[from + 1] == 'X');
    int32_t i = from + (hex ? 2 : 0), digits = 0;
    while (i < len && is_digit(s[i], hex))
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i], hex))
            i++, digits++;
    }
    if (digits == 0) return -1;
    if (i < len && (s[i] == (hex ? 'p' : 'e') || s[i] == (hex ? 'P' : 'E'))) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        int32_t exp_digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, exp_digits++;
        if (exp_digits == 0) return -1;
    } else if (hex) {
        return -1;
    }
    int32_t end = i;
    if (i < len && strchr("fFdD", s[i])) i++;
    if (i != len) return -1;
    char buf[416];
    memcpy(buf, s, (size_t)end);
    buf[end] = '\0';
    *out = strtod(buf, NULL);
    return 0;
}

int cast_parse_double(const char *s, int32_t len, double *out)
{
    cast_trim(&s, &len);
    if (len == 0 || len > 400) return -1;
    const char *body = s;
    int32_t blen = len;
    int negative = 0, has_sign = body[0] == '+' || body[0] == '-';
    if (has_sign) {
        negative = body[0] == '-';
        body++, blen--;
    }
    /* Java's parseDouble takes "NaN" with a sign; Spark's fallback any
       case of "nan" without one */
    if (lower_equals(body, blen, "nan")) {
        if (has_sign && memcmp(body, "NaN", 3) != 0) return -1;
        *out = NAN;
        return 0;
    }
    if (lower_equals(body, blen, "inf") || lower_equals(body, blen, "infinity")) {
        *out = negative ? -INFINITY : INFINITY;
        return 0;
    }
    return java_double(s, len, (int32_t)(body - s), out);
}

int cast_parse_bool(const char *s, int32_t len, uint8_t *out)
{
    cast_trim(&s, &len);
    static const char *yes[] = {"t", "true", "y", "yes", "1"};
    static const char *no[] = {"f", "false", "n", "no", "0"};
    for (int i = 0; i < 5; i++) {
        if (lower_equals(s, len, yes[i])) return *out = 1, 0;
        if (lower_equals(s, len, no[i])) return *out = 0, 0;
    }
    return -1;
}

int cast_parse_decimal(const char *s, int32_t len, int32_t precision, int32_t scale, i128 *out)
{
    cast_trim(&s, &len);
    int32_t i = 0;
    int negative = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    /* The significant digits, and the exponent of the last one. */
    char digits[128];
    int32_t nd = 0, frac = 0, seen = 0;
    int seen_point = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.' && !seen_point) {
            seen_point = 1;
            continue;
        }
        if (c < '0' || c > '9') break;
        seen++;
        if (seen_point) frac++;
        if (nd == 0 && c == '0') continue; /* leading zeros */
        if (nd < (int32_t)sizeof digits)
            digits[nd++] = c;
        else if (!seen_point)
            return -1; /* far more integer digits than 38 */
        else
            frac--; /* too far right to change the rounding: ignored */
    }
    if (seen == 0) return -1;
    int64_t exponent = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int exp_negative = 0;
        if (i < len && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
        int32_t ed = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, ed++)
            if (exponent < 100000) exponent = exponent * 10 + (s[i] - '0');
        if (ed == 0) return -1;
        if (exp_negative) exponent = -exponent;
    }
    if (i != len) return -1;
    /* value = digits * 10^(exponent - frac); we want value * 10^scale. */
    int64_t shift = exponent - frac + scale;
    int64_t keep = nd + (shift < 0 ? shift : 0); /* digits that survive */
    if (keep > 38) return -1;
    u128 v = 0;
    for (int32_t k = 0; k < keep; k++)
        v = v * 10 + (u128)(digits[k] - '0');
    if (shift > 0) {
        if (nd + shift > 38) return nd == 0 ? (*out = 0, 0) : -1;
        v *= dec_pow10((int)shift);
    } else if (keep < nd) {
        /* Round half up on the first dropped digit. */
        int64_t first_dropped = keep < 0 ? -1 : keep;
        if (first_dropped >= 0 && digits[first_dropped] >= '5') v++;
    }
    if (v >= dec_pow10(precision)) return -1;
    *out = negative ? -(i128)v : (i128)v;
    return 0;
}
