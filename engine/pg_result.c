/*
 * pg_result.c — a libpq result (binary or text format) as a columnar batch.
 * Types follow tide_pg_exec's contract (ffi/pg.h). numeric becomes
 * decimal(p, s) for a numeric(p, s) column with p <= 38; an unconstrained
 * numeric is decimal(38, s) with s the largest scale among its values when
 * every value fits 38 digits, else (or for NaN/Infinity) the column is its
 * text: exact digits either way, never rounded. date becomes date, its
 * ±infinity kept as INT32_MAX and INT32_MIN (PostgreSQL's own binary
 * values for them), so that a date read and written back stays infinite
 * (dates and timestamps are read by pg_datetime.c). An array column's
 * elements, parsed out of each value (binary or text: pg_array.c), are
 * decoded as a column of their own by the same code as top-level values.
 */
#include "pg_conn.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "pg_array.h"
#include "time_zone.h"

/* The values being decoded into col: the result's column `field`, or the
   elements of its arrays (cells, `rows` of them). */
typedef struct decode {
    const PGresult *res;
    tide_batch *batch;
    tide_column *col;
    int field;
    int binary;
    int rows;
    const pg_cell *cells;
    int declared_dims; /* an array column's, when its values show none */
    char *errbuf;
    size_t errlen;
} decode;

static int is_null(const decode *d, int i)
{
    return d->cells ? d->cells[i].value == NULL : PQgetisnull(d->res, i, d->field);
}

static const char *value_at(const decode *d, int i)
{
    return d->cells ? d->cells[i].value : PQgetvalue(d->res, i, d->field);
}

static int length_at(const decode *d, int i)
{
    return d->cells ? d->cells[i].len : PQgetlength(d->res, i, d->field);
}

static const char *column_name(const decode *d)
{
    return d->cells ? "element" : PQfname(d->res, d->field);
}

static int bad_value(decode *d, int i, const char *why)
{
    snprintf(d->errbuf, d->errlen, "PostgreSQL result: row %d, column \"%s\": %s%s",
             (d->cells ? d->cells[i].row : i) + 1, PQfname(d->res, d->field),
             d->cells ? "an array element: " : "", why);
    return -1;
}

static int out_of_memory(decode *d)
{
    snprintf(d->errbuf, d->errlen, "PostgreSQL result: out of memory reading column \"%s\"",
             PQfname(d->res, d->field));
    return -1;
}

static int init_column(decode *d, int32_t type)
{
    if (tide_column_init(d->batch, d->col, column_name(d), type, d->rows) != 0)
        return out_of_memory(d);
    return 0;
}

/* Sizes a string/binary column's bytes for the whole result at once. */
static int reserve_bytes(decode *d)
{
    int64_t total = 0;
    for (int r = 0; r < d->rows; r++) total += length_at(d, r);
    if (total > INT32_MAX) return bad_value(d, 0, "the column holds more than 2 GiB");
    tide_column *col = d->col;
    if (total > col->data_capacity) {
        uint8_t *data = tide_arena_realloc(d->batch->arena, col->data, (size_t)col->data_capacity,
                                           (size_t)total);
        if (!data) return out_of_memory(d);
        col->data = data;
        col->data_capacity = total;
    }
    return 0;
}

static int append_bytes(decode *d, const void *bytes, int64_t len)
{
    return tide_column_append_bytes(d->batch, d->col, bytes, len) == 0 ? 0 : out_of_memory(d);
}

static int append_null(decode *d)
{
    return tide_column_append_null(d->batch, d->col) == 0 ? 0 : out_of_memory(d);
}

/* A null in a fixed-width column, which has a value slot for every row. */
static int set_null(decode *d, int r)
{
    tide_column_set_null(d->batch, d->col, r);
    return d->col->validity ? 0 : out_of_memory(d);
}

/* ---- fixed-width columns ---------------------------------------------------- */

static int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* The failure of a finite timestamp beyond tide's range, `text` as
   PostgreSQL shows it: a timestamp column's wall clock (wall) or a
   timestamptz. Spark 3.5's read fails on it too (long overflow). */
