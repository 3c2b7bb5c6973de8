/*
 * eval_datetime_pattern.c — Spark 3.5's datetime patterns (contracts in
 * ffi/datetime.h): compiling them, for date_format and from_unixtime
 * (formatting, here) and to_timestamp and unix_timestamp (parsing,
 * eval_datetime_parse.c). Spark builds a java.time.format.DateTimeFormatter
 * from the pattern (DateTimeFormatterHelper): 'y' becomes 'u' (a
 * proleptic year, so year 0 and negative years print as numbers), and a
 * run of 'S' parses 1 to n fraction digits. Spark refuses the week-based
 * letters, narrow text (5 letters) and 'E'/'Q' when parsing; so does
 * tide, with Spark's messages. The pattern is compiled once into a list
 * of ops, each a field (with its widths) or literal text, that the
 * kernels walk per row; nothing here allocates per row. A timestamp is
 * written as its local date-time in the session time zone, with that
 * zone's offset for the offset letters.
 */
#include "eval_datetime_pattern.h"
#include "calendar.h"
#include "kernel.h"
#include "time_zone.h"

#include <stdlib.h>
#include <string.h>

const char *const tide_month_names[12] = {"January",   "February", "March",    "April",
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
static int add_letter(tide_datetime_pattern *p, char c, int count, int era, char *errbuf,
                      size_t errlen)
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
        /* With an era in the pattern Spark keeps Java's 'y', the year of era. */
        if (era) p->ops[p->n - 1].letter = 'G';
        break;
    case 'G':
        too_many = count >= 5; /* Spark refuses the narrow form */
        add_op(p, K_ERA, count, 0, 0, S_NONE);
        break;
    case 'M':
    case 'L': /* stand-alone: the same in English */
    case 'Q':
    case 'q': {
        int month = c == 'M' || c == 'L';
        too_many = count >= 5;
        if (count <= 2)
            add_op(p, month ? K_MONTH : K_QUARTER, count, count, count == 1 ? 19 : 2, S_NONE);
        else
            add_op(p, month ? K_MONTH_TEXT : K_QUARTER_TEXT, count, 0, 0, S_NONE);
        break;
    }
    case 'F':
        too_many = count > 1;
        add_op(p, K_ALIGNED_DOW, 1, 0, 0, S_NONE);
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
        if (c == 'Z' && count == 4) {
            add_op(p, K_LOCAL_OFFSET, 4, 0, 0, S_NONE); /* GMT-05:00, as OOOO */
            break;
        }
        add_op(p, K_OFFSET, count, 0, 0, S_NONE);
        p->ops[p->n - 1].letter = c;
        break;
    case 'V':
        if (count != 2) return kernel_error(errbuf, errlen, "Pattern letter count must be 2: V");
        add_op(p, K_ZONE_ID, 2, 0, 0, S_NONE);
        break;
    case 'z':
        too_many = count > 4;
        add_op(p, K_ZONE_NAME, count == 4 ? 4 : 1, 0, 0, S_NONE);
        break;
    case 'O':
        if (count != 1 && count != 4)
            return kernel_error(errbuf, errlen, "Pattern letter count must be 1 or 4: O");
        add_op(p, K_LOCAL_OFFSET, count, 0, 0, S_NONE);
        break;
    default:
        return kernel_error(
            errbuf, errlen,
            "the pattern letter '%c' is not supported by tide (it takes G y M L d D Q q E F H h "
            "k K m s S a X x Z O z VV, optional sections [...] and text in quotes)",
            c);
    }
    if (too_many) return kernel_error(errbuf, errlen, "Too many pattern letters: %c", c);
    return 0;
}

/* Whether the pattern has an era letter outside quotes (Spark's
   convertIncompatiblePattern then keeps 'y' as the year of era). */
