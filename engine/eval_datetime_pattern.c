/*
 * eval_datetime_pattern.c — Spark 3.5's datetime patterns (contracts in
 * ffi/datetime.h), for date_format and from_unixtime (formatting) and
 * to_timestamp and unix_timestamp (parsing). Spark builds a
 * java.time.format.DateTimeFormatter from the pattern
 * (DateTimeFormatterHelper): 'y' becomes 'u' (a proleptic year, so year 0
 * and negative years print as numbers), parsing is strict and
 * case-insensitive, a run of 'S' parses 1 to n fraction digits, and
 * fields the pattern lacks default to 1970-01-01 00:00:00
 * (TimestampFormatter.toLocalDate/toLocalTime). Spark refuses the
 * week-based letters, narrow text (5 letters) and 'E'/'Q' when parsing;
 * so does tide, with Spark's messages. The pattern is compiled once into
 * a list of ops, each a field (with its widths) or literal text, that the
 * kernels walk per row; nothing here allocates per row.
 *
 * Java's number parsing is reproduced where results depend on it: a
 * variable-width number followed directly by fixed-width ones leaves them
 * their digits ("yyyyMMdd" reads "20240102"), 'yyyy' takes exactly four
 * digits unless a '+' announces more, "-0" is no number.
 */
#include "calendar.h"
#include "ffi/datetime.h"
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

enum kind {
    K_LIT,
    K_YEAR,
    K_MONTH,
    K_MONTH_TEXT,
    K_DAY,
    K_DOY,
    K_HOUR,            /* H, 0-23 */
    K_CLOCK_HOUR,      /* k, 1-24 */
    K_AMPM_HOUR,       /* K, 0-11 */
    K_CLOCK_AMPM_HOUR, /* h, 1-12 */
    K_MINUTE,
    K_SECOND,
    K_AMPM,
    K_FRACTION,
    K_DOW_TEXT,
    K_QUARTER,
    K_QUARTER_TEXT,
    K_OFFSET,
    K_COUNT
};

enum sign { S_NONE, S_NORMAL, S_EXCEEDS_PAD };

typedef struct {
    uint8_t kind, count, min, max, sign;
    uint8_t reserve; /* digits of the fixed-width numbers right after it */
    char letter;     /* of an offset: X, x or Z */
    uint32_t off, len;
} pat_op;

struct tide_datetime_pattern {
    int32_t n, parsing;
    size_t max_out;
    pat_op *ops;
    char *text;
};

static const char *const MONTHS[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};
static const char *const DAYS[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                   "Friday", "Saturday", "Sunday"};
static const char *const QUARTERS[] = {"1st quarter", "2nd quarter", "3rd quarter", "4th quarter"};

void tide_datetime_pattern_free(tide_datetime_pattern *p)
{
    if (!p) return;
    free(p->ops);
    free(p->text);
    free(p);
}

/* ---- compiling ------------------------------------------------------------------- */

static void add_text(tide_datetime_pattern *p, size_t *used, const char *s, size_t n)
{
    pat_op *last = p->n ? &p->ops[p->n - 1] : NULL;
    if (!last || last->kind != K_LIT) {
        last = &p->ops[p->n++];
        memset(last, 0, sizeof *last);
        last->kind = K_LIT;
        last->off = (uint32_t)*used;
    }
    memcpy(p->text + *used, s, n);
    *used += n;
    last->len += (uint32_t)n;
}

static void add_op(tide_datetime_pattern *p, int kind, int count, int min, int max, int sign)
{
    pat_op *op = &p->ops[p->n++];
    memset(op, 0, sizeof *op);
    op->kind = (uint8_t)kind, op->count = (uint8_t)count;
    op->min = (uint8_t)min, op->max = (uint8_t)max, op->sign = (uint8_t)sign;
}