static int beyond_range(decode *d, int r, const char *text, int wall)
{
    char why[320];
    snprintf(why, sizeof why,
             "the value %s%s is after the last instant of tide's timestamps (and Spark's), "
             "+294247-01-10 04:00:54.775806 UTC",
             text, wall ? ", a wall clock in the session time zone," : "");
    return bad_value(d, r, why);
}

/* beyond_range for a binary value v (microseconds since 2000-01-01). */
static int beyond_range_binary(decode *d, int r, int64_t v, int wall)
{
    char text[PG_DATETIME_TEXT_MAX + 4];
    int n = tide_pg_wall_clock_text(text, v);
    snprintf(text + n, sizeof text - (size_t)n, "%s", wall ? "" : "+00");
    return beyond_range(d, r, text, wall);
}

static int fixed_column(decode *d, Oid type)
{
    int32_t tide_type = type == PG_BOOL                          ? TIDE_BOOL
                        : type == PG_INT2 || type == PG_INT4     ? TIDE_INT32
                        : type == PG_INT8 || type == PG_OID      ? TIDE_INT64
                        : type == PG_FLOAT4 || type == PG_FLOAT8 ? TIDE_FLOAT64
                        : type == PG_DATE                        ? TIDE_DATE
                                                                 : TIDE_TIMESTAMP;
    if (init_column(d, tide_type) != 0) return -1;
    tide_column *col = d->col;
    /* the zone of a timestamp column's wall clocks; NULL for UTC and other types */
    const tide_zone *wall_zone = type == PG_TIMESTAMP ? tide_zone_session() : NULL;
    for (int r = 0; r < d->rows; r++) {
        if (is_null(d, r)) {
            if (set_null(d, r) != 0) return -1;
            continue;
        }
        const char *v = value_at(d, r);
        int len = length_at(d, r);
        int64_t i = 0;
        double f = 0;
        if (d->binary) {
            int want = type == PG_BOOL   ? 1
                       : type == PG_INT2 ? 2
                       : type == PG_INT4 || type == PG_OID || type == PG_FLOAT4 || type == PG_DATE
                           ? 4
                           : 8;
            if (len != want) return bad_value(d, r, "malformed binary value");
            uint64_t u = tide_pg_get_be(v, len);
            switch (type) {
            case PG_BOOL: i = u != 0; break;
            case PG_INT2: i = (int16_t)u; break;
            case PG_INT4: i = (int32_t)u; break;
            case PG_OID: i = (uint32_t)u; break;
            case PG_INT8: i = (int64_t)u; break;
            case PG_FLOAT4: {
                uint32_t bits = (uint32_t)u;
                float x;
                memcpy(&x, &bits, 4);
                f = x;
                break;
            }
            case PG_FLOAT8: memcpy(&f, &u, 8); break;
            case PG_DATE:
                if (tide_pg_date_read((int32_t)(uint32_t)u, &i) != 0)
                    return bad_value(d, r, "date out of range");
                break;
            default:
                if (tide_pg_timestamp_read((int64_t)u, wall_zone, &i) != 0)
                    return beyond_range_binary(d, r, (int64_t)u, type == PG_TIMESTAMP);
                break;
            }
        } else {
            int rc = 0;
            switch (type) {
            case PG_BOOL:
                rc = (v[0] == 't' || v[0] == 'f') && len == 1 ? 0 : -1;
                i = v[0] == 't';
                break;
            case PG_INT2: rc = parse_int(v, INT16_MIN, INT16_MAX, &i); break;
            case PG_INT4: rc = parse_int(v, INT32_MIN, INT32_MAX, &i); break;
            case PG_OID: rc = parse_int(v, 0, UINT32_MAX, &i); break;
            case PG_INT8: rc = parse_int(v, INT64_MIN, INT64_MAX, &i); break;
            case PG_FLOAT4:
            case PG_FLOAT8: {
                char *end;
                f = strtod(v, &end);
                rc = end == v || *end ? -1 : 0;
                break;
            }
            case PG_DATE: rc = tide_pg_date_parse(v, len, &i); break;
            default:
                if ((rc = tide_pg_timestamp_parse(v, len, wall_zone, &i)) > 0)
                    return beyond_range(d, r, v, type == PG_TIMESTAMP);
                break;
            }
            if (rc != 0) return bad_value(d, r, "malformed value");
        }
        /* A binary float keeps whatever NaN bits were stored (float8recv
           takes any), strtod takes "nan(...)", and LuaJIT takes some NaNs,
           read into a Lua value, for a pointer: every NaN is stored as the
           C library's. */
        switch (tide_type) {
        case TIDE_BOOL: ((uint8_t *)col->values)[r] = (uint8_t)i; break;
        case TIDE_INT32:
        case TIDE_DATE:
            ((int32_t *)col->values)[r] = (int32_t)i;
            break;
        case TIDE_FLOAT64:
            ((double *)col->values)[r] = isnan(f) ? NAN : f;
            break;
        default: ((int64_t *)col->values)[r] = i; break;
        }
    }
    col->length = d->rows;
    return 0;
}

