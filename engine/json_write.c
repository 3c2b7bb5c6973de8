/*
 * json_write.c — the to_json kernel: any column to a string column of
 * compact JSON, formatted as Spark's to_json (Jackson's generator) writes it.
 *
 * Contract (tide_to_json in tide_ffi.h):
 * - A struct row becomes an object with its fields in schema order; null
 *   fields are left out (Spark's ignoreNullFields default) unless
 *   include_nulls; a null row stays null. An array row becomes a JSON
 *   array, its null elements null (Spark's writeArrayData writes them;
 *   ignoreNullFields is for struct fields). A map row becomes a JSON
 *   object of its entries in order, null values as null (Spark's
 *   writeMapData), each key as the member's name: a string key as it is,
 *   another the text of Spark's toString of its value (put_map_key).
 *   Other column types give their JSON value, so to_json works on any
 *   column.
 * - Strings are escaped as Jackson does: \" \\ \b \t \n \f \r, other
 *   control characters as \u00XX (uppercase hex), everything else as is.
 *   Bytes that are not UTF-8 become U+FFFD, one per maximal invalid
 *   subsequence, as Java's decoder does when Spark turns bytes into a
 *   String.
 * - Numbers: ints as digits; float and double as Java's Float/Double
 *   toString (java_double.cc; 1.0E-5 style outside [1e-3, 1e7)), non-finite ones as the strings "NaN", "Infinity",
 *   "-Infinity" (Jackson's default); decimals as BigDecimal.toString (exact
 *   digits, scientific only below 1e-6 of the unscaled value's leading
 *   digit); timestamps as "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" in the session
 *   time zone ("2022-06-29T02:38:24.177Z" in UTC, the default;
 *   "2022-06-29T04:38:24.177+02:00" in Paris), or as timestampFormat's
 *   pattern; dates as "yyyy-MM-dd" or dateFormat's pattern; binary as
 *   base64 with padding (json_write_scalars.c).
 * - The text goes in one pass into one buffer in out's arena, grown by
 *   doubling (the last allocation of the arena, so it mostly grows in
 *   place); offsets and validity are allocated before it.
 */
#include "json_write.h"

#include "digits.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void json_put_string(jbuf *b, const char *text, size_t n)
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

/* ---- values ------------------------------------------------------------------- */

static void put_value(jbuf *b, const tide_column *c, const key_tree *keys, int64_t row,
                      int include_nulls);

/* The toString of row i of a struct column's internal value, as Spark's
   GenericInternalRow gives it: "[1,x,null,1.5,[true]]", each field as
   its value's toString (a string as it is, a double as Java prints it,
   NaN bare, a date's days and a timestamp's microseconds, a nested struct
   alike). Arrays, maps and binary, whose JVM objects print as "[B@1f2a3b",
   are written as their JSON text. */
static void put_row_text(jbuf *b, const tide_column *c, const key_tree *keys, int64_t i)
{
    put_char(b, '[');
    for (int32_t f = 0; f < c->num_children && !b->error; f++) {
        const tide_column *x = &c->children[f];
        if (f) put_char(b, ',');
        if (!tide_valid(x, i)) {
            put_raw(b, "null", 4);
        } else if (x->type == TIDE_STRING) {
            int32_t len;
            const char *t = tide_column_bytes(x, i, &len);
            put_raw(b, t, (size_t)len);
        } else if (x->type == TIDE_FLOAT32 || x->type == TIDE_FLOAT64) {
            if (reserve(b, 42) != 0) return;
            double v = x->type == TIDE_FLOAT32 ? ((const float *)x->values)[i]
                                               : ((const double *)x->values)[i];
            b->len += tide_format_java_double(v, x->type == TIDE_FLOAT32, b->data + b->len);
        } else if (x->type == TIDE_TIMESTAMP) {
            put_int(b, ((const int64_t *)x->values)[i]);
        } else if (x->type == TIDE_DATE) {
            put_int(b, ((const int32_t *)x->values)[i]);
        } else if (x->type == TIDE_STRUCT) {
            put_row_text(b, x, &keys->children[f], i);
        } else {
            put_value(b, x, &keys->children[f], i, 1);
        }
    }
    put_char(b, ']');
}

/* Entry i of a map's key column k as a member's name and its ':'. Spark's
   writeMapData names a member with the toString of the key's value: a
   string as it is; numbers and booleans as JSON writes them (Java's
   Double.toString, BigDecimal.toString); a timestamp as its microseconds
   since the epoch and a date as its days, Spark's internal values; a
   struct as its row's text (put_row_text). Binary, array and map keys,
   which Spark names with a JVM object's text ("[B@1f2a3b"), are named
   with their JSON text here, base64 for binary. */
