/*
 * json_text.cc — JSON text below the level of values (json_text.hh): the
 * number grammars (RFC 8259's, Java's BigDecimal's) and base64, read from
 * a value's raw token; the error formatting and the per-thread parser.
 */
#include "json_text.hh"

#include <cmath>
#include <cstdarg>
#include <cstdio>

extern "C" {
#include "batch.h"
}

namespace tide_json {

void set_error(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (!errbuf || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

thread_local Scratch scratch;

bool json_number(std::string_view s, bool *integral)
{
    size_t i = 0, n = s.size();
    if (i < n && s[i] == '-') i++;
    if (i >= n) return false;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && is_digit(s[i])) i++;
    } else {
        return false;
    }
    *integral = true;
    if (i < n && s[i] == '.') {
        i++;
        *integral = false;
        if (i >= n || !is_digit(s[i])) return false;
        while (i < n && is_digit(s[i])) i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        *integral = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= n || !is_digit(s[i])) return false;
        while (i < n && is_digit(s[i])) i++;
    }
    return i == n;
}

bool integer_magnitude(std::string_view s, uint64_t *mag, bool *negative)
{
    size_t i = 0;
    *negative = s[0] == '-';
    if (*negative) i++;
    uint64_t v = 0;
    for (; i < s.size(); i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *mag = v;
    return true;
}

bool integer_in_range(std::string_view s, int64_t lo, int64_t hi, int64_t *out)
{
    uint64_t mag;
    bool neg;
    if (!integer_magnitude(s, &mag, &neg)) return false;
    if (neg) {
        if (mag > (uint64_t)INT64_MAX + 1) return false;
        int64_t v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
        if (v < lo) return false;
        *out = v;
    } else {
        if (mag > (uint64_t)hi) return false;
        *out = (int64_t)mag;
    }
    return true;
}

bool parse_decimal(std::string_view s, int precision, int scale, bool skip_commas, i128 *out)
{
    size_t i = 0, n = s.size();
    bool negative = false;
    /* Plain digits into a decimal(p, 0), an id's usual shape, in one pass;
       anything else takes the general path. */
    u128 whole;
    if (scale == 0 && n > 0 && whole_digits(s, s[0] == '-' || s[0] == '+', &whole)) {
        if (whole >= POW10.v[precision]) return false;
        *out = s[0] == '-' ? -(i128)whole : (i128)whole;
        return true;
    }
    if (i < n && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    /* Significant digits (leading zeros dropped) and the position of the
       decimal point relative to them. */
    char digits[80];
    size_t nd = 0;          /* digits kept */
    int64_t point = 0;      /* digits before the point, counting from the first significant one */
    bool seen_digit = false, seen_point = false;
    /* Only the first precision + scale + 2 significant digits can matter:
       the rest are either an overflow (checked through `point`) or beyond
       the rounding digit. */
    const size_t keep = (size_t)precision + (size_t)scale + 2;
    for (; i < n; i++) {
        char c = s[i];
        if (c == ',' && skip_commas) continue;
        if (c == '.') {
            if (seen_point) return false;
            seen_point = true;
            continue;
        }
        if (!is_digit(c)) break;
        seen_digit = true;
        if (nd == 0 && c == '0') {
            if (seen_point) point--;
            continue;
        }
        if (nd < keep) digits[nd++] = c;
        if (!seen_point) point++;
    }
    if (!seen_digit) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i >= n || !is_digit(s[i])) return false;
        int64_t e = 0;
        for (; i < n && is_digit(s[i]); i++)
            if (e < 1000000000) e = e * 10 + (s[i] - '0'); /* saturates: the result is 0 or overflow anyway */
        point += eneg ? -e : e;
    }
    if (i != n) return false;
    if (nd == 0) { /* zero */
        *out = 0;
        return true;
    }
    /* value = 0.d1d2d3... * 10^point; integer digits allowed: precision - scale */
    if (point > precision - scale) return false;
    const int64_t wanted = point + scale; /* digits of the scaled integer */
    if (wanted < 0) {
        *out = 0; /* below half a unit of the last place */
        return true;
    }
    /* 64-bit arithmetic for the first 19 digits, 128-bit for the rest */
    int64_t k = 0, have = (int64_t)nd;
    uint64_t lo = 0;
    for (; k < wanted && k < 19; k++) lo = lo * 10 + (uint64_t)(k < have ? digits[k] - '0' : 0);
    u128 v = lo;
    for (; k < wanted; k++) v = v * 10 + (u128)(k < have ? digits[k] - '0' : 0);
    if (wanted < have && digits[wanted] >= '5') v++;
    if (v >= POW10.v[precision]) return false;
    *out = negative ? -(i128)v : (i128)v;
    return true;
}

static int base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int64_t base64_decode(std::string_view s, unsigned char *out)
{
    size_t n = s.size();
    while (n > 0 && s[n - 1] == '=') n--;
    if (s.size() - n > 2 || n % 4 == 1) return -1;
    int64_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = base64_value((unsigned char)s[i]);
        if (v < 0) return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return o;
}

} // namespace tide_json
