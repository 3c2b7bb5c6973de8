/*
 * eval_datetime_zone_text.c — the zone letters of Spark 3.5's datetime
 * patterns (eval_datetime_pattern.h): 'VV' (the zone id), 'z' and 'zzzz'
 * (the zone's short and long name), 'O', 'OOOO' and 'ZZZZ' (the localized
 * offset, "GMT-5" and "GMT-05:00"), written as java.time's English locale
 * writes them and read back as its DateTimeFormatter reads them.
 *
 * Java takes zone names from the locale data (CLDR); tide knows the names
 * of the zones in ZONES below, and writes a region without a name as its
 * id, which is what Java does for a zone its locale data does not name.
 */
#include "eval_datetime_pattern.h"
#include "time_zone.h"

#include <string.h>

typedef struct {
    const char *id;
    int32_t standard;     /* the standard offset: another offset is daylight time */
    const char *names[4]; /* short standard, short daylight, long standard, long daylight */
} zone_names;

/* The first zone of a name is the one that name reads as (the zone of
   the name's metazone for the US English locale, as Java picks it). */
static const zone_names ZONES[] = {
    {"UTC", 0, {"UTC", "UTC", "Coordinated Universal Time", "Coordinated Universal Time"}},
    {"GMT", 0, {"GMT", "GMT", "Greenwich Mean Time", "Greenwich Mean Time"}},
    {"America/New_York", -18000, {"EST", "EDT", "Eastern Standard Time", "Eastern Daylight Time"}},
    {"America/Chicago", -21600, {"CST", "CDT", "Central Standard Time", "Central Daylight Time"}},
    {"America/Denver", -25200, {"MST", "MDT", "Mountain Standard Time", "Mountain Daylight Time"}},
    {"America/Los_Angeles",
     -28800,
     {"PST", "PDT", "Pacific Standard Time", "Pacific Daylight Time"}},
    {"America/Anchorage", -32400, {"AKST", "AKDT", "Alaska Standard Time", "Alaska Daylight Time"}},
    {"Pacific/Honolulu",
     -36000,
     {"HST", "HDT", "Hawaii-Aleutian Standard Time", "Hawaii-Aleutian Daylight Time"}},
    {"America/Phoenix", -25200, {"MST", "MDT", "Mountain Standard Time", "Mountain Daylight Time"}},
    {"America/Toronto", -18000, {"EST", "EDT", "Eastern Standard Time", "Eastern Daylight Time"}},
    {"America/Detroit", -18000, {"EST", "EDT", "Eastern Standard Time", "Eastern Daylight Time"}},
    {"America/Vancouver", -28800, {"PST", "PDT", "Pacific Standard Time", "Pacific Daylight Time"}},
    {"Europe/London", 0, {"GMT", "BST", "Greenwich Mean Time", "British Summer Time"}},
    {"Europe/Paris",
     3600,
     {"CET", "CEST", "Central European Standard Time", "Central European Summer Time"}},
    {"Europe/Berlin",
     3600,
     {"CET", "CEST", "Central European Standard Time", "Central European Summer Time"}},
    {"Europe/Madrid",
     3600,
     {"CET", "CEST", "Central European Standard Time", "Central European Summer Time"}},
    {"Europe/Rome",
     3600,
     {"CET", "CEST", "Central European Standard Time", "Central European Summer Time"}},
    {"Europe/Amsterdam",
     3600,
     {"CET", "CEST", "Central European Standard Time", "Central European Summer Time"}},
    {"Europe/Zurich",
     3600,
     {"CET", "CEST", "Central European Standard Time", "Central European Summer Time"}},
    {"Europe/Athens",
     7200,
     {"EET", "EEST", "Eastern European Standard Time", "Eastern European Summer Time"}},
    {"Europe/Helsinki",
     7200,
     {"EET", "EEST", "Eastern European Standard Time", "Eastern European Summer Time"}},
    {"Europe/Lisbon",
     0,
     {"WET", "WEST", "Western European Standard Time", "Western European Summer Time"}},
    {"Europe/Moscow", 10800, {"MSK", "MSK", "Moscow Standard Time", "Moscow Standard Time"}},
    {"Asia/Tokyo", 32400, {"JST", "JDT", "Japan Standard Time", "Japan Daylight Time"}},
    {"Asia/Seoul", 32400, {"KST", "KDT", "Korean Standard Time", "Korean Daylight Time"}},
    {"Asia/Shanghai", 28800, {"CST", "CDT", "China Standard Time", "China Daylight Time"}},
    {"Asia/Kolkata", 19800, {"IST", "IST", "India Standard Time", "India Standard Time"}},
    {"Australia/Sydney",
     36000,
     {"AEST", "AEDT", "Australian Eastern Standard Time", "Australian Eastern Daylight Time"}},
};

