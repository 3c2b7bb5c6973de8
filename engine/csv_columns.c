/*
 * csv_columns.c — the columns a CSV read fills: made from a schema, grown
 * (doubling, or once to an estimate), and written a field at a time at a
 * given row. A row may be written again (a dropped record's row is reused),
 * so validity bits are set as well as cleared and null counts kept right.
 */
#include "csv_columns.h"
#include "csv_convert.h"

#include <string.h>

static int grow_rows(tide_batch *b, tide_column *c, int64_t rows)
{
    if (rows <= c->capacity) return 0;
    size_t width = (size_t)tide_type_width(c->type);
    size_t extra = tide_is_varlen(c->type) ? 1 : 0;
    void *values = tide_arena_realloc(b->arena, c->values, ((size_t)c->capacity + extra) * width,
                                      ((size_t)rows + extra) * width);
    if (!values) return -1;
    c->values = values;
    if (c->validity) {
        size_t old = tide_bitmap_bytes(c->capacity), now = tide_bitmap_bytes(rows);
        uint8_t *v = tide_arena_realloc(b->arena, c->validity, old, now);
        if (!v) return -1;
        memset(v + old, 0xff, now - old);
        c->validity = v;
    }
    c->capacity = rows;
    return 0;
}

/* Room for `bytes` string bytes: exactly that when exact, else doubling. */
static int grow_data(tide_batch *b, tide_column *c, int64_t bytes, int exact)
{
    if (bytes <= c->data_capacity) return 0;
    if (bytes > INT32_MAX) return -1; /* string offsets are int32 */
    int64_t cap = c->data_capacity ? c->data_capacity : 256;
    if (exact) cap = bytes;
    while (cap < bytes) cap *= 2;
    if (cap > INT32_MAX) cap = INT32_MAX;
    uint8_t *d = tide_arena_realloc(b->arena, c->data, (size_t)c->data_capacity, (size_t)cap);
    if (!d) return -1;
    c->data = d;
    c->data_capacity = cap;
    return 0;
}

int tide_csv_reserve(tide_batch *b, int64_t rows)
{
    for (int32_t i = 0; i < b->num_columns; i++) {
        tide_column *c = &b->columns[i];
        if (grow_rows(b, c, rows) != 0) return -1;
        if (tide_is_varlen(c->type) && c->length > 0) {
            int64_t used = ((int32_t *)c->values)[c->length];
            int64_t want = used / c->length * rows + used / c->length + 64;
            if (want > INT32_MAX) want = INT32_MAX;
            if (grow_data(b, c, want, 1) != 0) return -1;
        }
    }
    return 0;
}

tide_batch *tide_csv_batch_new(const tide_csv_field *fields, int32_t n, int64_t capacity)
{
    tide_batch *b = tide_batch_new(n);
    if (!b) return NULL;
    for (int32_t i = 0; i < n; i++) {
        const tide_csv_field *f = &fields[i];
        int rc;
        if (f->type == TIDE_DECIMAL)
            rc = tide_column_init_decimal(b, &b->columns[i], f->name, f->precision, f->scale, 0);
        else if (f->type == TIDE_BINARY || f->type == TIDE_STRUCT)
            rc = -1;
        else
            rc = tide_column_init(b, &b->columns[i], f->name, f->type, 0);
        if (rc == 0 && f->type == TIDE_INT32) b->columns[i].precision = f->precision;
        /* Sized here rather than by tide_column_init, which zeroes its
           values: the reader writes every row it keeps (a null as well),
           and clearing columns sized for a whole chunk cost more than
           filling them when chunks are short. */
        if (rc == 0) rc = grow_rows(b, &b->columns[i], capacity);
        if (rc == 0 && tide_is_varlen(f->type))
            rc = grow_data(b, &b->columns[i], capacity < INT32_MAX / 16 ? capacity * 16 : INT32_MAX,
                           1);
        if (rc != 0) {
            tide_batch_free(b);
            return NULL;
        }
    }
    return b;
}

