/*
 * csv_convert.c — CSV field text to typed values, and Spark's CSV type
 * inference. The rules follow Spark's UnivocityParser (Java's number
 * parsing) and CSVInferSchema: a column's type only widens, int -> bigint
 * -> decimal(p,0) -> double -> date -> timestamp -> boolean -> string.
 */
#include "csv_convert.h"

#include "ffi/datetime.h"
#include "timestamp.h"

#include <stdlib.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int csv_parse_int64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int negative = 0;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) negative = s[i++] == '-';
    if (i == n) return -1;
    if (n - i <= 18) {
        /* 18 digits cannot overflow: no check per digit. */
        uint64_t u = 0;
        for (; i < n; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d > 9) return -1;
            u = u * 10 + d;
        }
        *out = negative ? -(int64_t)u : (int64_t)u;
        return 0;
    }
    /* Accumulate negatively so that INT64_MIN parses. */
    int64_t v = 0;
    for (; i < n; i++) {
        if (!is_digit(s[i])) return -1;
        int d = s[i] - '0';
        if (v < (INT64_MIN + d) / 10) return -1;
        v = v * 10 - d;
    }
    if (!negative) {
        if (v == INT64_MIN) return -1;
        v = -v;
    }
    *out = v;
    return 0;
}

int csv_parse_int32(const char *s, size_t n, int32_t *out)
{
    size_t i = n > 0 && (s[0] == '-' || s[0] == '+');
    if (n > i && n - i <= 9) {
        /* 9 digits fit in 32 bits: no overflow to check. */
        uint32_t u = 0;
        for (size_t k = i; k < n; k++) {
            unsigned d = (unsigned)(unsigned char)s[k] - '0';
            if (d > 9) return -1;
            u = u * 10 + d;
        }
        *out = s[0] == '-' ? -(int32_t)u : (int32_t)u;
        return 0;
    }
    int64_t v;
    if (n > 12 || csv_parse_int64(s, n, &v) != 0 || v < INT32_MIN || v > INT32_MAX) return -1;
    *out = (int32_t)v;
    return 0;
}

static int equals(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

static int equals_nocase(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[i]) return 0;
    }
    return 1;
}

int csv_parse_double(const tide_csv_options *opt, const char *s, size_t n, double *out)
{
    /* Spark's nanValue, negativeInf and positiveInf first, in its order. */
    const char *nan_value = opt && opt->nan_value ? opt->nan_value : "NaN";
    const char *negative_inf = opt && opt->negative_inf ? opt->negative_inf : "-Inf";
    const char *positive_inf = opt && opt->positive_inf ? opt->positive_inf : "Inf";
    if (equals(s, n, nan_value)) { *out = __builtin_nan(""); return 0; }
    if (equals(s, n, negative_inf)) { *out = -__builtin_inf(); return 0; }
    if (equals(s, n, positive_inf)) { *out = __builtin_inf(); return 0; }
    /* Java trims characters <= ' ' on both ends. */
    while (n > 0 && (unsigned char)s[0] <= ' ') { s++; n--; }
    while (n > 0 && (unsigned char)s[n - 1] <= ' ') n--;
    if (n == 0 || n > 400) return -1;
    char buf[402];
    memcpy(buf, s, n);
    buf[n] = '\0';
    const char *body = buf;
    int negative = 0;
    if (*body == '+' || *body == '-') negative = *body++ == '-';
    if (strcmp(body, "Infinity") == 0) { *out = negative ? -__builtin_inf() : __builtin_inf(); return 0; }
    if (strcmp(body, "NaN") == 0) { *out = __builtin_nan(""); return 0; }
    /* Java's type suffixes. */
    size_t len = n;
    if (len > 1 && strchr("dDfF", buf[len - 1])) buf[--len] = '\0';
    /* Only what Java's decimal syntax allows: strtod would also take hex,
       "inf" and "nan". */
    int digits = 0;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (is_digit(c)) digits++;
        else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') return -1;
    }
    if (!digits) return -1;
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + len) return -1;
    *out = v;
    return 0;
}

int csv_parse_bool(const char *s, size_t n, uint8_t *out)
{
    if (equals_nocase(s, n, "true")) { *out = 1; return 0; }
    if (equals_nocase(s, n, "false")) { *out = 0; return 0; }
    return -1;
}

typedef __int128 i128;
typedef unsigned __int128 u128;