#define N_ZONES (sizeof ZONES / sizeof ZONES[0])

static size_t put(char *b, const char *s)
{
    size_t n = strlen(s);
    memcpy(b, s, n);
    return n;
}

static size_t put2(char *b, int v)
{
    b[0] = (char)('0' + v / 10), b[1] = (char)('0' + v % 10);
    return 2;
}

/* ZoneOffset's id: +hh:mm, with :ss when there are seconds. */
static size_t put_offset_id(char *b, int32_t secs)
{
    int32_t a = secs < 0 ? -secs : secs;
    size_t k = 0;
    if (secs == 0) return put(b, "Z");
    b[k++] = secs < 0 ? '-' : '+';
    k += put2(b + k, a / 3600);
    b[k++] = ':';
    k += put2(b + k, a / 60 % 60);
    if (a % 60) b[k++] = ':', k += put2(b + k, a % 60);
    return k;
}

/* Java's LocalizedOffsetIdPrinterParser.format: GMT, then (unless zero)
   the sign and hours, minutes and seconds unless zero; the long form
   has two-digit hours and always the minutes. */
static size_t put_localized_offset(char *b, int32_t secs, int full)
{
    int32_t a = secs < 0 ? -secs : secs, h = a / 3600 % 100, m = a / 60 % 60, s = a % 60;
    size_t k = put(b, "GMT");
    if (secs == 0) return k;
    b[k++] = secs < 0 ? '-' : '+';
    if (full || h >= 10)
        k += put2(b + k, h);
    else
        b[k++] = (char)('0' + h);
    if (full || m || s) {
        b[k++] = ':';
        k += put2(b + k, m);
        if (s) b[k++] = ':', k += put2(b + k, s);
    }
    return k;
}

size_t pattern_zone_format(char *b, const pat_op *op, const tide_zone *z, int32_t offset)
{
    if (op->kind == K_LOCAL_OFFSET) return put_localized_offset(b, offset, op->count == 4);
    /* The session zone: UTC under any name is tide's NULL zone. */
    const char *id = z ? z->id : "UTC";
    if (!id) return put_offset_id(b, offset); /* a ZoneOffset is its own id and name */
    if (op->kind == K_ZONE_NAME) {
        for (size_t i = 0; i < N_ZONES; i++)
            if (strcmp(ZONES[i].id, id) == 0)
                return put(b, ZONES[i].names[(op->count == 4) * 2 + (offset != ZONES[i].standard)]);
    }
    return put(b, id);
}

/* ---- parsing ------------------------------------------------------------------------ */

static int lower(char c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static size_t match(const char *s, size_t n, const char *word)
{
    size_t len = strlen(word);
    if (len > n) return 0;
    for (size_t i = 0; i < len; i++)
        if (lower(s[i]) != lower(word[i])) return 0;
    return len;
}

static int digit(const char *s, size_t n, size_t i)
{
    return i < n && s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1;
}

/* ":dd" at s + *i, at most 59. */
static int colon_pair(const char *s, size_t n, size_t *i, int *v)
{
    int a = *i < n && s[*i] == ':' ? digit(s, n, *i + 1) : -1, b = digit(s, n, *i + 2);
    if (a < 0 || b < 0 || a * 10 + b > 59) return -1;
    *v = a * 10 + b;
    *i += 3;
    return 0;
}

/* Java's LocalizedOffsetIdPrinterParser.parse: GMT, then nothing (zero),
   or a sign, hours (1 or 2 digits short, 2 long), :mm (always in the
   long form) and an optional :ss. */
static int parse_localized(const pat_op *op, const char *s, size_t n, size_t *pos, int64_t *secs)
{
    size_t i = *pos + match(s + *pos, n - *pos, "GMT");
    int h, m = 0, sec = 0, full = op->count == 4;
    if (i == *pos) return -1;
    if (i >= n || (s[i] != '+' && s[i] != '-')) {
        *secs = 0;
        *pos = i;
        return 0;
    }
    int neg = s[i++] == '-';
    if ((h = digit(s, n, i++)) < 0) return -1;
    if (full || digit(s, n, i) >= 0) {
        int h2 = digit(s, n, i++);
        if (h2 < 0) return -1;
        h = h * 10 + h2;
    }
    if (full || (i < n && s[i] == ':')) {
        if (colon_pair(s, n, &i, &m) != 0) return -1;
        if (i < n && s[i] == ':' && colon_pair(s, n, &i, &sec) != 0) return -1;
    }
    if (h > 18 || (h == 18 && (m | sec))) return -1;
    *secs = (neg ? -1 : 1) * (h * 3600 + m * 60 + sec);
    *pos = i;
    return 0;
}

/* "+HH:MM" with an optional ":ss" (Java's +HH:MM:ss offset id). */
static int parse_offset_id(const char *s, size_t n, size_t *pos, int32_t *secs)
{
    size_t i = *pos;
    if (i >= n || (s[i] != '+' && s[i] != '-')) return -1;
    int h1 = digit(s, n, i + 1), h2 = digit(s, n, i + 2), m, sec = 0;
    if (h1 < 0 || h2 < 0) return -1;
    size_t j = i + 3;
    if (colon_pair(s, n, &j, &m) != 0) return -1;
    if (j < n && s[j] == ':') colon_pair(s, n, &j, &sec);
    int h = h1 * 10 + h2;
    if (h > 18 || (h == 18 && (m | sec))) return -1;
    *secs = (s[i] == '-' ? -1 : 1) * (h * 3600 + m * 60 + sec);
    *pos = j;
    return 0;
}

static int is_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("/_-+", c) != NULL;
}