void csv_mark_valid(tide_column *c, int64_t row)
{
    if (!c->validity) return;
    if (!tide_valid(c, row)) {
        tide_mark_valid(c, row);
        c->null_count--; /* the row was rolled back after being null */
    }
}

int csv_put_null(tide_batch *b, tide_column *c, int64_t row)
{
    if (tide_is_varlen(c->type)) {
        int32_t *off = c->values;
        off[row + 1] = off[row];
    } else {
        size_t w = (size_t)tide_type_width(c->type);
        memset((char *)c->values + (size_t)row * w, 0, w);
    }
    tide_column_set_null(b, c, row);
    return c->validity ? 0 : -1;
}

int csv_put_bytes(tide_batch *b, tide_column *c, int64_t row, const char *s, size_t n)
{
    int32_t *off = c->values;
    int64_t start = off[row];
    if (grow_data(b, c, start + (int64_t)n, 0) != 0) return -1;
    memcpy(c->data + start, s, n);
    off[row + 1] = (int32_t)(start + (int64_t)n);
    csv_mark_valid(c, row);
    return 0;
}

/* Whether v fits a tinyint (bits 8) or smallint (16): Spark's reader
   parses those with Java's Byte.parseByte and Short.parseShort. */
static int fits_bits(int32_t v, int bits)
{
    int32_t max = (1 << (bits - 1)) - 1;
    return v >= -max - 1 && v <= max;
}

int csv_put_value(tide_column *c, int64_t row, const char *s, size_t n,
                  const tide_csv_options *opt)
{
    int rc;
    switch (c->type) {
    case TIDE_INT32:
        rc = csv_parse_int32(s, n, (int32_t *)c->values + row);
        if (rc == 0 && c->precision && !fits_bits(((int32_t *)c->values)[row], c->precision))
            rc = -1;
        break;
    case TIDE_INT64: rc = csv_parse_int64(s, n, (int64_t *)c->values + row); break;
    case TIDE_FLOAT64: rc = csv_parse_double(opt, s, n, (double *)c->values + row); break;
    case TIDE_FLOAT32: {
        double d;
        rc = csv_parse_double(opt, s, n, &d);
        ((float *)c->values)[row] = (float)d;
        break;
    }
    case TIDE_BOOL: rc = csv_parse_bool(s, n, (uint8_t *)c->values + row); break;
    case TIDE_DECIMAL:
        rc = csv_parse_decimal(s, n, c->precision, c->scale, (char *)c->values + 16 * row);
        break;
    default: rc = -1;
    }
    if (rc != 0) return -1;
    csv_mark_valid(c, row);
    return 0;
}

int csv_put_timestamp(tide_column *c, int64_t row, const char *s, size_t n,
                      const tide_csv_options *opt)
{
    if (csv_parse_timestamp(s, n, opt->timestamp_format, opt->timestamp_fallback,
                            (int64_t *)c->values + row) != 0)
        return -1;
    csv_mark_valid(c, row);
    return 0;
}

int csv_put_date(tide_column *c, int64_t row, const char *s, size_t n, const tide_csv_options *opt)
{
    if (csv_parse_date(s, n, opt->date_format, opt->date_fallback, (int32_t *)c->values + row) != 0)
        return -1;
    csv_mark_valid(c, row);
    return 0;
}

int csv_ensure_row(tide_batch *b, int64_t row, int64_t *room)
{
    int64_t least = INT64_MAX;
    for (int32_t i = 0; i < b->num_columns; i++) {
        tide_column *c = &b->columns[i];
        if (row >= c->capacity && grow_rows(b, c, c->capacity * 2) != 0) return -1;
        if (c->capacity < least) least = c->capacity;
    }
    *room = least;
    return 0;
}

int csv_field_type(int32_t type)
{
    switch (type) {
    case TIDE_BOOL:
    case TIDE_INT32:
    case TIDE_INT64:
    case TIDE_FLOAT32:
    case TIDE_FLOAT64:
    case TIDE_STRING:
    case TIDE_DECIMAL:
    case TIDE_DATE:
    case TIDE_TIMESTAMP:
        return 1;
    default:
        return 0;
    }
}
