/*
 * timestamp.c — timestamps as int64 microseconds since 1970-01-01 UTC,
 * converted to and from text without the C library's time zone state.
 */
#include "calendar.h"
#include "tide_ffi.h"

#include <stdio.h>

/* Reads exactly n digits at s[*i]. */
static int digits(const char *s, size_t len, size_t *i, int n, int64_t *out)
{
    int64_t v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9') return -1;
        v = v * 10 + (s[*i] - '0');
    }
    *out = v;
    return 0;
}

static int expect(const char *s, size_t len, size_t *i, char ch)
{
    if (*i >= len || s[*i] != ch) return -1;
    (*i)++;
    return 0;
}

static int days_in_month(int64_t y, int64_t m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

int tide_timestamp_parse(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int64_t y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
    if (digits(s, len, &i, 4, &y) || expect(s, len, &i, '-') || digits(s, len, &i, 2, &mo) ||
        expect(s, len, &i, '-') || digits(s, len, &i, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return -1;
    if (i < len && (s[i] == ' ' || s[i] == 'T')) {
        i++;
        if (digits(s, len, &i, 2, &h) || expect(s, len, &i, ':') || digits(s, len, &i, 2, &mi))
            return -1;
        if (i < len && s[i] == ':' && (i++, digits(s, len, &i, 2, &sec))) return -1;
        if (h > 23 || mi > 59 || sec > 59) return -1;
        if (i < len && s[i] == '.') {
            i++;
            int n = 0;
            for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, n++)
                if (n < 6) frac = frac * 10 + (s[i] - '0');
            if (n == 0) return -1;
            for (; n < 6; n++) frac *= 10;
        }
    }
    int64_t offset = 0;
    if (i < len && s[i] == 'Z') {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i++] == '-' ? -1 : 1;
        int64_t oh, om = 0;
        if (digits(s, len, &i, 2, &oh)) return -1;
        int colon = i < len && s[i] == ':';
        i += colon;
        /* after a colon the minutes are due: "+05:" is no offset */
        if ((colon || i < len) && digits(s, len, &i, 2, &om)) return -1;
        /* Java's ZoneOffset, which Spark parses offsets with, holds
           -18:00 to +18:00 and minutes below 60: anything else is not a
           timestamp, rather than a time shifted by a day or more. */
        if (om > 59 || oh * 60 + om > 18 * 60) return -1;
        offset = sign * (oh * 3600 + om * 60);
    }
    if (i != len) return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    *out = secs * 1000000 + frac;
    return 0;
}

int tide_timestamp_format(int64_t micros, char *buf)
{
    int64_t secs = floor_div(micros, 1000000), frac = micros - secs * 1000000;
    int64_t days = floor_div(secs, 86400), rem = secs - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int n = snprintf(buf, 32, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    if (frac) {
        int width = 6;
        while (frac % 10 == 0) {
            frac /= 10;
            width--;
        }
        n += snprintf(buf + n, (size_t)(32 - n), ".%0*lld", width, (long long)frac);
    }
    return n;
}