/* Java's ZoneIdPrinterParser.parse (VV) and ZoneTextPrinterParser.parse
   (z: its names too): an offset id, UTC, GMT or UT alone or with an
   offset, or a region id, or (z) a zone's short or (zzzz) long name, the
   longest that matches. The zone goes to *zone, or to *fixed (filled in)
   for an offset. */
static int parse_zone(const pat_op *op, const char *s, size_t n, size_t *pos, tide_zone *fixed,
                      const tide_zone **zone)
{
    size_t i = *pos;
    int32_t secs;
    memset(fixed, 0, sizeof *fixed);
    *zone = fixed;
    if (i >= n) return -1;
    if (s[i] == '+' || s[i] == '-') {
        if (parse_offset_id(s, n, pos, &secs) != 0) return -1;
        fixed->fixed = secs;
        return 0;
    }
    static const char *const prefixes[] = {"UTC", "GMT", "UT"};
    for (int k = 0; k < 3; k++) {
        size_t p = match(s + i, n - i, prefixes[k]);
        if (!p) continue;
        size_t j = i + p;
        if (j < n && (s[j] == '+' || s[j] == '-') && parse_offset_id(s, n, &j, &secs) == 0)
            fixed->fixed = secs;
        else
            j = i + p;
        *pos = j;
        return 0;
    }
    size_t best = 0, run = 0;
    const tide_zone *found = NULL;
    if (op->kind == K_ZONE_NAME) {
        for (size_t z = 0; z < N_ZONES; z++) {
            for (int k = 0; k < 2; k++) {
                size_t len = match(s + i, n - i, ZONES[z].names[(op->count == 4) * 2 + k]);
                const tide_zone *region = NULL;
                if (len > best &&
                    tide_zone_lookup(ZONES[z].id, strlen(ZONES[z].id), fixed, &region) == 0)
                    best = len, found = region;
            }
        }
    }
    while (i + run < n && is_id_char(s[i + run]))
        run++;
    if (run > best) {
        /* a region id, cut back to the longest that names one */
        for (size_t len = run; len > best; len--) {
            const tide_zone *region = NULL;
            if ((len == run || !is_id_char(s[i + len]) || strchr("/_-+", s[i + len])) &&
                tide_zone_lookup(s + i, len, fixed, &region) == 0 && region != fixed) {
                best = len, found = region;
                break;
            }
        }
    }
    if (!found) {
        if (s[i] != 'Z' && s[i] != 'z') return -1;
        memset(fixed, 0, sizeof *fixed);
        *pos = i + 1;
        return 0;
    }
    *zone = found;
    *pos = i + best;
    return 0;
}

int pattern_zone_parse(const pat_op *op, const char *s, size_t n, size_t *pos, tide_zone *fixed,
                       const tide_zone **zone, int64_t *offset)
{
    if (op->kind == K_LOCAL_OFFSET) {
        *zone = NULL;
        return parse_localized(op, s, n, pos, offset);
    }
    return parse_zone(op, s, n, pos, fixed, zone);
}
