/*
 * timestamp.c — timestamps as int64 microseconds since 1970-01-01 UTC,
 * converted to and from text without the C library's time zone state.
 *
 * Text is read as Spark's CAST(string AS timestamp) reads it
 * (SparkDateTimeUtils.parseTimestampString, then stringToTimestamp):
 * casts, from_json, the CSV and JSON readers and createDataFrame all come
 * here, and a ported job must keep or drop the values Spark keeps or drops.
 *
 *   [+-]yyyy[yy][-[m]m[-[d]d[( |T)[h]h[:[m]m[:[s]s[.[fraction]][zone]]]]]]
 *   [T][h]h:[m]m[:[s]s[.[fraction]][zone]]     (a time alone: today)
 *
 * The text is trimmed of ASCII whitespace and control bytes first
 * (UTF8String.trimAll). A fraction keeps its first 6 digits. A zone
 * follows the seconds, with or without spaces between, and is what Java's
 * ZoneId.of(id, SHORT_IDS) takes after Spark's getZoneId: Z; an offset
 * +h, +hh, +hhmm, +hh:mm, +hhmmss, +hh:mm:ss (and the +h:mm and +hh:m of
 * Spark 2), at most 18:00; UTC, GMT or UT alone or followed by such an
 * offset; EST, MST and HST (SHORT_IDS' fixed offsets). Region ids
 * (Europe/Paris, PST, which SHORT_IDS maps to America/Los_Angeles) need a
 * time zone database, which tide does not carry: they make the text
 * invalid (null) rather than a wrong instant. Text without a zone is in
 * the session's time zone, which is UTC in tide.
 *
 * No allocation and no locale: from_json parses every timestamp field of a
 * stream here.
 */
#include "calendar.h"
#include "tide_ffi.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int days_in_month(int64_t y, int64_t m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

/* The bytes UTF8String.trimAll drops: Character.isWhitespace or
   isISOControl of a signed byte, which only ASCII bytes can be. */
static int trimmed(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

static int two_digits(const char *s, int *out)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return -1;
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return 0;
}

/* Java's ZoneOffset.of(text): "Z", or a sign then h, hh, hhmm, hh:mm,
   hhmmss or hh:mm:ss; hours at most 18 (and 18 only with zero minutes and
   seconds), minutes and seconds below 60. Seconds east of UTC into *secs. */
static int zone_offset(const char *z, size_t n, int32_t *secs)
{
    if (n == 1 && z[0] == 'Z') {
        *secs = 0;
        return 0;
    }
    if (n < 2 || (z[0] != '+' && z[0] != '-')) return -1;
    int h = 0, m = 0, s = 0, bad;
    switch (n) {
    case 2:
        bad = z[1] < '0' || z[1] > '9';
        h = z[1] - '0';
        break;
    case 3:
        bad = two_digits(z + 1, &h);
        break;
    case 5:
        bad = two_digits(z + 1, &h) || two_digits(z + 3, &m);
        break;
    case 6:
        bad = two_digits(z + 1, &h) || z[3] != ':' || two_digits(z + 4, &m);
        break;
    case 7:
        bad = two_digits(z + 1, &h) || two_digits(z + 3, &m) || two_digits(z + 5, &s);
        break;
    case 9:
        bad = two_digits(z + 1, &h) || z[3] != ':' || two_digits(z + 4, &m) || z[6] != ':' ||
              two_digits(z + 7, &s);
        break;
    default:
        return -1;
    }
    if (bad || h > 18 || m > 59 || s > 59 || (h == 18 && (m | s) != 0)) return -1;
    int32_t v = h * 3600 + m * 60 + s;
    *secs = z[0] == '-' ? -v : v;
    return 0;
}

/* The zone text after the time (trailing bytes trimmed already) into
   seconds east of UTC, as Spark's getZoneId reads it: Java's String.trim,
   the rewrites of "+h:" to "+0h:" and of a final "+hh:m" to "+hh:0m", then
   ZoneId.of with SHORT_IDS. -1 for anything else, region ids included. */
