/*
 * datetime_legacy_parse.c — Spark's legacy datetime parser (contract in
 * datetime_legacy_parse.h): SimpleDateFormat's parse, non-lenient, in
 * Locale.US. The pattern compiles once into ops; a text is read op by op
 * into calendar fields, each remembering when it was set (the Calendar
 * picks among fields that say the same thing, day of month or day of
 * year, by which came last), then resolved and checked as a non-lenient
 * GregorianCalendar does. Nothing here allocates per row.
 */
#include "datetime_legacy_parse.h"
#include "calendar.h"
#include "kernel.h"
#include "time_zone.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum lkind {
    L_LIT,
    L_ERA,         /* G */
    L_YEAR,        /* y */
    L_MONTH,       /* M, L of 1 or 2 letters */
    L_MONTH_TEXT,  /* M, L of 3 or more */
    L_DAY,         /* d */
    L_DOY,         /* D */
    L_DOW_TEXT,    /* E */
    L_ISO_DOW,     /* u */
    L_HOUR_OF_DAY, /* H, 0-23 */
    L_CLOCK_HOUR,  /* k, 1-24 */
    L_AMPM_HOUR,   /* K, 0-11 */
    L_CLOCK_AMPM,  /* h, 1-12 */
    L_MINUTE,
    L_SECOND,
    L_MILLI, /* S: milliseconds, a number */
    L_AMPM,
    L_ZONE,    /* z and Z */
    L_ISO_ZONE /* X */
};

typedef struct {
    uint8_t kind, count, obey; /* obey: a number right after it, so it keeps to count */
    uint32_t off, len;
} legacy_op;

struct tide_legacy_pattern {
    int32_t n;
    legacy_op *ops;
    char *text;
};

void tide_legacy_pattern_free(tide_legacy_pattern *p)
{
    if (!p) return;
    free(p->ops);
    free(p->text);
    free(p);
}

static int is_number(const legacy_op *op)
{
    return op->kind != L_LIT && op->kind != L_ERA && op->kind != L_MONTH_TEXT &&
           op->kind != L_DOW_TEXT && op->kind != L_AMPM && op->kind != L_ZONE &&
           op->kind != L_ISO_ZONE;
}