/* 10^0 .. 10^38. */
static const u128 POW10[39] = {
    (u128)1ULL,
    (u128)10ULL,
    (u128)100ULL,
    (u128)1000ULL,
    (u128)10000ULL,
    (u128)100000ULL,
    (u128)1000000ULL,
    (u128)10000000ULL,
    (u128)100000000ULL,
    (u128)1000000000ULL,
    (u128)10000000000ULL,
    (u128)100000000000ULL,
    (u128)1000000000000ULL,
    (u128)10000000000000ULL,
    (u128)100000000000000ULL,
    (u128)1000000000000000ULL,
    (u128)10000000000000000ULL,
    (u128)100000000000000000ULL,
    (u128)1000000000000000000ULL,
    (u128)10000000000000000000ULL,
    (u128)10000000000000000000ULL * 10ULL,
    (u128)10000000000000000000ULL * 100ULL,
    (u128)10000000000000000000ULL * 1000ULL,
    (u128)10000000000000000000ULL * 10000ULL,
    (u128)10000000000000000000ULL * 100000ULL,
    (u128)10000000000000000000ULL * 1000000ULL,
    (u128)10000000000000000000ULL * 10000000ULL,
    (u128)10000000000000000000ULL * 100000000ULL,
    (u128)10000000000000000000ULL * 1000000000ULL,
    (u128)10000000000000000000ULL * 10000000000ULL,
    (u128)10000000000000000000ULL * 100000000000ULL,
    (u128)10000000000000000000ULL * 1000000000000ULL,
    (u128)10000000000000000000ULL * 10000000000000ULL,
    (u128)10000000000000000000ULL * 100000000000000ULL,
    (u128)10000000000000000000ULL * 1000000000000000ULL,
    (u128)10000000000000000000ULL * 10000000000000000ULL,
    (u128)10000000000000000000ULL * 100000000000000000ULL,
    (u128)10000000000000000000ULL * 1000000000000000000ULL,
    (u128)10000000000000000000ULL * 10000000000000000000ULL,
};

/* A number with an exponent (1.5e3, 1E-2), as java.math.BigDecimal(String)
   reads it, rewritten without one into buf (the point moved), so that
   tide_decimal_parse rounds it to the scale. Digits past what the scale
   keeps are cut, all but the first (half up looks at it alone). 0, or -1
   when it is not such a number or needs more than 38 integer digits. */
static int without_exponent(const char *s, size_t n, int32_t scale, char *buf, size_t cap)
{
    const char *e = memchr(s, 'e', n);
    if (!e) e = memchr(s, 'E', n);
    if (!e) return -1;
    /* The exponent: a sign and digits, as an int. */
    const char *x = e + 1, *end = s + n;
    int negative_exp = 0;
    if (x < end && (*x == '+' || *x == '-')) negative_exp = *x++ == '-';
    if (x == end || end - x > 9) return -1;
    long exp = 0;
    for (; x < end; x++) {
        if (!is_digit(*x)) return -1;
        exp = exp * 10 + (*x - '0');
    }
    if (negative_exp) exp = -exp;
    /* The mantissa: a sign, digits and at most one point. */
    size_t i = 0, m = (size_t)(e - s);
    size_t o = 0;
    if (i < m && (s[i] == '+' || s[i] == '-')) {
        if (s[i] == '-') buf[o++] = '-';
        i++;
    }
    char digits[80];
    size_t nd = 0;
    long point = -1, leading = 0; /* point: digits before it; leading zeros dropped */
    for (; i < m; i++) {
        if (s[i] == '.') {
            if (point >= 0) return -1;
            point = leading + (long)nd;
            continue;
        }
        if (!is_digit(s[i])) return -1;
        if (nd == 0 && s[i] == '0') {
            leading++;
            continue;
        }
        if (nd < sizeof digits)
            digits[nd++] = s[i];
        else if (point < 0)
            return -1; /* more than 80 integer digits */
    }
    if (leading == 0 && nd == 0) return -1; /* no digit at all */
    if (point < 0) point = leading + (long)nd;
    if (nd == 0) {
        buf[0] = '0'; /* zero, whatever the exponent */
        buf[1] = '\0';
        return 0;
    }
    /* The value is 0.digits * 10^place. */
    long place = point - leading + exp;
    if (place > 39) return -1; /* 40 integer digits or more */
    if (place < -(long)scale - 1) {
        buf[0] = '0'; /* below half a unit of the scale: 0 */
        buf[1] = '\0';
        return 0;
    }
    long keep = place + scale + 1; /* the digits that can matter */
    if (keep < (long)nd) nd = keep > 0 ? (size_t)keep : 0;
    size_t need = o + 3 + nd + (size_t)(place <= 0 ? -place : place);
    if (need > cap) return -1;
    if (place <= 0) {
        buf[o++] = '0';
        buf[o++] = '.';
        for (long k = 0; k < -place; k++)
            buf[o++] = '0';
        memcpy(buf + o, digits, nd);
        o += nd;
    } else if ((size_t)place >= nd) {
        memcpy(buf + o, digits, nd);
        o += nd;
        for (long k = (long)nd; k < place; k++)
            buf[o++] = '0';
    } else {
        memcpy(buf + o, digits, (size_t)place);
        o += (size_t)place;
        buf[o++] = '.';
        memcpy(buf + o, digits + place, nd - (size_t)place);
        o += nd - (size_t)place;
    }
    buf[o] = '\0';
    return 0;
}