static int zone_seconds(const char *z, size_t n, int32_t *secs)
{
    while (n > 0 && (unsigned char)*z <= ' ')
        z++, n--;
    /* Every zone taken here is short: a longer one is a region id. */
    char id[24];
    if (n == 0 || n > sizeof id - 3) return -1;
    memcpy(id, z, n);
    for (size_t i = 0; i + 2 < n; i++) {
        if ((id[i] == '+' || id[i] == '-') && id[i + 1] >= '0' && id[i + 1] <= '9' &&
            id[i + 2] == ':') {
            memmove(id + i + 2, id + i + 1, n - i - 1);
            id[i + 1] = '0';
            n++;
            break;
        }
    }
    if (n >= 5 && (id[n - 5] == '+' || id[n - 5] == '-') && id[n - 4] >= '0' && id[n - 4] <= '9' &&
        id[n - 3] >= '0' && id[n - 3] <= '9' && id[n - 2] == ':' && id[n - 1] >= '0' &&
        id[n - 1] <= '9') {
        id[n] = id[n - 1];
        id[n - 1] = '0';
        n++;
    }
    if (n == 3 &&
        (memcmp(id, "EST", 3) == 0 || memcmp(id, "MST", 3) == 0 || memcmp(id, "HST", 3) == 0)) {
        *secs = id[0] == 'E' ? -5 * 3600 : id[0] == 'M' ? -7 * 3600 : -10 * 3600;
        return 0;
    }
    if (n <= 1 || id[0] == '+' || id[0] == '-') return zone_offset(id, n, secs);
    size_t prefix = n >= 3 && (memcmp(id, "UTC", 3) == 0 || memcmp(id, "GMT", 3) == 0) ? 3
                    : n >= 2 && memcmp(id, "UT", 2) == 0                               ? 2
                                                                                       : 0;
    if (prefix == 0) return -1; /* a region id */
    if (n == prefix) {
        *secs = 0;
        return 0;
    }
    if (id[prefix] != '+' && id[prefix] != '-') return -1; /* a region id such as GMT0 */
    return zone_offset(id + prefix, n - prefix, secs);
}

/* The shape nearly every timestamp a stream carries has (ISO 8601 as
   JSON writers and Spark write it): yyyy-mm-dd, or that, ' ' or 'T' and
   hh:mm:ss, an optional fraction, and an optional Z, +hh:mm or +hh, at
   fixed positions: a third of the time of the general walk below (13 ns,
   not 45, a string), which takes these too with the same values; -1
   sends anything else (or an invalid field) there. */
static int parse_common(const char *s, size_t len, int64_t *out)
{
    int y1, y2, mo, d;
    if (len < 10 || two_digits(s, &y1) || two_digits(s + 2, &y2) || s[4] != '-' ||
        two_digits(s + 5, &mo) || s[7] != '-' || two_digits(s + 8, &d))
        return -1;
    int64_t y = y1 * 100 + y2;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400, frac = 0;
    if (len > 10) {
        int h, mi, sec;
        if (len < 19 || (s[10] != ' ' && s[10] != 'T') || two_digits(s + 11, &h) || s[13] != ':' ||
            two_digits(s + 14, &mi) || s[16] != ':' || two_digits(s + 17, &sec) || h > 23 ||
            mi > 59 || sec > 59)
            return -1;
        secs += h * 3600 + mi * 60 + sec;
        size_t i = 19;
        if (i < len && s[i] == '.') {
            int n = 0;
            for (i++; i < len && (unsigned)(s[i] - '0') <= 9; i++, n++)
                if (n < 6) frac = frac * 10 + (s[i] - '0');
            for (; n < 6; n++) frac *= 10;
        }
        if (i < len && !(s[i] == 'Z' && i + 1 == len)) {
            /* +hh:mm, or +hh as PostgreSQL prints a timestamptz */
            int oh, om = 0;
            if ((len - i != 6 && len - i != 3) || (s[i] != '+' && s[i] != '-') ||
                two_digits(s + i + 1, &oh) ||
                (len - i == 6 && (s[i + 3] != ':' || two_digits(s + i + 4, &om))) || oh > 18 ||
                om > 59 || (oh == 18 && om))
                return -1;
            int off = oh * 3600 + om * 60;
            secs -= s[i] == '-' ? -off : off;
        }
    }
    *out = secs * 1000000 + frac;
    return 0;
}

/* Whether a segment of parseTimestampString may have `digits` digits:
   years 4 to 6, the fraction any number, the others 1 or 2. */
