/*
 * batch.c — columns and batches (layout in tide_ffi.h). Every buffer lives
 * in the batch's arena, so freeing the batch frees everything at once.
 * Builders append row by row and grow buffers geometrically.
 */
#include "batch.h"
#include "digits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_ROWS 16

int32_t tide_type_width(int32_t type)
{
    switch (type) {
    case TIDE_BOOL: return 1;
    case TIDE_INT32:
    case TIDE_DATE:
    case TIDE_FLOAT32:
    case TIDE_STRING:
    case TIDE_BINARY: return 4;
    case TIDE_INT64:
    case TIDE_FLOAT64:
    case TIDE_TIMESTAMP:
    case TIDE_VECTOR:
    case TIDE_ARRAY:
    case TIDE_MAP: return 8; /* int64 offsets */
    case TIDE_DECIMAL: return 16;
    default: return 0;
    }
}

const char *tide_type_name(int32_t type)
{
    static const char *names[] = {"?",      "boolean", "int",    "bigint",    "float",
                                  "double", "string",  "binary", "timestamp", "decimal",
                                  "struct", "vector",  "array",  "map",       "date"};
    return type >= 1 && type <= TIDE_DATE ? names[type] : names[0];
}

tide_batch *tide_batch_new(int32_t num_columns)
{
    tide_arena *arena = tide_arena_new(0);
    if (!arena) return NULL;
    tide_batch *b = tide_arena_calloc(arena, sizeof *b);
    if (!b) goto fail;
    b->arena = arena;
    b->refs = 1;
    b->num_columns = num_columns;
    if (num_columns > 0) {
        b->columns = tide_arena_calloc(arena, sizeof(tide_column) * (size_t)num_columns);
        if (!b->columns) goto fail;
    }
    return b;
fail:
    tide_arena_free(arena);
    return NULL;
}

tide_batch *tide_batch_derive(tide_batch *parent, int32_t num_columns)
{
    tide_batch *b = tide_batch_new(num_columns);
    if (!b) return NULL;
    tide_batch_retain(parent);
    b->parent = parent;
    b->num_rows = parent->num_rows;
    return b;
}

void tide_batch_retain(tide_batch *b)
{
    b->refs++;
}

void tide_batch_free(tide_batch *b)
{
    while (b && --b->refs <= 0) {
        tide_batch *parent = b->parent;
        tide_arena_free(b->arena); /* the batch itself lives in its arena */
        b = parent;
    }
}

int tide_column_init(tide_batch *b, tide_column *col, const char *name, int32_t type,
                     int64_t capacity)
{
    if (type == TIDE_VECTOR) return tide_column_init_vector(b, col, name, 0, 0, capacity, capacity);
    /* tide_column_init_array and _map: the elements need a type */
    if (type == TIDE_ARRAY || type == TIDE_MAP) return -1;
    int32_t width = tide_type_width(type);
    if (width == 0) return -1;
    if (capacity < INITIAL_ROWS) capacity = INITIAL_ROWS;
    memset(col, 0, sizeof *col);
    col->name = tide_arena_strdup(b->arena, name ? name : "");
    col->type = type;
    col->capacity = capacity;
    size_t slots = (size_t)capacity + (tide_is_varlen(type) ? 1 : 0);
    col->values = tide_arena_calloc(b->arena, slots * (size_t)width);
    if (!col->name || !col->values) return -1;
    if (tide_is_varlen(type)) {
        col->data_capacity = capacity * 16;
        col->data = tide_arena_alloc(b->arena, (size_t)col->data_capacity);
        if (!col->data) return -1;
    }
    return 0;
}

int tide_column_init_decimal(tide_batch *b, tide_column *col, const char *name,
                             int32_t precision, int32_t scale, int64_t capacity)
{
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) return -1;
    if (tide_column_init(b, col, name, TIDE_DECIMAL, capacity) != 0) return -1;
    col->precision = (int16_t)precision;
    col->scale = (int16_t)scale;
    return 0;
}

int tide_column_init_struct(tide_batch *b, tide_column *col, const char *name,
                            int32_t num_children)
{
    memset(col, 0, sizeof *col);
    col->name = tide_arena_strdup(b->arena, name ? name : "");
    col->type = TIDE_STRUCT;
    col->num_children = num_children;
    col->children = tide_arena_calloc(b->arena, sizeof(tide_column) * (size_t)num_children);
    return col->name && col->children ? 0 : -1;
}