int csv_parse_decimal(const char *s, size_t n, int32_t precision, int32_t scale, void *out)
{
    if (memchr(s, ',', n)) {
        /* Spark's decimal parser for the en-US locale takes grouping
           commas out first: "1,234.5" is 1234.5. */
        char plain[256];
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] == ',') continue;
            if (k == sizeof plain - 1) return -1;
            plain[k++] = s[i];
        }
        plain[k] = '\0';
        return csv_parse_decimal(plain, k, precision, scale, out);
    }
    i128 v;
    if (tide_decimal_parse(s, n, scale, &v) != 0) {
        /* Spark parses a decimal with BigDecimal(String), which takes an
           exponent; tide_decimal_parse does not (its other callers read
           PostgreSQL's numerics), so such a number is rewritten. */
        char plain[160];
        if (without_exponent(s, n, scale, plain, sizeof plain) != 0 ||
            tide_decimal_parse(plain, strlen(plain), scale, &v) != 0)
            return -1;
    }
    if (precision < 38) {
        i128 limit = (i128)POW10[precision > 0 ? precision : 0];
        if (v >= limit || v <= -limit) return -1;
    }
    memcpy(out, &v, sizeof v);
    return 0;
}

/* A date by a pattern: the local date of what it reads (a local time
   in the session time zone, so its local date is the text's). */
static int date_by_pattern(const struct tide_datetime_pattern *format, const char *s, size_t n,
                           int32_t *out)
{
    int64_t micros;
    if (tide_datetime_parse_one(format, s, n, &micros) != 0) return -1;
    int64_t days = tide_local_days(micros);
    if (days < INT32_MIN || days > INT32_MAX) return -1;
    *out = (int32_t)days;
    return 0;
}

/* parse(text with every "GMT" taken out), as Spark's fallback cleans a
   legacy text first (cleanLegacyTimestampStr); such text is rare, so only
   it is copied. */
static int without_gmt(const char *s, size_t n, int (*parse)(const char *, size_t, void *),
                       void *out)
{
    const char *g = memchr(s, 'G', n);
    if (!g || (size_t)(s + n - g) < 3) return parse(s, n, out);
    char small[128] = {0}; /* (zeroed: GCC cannot tell the copy fills what parse reads) */
    char *buf = n <= sizeof small ? small : malloc(n);
    if (!buf) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (i + 3 <= n && s[i] == 'G' && s[i + 1] == 'M' && s[i + 2] == 'T') {
            i += 3;
            continue;
        }
        buf[k++] = s[i++];
    }
    int rc = parse(buf, k, out);
    if (buf != small) free(buf);
    return rc;
}

static int cast_date(const char *s, size_t n, void *out)
{
    return tide_date_parse(s, n, out);
}

static int cast_timestamp(const char *s, size_t n, void *out)
{
    return tide_timestamp_parse(s, n, out);
}

int csv_parse_date(const char *s, size_t n, const struct tide_datetime_pattern *format,
                   int fallback, int32_t *out)
{
    if (format ? date_by_pattern(format, s, n, out) == 0 : tide_date_parse(s, n, out) == 0)
        return 0;
    /* Without a pattern, text with no "GMT" was read as the fallback would. */
    if (!fallback || (!format && !memchr(s, 'G', n))) return -1;
    return without_gmt(s, n, cast_date, out);
}

int csv_parse_timestamp(const char *s, size_t n, const struct tide_datetime_pattern *format,
                        int fallback, int64_t *out)
{
    if (format ? tide_datetime_parse_one(format, s, n, out) == 0
               : tide_timestamp_parse(s, n, out) == 0)
        return 0;
    if (!fallback || (!format && !memchr(s, 'G', n))) return -1;
    return without_gmt(s, n, cast_timestamp, out);
}

/* ---- inference ---------------------------------------------------------------- */

/* Digits of an integer as Java's BigDecimal counts its precision (leading
   zeros do not count; 0 has one), or -1 when the text is not an integer.
   Spark infers decimals only for numbers without a fraction. */
static int integer_precision(const char *s, size_t n)
{
    size_t i = 0;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) i++;
    if (i == n) return -1;
    while (i < n - 1 && s[i] == '0') i++;
    int digits = 0;
    for (; i < n; i++) {
        if (!is_digit(s[i])) return -1;
        digits++;
    }
    return digits;
}