static int valid_digits(int segment, int digits)
{
    if (segment == 0) return digits >= 4 && digits <= 6;
    if (segment == 6) return 1;
    return digits >= 1 && digits <= 2;
}

int tide_timestamp_parse(const char *text, size_t len, int64_t *out)
{
    if (parse_common(text, len, out) == 0) return 0;
    const char *s = text, *end = text + len;
    while (s < end && trimmed((unsigned char)*s))
        s++;
    while (end > s && trimmed((unsigned char)end[-1]))
        end--;
    if (s == end) return -1;
    /* year, month, day, hour, minute, second, microseconds */
    int64_t seg[7] = {1, 1, 1, 0, 0, 0, 0};
    int i = 0, digits = 0, frac_digits = 0, just_time = 0, sign = 0;
    int64_t value = 0;
    const char *p = s, *zone = NULL;
    if (*p == '-' || *p == '+') sign = *p++ == '-' ? -1 : 1;
    for (; p < end; p++) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d <= 9) {
            if (i == 6) frac_digits++;
            /* Beyond 6 digits a segment is invalid, or a fraction cut to
               microseconds: nothing more to add, and no overflow. */
            if (digits < 6) value = value * 10 + d;
            digits++;
            continue;
        }
        char c = *p;
        int next;
        if (p == s && c == 'T') {
            just_time = 1, next = 3;
        } else if (i < 2) {
            if (c == '-') {
                next = i + 1;
            } else if (i == 0 && c == ':' && !sign) {
                /* hh: first: a time alone */
                just_time = 1, i = 3, next = 4;
            } else {
                return -1;
            }
        } else if (i == 2) {
            if (c != ' ' && c != 'T') return -1;
            next = 3;
        } else if (i == 3 || i == 4) {
            if (c != ':') return -1;
            next = i + 1;
        } else if (i == 5 && c == '.') {
            next = 6;
        } else {
            /* After the seconds or the fraction, the rest is the zone. */
            zone = p;
            break;
        }
        if (!(p == s && c == 'T')) {
            if (!valid_digits(i, digits)) return -1;
            seg[i] = value;
        }
        i = next, value = 0, digits = 0;
    }
    if (!valid_digits(i, digits)) return -1;
    seg[i] = value;
    for (; frac_digits < 6; frac_digits++)
        seg[6] *= 10;

    int32_t offset = 0;
    if (zone && zone_seconds(zone, (size_t)(end - zone), &offset) != 0) return -1;
    if (seg[3] > 23 || seg[4] > 59 || seg[5] > 59) return -1;
    int64_t days;
    if (just_time) {
        /* LocalDate.now(zone): today where the time is. */
        days = floor_div((int64_t)time(NULL) + offset, 86400);
    } else {
        int64_t y = sign < 0 ? -seg[0] : seg[0];
        if (seg[1] < 1 || seg[1] > 12 || seg[2] < 1 || seg[2] > days_in_month(y, seg[1])) return -1;
        days = days_from_civil(y, seg[1], seg[2]);
    }
    /* Six-digit years pass int64 microseconds (about 292,000 years), as
       they pass Spark's Math.multiplyExact: invalid, not wrapped. */
    int64_t secs = days * 86400 + seg[3] * 3600 + seg[4] * 60 + seg[5] - offset, micros;
    if (__builtin_mul_overflow(secs, (int64_t)1000000, &micros) ||
        __builtin_add_overflow(micros, seg[6], &micros))
        return -1;
    *out = micros;
    return 0;
}

int tide_timestamp_format(int64_t micros, char *buf)
{
    int64_t secs = floor_div(micros, 1000000), frac = floor_mod(micros, 1000000);
    int64_t days = floor_div(secs, 86400), rem = secs - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    /* Years as Java's ISO_LOCAL_DATE prints them (which Spark's cast to
       string uses): 4 digits, a sign before more digits or a negative. */
    const char *year_sign = y < 0 ? "-" : y > 9999 ? "+" : "";
    int n = snprintf(buf, 32, "%s%04lld-%02d-%02d %02d:%02d:%02d", year_sign,
                     (long long)(y < 0 ? -y : y), m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
                     (int)(rem % 60));
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