/* A run of `count` letters c: 0, or -1 with errbuf saying why not. */
static int add_letter(tide_datetime_pattern *p, char c, int count, char *errbuf, size_t errlen)
{
    int parsing = p->parsing;
    if (strchr("YWwuec", c))
        return kernel_error(errbuf, errlen,
                            "All week-based patterns are unsupported since Spark 3.0, detected: "
                            "%c, Please use the SQL function EXTRACT instead",
                            c);
    if (strchr("ABnNp", c)) return kernel_error(errbuf, errlen, "Illegal pattern character: %c", c);
    if (parsing && strchr("EFqQ", c))
        return kernel_error(errbuf, errlen,
                            "Illegal pattern character: %c (Spark takes it for formatting only, "
                            "not for parsing)",
                            c);
    int too_many = 0;
    switch (c) {
    case 'y':
        too_many = count >= 7; /* Spark: years beyond 6 digits overflow */
        if (count == 2)
            add_op(p, K_YEAR, 2, 2, 2, S_NONE);
        else
            add_op(p, K_YEAR, count, count, 19, count < 4 ? S_NORMAL : S_EXCEEDS_PAD);
        break;
    case 'M':
    case 'Q':
        too_many = count >= 5;
        if (count <= 2)
            add_op(p, c == 'M' ? K_MONTH : K_QUARTER, count, count, count == 1 ? 19 : 2, S_NONE);
        else
            add_op(p, c == 'M' ? K_MONTH_TEXT : K_QUARTER_TEXT, count, 0, 0, S_NONE);
        break;
    case 'D':
        too_many = count > 3;
        add_op(p, K_DOY, count, count, count == 1 ? 19 : 3, S_NONE);
        break;
    case 'd':
    case 'H':
    case 'k':
    case 'K':
    case 'h':
    case 'm':
    case 's': {
        static const char letters[] = "dHkKhms";
        static const uint8_t kinds[] = {
            K_DAY, K_HOUR, K_CLOCK_HOUR, K_AMPM_HOUR, K_CLOCK_AMPM_HOUR, K_MINUTE, K_SECOND};
        too_many = count > 2;
        add_op(p, kinds[strchr(letters, c) - letters], count, count, count == 1 ? 19 : 2, S_NONE);
        break;
    }
    case 'S':
        too_many = count > 9;
        add_op(p, K_FRACTION, count, parsing ? 1 : count, count, S_NONE);
        break;
    case 'a':
        too_many = count > 1;
        add_op(p, K_AMPM, 1, 0, 0, S_NONE);
        break;
    case 'E':
        too_many = count >= 5;
        add_op(p, K_DOW_TEXT, count, 0, 0, S_NONE);
        break;
    case 'X':
    case 'x':
    case 'Z':
        too_many = count > 5;
        if (c == 'Z' && count == 4)
            return kernel_error(errbuf, errlen,
                                "the pattern letters ZZZZ (a localized offset) are not supported "
                                "by tide: write XXX or Z");
        add_op(p, K_OFFSET, count, 0, 0, S_NONE);
        p->ops[p->n - 1].letter = c;
        break;
    default:
        return kernel_error(
            errbuf, errlen,
            "the pattern letter '%c' is not supported by tide (it takes y M d D H h "
            "k K m s S a E Q X x Z, and text in quotes)",
            c);
    }
    if (too_many) return kernel_error(errbuf, errlen, "Too many pattern letters: %c", c);
    return 0;
}

/* Java's adjacent value parsing: each fixed-width unsigned number that
   follows a number directly adds its width to the first one's reserve. */
static void reserve_adjacent(tide_datetime_pattern *p)
{
    int active = -1;
    for (int i = 0; i < p->n; i++) {
        pat_op *op = &p->ops[i];
        int number = op->kind == K_YEAR || op->kind == K_MONTH || op->kind == K_QUARTER ||
                     (op->kind >= K_DAY && op->kind <= K_SECOND);
        if (!number) {
            active = -1;
        } else if (active >= 0 && op->min == op->max && op->sign == S_NONE) {
            p->ops[active].reserve = (uint8_t)(p->ops[active].reserve + op->max);
        } else {
            active = i;
        }
    }
}