int tide_column_init_vector(tide_batch *b, tide_column *col, const char *name, int32_t size,
                            int32_t dense_mode, int64_t capacity, int64_t entries)
{
    if (size < 0 || dense_mode < 0 || dense_mode > 2) return -1;
    if (capacity < INITIAL_ROWS) capacity = INITIAL_ROWS;
    memset(col, 0, sizeof *col);
    col->name = tide_arena_strdup(b->arena, name ? name : "");
    col->type = TIDE_VECTOR;
    col->scale = (int16_t)dense_mode;
    col->vector_size = size;
    col->capacity = capacity;
    col->values = tide_arena_calloc(b->arena, ((size_t)capacity + 1) * sizeof(int64_t));
    col->num_children = 2;
    col->children = tide_arena_calloc(b->arena, 2 * sizeof(tide_column));
    if (!col->name || !col->values || !col->children) return -1;
    if (tide_column_init(b, &col->children[0], "indices", TIDE_INT32, entries) != 0) return -1;
    return tide_column_init(b, &col->children[1], "values", TIDE_FLOAT64, entries);
}

static int init_nested(tide_batch *b, tide_column *col, const char *name, int32_t type,
                       int32_t num_children, int64_t capacity)
{
    if (capacity < INITIAL_ROWS) capacity = INITIAL_ROWS;
    memset(col, 0, sizeof *col);
    col->name = tide_arena_strdup(b->arena, name ? name : "");
    col->type = type;
    col->capacity = capacity;
    col->values = tide_arena_calloc(b->arena, ((size_t)capacity + 1) * sizeof(int64_t));
    col->num_children = num_children;
    col->children = tide_arena_calloc(b->arena, sizeof(tide_column) * (size_t)num_children);
    return col->name && col->values && col->children ? 0 : -1;
}

int tide_column_init_array(tide_batch *b, tide_column *col, const char *name, int64_t capacity)
{
    return init_nested(b, col, name, TIDE_ARRAY, 1, capacity);
}

int tide_column_init_map(tide_batch *b, tide_column *col, const char *name, int64_t capacity)
{
    return init_nested(b, col, name, TIDE_MAP, 2, capacity);
}

int tide_column_init_nulls(tide_batch *b, tide_column *col, const char *name, int32_t type,
                           int32_t vector_size, int64_t rows)
{
    int rc = type == TIDE_VECTOR ? tide_column_init_vector(b, col, name, vector_size, 0, rows, 0)
                                 : tide_column_init(b, col, name, type, rows);
    if (rc != 0) return -1;
    col->validity = tide_arena_calloc(b->arena, tide_bitmap_bytes(col->capacity));
    if (!col->validity) return -1;
    col->length = rows;
    col->null_count = rows;
    return 0;
}

/* Makes room for one more row. */
static int reserve_row(tide_batch *b, tide_column *col)
{
    if (col->type == TIDE_STRUCT || col->length < col->capacity) return 0;
    int64_t cap = col->capacity * 2;
    size_t width = (size_t)tide_type_width(col->type);
    size_t extra = tide_has_offsets(col->type) ? 1 : 0;
    void *values = tide_arena_realloc(b->arena, col->values, ((size_t)col->capacity + extra) * width,
                                      ((size_t)cap + extra) * width);
    if (!values) return -1;
    col->values = values;
    if (col->validity) {
        uint8_t *v = tide_arena_realloc(b->arena, col->validity, tide_bitmap_bytes(col->capacity),
                                        tide_bitmap_bytes(cap));
        if (!v) return -1;
        col->validity = v;
    }
    col->capacity = cap;
    return 0;
}

/* Marks a row just appended valid, when the column has a bitmap. */
static void mark_valid(tide_column *col, int64_t row)
{
    if (col->validity) tide_mark_valid(col, row);
}

int tide_column_is_valid(const tide_column *col, int64_t row)
{
    return tide_valid(col, row);
}

void tide_column_set_null(tide_batch *b, tide_column *col, int64_t row)
{
    if (!col->validity) {
        /* First null: every row so far was valid. */
        size_t cap = col->type == TIDE_STRUCT ? (size_t)col->length + 1 : (size_t)col->capacity;
        size_t n = tide_bitmap_bytes((int64_t)cap);
        col->validity = tide_arena_alloc(b->arena, n);
        if (!col->validity) return;
        memset(col->validity, 0xff, n);
    }
    if (tide_valid(col, row)) {
        tide_mark_null(col, row);
        col->null_count++;
    }
}

