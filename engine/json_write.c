/*
 * json_write.c — the to_json kernel: any column to a string column of
 * compact JSON, formatted as Spark's to_json (Jackson's generator) writes it.
 *
 * Contract (tide_to_json in tide_ffi.h):
 * - A struct row becomes an object with its fields in schema order; null
 *   fields are left out (Spark's ignoreNullFields default) unless
 *   include_nulls; a null row stays null. Other column types give their
 *   JSON value, so to_json works on any column.
 * - Strings are escaped as Jackson does: \" \\ \b \t \n \f \r, other
 *   control characters as \u00XX (uppercase hex), everything else as is.
 *   Bytes that are not UTF-8 become U+FFFD, one per maximal invalid
 *   subsequence, as Java's decoder does when Spark turns bytes into a
 *   String.
 * - Numbers: ints as digits; float and double as Java's Float/Double
 *   toString (shortest round-trip digits, 1.0E-5 style outside
 *   [1e-3, 1e7)), non-finite ones as the strings "NaN", "Infinity",
 *   "-Infinity" (Jackson's default); decimals as BigDecimal.toString (exact
 *   digits, scientific only below 1e-6 of the unscaled value's leading
 *   digit); timestamps as "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" in the session
 *   time zone ("2022-06-29T02:38:24.177Z" in UTC, the default;
 *   "2022-06-29T04:38:24.177+02:00" in Paris); binary as base64 with
 *   padding.
 * - The text goes in one pass into one buffer in out's arena, grown by
 *   doubling (the last allocation of the arena, so it mostly grows in
 *   place); offsets and validity are allocated before it.
 */
#include "batch.h"
#include "calendar.h"
#include "digits.h"
#include "time_zone.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    tide_batch *out;
    char *data;
    int64_t len;
    int64_t cap;
    const char *error; /* set once something failed */
} jbuf;

/* Keys are copied in blocks of this many bytes. */
#define KEY_PAD 16

/* A field name, escaped and followed by ':', ready to copy (its buffer
   padded by KEY_PAD bytes). */
typedef struct key_tree {
    char *key;
    size_t key_len;
    struct key_tree *children;
    int32_t num_children;
} key_tree;

static void set_error(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_error(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (!errbuf || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

static int grow(jbuf *b, int64_t extra)
{
    if (b->error) return -1;
    int64_t need = b->len + extra;
    if (need > INT32_MAX) { /* offsets are int32 */
        b->error = "the JSON text of one batch would pass 2 GiB";
        return -1;
    }
    int64_t cap = b->cap * 2;
    while (cap < need) cap *= 2;
    if (cap > INT32_MAX) cap = INT32_MAX;
    char *d = tide_arena_realloc(b->out->arena, b->data, (size_t)b->cap, (size_t)cap);
    if (!d) {
        b->error = "out of memory";
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

/* Room for n more bytes; 0 or -1. */
static inline int reserve(jbuf *b, int64_t n)
{
    return b->len + n <= b->cap ? 0 : grow(b, n);
}

static inline void put_raw(jbuf *b, const char *s, size_t n)
{
    if (reserve(b, (int64_t)n) != 0) return;
    memcpy(b->data + b->len, s, n);
    b->len += (int64_t)n;
}

static inline void put_char(jbuf *b, char c)
{
    if (reserve(b, 1) != 0) return;
    b->data[b->len++] = c;
}

/* ---- strings ---------------------------------------------------------------- */

static const char HEX[] = "0123456789ABCDEF";

/* Bytes a string cannot hold as they are: control characters, '"', '\\'
   and every non-ASCII byte (checked as UTF-8). */
/* clang-format off */
static const unsigned char SPECIAL[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
    [0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};
/* clang-format on */

/* Whether any byte of x is below 0x20 or above 0x7F, or is '"' or '\\'.
   The borrow tests (a byte below n: (x - n) & ~x, high bit; a zero byte:
   (x - 1) & ~x, high bit) are exact as long as no byte has its high bit
   set, and such a byte counts anyway. */
static inline int has_special(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    uint64_t hits = x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs);
    return (hits & high) != 0;
}

/* How many bytes at the start of s need no escaping: 8 at a time, then
   one at a time from the first block that holds one. */
static inline size_t plain_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (has_special(x)) break;
    }
    while (i < n && !SPECIAL[s[i]])
        i++;
    return i;
}

static __attribute__((noinline)) void put_string_slow(jbuf *b, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && !SPECIAL[s[run]])
            run++;
        if (run > i) {
            put_raw(b, (const char *)s + i, run - i);
            i = run;
            if (i >= n) break;
        }
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t len = tide_utf8_sequence(s + i, n - i);
            if (len) {
                put_raw(b, (const char *)s + i, len);
                i += len;
            } else {
                put_raw(b, TIDE_UTF8_REPLACEMENT, 3);
                i += tide_utf8_malformed(s + i, n - i);
            }
            continue;
        }
        char esc[6] = {'\\', 0};
        size_t elen = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\t': esc[1] = 't'; break;
        case '\n': esc[1] = 'n'; break;
        case '\f': esc[1] = 'f'; break;
        case '\r': esc[1] = 'r'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = HEX[c >> 4];
            esc[5] = HEX[c & 15];
            elen = 6;
        }
        put_raw(b, esc, elen);
        i++;
    }
}