static int32_t try_kind(int32_t from, const tide_csv_options *opt, const char *s, size_t n,
                        int32_t *precision)
{
    union {
        int32_t i;
        int64_t l;
        double d;
        uint8_t b;
    } v;
    switch (from) {
    case CSV_INFER_NULL:
    case CSV_INFER_INT:
        if (csv_parse_int32(s, n, &v.i) == 0) return CSV_INFER_INT;
        /* fall through */
    case CSV_INFER_LONG:
        if (csv_parse_int64(s, n, &v.l) == 0) return CSV_INFER_LONG;
        /* fall through */
    case CSV_INFER_DECIMAL: {
        int p = integer_precision(s, n);
        if (p > 0 && p <= 38) {
            *precision = p;
            return CSV_INFER_DECIMAL;
        }
    }
        /* fall through */
    case CSV_INFER_DOUBLE:
        if (csv_parse_double(opt, s, n, &v.d) == 0) return CSV_INFER_DOUBLE;
        /* fall through */
    case CSV_INFER_DATE:
        /* The pattern alone, strictly (Spark's tryParseDate): "2024-1-2"
           is no date here, though a date column reads it. */
        if (opt && opt->infer_date_format &&
            date_by_pattern(opt->infer_date_format, s, n, &v.i) == 0)
            return CSV_INFER_DATE;
        /* fall through */
    case CSV_INFER_TIMESTAMP:
        /* the timestampFormat, strictly, when one is given (Spark's
           tryParseTimestamp) */
        if (csv_parse_timestamp(s, n, opt ? opt->timestamp_format : NULL, 0, &v.l) == 0)
            return CSV_INFER_TIMESTAMP;
        /* fall through */
    case CSV_INFER_BOOLEAN:
        if (csv_parse_bool(s, n, &v.b) == 0) return CSV_INFER_BOOLEAN;
        /* fall through */
    default: return CSV_INFER_STRING;
    }
}

static int is_numeric(int32_t k)
{
    return k == CSV_INFER_INT || k == CSV_INFER_LONG || k == CSV_INFER_DECIMAL ||
           k == CSV_INFER_DOUBLE;
}

/* Spark's CSVInferSchema.compatibleType for the kinds inference yields. */
static void merge(csv_infer_state *state, const tide_csv_options *opt, int32_t kind,
                  int32_t precision)
{
    int32_t a = state->kind;
    if (a == kind) {
        if (kind == CSV_INFER_DECIMAL && precision > state->precision) state->precision = precision;
        return;
    }
    if (a == CSV_INFER_NULL) {
        state->kind = kind;
        state->precision = precision;
        return;
    }
    if (is_numeric(a) && is_numeric(kind)) {
        int32_t hi = a > kind ? a : kind;
        if (hi == CSV_INFER_DECIMAL) {
            /* An int widens to decimal(10,0), a bigint to decimal(20,0). */
            int32_t pa = a == CSV_INFER_DECIMAL ? state->precision : a == CSV_INFER_LONG ? 20 : 10;
            int32_t pk = kind == CSV_INFER_DECIMAL ? precision : kind == CSV_INFER_LONG ? 20 : 10;
            state->precision = pa > pk ? pa : pk;
        }
        state->kind = hi;
        return;
    }
    if ((a == CSV_INFER_DATE && kind == CSV_INFER_TIMESTAMP) ||
        (a == CSV_INFER_TIMESTAMP && kind == CSV_INFER_DATE)) {
        state->kind =
            opt && opt->infer_dates_as_timestamps ? CSV_INFER_TIMESTAMP : CSV_INFER_STRING;
        return;
    }
    state->kind = CSV_INFER_STRING;
}

void csv_infer_field_with(csv_infer_state *state, const tide_csv_options *opt, const char *s,
                          size_t n)
{
    if (state->kind == CSV_INFER_STRING) return;
    int32_t precision = 0;
    int32_t kind = try_kind(state->kind, opt, s, n, &precision);
    merge(state, opt, kind, precision);
}

void csv_infer_field(csv_infer_state *state, const char *s, size_t n)
{
    csv_infer_field_with(state, NULL, s, n);
}

void csv_infer_result(const csv_infer_state *state, tide_csv_field *out)
{
    out->name = NULL;
    out->precision = 0;
    out->scale = 0;
    switch (state->kind) {
    case CSV_INFER_INT: out->type = TIDE_INT32; break;
    case CSV_INFER_LONG: out->type = TIDE_INT64; break;
    case CSV_INFER_DECIMAL:
        out->type = TIDE_DECIMAL;
        out->precision = (int16_t)state->precision;
        break;
    case CSV_INFER_DOUBLE: out->type = TIDE_FLOAT64; break;
    case CSV_INFER_DATE:
        out->type = TIDE_DATE;
        break;
    case CSV_INFER_TIMESTAMP: out->type = TIDE_TIMESTAMP; break;
    case CSV_INFER_BOOLEAN: out->type = TIDE_BOOL; break;
    case CSV_INFER_NULL: out->type = 0; break; /* no value seen: the caller decides */
    default: out->type = TIDE_STRING; break;
    }
}