/* ---- numeric ----------------------------------------------------------------------- */

/* Digits before the point and after it of a numeric's text, or -1 for
   NaN/Infinity and anything that is not plain digits. */
static int text_numeric_shape(const char *s, int *int_digits, int *scale)
{
    if (*s == '-' || *s == '+') s++;
    int n = 0, total = 0, f = 0;
    for (; *s >= '0' && *s <= '9'; s++, total++)
        if (n > 0 || *s != '0') n++; /* leading zeros do not count */
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++) f++;
    if (*s || total + f == 0) return -1;
    *int_digits = n;
    *scale = f;
    return 0;
}

static int numeric_column(decode *d)
{
    int typmod = PQfmod(d->res, d->field);
    int precision = 38, scale = -1;
    if (typmod >= 4) {
        int p = ((typmod - 4) >> 16) & 0xFFFF, s = (typmod - 4) & 0x7FF;
        if (s <= p && s <= 38) {
            scale = s;
            if (p <= 38) precision = p;
        }
    }
    /* Find the scale the values need and whether they fit 38 digits. */
    int fits = 1, max_int = 0, max_scale = 0;
    for (int r = 0; r < d->rows && fits; r++) {
        if (is_null(d, r)) continue;
        const char *v = value_at(d, r);
        int int_digits, s;
        if (d->binary) {
            pg_numeric n;
            if (tide_pgnum_read(v, length_at(d, r), &n) != 0)
                return bad_value(d, r, "malformed binary numeric");
            if (tide_pgnum_is_special(&n)) {
                fits = 0;
                break;
            }
            int_digits = tide_pgnum_int_digits(&n);
            s = n.dscale;
        } else if (text_numeric_shape(v, &int_digits, &s) != 0) {
            fits = 0;
            break;
        }
        if (int_digits > max_int) max_int = int_digits;
        if (s > max_scale) max_scale = s;
    }
    if (scale < 0) scale = max_scale;
    if (max_scale > scale || max_int + scale > precision) fits = 0;
    if (fits) {
        if (tide_column_init_decimal(d->batch, d->col, column_name(d), precision, scale,
                                     d->rows) != 0)
            return out_of_memory(d);
        unsigned char *values = d->col->values;
        for (int r = 0; r < d->rows; r++) {
            if (is_null(d, r)) {
                if (set_null(d, r) != 0) return -1;
                continue;
            }
            const char *v = value_at(d, r);
            int rc;
            if (d->binary) {
                pg_numeric n;
                tide_pgnum_read(v, length_at(d, r), &n);
                rc = tide_pgnum_to_decimal(&n, scale, values + 16 * (size_t)r);
            } else {
                rc = tide_decimal_parse(v, strlen(v), scale, values + 16 * (size_t)r);
            }
            if (rc != 0) return bad_value(d, r, "numeric value does not fit decimal(38)");
        }
        d->col->length = d->rows;
        return 0;
    }
    if (init_column(d, TIDE_STRING) != 0) return -1;
    for (int r = 0; r < d->rows; r++) {
        if (is_null(d, r)) {
            if (append_null(d) != 0) return -1;
            continue;
        }
        const char *v = value_at(d, r);
        if (!d->binary) {
            if (append_bytes(d, v, (int64_t)strlen(v)) != 0) return -1;
            continue;
        }
        pg_numeric n;
        tide_pgnum_read(v, length_at(d, r), &n);
        char stack[256];
        size_t need = tide_pgnum_text_size(&n);
        char *text = need <= sizeof stack ? stack : malloc(need);
        if (!text) return out_of_memory(d);
        int len = tide_pgnum_to_text(&n, text);
        int rc = append_bytes(d, text, len);
        if (text != stack) free(text);
        if (rc != 0) return -1;
    }
    return 0;
}