static void put_map_key(jbuf *b, const tide_column *k, const key_tree *keys, int64_t i,
                        int include_nulls)
{
    if (!tide_valid(k, i)) { /* never in a map Spark made */
        put_raw(b, "\"null\":", 7);
        return;
    }
    switch (k->type) {
    case TIDE_STRING:
    case TIDE_BINARY: /* quoted by their writers */
        put_value(b, k, keys, i, include_nulls);
        break;
    case TIDE_FLOAT32:
    case TIDE_FLOAT64: {
        double x = k->type == TIDE_FLOAT32 ? ((const float *)k->values)[i]
                                           : ((const double *)k->values)[i];
        if (!isfinite(x)) { /* "NaN", "Infinity": quoted already */
            put_double(b, x, k->type == TIDE_FLOAT32);
            break;
        }
        put_char(b, '"');
        put_double(b, x, k->type == TIDE_FLOAT32);
        put_char(b, '"');
        break;
    }
    case TIDE_TIMESTAMP:
        put_char(b, '"');
        put_int(b, ((const int64_t *)k->values)[i]);
        put_char(b, '"');
        break;
    case TIDE_DATE:
        put_char(b, '"');
        put_int(b, ((const int32_t *)k->values)[i]);
        put_char(b, '"');
        break;
    case TIDE_BOOL:
    case TIDE_INT32:
    case TIDE_INT64:
    case TIDE_DECIMAL: /* digits, signs and points: nothing to escape */
        put_char(b, '"');
        put_value(b, k, keys, i, include_nulls);
        put_char(b, '"');
        break;
    default: {
        /* The JSON text written where it goes, then moved into a string. */
        int64_t start = b->len;
        if (k->type == TIDE_STRUCT)
            put_row_text(b, k, keys, i);
        else
            put_value(b, k, keys, i, include_nulls);
        if (b->error) return;
        json_rewrite_since(b, start, json_put_string);
        break;
    }
    }
    put_char(b, ':');
}

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
            json_put_string(b, s, (size_t)len);
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
        json_put_string(b, s, (size_t)len);
        return;
    }
    case TIDE_BINARY: {
        int32_t len;
        const char *s = tide_column_bytes(c, row, &len);
        json_put_base64(b, (const unsigned char *)s, (size_t)len);
        return;
    }
    case TIDE_TIMESTAMP: json_put_timestamp(b, ((const int64_t *)c->values)[row]); return;
    case TIDE_DATE:
        json_put_date(b, ((const int32_t *)c->values)[row]);
        return;
    case TIDE_DECIMAL: json_put_decimal(b, (const char *)c->values + (size_t)row * 16, c->scale); return;
    case TIDE_STRUCT:
        put_struct(b, c, keys, row, include_nulls);
        return;
    case TIDE_ARRAY: {
        /* Null elements are written as null, as Jackson's writeNull in
           Spark's writeArrayData (ignoreNullFields is for struct fields). */
        const int64_t *offsets = c->values;
        const tide_column *e = &c->children[0];
        const key_tree *element = &keys->children[0];
        put_char(b, '[');
        for (int64_t i = offsets[row]; i < offsets[row + 1] && !b->error; i++) {
            if (i > offsets[row]) put_char(b, ',');
            if (tide_valid(e, i))
                put_value(b, e, element, i, include_nulls);
            else
                put_raw(b, "null", 4);
        }
        put_char(b, ']');
        return;
    }
    case TIDE_MAP: {
        /* Null values are written as null, as Spark's writeMapData. */
        const int64_t *offsets = c->values;
        const tide_column *k = &c->children[0], *v = &c->children[1];
        put_char(b, '{');
        for (int64_t i = offsets[row]; i < offsets[row + 1] && !b->error; i++) {
            if (i > offsets[row]) put_char(b, ',');
            put_map_key(b, k, &keys->children[0], i, include_nulls);
            if (tide_valid(v, i))
                put_value(b, v, &keys->children[1], i, include_nulls);
            else
                put_raw(b, "null", 4);
        }
        put_char(b, '}');
        return;
    }
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
    if (c->type == TIDE_ARRAY || c->type == TIDE_MAP) {
        /* the element's keys (a map's key's and value's), when they hold structs */
        int32_t n = c->type == TIDE_MAP ? 2 : 1;
        k->children = calloc((size_t)n, sizeof *k->children);
        if (!k->children) return -1;
        k->num_children = n;
        for (int32_t i = 0; i < n; i++)
            if (build_keys(&k->children[i], &c->children[i]) != 0) return -1;
        return 0;
    }
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
    tide_json_write_options o = {include_nulls, 0, NULL, NULL};
    return tide_to_json_with(out, input, &o, dst, errbuf, errlen);
}

int tide_to_json_with(tide_batch *out, const tide_column *input,
                      const tide_json_write_options *options, tide_column *dst, char *errbuf,
                      size_t errlen)
{
    int32_t include_nulls = options ? options->include_nulls : 0;
    int32_t pretty = options ? options->pretty : 0;
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
    jbuf b = {out,
              NULL,
              0,
              0,
              NULL,
              options ? options->timestamp_format : NULL,
              options ? options->date_format : NULL};
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
            int64_t start = b.len;
            put_value(&b, input, &keys, row, include_nulls);
            if (pretty && !b.error) json_pretty_row(&b, start);
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
