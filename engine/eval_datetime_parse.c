/*
 * eval_datetime_parse.c — text read by a compiled Spark datetime pattern
 * (eval_datetime_pattern.h; contract in ffi/datetime.h), for
 * to_timestamp and unix_timestamp: Java's DateTimeFormatter in strict,
 * case-insensitive mode, as Spark 3.5 builds it. Fields the pattern lacks
 * default to 1970-01-01 00:00:00 (TimestampFormatter.toLocalDate/
 * toLocalTime); without an offset the fields are a local time in the
 * session time zone, resolved as ZonedDateTime.of resolves one.
 *
 * Java's number parsing is reproduced where results depend on it: a
 * variable-width number followed directly by fixed-width ones leaves them
 * their digits ("yyyyMMdd" reads "20240102"), 'yyyy' takes exactly four
 * digits unless a '+' announces more, "-0" is no number.
 *
 * A text this parser refuses goes, as spark.sql.legacy.timeParserPolicy
 * says, to the legacy parser (datetime_legacy_parse.c) under EXCEPTION,
 * whose reading it fails the query (Spark's checkParsedDiff); under
 * LEGACY the legacy parser reads every text instead.
 */
#include "eval_datetime_pattern.h"
#include "calendar.h"
#include "datetime_legacy_parse.h"
#include "kernel.h"
#include "time_zone.h"

#include <string.h>

/* The fields a text gave, UNSET where the pattern has none. */
#define UNSET INT64_MIN

static int set_field(int64_t *f, int64_t v)
{
    if (*f != UNSET && *f != v) return -1; /* the same field twice, differing */
    *f = v;
    return 0;
}

/* The length of `name` when the text at s starts with it, ignoring ASCII
   case (Spark parses case-insensitively), else 0. */
