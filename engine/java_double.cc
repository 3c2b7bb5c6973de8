/*
 * java_double.cc — a double (or float) as Java's Double.toString (and
 * Float.toString) prints it: the shortest digits that read back as the
 * same value (std::to_chars), in Java's layout. For to_json (json_write.c),
 * casts to string and Lua.
 */
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
#include "batch.h"
}

extern "C" int tide_format_java_double(double x, int32_t is_float, char *buf)
{
    /* A float's value as a float first: one past its range is infinite. */
    if (is_float) x = (float)x;
    if (std::isnan(x)) return snprintf(buf, 32, "NaN");
    if (std::isinf(x)) return snprintf(buf, 32, x > 0 ? "Infinity" : "-Infinity");
    if (x == 0) return snprintf(buf, 32, std::signbit(x) ? "-0.0" : "0.0");
    /* Shortest round-trip digits, in scientific form: d.ddde[+-]xx */
    char sci[48];
    std::to_chars_result r = is_float ? std::to_chars(sci, sci + sizeof sci - 1, (float)x, std::chars_format::scientific)
                                      : std::to_chars(sci, sci + sizeof sci - 1, x, std::chars_format::scientific);
    *r.ptr = '\0';
    /* sci is [-]d[.ddd]e(+|-)dd: the digits are copied, the exponent read
       in place (this runs for every double to_json writes). */
    const char *p = sci;
    bool negative = *p == '-';
    if (negative) p++;
    const char *e = (const char *)memchr(p, 'e', (size_t)(r.ptr - p));
    char digits[24];
    int nd = 1;
    digits[0] = p[0];
    if (e - p > 2) {
        nd = (int)std::min<ptrdiff_t>(e - p - 1, 23);
        memcpy(digits + 1, p + 2, (size_t)nd - 1);
    }
    int exp = 0;
    for (const char *q = e + 2; q < r.ptr; q++)
        exp = exp * 10 + (*q - '0');
    if (e[1] == '-') exp = -exp;
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    if (nd == 1) {
        /* Java prints at least two digits and then picks, among the
           two-digit decimals that read back as x, the closest one: 4.9E-324
           rather than 5.0E-324 for the smallest subnormal. */
        char two[48];
        std::to_chars_result r2 = is_float ? std::to_chars(two, two + sizeof two - 1, (float)x, std::chars_format::scientific, 1)
                                           : std::to_chars(two, two + sizeof two - 1, x, std::chars_format::scientific, 1);
        *r2.ptr = '\0'; /* read by strchr and atoi below */
        bool same;
        if (is_float) {
            float back;
            same = std::from_chars(two, r2.ptr, back).ec == std::errc() && back == (float)x;
        } else {
            double back;
            same = std::from_chars(two, r2.ptr, back).ec == std::errc() && back == x;
        }
        const char *q = two + (two[0] == '-');
        if (same && q[2] != '0') {
            digits[0] = q[0];
            digits[1] = q[2];
            nd = 2;
            exp = atoi(strchr(q, 'e') + 1);
        }
    }
    int o = 0;
    if (negative) buf[o++] = '-';
    double ax = std::fabs(x);
    if (ax >= 1e-3 && ax < 1e7) {
        if (exp >= 0) {
            for (int i = 0; i <= exp; i++) buf[o++] = i < nd ? digits[i] : '0';
            buf[o++] = '.';
            if (exp + 1 >= nd) buf[o++] = '0';
            for (int i = exp + 1; i < nd; i++) buf[o++] = digits[i];
        } else {
            buf[o++] = '0';
            buf[o++] = '.';
            for (int i = 0; i < -exp - 1; i++) buf[o++] = '0';
            for (int i = 0; i < nd; i++) buf[o++] = digits[i];
        }
    } else {
        buf[o++] = digits[0];
        buf[o++] = '.';
        if (nd == 1) buf[o++] = '0';
        for (int i = 1; i < nd; i++) buf[o++] = digits[i];
        o += snprintf(buf + o, 8, "E%d", exp);
    }
    buf[o] = '\0';
    return o;
}