/* ---- strings and bytes ---------------------------------------------------------------- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int bytea_text(decode *d, int r, const char *v, int len)
{
    if (len < 2 || v[0] != '\\' || v[1] != 'x' || len % 2 != 0)
        return bad_value(d, r, "bytea text is not in hex format");
    tide_column *col = d->col;
    int32_t *offsets = col->values;
    int64_t n = (len - 2) / 2, start = offsets[col->length];
    /* Decode in place at the end of the column's bytes. */
    if (tide_column_append_bytes(d->batch, col, v, 0) != 0) return out_of_memory(d);
    if (start + n > col->data_capacity) return out_of_memory(d);
    for (int64_t i = 0; i < n; i++) {
        int hi = hex_value(v[2 + 2 * i]), lo = hex_value(v[3 + 2 * i]);
        if (hi < 0 || lo < 0) return bad_value(d, r, "bytea text is not in hex format");
        col->data[start + i] = (uint8_t)(hi << 4 | lo);
    }
    offsets[col->length] = (int32_t)(start + n);
    return 0;
}

static int uuid_text(const char *v, int len, char *out)
{
    if (len != 16) return -1;
    static const char hex[] = "0123456789abcdef";
    int n = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[n++] = '-';
        out[n++] = hex[((unsigned char)v[i]) >> 4];
        out[n++] = hex[((unsigned char)v[i]) & 15];
    }
    return n;
}

static int bytes_column(decode *d, Oid type)
{
    if (init_column(d, type == PG_BYTEA ? TIDE_BINARY : TIDE_STRING) != 0) return -1;
    if (reserve_bytes(d) != 0) return -1;
    for (int r = 0; r < d->rows; r++) {
        if (is_null(d, r)) {
            if (append_null(d) != 0) return -1;
            continue;
        }
        const char *v = value_at(d, r);
        int len = length_at(d, r);
        if (!d->binary && type == PG_BYTEA) {
            if (bytea_text(d, r, v, len) != 0) return -1;
            continue;
        }
        if (d->binary && type == PG_UUID) {
            char text[48];
            int n = uuid_text(v, len, text);
            if (n < 0) return bad_value(d, r, "malformed binary value");
            if (append_bytes(d, text, n) != 0) return -1;
            continue;
        }
        if (d->binary && type == PG_JSONB) {
            if (len < 1 || v[0] != 1) return bad_value(d, r, "unknown jsonb binary version");
            v++, len--;
        }
        if (append_bytes(d, v, len) != 0) return -1;
    }
    return 0;
}

/* ---- arrays --------------------------------------------------------------------------- */

/* Row r's array value into its shape and list (pg_array.c). */
static int array_value(decode *d, int r, Oid element, pg_array_shape *shape, pg_cell_list *list)
{
    const char *v = value_at(d, r), *why;
    int len = length_at(d, r);
    int rc = d->binary ? tide_pg_array_read_binary(v, len, element, r, shape, list, &why)
                       : tide_pg_array_read_text(v, len, r, shape, list, &why);
    if (rc == -2) return out_of_memory(d);
    return rc == 0 ? 0 : bad_value(d, r, why);
}

static int decode_column(decode *d, Oid type);

/* An array column as tide's arrays: one level of tide array a dimension,
   as deep as the column's values (a column whose values have different
   dimensions is refused: a tide column has one type), the elements
   decoded as a column of their own. */