static size_t starts_with(const char *s, size_t n, const char *name, size_t len)
{
    if (len > n) return 0;
    for (size_t i = 0; i < len; i++) {
        char a = s[i], b = name[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
        if (a != b) return 0;
    }
    return len;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Java's NumberPrinterParser.parse in strict mode. */
static int parse_number(const pat_op *op, const char *s, size_t n, size_t *pos, int64_t *v)
{
    size_t i = *pos;
    int neg = 0, plus = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        if (op->sign == S_NONE || (s[i] == '+' && op->sign != S_EXCEEDS_PAD)) return -1;
        neg = s[i++] == '-', plus = !neg;
    }
    size_t avail = 0, limit = (size_t)op->max + op->reserve;
    while (i + avail < n && avail < limit && is_digit(s[i + avail]))
        avail++;
    if (avail < op->min) return -1;
    size_t take = avail;
    if (op->reserve) {
        /* Leave the digits of the fixed-width numbers after this one. */
        int64_t keep = (int64_t)avail - op->reserve;
        if (keep < op->min) keep = op->min;
        if ((size_t)keep < take) take = (size_t)keep;
    }
    if (take > 18) return -1;
    int64_t x = 0;
    for (size_t k = 0; k < take; k++)
        x = x * 10 + (s[i + k] - '0');
    if (neg && x == 0) return -1;
    if (op->sign == S_EXCEEDS_PAD && !neg && (plus ? take <= op->min : take > op->min)) return -1;
    *v = neg ? -x : x;
    *pos = i + take;
    return 0;
}

/* Two digits (after a ':' when colon) of an offset, at most 59. */
static int offset_digits(const char *s, size_t n, size_t *pos, int colon, int64_t *v)
{
    size_t i = *pos + (colon != 0);
    if ((colon && (*pos >= n || s[*pos] != ':')) || i + 2 > n || !is_digit(s[i]) ||
        !is_digit(s[i + 1]))
        return -1;
    *v = (s[i] - '0') * 10 + (s[i + 1] - '0');
    if (*v > 59) return -1;
    *pos = i + 2;
    return 0;
}

/* Java's OffsetIdPrinterParser: the no-offset text, or a sign, hours and
   the minutes and seconds the style has (some optional). */
static int parse_offset(const pat_op *op, const char *s, size_t n, size_t *pos, int64_t *secs)
{
    const char *zero = pattern_no_offset(op);
    int c = pattern_offset_form(op);
    int colon = c == 3 || c == 5;
    size_t i = *pos, z = strlen(zero);
    if (i >= n) return -1;
    if (starts_with(s + i, n - i, zero, z)) {
        *secs = 0;
        *pos = i + z;
        return 0;
    }
    if (s[i] != '+' && s[i] != '-') return -1;
    int64_t h, m = 0, sec = 0;
    size_t j = i + 1;
    if (offset_digits(s, n, &j, 0, &h) != 0 || h > 18) return -1;
    if (offset_digits(s, n, &j, colon, &m) != 0 && c != 1) return -1;
    if (c >= 4) offset_digits(s, n, &j, colon, &sec); /* optional seconds */
    /* ZoneOffset's range, ±18:00, which Java checks after the parse */
    if (h == 18 && (m | sec) != 0) return -1;
    *secs = (s[i] == '-' ? -1 : 1) * (h * 3600 + m * 60 + sec);
    *pos = j;
    return 0;
}

static int parse_text(const char *const *names, int count, size_t len, const char *s, size_t n,
                      size_t *pos, int64_t *v)
{
    for (int k = 0; k < count; k++) {
        size_t w = len ? len : strlen(names[k]);
        if (starts_with(s + *pos, n - *pos, names[k], w)) {
            *pos += w;
            *v = k;
            return 0;
        }
    }
    return -1;
}

/* The instant of the fields, as Spark's toLocalDate/toLocalTime default
   the missing ones and Java's strict resolver checks the rest: at the
   offset read, else in the session time zone (ZonedDateTime.of). */
static int resolve(const int64_t *f, const tide_zone *zone, int64_t *micros)
{
    int64_t year = f[K_YEAR] == UNSET ? 1970 : f[K_YEAR], y, hour = f[K_HOUR];
    /* a year of era: Spark's formatter defaults the era to AD */
    if (f[K_ERA] == 0 && f[K_YEAR] != UNSET) year = 1 - year;
    int64_t ampm_hour = f[K_AMPM_HOUR], days;
    int m, d;
    if (year < -290000 || year > 290000) return -1;
    if (f[K_DOY] != UNSET) {
        int64_t first = days_from_civil(year, 1, 1);
        if (f[K_DOY] < 1 || f[K_DOY] > days_from_civil(year + 1, 1, 1) - first) return -1;
        days = first + f[K_DOY] - 1;
        civil_from_days(days, &y, &m, &d);
        if ((f[K_MONTH] != UNSET && f[K_MONTH] != m) || (f[K_DAY] != UNSET && f[K_DAY] != d))
            return -1;
    } else {
        int64_t month = f[K_MONTH] == UNSET ? 1 : f[K_MONTH],
                day = f[K_DAY] == UNSET ? 1 : f[K_DAY];
        if (month < 1 || month > 12 || day < 1 || day > 31) return -1;
        days = days_from_civil(year, month, day);
        civil_from_days(days, &y, &m, &d);
        if (d != day) return -1; /* the 30th of February */
    }
    if (f[K_CLOCK_HOUR] != UNSET) {
        if (f[K_CLOCK_HOUR] < 1 || f[K_CLOCK_HOUR] > 24 ||
            set_field(&hour, f[K_CLOCK_HOUR] % 24) != 0)
            return -1;
    }
    if (f[K_CLOCK_AMPM_HOUR] != UNSET) {
        if (f[K_CLOCK_AMPM_HOUR] < 1 || f[K_CLOCK_AMPM_HOUR] > 12 ||
            set_field(&ampm_hour, f[K_CLOCK_AMPM_HOUR] % 12) != 0)
            return -1;
    }
    if (ampm_hour != UNSET && (ampm_hour < 0 || ampm_hour > 11)) return -1;
    if (hour != UNSET && (hour < 0 || hour > 23)) return -1;
    if (f[K_AMPM] != UNSET && ampm_hour != UNSET) {
        if (set_field(&hour, f[K_AMPM] * 12 + ampm_hour) != 0) return -1;
    } else if (hour != UNSET) {
        /* Java cross-checks what it did not combine. */
        if ((ampm_hour != UNSET && hour % 12 != ampm_hour) ||
            (f[K_AMPM] != UNSET && hour / 12 != f[K_AMPM]))
            return -1;
    } else {
        hour = ampm_hour != UNSET ? ampm_hour : f[K_AMPM] == 1 ? 12 : 0;
    }
    int64_t minute = f[K_MINUTE] == UNSET ? 0 : f[K_MINUTE];
    int64_t second = f[K_SECOND] == UNSET ? 0 : f[K_SECOND];
    int64_t nanos = f[K_FRACTION] == UNSET ? 0 : f[K_FRACTION];
    if (minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
    int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second;
    const tide_zone *z = zone ? zone : tide_zone_session();
    if (f[K_OFFSET] != UNSET)
        secs -= f[K_OFFSET];
    else if (z)
        secs = tide_zone_utc(z, secs, TIDE_ZONE_EARLIER);
    if (__builtin_mul_overflow(secs, (int64_t)1000000, micros) ||
        __builtin_add_overflow(*micros, nanos / 1000, micros))
        return -1;
    return 0;
}

/* What a text gave: its fields and the zone it named (VV, z). */
typedef struct {
    int64_t f[K_COUNT];
    const tide_zone *zone;
    tide_zone fixed;
} parsed;

/* Ops [from, to) of p read from s + *pos. An optional section that does
   not match leaves nothing behind (Java's optionalStart). */
static int parse_ops(const tide_datetime_pattern *p, int from, int to, const char *s, size_t n,
                     size_t *pos, parsed *r)
{
    int64_t *f = r->f, v;
    for (int i = from; i < to; i++) {
        const pat_op *op = &p->ops[i];
        int rc;
        switch (op->kind) {
        case K_LIT:
            if (starts_with(s + *pos, n - *pos, p->text + op->off, op->len) != op->len) return -1;
            *pos += op->len;
            continue;
        case K_OPT_START: {
            parsed saved = *r;
            size_t at = *pos;
            if (parse_ops(p, i + 1, (int)op->off, s, n, pos, r) != 0) {
                *r = saved;
                if (r->zone == &saved.fixed) r->zone = &r->fixed;
                *pos = at;
            }
            i = (int)op->off; /* its ']' */
            continue;
        }
        case K_OPT_END:
            continue;
        case K_MONTH_TEXT:
            rc = parse_text(tide_month_names, 12, op->count == 3 ? 3 : 0, s, n, pos, &v);
            v++;
            break;
        case K_AMPM: {
            static const char *const ampm[] = {"AM", "PM"};
            rc = parse_text(ampm, 2, 2, s, n, pos, &v);
            break;
        }
        case K_ERA: {
            static const char *const eras[] = {"BC", "AD"};
            static const char *const long_eras[] = {"Before Christ", "Anno Domini"};
            rc = parse_text(op->count == 4 ? long_eras : eras, 2, 0, s, n, pos, &v);
            break;
        }
        case K_FRACTION: {
            size_t k = 0;
            for (v = 0; k < op->max && *pos + k < n && is_digit(s[*pos + k]); k++)
                v = v * 10 + (s[*pos + k] - '0');
            rc = k >= op->min ? 0 : -1;
            *pos += k;
            for (; k < 9; k++)
                v *= 10; /* nanoseconds */
            break;
        }
        case K_OFFSET:
            rc = parse_offset(op, s, n, pos, &v);
            break;
        case K_ZONE_ID:
        case K_ZONE_NAME:
        case K_LOCAL_OFFSET: {
            const tide_zone *zone = NULL;
            tide_zone fixed;
            if (pattern_zone_parse(op, s, n, pos, &fixed, &zone, &v) != 0) return -1;
            if (!zone) break;       /* an offset, in v */
            if (r->zone) return -1; /* Java: a second, different zone; tide refuses any second */
            r->fixed = fixed;
            r->zone = zone == &fixed ? &r->fixed : zone;
            continue;
        }
        default: /* numbers */
            rc = parse_number(op, s, n, pos, &v);
            if (op->kind == K_YEAR && op->count == 2) v += 2000; /* Java's base year 2000 */
        }
        int field = op->kind == K_MONTH_TEXT     ? K_MONTH
                    : op->kind == K_LOCAL_OFFSET ? K_OFFSET
                                                 : op->kind;
        if (rc != 0 || set_field(&f[field], v) != 0) return -1;
    }
    return 0;
}

int tide_datetime_parse_one(const tide_datetime_pattern *p, const char *s, size_t n,
                            int64_t *micros)
{
    parsed r;
    for (int k = 0; k < K_COUNT; k++)
        r.f[k] = UNSET;
    r.zone = NULL;
    size_t pos = 0;
    if (parse_ops(p, 0, p->n, s, n, &pos, &r) != 0) return -1;
    if (pos != n) return -1; /* Java parses the whole text */
    if (p->local) r.zone = NULL, r.f[K_OFFSET] = UNSET;
    return resolve(r.f, r.zone, micros);
}

/* Spark's SparkUpgradeException for a text only the legacy parser reads. */
static int new_parser_error(const char *text, int32_t len, char *errbuf, size_t errlen)
{
    return kernel_error(errbuf, errlen,
                        "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.PARSE_DATETIME_BY_NEW_PARSER] You "
                        "may get a different result due to the upgrading to Spark >= 3.0: Fail "
                        "to parse '%.*s' in the new parser. You can set "
                        "\"spark.sql.legacy.timeParserPolicy\" to \"LEGACY\" to restore the "
                        "behavior before Spark 3.0, or set to \"CORRECTED\" and treat it as an "
                        "invalid datetime string.",
                        len > 200 ? 200 : (int)len, text);
}

int tide_eval_parse_timestamp(tide_batch *out, const tide_column *s, const tide_datetime_pattern *p,
                              const tide_legacy_pattern *legacy, int32_t policy, int64_t divisor,
                              tide_column *dst, char *errbuf, size_t errlen)
{
    if (s->type != TIDE_STRING || divisor < 1)
        return kernel_error(errbuf, errlen, "to_timestamp needs a string, not type %d", s->type);
    if ((policy == TIDE_PARSER_LEGACY ? !legacy : !p) || policy < 0 || policy > 2)
        return kernel_error(errbuf, errlen, "no pattern for the time parser policy %d", policy);
    if (kernel_alloc(out, dst, "", divisor == 1 ? TIDE_TIMESTAMP : TIDE_INT64, 0, 0, s->length,
                     0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *r = dst->values;
    for (int64_t i = 0; i < s->length; i++) {
        if (!tide_valid(dst, i)) continue;
        int32_t len;
        const char *text = tide_column_bytes(s, i, &len);
        int rc = policy == TIDE_PARSER_LEGACY
                     ? tide_legacy_parse_one(legacy, text, (size_t)len, &r[i])
                     : tide_datetime_parse_one(p, text, (size_t)len, &r[i]);
        if (rc != 0 && policy == TIDE_PARSER_EXCEPTION && legacy &&
            tide_legacy_parse_one(legacy, text, (size_t)len, &r[i]) == 0)
            return new_parser_error(text, len, errbuf, errlen);
        if (rc != 0) {
            if (kernel_validity(out, dst) != 0)
                return kernel_error(errbuf, errlen, "out of memory");
            tide_mark_null(dst, i);
            continue;
        }
        r[i] /= divisor; /* unix_timestamp: Java's long division, toward zero */
    }
    kernel_finish(dst);
    return 0;
}
