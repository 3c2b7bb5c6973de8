/*
 * timestamp.c — timestamps as int64 microseconds since 1970-01-01 UTC,
 * converted to and from text in the session time zone (time_zone.h).
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
 * follows the seconds, with or without spaces between, and is what
 * Spark's getZoneId takes (tide_zone_lookup): Z, an offset (+01:00, +1,
 * -013015), UTC, GMT or UT alone or with one, Java's short ids (EST, PST)
 * and tzdata's region ids (Europe/Paris). Text without a zone is a local
 * time in the session time zone; a local time that a zone skips or
 * repeats is resolved as ZonedDateTime.of resolves it.
 *
 * Timestamps print as Spark's CAST(timestamp AS string) prints them, in
 * the session time zone. No allocation and no locale: from_json parses
 * every timestamp field of a stream here. In UTC (the default) neither
 * direction looks at a zone's table.
 */
#include "calendar.h"
#include "tide_ffi.h"
#include "time_zone.h"
#include "timestamp.h"

#include <stdio.h>
#include <time.h>

/* The bytes UTF8String.trimAll drops: Character.isWhitespace or
   isISOControl of a signed byte, which only ASCII bytes can be. */
static int trimmed(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

/* The shape nearly every timestamp a stream carries has (ISO 8601 as
   JSON writers and Spark write it): yyyy-mm-dd, or that, ' ' or 'T' and
   hh:mm:ss, an optional fraction, and an optional Z, +hh:mm or +hh, at
   fixed positions: a third of the time of the general walk below (13 ns,
   not 45, a string), which takes these too with the same values; -1
   sends anything else (or an invalid field) there. 1 when the text has a
   zone, 0 when *out is a local time (micros as if in UTC). */
static int parse_common(const char *s, size_t len, int64_t *out)
{
    int y1, y2, mo, d;
    if (len < 10 || tide_two_digits(s, &y1) || tide_two_digits(s + 2, &y2) || s[4] != '-' ||
        tide_two_digits(s + 5, &mo) || s[7] != '-' || tide_two_digits(s + 8, &d))
        return -1;
    int64_t y = y1 * 100 + y2;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400, frac = 0;
    int zoned = 0;
    if (len > 10) {
        int h, mi, sec;
        if (len < 19 || (s[10] != ' ' && s[10] != 'T') || tide_two_digits(s + 11, &h) ||
            s[13] != ':' || tide_two_digits(s + 14, &mi) || s[16] != ':' ||
            tide_two_digits(s + 17, &sec) || h > 23 || mi > 59 || sec > 59)
            return -1;
        secs += h * 3600 + mi * 60 + sec;
        size_t i = 19;
        if (i < len && s[i] == '.') {
            int n = 0;
            for (i++; i < len && (unsigned)(s[i] - '0') <= 9; i++, n++)
                if (n < 6) frac = frac * 10 + (s[i] - '0');
            for (; n < 6; n++)
                frac *= 10;
        }
        zoned = i < len;
        if (i < len && !(s[i] == 'Z' && i + 1 == len)) {
            /* +hh:mm, or +hh as PostgreSQL prints a timestamptz */
            int oh, om = 0;
            if ((len - i != 6 && len - i != 3) || (s[i] != '+' && s[i] != '-') ||
                tide_two_digits(s + i + 1, &oh) ||
                (len - i == 6 && (s[i + 3] != ':' || tide_two_digits(s + i + 4, &om))) || oh > 18 ||
                om > 59 || (oh == 18 && om))
                return -1;
            int off = oh * 3600 + om * 60;
            secs -= s[i] == '-' ? -off : off;
        }
    }
    *out = secs * 1000000 + frac;
    return zoned;
}

/* Whether a segment of parseTimestampString may have `digits` digits:
   years 4 to 6, the fraction any number, the others 1 or 2. */
static int valid_digits(int segment, int digits)
{
    if (segment == 0) return digits >= 4 && digits <= 6;
    if (segment == 6) return 1;
    return digits >= 1 && digits <= 2;
}

/* Text into *out, a local time without a zone read in `session` (NULL:
   UTC). */
static int parse_in(const char *text, size_t len, const tide_zone *session, int64_t *out)
{
    int common = parse_common(text, len, out);
    if (common == 0) {
        const tide_zone *z = session;
        if (z) {
            /* a four-digit year: no overflow either way */
            int64_t secs = floor_div(*out, 1000000);
            *out += (tide_zone_utc(z, secs, TIDE_ZONE_EARLIER) - secs) * 1000000;
        }
    }
    if (common >= 0) return 0;
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

    /* The text's zone, else the session's (NULL: UTC). */
    tide_zone fixed;
    const tide_zone *z = session;
    if (zone && tide_zone_lookup(zone, (size_t)(end - zone), &fixed, &z) != 0) return -1;
    if (seg[3] > 23 || seg[4] > 59 || seg[5] > 59) return -1;
    int64_t days;
    if (just_time) {
        /* LocalDate.now(zone): today where the time is. */
        int64_t now = (int64_t)time(NULL);
        days = floor_div(now + (z ? tide_zone_offset(z, now) : 0), 86400);
    } else {
        int64_t y = sign < 0 ? -seg[0] : seg[0];
        if (seg[1] < 1 || seg[1] > 12 || seg[2] < 1 || seg[2] > days_in_month(y, seg[1])) return -1;
        days = days_from_civil(y, seg[1], seg[2]);
    }
    /* Six-digit years pass int64 microseconds (about 292,000 years), as
       they pass Spark's Math.multiplyExact: invalid, not wrapped. */
    int64_t micros, secs = days * 86400 + seg[3] * 3600 + seg[4] * 60 + seg[5];
    if (z) secs = tide_zone_utc(z, secs, TIDE_ZONE_EARLIER);
    if (__builtin_mul_overflow(secs, (int64_t)1000000, &micros) ||
        __builtin_add_overflow(micros, seg[6], &micros))
        return -1;
    *out = micros;
    return 0;
}

int tide_timestamp_parse(const char *text, size_t len, int64_t *out)
{
    return parse_in(text, len, tide_zone_session(), out);
}

int tide_timestamp_parse_utc(const char *text, size_t len, int64_t *out)
{
    return parse_in(text, len, NULL, out);
}

int tide_date_parse(const char *text, size_t len, int32_t *out)
{
    /* SparkDateTimeUtils.stringToDate: segments year, month, day. */
    const char *s = text, *end = text + len;
    while (s < end && trimmed((unsigned char)*s))
        s++;
    while (end > s && trimmed((unsigned char)end[-1]))
        end--;
    int64_t seg[3] = {1, 1, 1}, value = 0;
    int i = 0, digits = 0, sign = 1;
    if (s < end && (*s == '-' || *s == '+')) sign = *s++ == '-' ? -1 : 1;
    for (; s < end && !(i == 2 && (*s == ' ' || *s == 'T')); s++) {
        if (i < 2 && *s == '-') {
            if (i == 0 ? digits < 4 || digits > 7 : digits < 1 || digits > 2) return -1;
            seg[i++] = value, value = 0, digits = 0;
        } else if ((unsigned)(*s - '0') <= 9) {
            if (++digits > 7) return -1;
            value = value * 10 + (*s - '0');
        } else {
            return -1;
        }
    }
    if (i == 0 ? digits < 4 || digits > 7 : digits < 1 || digits > 2) return -1;
    seg[i] = value;
    int64_t y = sign * seg[0];
    if (seg[1] < 1 || seg[1] > 12 || seg[2] < 1 || seg[2] > days_in_month(y, seg[1])) return -1;
    int64_t days = days_from_civil(y, seg[1], seg[2]);
    if (days < INT32_MIN || days > INT32_MAX) return -1;
    *out = (int32_t)days;
    return 0;
}

int64_t tide_local_days(int64_t micros)
{
    int64_t secs = floor_div(micros, 1000000);
    const tide_zone *z = tide_zone_session();
    if (z) secs += tide_zone_offset(z, secs);
    return floor_div(secs, 86400);
}

int64_t tide_start_of_day(int64_t days)
{
    int64_t secs = days * 86400;
    const tide_zone *z = tide_zone_session();
    if (z) secs = tide_zone_day_start(z, secs);
    return secs * 1000000;
}

int tide_date_format(int64_t days, char *buf)
{
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    /* Years as Java's ISO_LOCAL_DATE prints them (which Spark's cast to
       string uses): 4 digits, a sign before more digits or a negative. */
    const char *year_sign = y < 0 ? "-" : y > 9999 ? "+" : "";
    return snprintf(buf, 16, "%s%04lld-%02d-%02d", year_sign, (long long)(y < 0 ? -y : y), m, d);
}

int tide_timestamp_format(int64_t micros, char *buf)
{
    int64_t secs = floor_div(micros, 1000000), frac = floor_mod(micros, 1000000);
    const tide_zone *z = tide_zone_session();
    if (z) secs += tide_zone_offset(z, secs);
    int64_t days = floor_div(secs, 86400), rem = secs - days * 86400;
    int n = tide_date_format(days, buf);
    int hms[] = {(int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60)};
    for (int i = 0; i < 3; i++) {
        buf[n++] = i ? ':' : ' ';
        buf[n++] = (char)('0' + hms[i] / 10);
        buf[n++] = (char)('0' + hms[i] % 10);
    }
    buf[n] = '\0';
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