int tide_column_append_fixed(tide_batch *b, tide_column *col, const void *value)
{
    if (col->type == TIDE_STRUCT) {
        /* The caller has appended this row to every child. */
        if (col->validity) {
            uint8_t *v = tide_arena_realloc(b->arena, col->validity, tide_bitmap_bytes(col->length),
                                            tide_bitmap_bytes(col->length + 1));
            if (!v) return -1;
            col->validity = v;
        }
        mark_valid(col, col->length);
        col->length++;
        return 0;
    }
    if (tide_has_offsets(col->type) || reserve_row(b, col) != 0) return -1;
    size_t width = (size_t)tide_type_width(col->type);
    memcpy((char *)col->values + (size_t)col->length * width, value, width);
    mark_valid(col, col->length);
    col->length++;
    return 0;
}

int tide_column_append_bytes(tide_batch *b, tide_column *col, const void *bytes, int64_t len)
{
    if (!tide_is_varlen(col->type) || len < 0 || reserve_row(b, col) != 0) return -1;
    int32_t *offsets = col->values;
    int64_t start = offsets[col->length];
    if (start + len > INT32_MAX) return -1; /* a batch column holds at most 2 GiB */
    if (start + len > col->data_capacity) {
        int64_t cap = col->data_capacity * 2;
        while (cap < start + len) cap *= 2;
        uint8_t *d = tide_arena_realloc(b->arena, col->data, (size_t)col->data_capacity, (size_t)cap);
        if (!d) return -1;
        col->data = d;
        col->data_capacity = cap;
    }
    if (len) memcpy(col->data + start, bytes, (size_t)len);
    offsets[col->length + 1] = (int32_t)(start + len);
    mark_valid(col, col->length);
    col->length++;
    return 0;
}

int tide_column_append_vector(tide_batch *b, tide_column *col, int32_t nnz,
                              const int32_t *indices, const double *values)
{
    if (col->type != TIDE_VECTOR || nnz < 0 || reserve_row(b, col) != 0) return -1;
    for (int32_t k = 0; k < nnz; k++) {
        if (indices[k] < 0 || indices[k] >= col->vector_size) return -1;
        if (k > 0 && indices[k] <= indices[k - 1]) return -1;
        if (tide_column_append_fixed(b, &col->children[0], &indices[k]) != 0 ||
            tide_column_append_fixed(b, &col->children[1], &values[k]) != 0)
            return -1;
    }
    int64_t *offsets = col->values;
    offsets[col->length + 1] = col->children[0].length;
    mark_valid(col, col->length);
    col->length++;
    return 0;
}

int tide_column_append_array(tide_batch *b, tide_column *col)
{
    if ((col->type != TIDE_ARRAY && col->type != TIDE_MAP) || reserve_row(b, col) != 0) return -1;
    int64_t *offsets = col->values;
    offsets[col->length + 1] = col->children[0].length;
    mark_valid(col, col->length);
    col->length++;
    return 0;
}

int tide_column_append_null(tide_batch *b, tide_column *col)
{
    if (col->type == TIDE_ARRAY || col->type == TIDE_MAP) {
        if (tide_column_append_array(b, col) != 0) return -1;
    } else if (col->type == TIDE_VECTOR) {
        if (tide_column_append_vector(b, col, 0, NULL, NULL) != 0) return -1;
    } else if (col->type == TIDE_STRUCT) {
        for (int32_t i = 0; i < col->num_children; i++)
            if (tide_column_append_null(b, &col->children[i]) != 0) return -1;
        if (tide_column_append_fixed(b, col, NULL) != 0) return -1;
    } else if (tide_is_varlen(col->type)) {
        if (tide_column_append_bytes(b, col, "", 0) != 0) return -1;
    } else {
        static const unsigned char zero[16];
        if (tide_column_append_fixed(b, col, zero) != 0) return -1;
    }
    tide_column_set_null(b, col, col->length - 1);
    return col->validity ? 0 : -1;
}

static int64_t check_column(const tide_column *col)
{
    if (col->type != TIDE_STRUCT) return col->length;
    for (int32_t i = 0; i < col->num_children; i++)
        if (check_column(&col->children[i]) != col->length) return -1;
    return col->length;
}

int tide_batch_finish(tide_batch *b)
{
    int64_t rows = b->num_columns > 0 ? b->columns[0].length : 0;
    for (int32_t i = 0; i < b->num_columns; i++)
        if (check_column(&b->columns[i]) != rows) return -1;
    b->num_rows = rows;
    return 0;
}