tide_datetime_pattern *tide_datetime_pattern_compile(const char *pat, size_t len, int32_t parsing,
                                                     char *errbuf, size_t errlen)
{
    tide_datetime_pattern *p = calloc(1, sizeof *p);
    if (p) p->ops = calloc(len + 1, sizeof *p->ops), p->text = malloc(len + 1);
    if (!p || !p->ops || !p->text) {
        tide_datetime_pattern_free(p);
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    p->parsing = parsing != 0;
    size_t used = 0, i = 0;
    while (i < len) {
        char c = pat[i];
        if (c == '\'') {
            /* '' is a quote; '...' is text, in which '' is a quote too. */
            size_t j = i + 1;
            if (j < len && pat[j] == '\'') {
                add_text(p, &used, "'", 1);
                i += 2;
                continue;
            }
            for (;; j++) {
                if (j >= len) {
                    kernel_error(errbuf, errlen,
                                 "Pattern ends with an incomplete string literal: %.*s", (int)len,
                                 pat);
                    goto fail;
                }
                if (pat[j] == '\'') {
                    if (j + 1 < len && pat[j + 1] == '\'') {
                        add_text(p, &used, "'", 1);
                        j++;
                        continue;
                    }
                    break;
                }
                add_text(p, &used, pat + j, 1);
            }
            i = j + 1;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            size_t j = i;
            while (j < len && pat[j] == c)
                j++;
            if (add_letter(p, c, j - i > 20 ? 20 : (int)(j - i), errbuf, errlen) != 0) goto fail;
            i = j;
        } else if (strchr("[]{}#", c) && c != '\0') {
            kernel_error(errbuf, errlen,
                         "'%c' is not supported in a pattern by tide (optional sections and "
                         "reserved characters); quote it as '%c' for the character itself",
                         c, c);
            goto fail;
        } else {
            add_text(p, &used, pat + i, 1);
            i++;
        }
    }
    if (p->parsing) reserve_adjacent(p);
    for (int k = 0; k < p->n; k++)
        p->max_out += p->ops[k].kind == K_LIT ? p->ops[k].len : 24;
    return p;
fail:
    tide_datetime_pattern_free(p);
    return NULL;
}

/* ---- formatting ------------------------------------------------------------------- */

/* v in at least `width` digits, as Java's NumberPrinterParser prints it:
   '-' before a negative, '+' before a value wider than the padding when
   exceeds_pad. */
static size_t put_int(char *b, int64_t v, int width, int exceeds_pad)
{
    char digits[24];
    uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    int n = 0;
    do
        digits[n++] = (char)('0' + a % 10);
    while ((a /= 10) != 0);
    size_t k = 0;
    if (v < 0)
        b[k++] = '-';
    else if (exceeds_pad && n > width)
        b[k++] = '+';
    for (int i = n; i < width; i++)
        b[k++] = '0';
    while (n > 0)
        b[k++] = digits[--n];
    return k;
}

static size_t put_str(char *b, const char *s, size_t n)
{
    memcpy(b, s, n);
    return n;
}

static size_t put_offset(char *b, char letter, int count)
{
    /* Offsets are zero in UTC: each style's text for no offset. */
    if (letter == 'X' || (letter == 'Z' && count == 5)) return put_str(b, "Z", 1);
    if (letter == 'Z') return put_str(b, "+0000", 5);
    static const char *const x[] = {"+00", "+0000", "+00:00", "+0000", "+00:00"};
    return put_str(b, x[count - 1], strlen(x[count - 1]));
}

int tide_datetime_format_one(const tide_datetime_pattern *p, int64_t micros, char *buf, size_t len)
{
    if (len < p->max_out) return -1;
    int64_t secs = floor_div(micros, 1000000), usec = micros % 1000000;
    if (usec < 0) usec += 1000000;
    int64_t days = floor_div(secs, 86400), sod = secs - days * 86400, y;
    int m, d, hour = (int)(sod / 3600);
    civil_from_days(days, &y, &m, &d);
    size_t k = 0;
    for (int i = 0; i < p->n; i++) {
        const pat_op *op = &p->ops[i];
        char *b = buf + k;
        switch (op->kind) {
        case K_LIT:
            k += put_str(b, p->text + op->off, op->len);
            break;
        case K_YEAR:
            if (op->count == 2)
                k += put_int(b, (y < 0 ? -y : y) % 100, 2, 0);
            else
                k += put_int(b, y, op->count, op->count >= 4);
            break;
        case K_MONTH:
            k += put_int(b, m, op->count, 0);
            break;
        case K_MONTH_TEXT:
            k += put_str(b, MONTHS[m - 1], op->count == 3 ? 3 : strlen(MONTHS[m - 1]));
            break;
        case K_DAY:
            k += put_int(b, d, op->count, 0);
            break;
        case K_DOY:
            k += put_int(b, days - days_from_civil(y, 1, 1) + 1, op->count, 0);
            break;
        case K_HOUR:
            k += put_int(b, hour, op->count, 0);
            break;
        case K_CLOCK_HOUR:
            k += put_int(b, hour == 0 ? 24 : hour, op->count, 0);
            break;
        case K_AMPM_HOUR:
            k += put_int(b, hour % 12, op->count, 0);
            break;
        case K_CLOCK_AMPM_HOUR:
            k += put_int(b, hour % 12 == 0 ? 12 : hour % 12, op->count, 0);
            break;
        case K_MINUTE:
            k += put_int(b, sod / 60 % 60, op->count, 0);
            break;
        case K_SECOND:
            k += put_int(b, sod % 60, op->count, 0);
            break;
        case K_AMPM:
            k += put_str(b, hour < 12 ? "AM" : "PM", 2);
            break;
        case K_FRACTION: {
            char nanos[10];
            put_int(nanos, usec * 1000, 9, 0); /* truncated to the letters, as Java */
            k += put_str(b, nanos, op->count);
            break;
        }
        case K_DOW_TEXT: {
            const char *name = DAYS[days - floor_div(days + 3, 7) * 7 + 3]; /* 0 = Monday */
            k += put_str(b, name, op->count <= 3 ? 3 : strlen(name));
            break;
        }
        case K_QUARTER:
            k += put_int(b, (m - 1) / 3 + 1, op->count, 0);
            break;
        case K_QUARTER_TEXT:
            if (op->count == 3) {
                b[0] = 'Q', b[1] = (char)('1' + (m - 1) / 3);
                k += 2;
            } else {
                k += put_str(b, QUARTERS[(m - 1) / 3], strlen(QUARTERS[0]));
            }
            break;
        default:
            k += put_offset(b, op->letter, op->count);
        }
    }
    return (int)k;
}

/* ---- parsing ---------------------------------------------------------------------- */

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
    static const char *const x_zero[] = {"+00", "+0000", "+00:00", "+0000", "+00:00"};
    const char *zero = op->letter == 'x'                    ? x_zero[op->count - 1]
                       : op->letter == 'Z' && op->count < 4 ? "+0000"
                                                            : "Z";
    int c = op->letter == 'Z' ? (op->count < 4 ? 2 : 5) : op->count;
    /* c: 1 +HHmm, 2 +HHMM, 3 +HH:MM, 4 +HHMMss, 5 +HH:MM:ss */
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
    if (offset_digits(s, n, &j, 0, &h) != 0 || h > 23) return -1;
    if (offset_digits(s, n, &j, colon, &m) != 0 && c != 1) return -1;
    if (c >= 4) offset_digits(s, n, &j, colon, &sec); /* optional seconds */
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
   the missing ones and Java's strict resolver checks the rest. */
static int resolve(const int64_t *f, int64_t *micros)
{
    int64_t year = f[K_YEAR] == UNSET ? 1970 : f[K_YEAR], y, hour = f[K_HOUR];
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
    int64_t offset = f[K_OFFSET] == UNSET ? 0 : f[K_OFFSET];
    if (minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
    int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset;
    if (__builtin_mul_overflow(secs, (int64_t)1000000, micros) ||
        __builtin_add_overflow(*micros, nanos / 1000, micros))
        return -1;
    return 0;
}

int tide_datetime_parse_one(const tide_datetime_pattern *p, const char *s, size_t n,
                            int64_t *micros)
{
    int64_t f[K_COUNT], v;
    for (int k = 0; k < K_COUNT; k++)
        f[k] = UNSET;
    size_t pos = 0;
    for (int i = 0; i < p->n; i++) {
        const pat_op *op = &p->ops[i];
        int rc;
        switch (op->kind) {
        case K_LIT:
            if (starts_with(s + pos, n - pos, p->text + op->off, op->len) != op->len) return -1;
            pos += op->len;
            continue;
        case K_MONTH_TEXT:
            rc = parse_text(MONTHS, 12, op->count == 3 ? 3 : 0, s, n, &pos, &v);
            v++;
            break;
        case K_AMPM: {
            static const char *const ampm[] = {"AM", "PM"};
            rc = parse_text(ampm, 2, 2, s, n, &pos, &v);
            break;
        }
        case K_FRACTION: {
            size_t k = 0;
            for (v = 0; k < op->max && pos + k < n && is_digit(s[pos + k]); k++)
                v = v * 10 + (s[pos + k] - '0');
            rc = k >= op->min ? 0 : -1;
            pos += k;
            for (; k < 9; k++)
                v *= 10; /* nanoseconds */
            break;
        }
        case K_OFFSET:
            rc = parse_offset(op, s, n, &pos, &v);
            break;
        default: /* numbers */
            rc = parse_number(op, s, n, &pos, &v);
            if (op->kind == K_YEAR && op->count == 2) v += 2000; /* Java's base year 2000 */
        }
        if (rc != 0 || set_field(&f[op->kind == K_MONTH_TEXT ? K_MONTH : op->kind], v) != 0)
            return -1;
    }
    if (pos != n) return -1; /* Java parses the whole text */
    return resolve(f, micros);
}