static void put_string(jbuf *b, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    /* Common case: nothing to escape, so one reservation and one copy. */
    if (reserve(b, (int64_t)n + 2) != 0) return;
    size_t clean = plain_prefix(s, n);
    char *o = b->data + b->len;
    *o++ = '"';
    memcpy(o, s, clean);
    b->len += 1 + (int64_t)clean;
    if (clean < n) put_string_slow(b, s + clean, n - clean);
    put_char(b, '"');
}

/* ---- numbers and other scalars ------------------------------------------------ */

static inline void put_int(jbuf *b, int64_t v)
{
    if (reserve(b, 21) != 0) return;
    b->len += tide_i64_digits(v, b->data + b->len);
}

/* Written in place, as the timestamps below: a short copy from the stack
   cost as much as the formatting. */
static void put_double(jbuf *b, double x, int is_float)
{
    if (reserve(b, 42) != 0) return;
    char *o = b->data + b->len;
    if (isfinite(x)) {
        b->len += tide_format_java_double(x, is_float, o);
    } else {
        *o = '"';
        int n = tide_format_java_double(x, is_float, o + 1);
        o[n + 1] = '"';
        b->len += n + 2;
    }
}

typedef __int128 i128;
typedef unsigned __int128 u128;

/* Java's BigDecimal.toString of unscaled * 10^-scale. */
static void put_decimal(jbuf *b, const void *value, int scale)
{
    i128 v;
    memcpy(&v, value, sizeof v);
    u128 u = v < 0 ? (u128)0 - (u128)v : (u128)v;
    if (scale == 0) { /* an integer: its digits are its text */
        if (reserve(b, 41) != 0) return;
        if (v < 0) b->data[b->len++] = '-';
        b->len += tide_u128_digits(u, b->data + b->len);
        return;
    }
    char forward[48], digits[48];
    int nd = tide_u128_digits(u, forward);
    for (int k = 0; k < nd; k++)
        digits[k] = forward[nd - 1 - k];
    /* digits are reversed; the adjusted exponent decides the notation */
    int adjusted = nd - 1 - scale;
    char out[96];
    int o = 0;
    if (v < 0) out[o++] = '-';
    if (scale == 0 || adjusted >= -6) {
        if (nd <= scale) {
            out[o++] = '0';
            out[o++] = '.';
            for (int k = 0; k < scale - nd; k++) out[o++] = '0';
            for (int k = nd - 1; k >= 0; k--) out[o++] = digits[k];
        } else {
            for (int k = nd - 1; k >= 0; k--) {
                out[o++] = digits[k];
                if (k == scale && scale > 0) out[o++] = '.';
            }
        }
    } else {
        out[o++] = digits[nd - 1];
        if (nd > 1) {
            out[o++] = '.';
            for (int k = nd - 2; k >= 0; k--) out[o++] = digits[k];
        }
        o += snprintf(out + o, sizeof out - (size_t)o, "E%d", adjusted);
    }
    put_raw(b, out, (size_t)o);
}

/* Java's XXX offset at tmp: Z for none, else +hh:mm (seconds dropped, as
   XXX drops them). Returns its length. */