static int has_era(const char *pat, size_t len)
{
    int quoted = 0;
    for (size_t i = 0; i < len; i++) {
        if (pat[i] == '\'')
            quoted = !quoted;
        else if (!quoted && pat[i] == 'G')
            return 1;
    }
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
    p->local = parsing == 2;
    size_t used = 0, i = 0;
    int era = has_era(pat, len), depth = 0;
    int *open = malloc((len + 1) * sizeof *open); /* the '[' of each open section */
    if (!open) {
        tide_datetime_pattern_free(p);
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
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
            if (add_letter(p, c, j - i > 20 ? 20 : (int)(j - i), era, errbuf, errlen) != 0)
                goto fail;
            i = j;
        } else if (c == '[') {
            if (depth == 32) {
                kernel_error(errbuf, errlen, "tide nests optional sections 32 deep at most");
                goto fail;
            }
            open[depth++] = p->n;
            add_op(p, K_OPT_START, 0, 0, 0, S_NONE);
            i++;
        } else if (c == ']') {
            if (depth == 0) {
                kernel_error(errbuf, errlen, "Pattern invalid as it contains ] without previous [");
                goto fail;
            }
            p->ops[open[--depth]].off = (uint32_t)p->n;
            add_op(p, K_OPT_END, 0, 0, 0, S_NONE);
            i++;
        } else if (strchr("{}#", c) && c != '\0') {
            kernel_error(errbuf, errlen,
                         "'%c' is not supported in a pattern by tide (a reserved character); "
                         "quote it as '%c' for the character itself",
                         c, c);
            goto fail;
        } else {
            add_text(p, &used, pat + i, 1);
            i++;
        }
    }
    /* An unclosed '[' ends with the pattern (Java's optionalEnd at toFormatter). */
    while (depth > 0)
        p->ops[open[--depth]].off = (uint32_t)p->n;
    free(open);
    if (p->parsing) reserve_adjacent(p);
    for (int k = 0; k < p->n; k++)
        p->max_out += p->ops[k].kind == K_LIT ? p->ops[k].len
                      : p->ops[k].kind >= K_ZONE_ID && p->ops[k].kind <= K_LOCAL_OFFSET
                          ? PATTERN_ZONE_MAX
                          : 24;
    return p;
fail:
    free(open);
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

/* Java's OffsetIdPrinterParser.format: the no-offset text for 0, else a
   sign and hours, then minutes (+HHmm: unless zero) and, in the forms
   with seconds, seconds unless zero; the no-offset text again when all
   it wrote were zeros. */
static size_t put_offset(char *b, const pat_op *op, int32_t secs)
{
    /* per form: a colon, minutes always, seconds allowed */
    static const uint8_t forms[][3] = {{0}, {0, 0, 0}, {0, 1, 0}, {1, 1, 0}, {0, 1, 1}, {1, 1, 1}};
    const uint8_t *form = forms[pattern_offset_form(op)];
    int32_t a = secs < 0 ? -secs : secs, h = a / 3600 % 100, m = a / 60 % 60, s = a % 60;
    int shown = h;
    size_t k = 0;
    if (secs != 0) {
        b[k++] = secs < 0 ? '-' : '+';
        k += put_int(b + k, h, 2, 0);
        if (form[1] || m > 0) {
            if (form[0]) b[k++] = ':';
            k += put_int(b + k, m, 2, 0);
            shown += m;
            if (form[2] && s > 0) {
                if (form[0]) b[k++] = ':';
                k += put_int(b + k, s, 2, 0);
                shown += s;
            }
        }
    }
    const char *zero = pattern_no_offset(op);
    return shown ? k : put_str(b, zero, strlen(zero));
}

int tide_datetime_format_one(const tide_datetime_pattern *p, int64_t micros, char *buf, size_t len)
{
    if (len < p->max_out) return -1;
    int64_t secs = floor_div(micros, 1000000), usec = floor_mod(micros, 1000000);
    const tide_zone *z = tide_zone_session();
    int32_t offset = z ? tide_zone_offset(z, secs) : 0;
    secs += offset;
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
        case K_YEAR: {
            int64_t v = op->letter == 'G' && y <= 0 ? 1 - y : y; /* year of era */
            if (op->count == 2)
                k += put_int(b, (v < 0 ? -v : v) % 100, 2, 0);
            else
                k += put_int(b, v, op->count, op->count >= 4);
            break;
        }
        case K_ERA:
            k += op->count == 4
                     ? put_str(b, y > 0 ? "Anno Domini" : "Before Christ", y > 0 ? 11 : 13)
                     : put_str(b, y > 0 ? "AD" : "BC", 2);
            break;
        case K_ALIGNED_DOW:
            k += put_int(b, (d - 1) % 7 + 1, 1, 0);
            break;
        case K_ZONE_ID:
        case K_ZONE_NAME:
        case K_LOCAL_OFFSET:
            k += pattern_zone_format(b, op, z, offset);
            break;
        case K_OPT_START:
        case K_OPT_END: /* a timestamp has every field: optional sections are written */
            break;
        case K_MONTH:
            k += put_int(b, m, op->count, 0);
            break;
        case K_MONTH_TEXT:
            k += put_str(b, tide_month_names[m - 1],
                         op->count == 3 ? 3 : strlen(tide_month_names[m - 1]));
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
            const char *name = DAYS[monday_based(days)]; /* 0 = Monday */
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
            k += put_offset(b, op, offset);
        }
    }
    return (int)k;
}