tide_legacy_pattern *tide_legacy_pattern_compile(const char *pat, size_t len, char *errbuf,
                                                 size_t errlen)
{
    static const char letters[] = "GyMLdDEuHkKhmsSazZX";
    static const uint8_t kinds[] = {
        L_ERA,     L_YEAR,        L_MONTH,      L_MONTH,     L_DAY,        L_DOY,    L_DOW_TEXT,
        L_ISO_DOW, L_HOUR_OF_DAY, L_CLOCK_HOUR, L_AMPM_HOUR, L_CLOCK_AMPM, L_MINUTE, L_SECOND,
        L_MILLI,   L_AMPM,        L_ZONE,       L_ZONE,      L_ISO_ZONE};
    tide_legacy_pattern *p = calloc(1, sizeof *p);
    if (p) p->ops = calloc(len + 1, sizeof *p->ops), p->text = malloc(len + 1);
    if (!p || !p->ops || !p->text) {
        tide_legacy_pattern_free(p);
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    size_t used = 0, i = 0;
    int quoted = 0;
    while (i < len) {
        char c = pat[i];
        int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (c == '\'') {
            if (i + 1 < len && pat[i + 1] == '\'') {
                i++; /* '' is a quote, in quotes or not */
            } else {
                quoted = !quoted;
                i++;
                continue;
            }
        } else if (letter && !quoted) {
            size_t j = i;
            while (j < len && pat[j] == c)
                j++;
            const char *at = strchr(letters, c);
            if (!at) {
                kernel_error(errbuf, errlen,
                             strchr("FwWY", c)
                                 ? "the pattern letter '%c' is not supported by tide's legacy "
                                   "parser (spark.sql.legacy.timeParserPolicy LEGACY)"
                                 : "Illegal pattern character '%c'",
                             c);
                goto fail;
            }
            legacy_op *op = &p->ops[p->n++];
            int count = j - i > 255 ? 255 : (int)(j - i);
            op->kind = kinds[at - letters];
            op->count = (uint8_t)count;
            if (op->kind == L_MONTH && count >= 3) op->kind = L_MONTH_TEXT;
            if (op->kind == L_ISO_ZONE && count > 3) {
                kernel_error(errbuf, errlen, "invalid ISO 8601 format: length=%d", count);
                goto fail;
            }
            i = j;
            continue;
        }
        /* literal text: one char, joined to the literal before it */
        legacy_op *last = p->n ? &p->ops[p->n - 1] : NULL;
        if (!last || last->kind != L_LIT) {
            last = &p->ops[p->n++];
            last->kind = L_LIT;
            last->off = (uint32_t)used;
        }
        p->text[used++] = c;
        last->len++;
        i++;
    }
    if (quoted) {
        kernel_error(errbuf, errlen, "Unterminated quote");
        goto fail;
    }
    for (int k = 0; k + 1 < p->n; k++)
        p->ops[k].obey = is_number(&p->ops[k + 1]);
    return p;
fail:
    tide_legacy_pattern_free(p);
    return NULL;
}

/* ---- reading ---------------------------------------------------------------------- */

enum field {
    F_ERA,
    F_YEAR,
    F_MONTH, /* 0-11, as Calendar */
    F_DAY,
    F_DOY,
    F_DOW, /* 1 = Sunday, as Calendar */
    F_HOUR_OF_DAY,
    F_HOUR, /* 0-11 */
    F_AMPM,
    F_MINUTE,
    F_SECOND,
    F_MILLI,
    F_OFFSET, /* seconds east of UTC */
    F_COUNT
};

typedef struct {
    int64_t v[F_COUNT];
    int stamp[F_COUNT]; /* 0: unset, else the order it was set in */
    int next, ambiguous_year;
} fields;

static void set(fields *f, int field, int64_t v)
{
    f->v[field] = v;
    f->stamp[field] = ++f->next;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Whether s at i starts with name, ignoring ASCII case. */
static int matches(const char *s, size_t n, size_t i, const char *name, size_t len)
{
    if (len > n - i) return 0;
    for (size_t k = 0; k < len; k++)
        if (lower(s[i + k]) != lower(name[k])) return 0;
    return 1;
}

/* SimpleDateFormat's matchString: the longest of names at s + i. */
static int match_name(const char *s, size_t n, size_t *i, const char *const *names, int count,
                      int64_t *v)
{
    size_t best = 0;
    for (int k = 0; k < count; k++) {
        size_t len = strlen(names[k]);
        if (len > best && matches(s, n, *i, names[k], len)) best = len, *v = k;
    }
    if (!best) return -1;
    *i += best;
    return 0;
}

/* DecimalFormat's integer parse as SimpleDateFormat's number format does
   it, in s[*i, end): an optional '-', then digits; the int Java keeps of
   it (a long wraps to an int, a value beyond a long saturates). */
static int parse_number(const char *s, size_t end, size_t *i, int64_t *v)
{
    size_t k = *i;
    int neg = k < end && s[k] == '-';
    k += neg;
    size_t first = k;
    int64_t x = 0;
    int huge = 0;
    for (; k < end && is_digit(s[k]); k++) {
        if (x > (INT64_MAX - 9) / 10)
            huge = 1;
        else
            x = x * 10 + (s[k] - '0');
    }
    if (k == first) return -1;
    if (huge)
        x = neg ? INT32_MIN : INT32_MAX;
    else
        x = (int32_t)(uint32_t)(uint64_t)(neg ? -x : x);
    *v = x;
    *i = k;
    return 0;
}

/* SimpleDateFormat's subParseNumericZone: hh, then (unless only hours)
   mm, after a ':' when colon; one hour digit only where colon and no
   count. Hours up to 23. */
static int numeric_zone(const char *s, size_t n, size_t *i, int sign, int count, int colon,
                        int64_t *secs)
{
    size_t k = *i;
    if (k >= n || !is_digit(s[k])) return -1;
    int64_t h = s[k++] - '0', m = 0;
    if (k < n && is_digit(s[k]))
        h = h * 10 + (s[k++] - '0');
    else if (count > 0 || !colon)
        return -1;
    if (h > 23) return -1;
    if (count != 1) {
        if (colon && (k >= n || s[k++] != ':')) return -1;
        if (k + 2 > n || !is_digit(s[k]) || !is_digit(s[k + 1])) return -1;
        m = (s[k] - '0') * 10 + (s[k + 1] - '0');
        k += 2;
        if (m > 59) return -1;
    }
    *secs = sign * (h * 3600 + m * 60);
    *i = k;
    return 0;
}

/* The zone names of DateFormatSymbols that jobs meet most, with the
   offset each stands for (a daylight-saving name its summer offset). */
static const struct {
    const char *name;
    int32_t offset;
} ZONE_NAMES[] = {
    {"UTC", 0},
    {"GMT", 0},
    {"Coordinated Universal Time", 0},
    {"Greenwich Mean Time", 0},
    {"PST", -8 * 3600},
    {"PDT", -7 * 3600},
    {"Pacific Standard Time", -8 * 3600},
    {"Pacific Daylight Time", -7 * 3600},
    {"MST", -7 * 3600},
    {"MDT", -6 * 3600},
    {"Mountain Standard Time", -7 * 3600},
    {"Mountain Daylight Time", -6 * 3600},
    {"CST", -6 * 3600},
    {"CDT", -5 * 3600},
    {"Central Standard Time", -6 * 3600},
    {"Central Daylight Time", -5 * 3600},
    {"EST", -5 * 3600},
    {"EDT", -4 * 3600},
    {"Eastern Standard Time", -5 * 3600},
    {"Eastern Daylight Time", -4 * 3600},
    {"AKST", -9 * 3600},
    {"AKDT", -8 * 3600},
    {"HST", -10 * 3600},
    {"WET", 0},
    {"WEST", 3600},
    {"CET", 3600},
    {"CEST", 2 * 3600},
    {"Central European Time", 3600},
    {"Central European Summer Time", 2 * 3600},
    {"EET", 2 * 3600},
    {"EEST", 3 * 3600},
    {"JST", 9 * 3600},
    {"BST", 3600},     /* British Summer Time */
    {"IST", 2 * 3600}, /* Israel Standard Time, as Java's table has it first */
};

/* 'z' and 'Z': an RFC 822 offset (+hhmm), GMT with an optional +h:mm, or
   a zone name. */
static int parse_zone(const char *s, size_t n, size_t *i, int64_t *secs)
{
    size_t k = *i;
    if (k >= n) return -1;
    if (s[k] == '+' || s[k] == '-') {
        k++;
        if (numeric_zone(s, n, &k, s[*i] == '-' ? -1 : 1, 0, 0, secs) != 0) return -1;
        *i = k;
        return 0;
    }
    if (matches(s, n, k, "GMT", 3) && k + 3 < n && (s[k + 3] == '+' || s[k + 3] == '-')) {
        size_t j = k + 4;
        if (numeric_zone(s, n, &j, s[k + 3] == '-' ? -1 : 1, 0, 1, secs) != 0) return -1;
        *i = j;
        return 0;
    }
    size_t best = 0;
    for (size_t z = 0; z < sizeof ZONE_NAMES / sizeof ZONE_NAMES[0]; z++) {
        size_t len = strlen(ZONE_NAMES[z].name);
        if (len > best && matches(s, n, k, ZONE_NAMES[z].name, len))
            best = len, *secs = ZONE_NAMES[z].offset;
    }
    if (!best) return -1;
    *i = k + best;
    return 0;
}

static const char *const MONTHS[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};
static const char *const SHORT_MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const WEEKDAYS[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
static const char *const SHORT_WEEKDAYS[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* One field op at s + *pos (SimpleDateFormat.subParse). */
static int read_field(const legacy_op *op, const char *s, size_t n, size_t *pos, fields *f)
{
    size_t start = *pos, i = start;
    int64_t v;
    /* spaces and tabs before a field are skipped; the end of the text fails it */
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= n) return -1;
    if (is_number(op)) {
        size_t end = n;
        if (op->obey) {
            if (start + op->count > n) return -1;
            end = start + op->count;
        }
        size_t first = i;
        if (parse_number(s, end, &i, &v) != 0) return -1;
        switch (op->kind) {
        case L_YEAR:
            if (op->count <= 2 && i - first == 2 && is_digit(s[first])) {
                /* two digits: the century within 80 years before now and 20 after */
                time_t now = time(NULL);
                int64_t y, start_year;
                int m, d;
                civil_from_days(floor_div((int64_t)now, 86400), &y, &m, &d);
                start_year = y - 80;
                int64_t two = start_year % 100;
                f->ambiguous_year = v == two;
                v += start_year / 100 * 100 + (v < two ? 100 : 0);
            }
            set(f, F_YEAR, v);
            break;
        case L_MONTH:
            set(f, F_MONTH, v - 1);
            break;
        case L_DAY:
            set(f, F_DAY, v);
            break;
        case L_DOY:
            set(f, F_DOY, v);
            break;
        case L_ISO_DOW:
            if (v < 1 || v > 7) return -1; /* non-lenient */
            set(f, F_DOW, v % 7 + 1);
            break;
        case L_HOUR_OF_DAY:
            set(f, F_HOUR_OF_DAY, v);
            break;
        case L_CLOCK_HOUR:
            if (v < 1 || v > 24) return -1;
            set(f, F_HOUR_OF_DAY, v == 24 ? 0 : v);
            break;
        case L_AMPM_HOUR:
            set(f, F_HOUR, v);
            break;
        case L_CLOCK_AMPM:
            if (v < 1 || v > 12) return -1;
            set(f, F_HOUR, v == 12 ? 0 : v);
            break;
        case L_MINUTE:
            set(f, F_MINUTE, v);
            break;
        case L_SECOND:
            set(f, F_SECOND, v);
            break;
        default: /* L_MILLI */
            set(f, F_MILLI, v);
        }
        *pos = i;
        return 0;
    }
    switch (op->kind) {
    case L_ERA: {
        static const char *const eras[] = {"BC", "AD"};
        if (match_name(s, n, &start, eras, 2, &v) != 0) return -1;
        set(f, F_ERA, v);
        *pos = start;
        return 0;
    }
    case L_MONTH_TEXT: /* text is matched where the field starts, not after spaces */
        if (match_name(s, n, &start, MONTHS, 12, &v) != 0 &&
            match_name(s, n, &start, SHORT_MONTHS, 12, &v) != 0)
            return -1;
        set(f, F_MONTH, v);
        *pos = start;
        return 0;
    case L_DOW_TEXT:
        if (match_name(s, n, &start, WEEKDAYS, 7, &v) != 0 &&
            match_name(s, n, &start, SHORT_WEEKDAYS, 7, &v) != 0)
            return -1;
        set(f, F_DOW, v + 1);
        *pos = start;
        return 0;
    case L_AMPM: {
        static const char *const ampm[] = {"AM", "PM"};
        if (match_name(s, n, &start, ampm, 2, &v) != 0) return -1;
        set(f, F_AMPM, v);
        *pos = start;
        return 0;
    }
    case L_ZONE:
        if (parse_zone(s, n, &i, &v) != 0) return -1;
        set(f, F_OFFSET, v);
        *pos = i;
        return 0;
    default: /* L_ISO_ZONE */
        if (s[i] == 'Z') {
            v = 0, i++;
        } else {
            if (s[i] != '+' && s[i] != '-') return -1;
            int sign = s[i++] == '-' ? -1 : 1;
            if (numeric_zone(s, n, &i, sign, op->count, op->count == 3, &v) != 0) return -1;
        }
        set(f, F_OFFSET, v);
        *pos = i;
        return 0;
    }
}

/* The instant of a local time in zone z (NULL: UTC) as the legacy
   Calendar takes it: in an overlap the later instant (standard time);
   -1 in a gap, which a non-lenient Calendar refuses. */
static int local_to_utc(const tide_zone *z, int64_t local, int64_t *utc)
{
    if (!z) {
        *utc = local;
        return 0;
    }
    int64_t first = tide_zone_utc(z, local, TIDE_ZONE_EARLIER);
    if (first + tide_zone_offset(z, first) != local) return -1;
    int32_t after = tide_zone_offset(z, first + 6 * 3600);
    int64_t later = local - after;
    *utc = later > first && later + tide_zone_offset(z, later) == local ? later : first;
    return 0;
}

/* Calendar's range of a field set by the text (non-lenient). */
static int in_range(int field, int64_t v)
{
    static const int64_t lo[F_COUNT] = {0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, -13 * 3600};
    static const int64_t hi[F_COUNT] = {1,  292278994, 11, 31, 366, 7,        23,
                                        11, 1,         59, 59, 999, 14 * 3600};
    return v >= lo[field] && v <= hi[field];
}

/* The day (since 1970-01-01) the date fields name in `year`: by day of
   month or day of year, whichever came last; a day name alone is that
   weekday's first in the month (Calendar's DAY_OF_WEEK_IN_MONTH 1). */
static int64_t day_of(const fields *f, int64_t year)
{
    int64_t month = f->stamp[F_MONTH] ? f->v[F_MONTH] : 0;
    if (f->stamp[F_DOY] > f->stamp[F_DAY]) return days_from_civil(year, 1, 1) + f->v[F_DOY] - 1;
    int64_t first = days_from_civil(year, month + 1, 1);
    if (!f->stamp[F_DAY] && f->stamp[F_DOW]) {
        /* the last day on or before the 7th that is that weekday (1970-01-01, day 0,
           was a Thursday: Calendar's 5) */
        int64_t last = first + 6;
        return last - floor_mod(last + 5 - f->v[F_DOW], 7);
    }
    return first + (f->stamp[F_DAY] ? f->v[F_DAY] : 1) - 1;
}

int tide_legacy_parse_one(const tide_legacy_pattern *p, const char *s, size_t n, int64_t *micros)
{
    fields f;
    memset(&f, 0, sizeof f);
    size_t pos = 0;
    for (int k = 0; k < p->n; k++) {
        const legacy_op *op = &p->ops[k];
        if (op->kind == L_LIT) {
            if (op->len > n - pos || memcmp(s + pos, p->text + op->off, op->len) != 0) return -1;
            pos += op->len;
        } else if (read_field(op, s, n, &pos, &f) != 0) {
            return -1;
        }
    }
    if (pos == 0) return -1; /* DateFormat.parse: nothing read */
    for (int k = 0; k < F_COUNT; k++)
        if (f.stamp[k] && !in_range(k, f.v[k])) return -1;

    /* A BC year comes out as the AD year of the same number: Spark moves
       the legacy calendar's date to its own by the year of era, dropping
       the era (0044-03-15 BC is 0044-03-15). */
    int64_t year = f.stamp[F_YEAR] ? f.v[F_YEAR] : 1970;
    f.stamp[F_ERA] = 0;
    int64_t days = day_of(&f, year);
    if (f.ambiguous_year) {
        /* SimpleDateFormat: a two-digit year that lands before the
           century's start (80 years ago) is the one 100 years later */
        int64_t y;
        int m, d;
        civil_from_days(floor_div((int64_t)time(NULL), 86400), &y, &m, &d);
        if (days < days_from_civil(y - 80, m, d)) {
            f.v[F_YEAR] += 100;
            days = day_of(&f, year += 100);
        }
    }
    /* the hour: HOUR_OF_DAY, or HOUR with AM_PM, whichever came last */
    int hour_stamp = f.stamp[F_HOUR] && f.stamp[F_AMPM]
                         ? (f.stamp[F_HOUR] > f.stamp[F_AMPM] ? f.stamp[F_HOUR] : f.stamp[F_AMPM])
                         : 0;
    int64_t hour;
    if (f.stamp[F_HOUR_OF_DAY] && f.stamp[F_HOUR_OF_DAY] > hour_stamp)
        hour = f.v[F_HOUR_OF_DAY];
    else
        hour = (f.stamp[F_HOUR] ? f.v[F_HOUR] : 0) + (f.stamp[F_AMPM] ? 12 * f.v[F_AMPM] : 0);
    int64_t local = days * 86400 + hour * 3600 + f.v[F_MINUTE] * 60 + f.v[F_SECOND], utc;
    if (f.stamp[F_OFFSET])
        utc = local - f.v[F_OFFSET];
    else if (local_to_utc(tide_zone_session(), local, &utc) != 0)
        return -1;

    /* non-lenient: the fields of the result must be the ones read */
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t got[F_COUNT] = {0};
    got[F_YEAR] = y, got[F_MONTH] = m - 1, got[F_DAY] = d;
    got[F_DOY] = days - days_from_civil(y, 1, 1) + 1;
    got[F_DOW] = floor_mod(days + 4, 7) + 1; /* 1970-01-01 was a Thursday */
    got[F_HOUR_OF_DAY] = hour % 24, got[F_HOUR] = hour % 12, got[F_AMPM] = hour % 24 / 12;
    got[F_MINUTE] = f.v[F_MINUTE], got[F_SECOND] = f.v[F_SECOND], got[F_MILLI] = f.v[F_MILLI];
    got[F_OFFSET] = f.v[F_OFFSET];
    for (int k = 0; k < F_COUNT; k++)
        if (f.stamp[k] && got[k] != f.v[k]) return -1;
    if (__builtin_mul_overflow(utc, (int64_t)1000000, micros) ||
        __builtin_add_overflow(*micros, f.v[F_MILLI] * 1000, micros))
        return -1;
    return 0;
}