/* ---- decimal(38, s) ---------------------------------------------------- */

typedef __int128 i128;
typedef unsigned __int128 u128;

int tide_decimal_parse(const char *s, size_t len, int32_t scale, void *out)
{
    size_t i = 0;
    int negative = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
    if (scale == 0 && len - i >= 1 && len - i <= 20) {
        /* An integer below 2^64 (ids, counts): 64-bit arithmetic, checked
           for overflow only at the 20th digit. */
        uint64_t u = 0;
        size_t k = i;
        int fits = 1;
        for (; k < len; k++) {
            unsigned d = (unsigned)(unsigned char)s[k] - '0';
            if (d > 9) break;
            if (k - i < 19)
                u = u * 10 + d;
            else
                fits = !__builtin_mul_overflow(u, 10, &u) && !__builtin_add_overflow(u, d, &u);
        }
        if (k == len && fits) {
            i128 r = negative ? -(i128)u : (i128)u;
            memcpy(out, &r, sizeof r);
            return 0;
        }
        /* a point or a bad character: the general path decides */
    }
    /* Digits go into 64 bits while they cannot overflow (below 10^18 before
       a digit is added), then into 128: most values never need the slow
       128-bit multiply. */
    uint64_t small = 0;
    u128 v = 0;
    int big = 0;
    const u128 limit = (u128)10000000000000000000ULL * 10000000000000000000ULL; /* 10^38 */
    int digits = 0, frac = 0, seen_point = 0, round_up = 0, dropped = 0;
    for (; i < len; i++) {
        char ch = s[i];
        if (ch == '.' && !seen_point) {
            seen_point = 1;
            continue;
        }
        if (ch < '0' || ch > '9') return -1;
        digits++;
        if (seen_point && frac == scale) {
            /* Digits beyond the scale round half up, as Spark's cast does. */
            if (!dropped) round_up = ch >= '5';
            dropped = 1;
            continue;
        }
        if (!big && small < 1000000000000000000ULL) {
            small = small * 10 + (uint64_t)(ch - '0');
        } else {
            if (!big) v = small;
            big = 1;
            v = v * 10 + (u128)(ch - '0');
            if (v >= limit) return -1;
        }
        if (seen_point) frac++;
    }
    if (digits == 0) return -1;
    if (!big) v = small;
    for (; frac < scale; frac++) {
        v *= 10;
        if (v >= limit) return -1;
    }
    if (round_up && ++v >= limit) return -1;
    i128 r = negative ? -(i128)v : (i128)v;
    memcpy(out, &r, sizeof r);
    return 0;
}

int tide_decimal_format(const void *value, int32_t scale, char *buf)
{
    i128 v;
    memcpy(&v, value, sizeof v);
    u128 u = v < 0 ? (u128)0 - (u128)v : (u128)v;
    int len = 0;
    if (v < 0) buf[len++] = '-';
    if (scale <= 0) {
        len += tide_u128_digits(u, buf + len);
        buf[len] = '\0';
        return len;
    }
    char tmp[48];
    int n = tide_u128_digits(u, tmp);
    if (n <= scale) { /* at least one digit before the point */
        int pad = scale + 1 - n;
        memmove(tmp + pad, tmp, (size_t)n);
        memset(tmp, '0', (size_t)pad);
        n += pad;
    }
    memcpy(buf + len, tmp, (size_t)(n - scale));
    len += n - scale;
    buf[len++] = '.';
    memcpy(buf + len, tmp + n - scale, (size_t)scale);
    len += scale;
    buf[len] = '\0';
    return len;
}

int tide_decimal_format_java(const void *value, int32_t scale, char *buf)
{
    i128 v;
    memcpy(&v, value, sizeof v);
    u128 u = v < 0 ? (u128)0 - (u128)v : (u128)v;
    char digits[48];
    int nd = tide_u128_digits(u, digits);
    int adjusted = nd - 1 - scale;
    if (scale <= 0 || adjusted >= -6) return tide_decimal_format(value, scale, buf);
    int len = 0;
    if (v < 0) buf[len++] = '-';
    buf[len++] = digits[0];
    if (nd > 1) {
        buf[len++] = '.';
        memcpy(buf + len, digits + 1, (size_t)(nd - 1));
        len += nd - 1;
    }
    return len + sprintf(buf + len, "E%d", adjusted);
}