static int array_column(decode *d, Oid element)
{
    pg_cell_list list = {0};
    pg_array_shape *shapes = calloc((size_t)d->rows + 1, sizeof *shapes);
    int rc = shapes ? 0 : out_of_memory(d);
    if (rc == 0 && !d->binary) {
        size_t bytes = 1;
        for (int r = 0; r < d->rows; r++) bytes += (size_t)length_at(d, r);
        list.text = malloc(bytes);
        if (!list.text) rc = out_of_memory(d);
    }
    int depth = 0;
    for (int r = 0; rc == 0 && r < d->rows; r++) {
        if (is_null(d, r)) {
            shapes[r].ndim = -1;
            continue;
        }
        rc = array_value(d, r, element, &shapes[r], &list);
        if (rc == 0 && shapes[r].ndim > depth) depth = shapes[r].ndim;
    }
    if (depth == 0) /* no value shows its dimensions: the table column's, else one */
        depth = d->declared_dims > 1 && d->declared_dims <= PG_ARRAY_MAX_DIMS ? d->declared_dims : 1;
    for (int r = 0; rc == 0 && r < d->rows; r++) {
        if (shapes[r].ndim > 0 && shapes[r].ndim != depth) {
            char why[160];
            snprintf(why, sizeof why,
                     "an array of %d dimension%s where others have %d (the column's arrays "
                     "are read as one type)",
                     shapes[r].ndim, shapes[r].ndim == 1 ? "" : "s", depth);
            rc = bad_value(d, r, why);
        }
    }
    tide_column *level = d->col;
    int64_t level_rows = d->rows;
    const char *name = PQfname(d->res, d->field);
    for (int k = 0; rc == 0 && k < depth; k++) {
        if (tide_column_init_array(d->batch, level, name, level_rows) != 0) {
            rc = out_of_memory(d);
            break;
        }
        int64_t *offsets = level->values, pos = 0;
        for (int r = 0; r < d->rows; r++) {
            const pg_array_shape *s = &shapes[r];
            if (k == 0) {
                offsets[r + 1] = offsets[r] + (s->ndim > 0 ? s->size[0] : 0);
                if (s->ndim < 0) tide_column_set_null(d->batch, level, r);
                continue;
            }
            if (s->ndim <= 0) continue;
            int64_t repeat = 1;
            for (int i = 0; i < k; i++) repeat *= s->size[i];
            for (int64_t j = 0; j < repeat; j++, pos++) offsets[pos + 1] = offsets[pos] + s->size[k];
        }
        if (level->null_count > 0 && !level->validity) {
            rc = out_of_memory(d);
            break;
        }
        level->length = level_rows;
        level_rows = offsets[level_rows];
        level = &level->children[0];
        name = "element";
    }
    if (rc == 0) {
        decode elements = *d;
        elements.col = level;
        elements.rows = list.count;
        elements.cells = list.items;
        rc = decode_column(&elements, element);
        if (rc == 0 && level->length != level_rows) rc = bad_value(d, 0, "malformed array");
    }
    free(shapes);
    free(list.items);
    free(list.text);
    return rc;
}

/* Decodes d's values as PostgreSQL type `type` into d->col. */
static int decode_column(decode *d, Oid type)
{
    switch (type) {
    case PG_BOOL: case PG_INT2: case PG_INT4: case PG_INT8: case PG_OID: case PG_FLOAT4:
    case PG_FLOAT8: case PG_TIMESTAMP: case PG_TIMESTAMPTZ: case PG_DATE:
        return fixed_column(d, type);
    case PG_NUMERIC: return numeric_column(d);
    default: {
        Oid element = d->cells ? 0 : tide_pg_array_element(type);
        return element ? array_column(d, element) : bytes_column(d, type);
    }
    }
}

tide_batch *tide_pg_result_batch(const PGresult *res, const int *declared_dims, char *errbuf,
                                 size_t errlen)
{
    int fields = PQnfields(res);
    tide_batch *batch = tide_batch_new(fields);
    if (!batch) {
        snprintf(errbuf, errlen, "PostgreSQL result: out of memory");
        return NULL;
    }
    decode d = { .res = res, .batch = batch, .rows = PQntuples(res), .errbuf = errbuf,
                 .errlen = errlen };
    for (int f = 0; f < fields; f++) {
        d.field = f;
        d.col = &batch->columns[f];
        d.binary = PQfformat(res, f) == 1;
        d.declared_dims = declared_dims ? declared_dims[f] : 0;
        if (decode_column(&d, PQftype(res, f)) != 0) {
            tide_batch_free(batch);
            return NULL;
        }
    }
    if (tide_batch_finish(batch) != 0) {
        snprintf(errbuf, errlen, "PostgreSQL result: columns of unequal length");
        tide_batch_free(batch);
        return NULL;
    }
    batch->num_rows = d.rows;
    return batch;
}