static int put_offset(char *tmp, int32_t off)
{
    if (off == 0) {
        tmp[0] = 'Z';
        return 1;
    }
    int32_t a = off < 0 ? -off : off, h = a / 3600, m = a / 60 % 60;
    tmp[0] = off < 0 ? '-' : '+';
    tmp[1] = (char)('0' + h / 10);
    tmp[2] = (char)('0' + h % 10);
    tmp[3] = ':';
    tmp[4] = (char)('0' + m / 10);
    tmp[5] = (char)('0' + m % 10);
    return 6;
}

/* Spark's default JSON timestamp format, yyyy-MM-dd'T'HH:mm:ss.SSSXXX, in
   the session time zone: its local time and offset, or in UTC (the
   default) the UTC time and Z, which looks at no zone. */
static void put_timestamp(jbuf *b, int64_t micros)
{
    int64_t secs = floor_div(micros, 1000000);
    int64_t millis = floor_mod(micros, 1000000) / 1000;
    const tide_zone *z = tide_zone_session();
    int32_t off = z ? tide_zone_offset(z, secs) : 0;
    secs += off;
    int64_t days = floor_div(secs, 86400);
    int64_t sod = secs - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    /* In place: through a buffer on the stack, the copy (a `rep movs`)
       was a sixth of to_json's time in a stream's rows. */
    if (reserve(b, 64) != 0) return;
    char *tmp = b->data + b->len;
    int n;
    if (y >= 0 && y <= 9999) {
        /* Digits by hand: every row of a stream's timestamps comes here,
           and printf's parsing of the format was a tenth of to_json. */
        int v[] = {(int)y / 100,         (int)y % 100,   m, d, (int)(sod / 3600),
                   (int)(sod / 60 % 60), (int)(sod % 60)};
        static const char sep[] = "\0\0--T::"; /* before each field from the third */
        n = 0;
        tmp[n++] = '"';
        for (int i = 0; i < 7; i++) {
            if (i > 1) tmp[n++] = sep[i];
            tmp[n++] = (char)('0' + v[i] / 10);
            tmp[n++] = (char)('0' + v[i] % 10);
        }
        tmp[n++] = '.';
        tmp[n++] = (char)('0' + millis / 100);
        tmp[n++] = (char)('0' + millis / 10 % 10);
        tmp[n++] = (char)('0' + millis % 10);
    } else {
        /* Java pads years to 4 digits and signs those past 9999. */
        n = snprintf(tmp, 64, "\"%s%04lld-%02d-%02dT%02d:%02d:%02d.%03d", y > 9999 ? "+" : "",
                     (long long)y, m, d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
                     (int)millis);
    }
    n += put_offset(tmp + n, off);
    tmp[n++] = '"';
    b->len += n;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_base64(jbuf *b, const unsigned char *s, size_t n)
{
    if (reserve(b, (int64_t)((n + 2) / 3 * 4 + 2)) != 0) return;
    char *o = b->data + b->len;
    *o++ = '"';
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        *o++ = B64[v >> 18];
        *o++ = B64[(v >> 12) & 63];
        *o++ = B64[(v >> 6) & 63];
        *o++ = B64[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
        *o++ = B64[v >> 18];
        *o++ = B64[(v >> 12) & 63];
        *o++ = i + 1 < n ? B64[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    *o++ = '"';
    b->len = o - b->data;
}

/* ---- values ------------------------------------------------------------------- */

static void put_value(jbuf *b, const tide_column *c, const key_tree *keys, int64_t row,
                      int include_nulls);

/* Room a field needs beyond its key before its value is written: the
   comma, the padded key copy's overrun, and an integer or "null". */
#define FIELD_SLACK (1 + KEY_PAD + 24)

/* An object, one field after another. Each field reserves once for its
   comma, key and (for the integer types, the most common in rows of
   events) its value, so the bytes go in without a check per piece. */
static void put_struct(jbuf *b, const tide_column *c, const key_tree *keys, int64_t row,
                       int include_nulls)
{
    put_char(b, '{');
    int first = 1;
    for (int32_t i = 0; i < c->num_children; i++) {
        const tide_column *child = &c->children[i];
        int valid = tide_valid(child, row);
        if (!valid && !include_nulls) continue;
        const key_tree *key = &keys->children[i];
        if (reserve(b, (int64_t)key->key_len + FIELD_SLACK) != 0) return;
        char *o = b->data + b->len;
        *o = ',';
        o += !first;
        first = 0;
        /* Keys are allocated padded to KEY_PAD, so whole blocks copy. */
        for (size_t k = 0; k < key->key_len; k += KEY_PAD)
            memcpy(o + k, key->key + k, KEY_PAD);
        o += key->key_len;
        if (!valid) {
            memcpy(o, "null", 4);
            b->len = o + 4 - b->data;
            continue;
        }
        switch (child->type) {
        case TIDE_INT32:
            o += tide_i64_digits(((const int32_t *)child->values)[row], o);
            break;
        case TIDE_INT64:
            o += tide_i64_digits(((const int64_t *)child->values)[row], o);
            break;
        case TIDE_STRING: {
            b->len = o - b->data;
            int32_t len;
            const char *s = tide_column_bytes(child, row, &len);
            put_string(b, s, (size_t)len);
            continue;
        }
        default:
            b->len = o - b->data;
            put_value(b, child, key, row, include_nulls);
            continue;
        }
        b->len = o - b->data;
    }
    put_char(b, '}');
}

static void put_value(jbuf *b, const tide_column *c, const key_tree *keys, int64_t row,
                      int include_nulls)
{
    switch (c->type) {
    case TIDE_BOOL:
        if (((const uint8_t *)c->values)[row]) put_raw(b, "true", 4);
        else put_raw(b, "false", 5);
        return;
    case TIDE_INT32: put_int(b, ((const int32_t *)c->values)[row]); return;
    case TIDE_INT64: put_int(b, ((const int64_t *)c->values)[row]); return;
    case TIDE_FLOAT32: put_double(b, ((const float *)c->values)[row], 1); return;
    case TIDE_FLOAT64: put_double(b, ((const double *)c->values)[row], 0); return;
    case TIDE_STRING: {
        int32_t len;
        const char *s = tide_column_bytes(c, row, &len);
        put_string(b, s, (size_t)len);
        return;
    }
    case TIDE_BINARY: {
        int32_t len;
        const char *s = tide_column_bytes(c, row, &len);
        put_base64(b, (const unsigned char *)s, (size_t)len);
        return;
    }
    case TIDE_TIMESTAMP: put_timestamp(b, ((const int64_t *)c->values)[row]); return;
    case TIDE_DECIMAL: put_decimal(b, (const char *)c->values + (size_t)row * 16, c->scale); return;
    case TIDE_STRUCT:
        put_struct(b, c, keys, row, include_nulls);
        return;
    default:
        if (!b->error) b->error = "a column of an unknown type";
        return;
    }
}

/* ---- field names ---------------------------------------------------------------- */

static void free_keys(key_tree *k)
{
    for (int32_t i = 0; i < k->num_children; i++) free_keys(&k->children[i]);
    free(k->children);
    free(k->key);
}

/* Escapes every field name once (malloc'd, not in the arena, so the text
   buffer stays the arena's last allocation). */
static int build_keys(key_tree *k, const tide_column *c)
{
    memset(k, 0, sizeof *k);
    if (c->type != TIDE_STRUCT) return 0;
    k->children = calloc((size_t)(c->num_children > 0 ? c->num_children : 1), sizeof *k->children);
    if (!k->children) return -1;
    k->num_children = c->num_children;
    for (int32_t i = 0; i < c->num_children; i++) {
        const tide_column *child = &c->children[i];
        if (build_keys(&k->children[i], child) != 0) return -1;
        /* Escape into a scratch arena-free buffer: a tiny jbuf over malloc. */
        const char *name = child->name ? child->name : "";
        size_t n = strlen(name);
        /* Padded: put_struct copies keys in whole KEY_PAD blocks. */
        size_t cap = n * 6 + 4 + KEY_PAD;
        char *key = malloc(cap);
        if (!key) return -1;
        size_t o = 0;
        key[o++] = '"';
        for (size_t j = 0; j < n; j++) {
            unsigned char ch = (unsigned char)name[j];
            if (ch == '"' || ch == '\\') {
                key[o++] = '\\';
                key[o++] = (char)ch;
            } else if (ch < 0x20) {
                o += (size_t)snprintf(key + o, cap - o, "\\u%04X", ch);
            } else {
                key[o++] = (char)ch;
            }
        }
        key[o++] = '"';
        key[o++] = ':';
        k->children[i].key = key;
        k->children[i].key_len = o;
    }
    return 0;
}

int tide_to_json(tide_batch *out, const tide_column *input, int32_t include_nulls,
                 tide_column *dst, char *errbuf, size_t errlen)
{
    if (!out || !input || !dst) {
        set_error(errbuf, errlen, "to_json: missing argument");
        return -1;
    }
    key_tree keys;
    if (build_keys(&keys, input) != 0) {
        free_keys(&keys);
        set_error(errbuf, errlen, "to_json: out of memory");
        return -1;
    }
    int64_t n = input->length;
    char name[256];
    snprintf(name, sizeof name, "to_json(%s)", input->name ? input->name : "");
    int rc = -1;
    if (tide_column_init(out, dst, name, TIDE_STRING, 0) != 0) goto oom;
    if (n > dst->capacity) {
        dst->values = tide_arena_calloc(out->arena, ((size_t)n + 1) * sizeof(int32_t));
        if (!dst->values) goto oom;
        dst->capacity = n;
    }
    if (input->null_count > 0 || input->validity) {
        dst->validity = tide_arena_alloc(out->arena, (size_t)(n + 7) / 8 + 1);
        if (!dst->validity) goto oom;
        memset(dst->validity, 0xff, (size_t)(n + 7) / 8 + 1);
    }
    jbuf b = {out, NULL, 0, 0, NULL};
    b.cap = n * 48 < 256 ? 256 : n * 48;
    if (b.cap > INT32_MAX) b.cap = INT32_MAX;
    b.data = tide_arena_alloc(out->arena, (size_t)b.cap);
    if (!b.data) goto oom;
    int32_t *offsets = dst->values;
    offsets[0] = 0;
    int64_t nulls = 0;
    for (int64_t row = 0; row < n; row++) {
        if (!tide_valid(input, row)) {
            tide_mark_null(dst, row);
            nulls++;
        } else {
            put_value(&b, input, &keys, row, include_nulls);
            if (b.error) break;
        }
        offsets[row + 1] = (int32_t)b.len;
        if (row == 31 && n > 64) {
            /* Size the buffer once from the first rows rather than
               doubling (and copying) it several times. */
            int64_t guess = b.len / 32 * n + b.len / 32 * n / 8;
            if (guess > b.cap) reserve(&b, guess - b.len);
            b.error = NULL; /* a guess too big for one buffer is not an error yet */
        }
    }
    if (b.error) {
        set_error(errbuf, errlen, "to_json: %s", b.error);
        goto done;
    }
    dst->data = (uint8_t *)b.data;
    dst->data_capacity = b.cap;
    dst->length = n;
    dst->null_count = nulls;
    if (nulls == 0) dst->validity = NULL;
    rc = 0;
    goto done;
oom:
    set_error(errbuf, errlen, "to_json: out of memory");
done:
    free_keys(&keys);
    return rc;
}

int tide_timestamp_text(tide_batch *out, const tide_column *input, tide_column *dst, char *errbuf,
                        size_t errlen)
{
    if (!input || input->type != TIDE_TIMESTAMP) {
        set_error(errbuf, errlen, "timestamp text: not a timestamp column");
        return -1;
    }
    if (tide_to_json(out, input, 1, dst, errbuf, errlen) != 0) return -1;
    /* Each value's quotes dropped in place: the text moves left by two
       bytes a value before it, and one at its start. */
    int32_t *offsets = dst->values;
    char *data = (char *)dst->data;
    int32_t from = offsets[0], w = 0;
    for (int64_t row = 0; row < dst->length; row++) {
        int32_t to = offsets[row + 1];
        if (to - from >= 2) {
            memmove(data + w, data + from + 1, (size_t)(to - from - 2));
            w += to - from - 2;
        }
        offsets[row + 1] = w;
        from = to;
    }
    offsets[0] = 0;
    dst->name = input->name;
    return 0;
}
