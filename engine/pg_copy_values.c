/*
 * pg_copy_values.c — the values of a COPY (pg_copy.c) in PostgreSQL's
 * binary format, each column as planned once a batch (tide_pg_copy_plan),
 * straight from the columns: decimals as exact numerics, timestamps and
 * dates moved from the Unix epoch to PostgreSQL's 2000 epoch
 * (pg_datetime.c), bytes as they are, text as valid UTF-8 (below), NULLs
 * as length -1. A value that does not fit its target column (an int8
 * beyond int4, a double beyond real, a timestamp or a date out of range, a
 * NUL byte in text) is refused, with the reason and the SQLSTATE the
 * server gives it, for pg_copy.c to abort the COPY naming its row and
 * column. Arrays go into PostgreSQL's array types, element by element as
 * above; nested arrays as multidimensional ones.
 *
 * Dates and timestamps into other types go as Spark's JDBC writer sends
 * them, through the PostgreSQL driver's setDate and setTimestamp: text of
 * the session time zone's local time (the JVM's, for Spark), which the
 * server converts to the column's type. So a timestamp column holds a
 * timestamp's wall clock in the session time zone and a date's midnight;
 * a timestamptz the instant, and a date's first instant in the session
 * time zone; a text column a timestamp as the driver's text, which is
 * PostgreSQL's timestamptz output (ISO DateStyle) in that zone, and a
 * date as PostgreSQL's date output. Each column's encoding, and the zone,
 * are chosen once per batch (tide_pg_copy_plan).
 *
 * Text: a string column may hold bytes that are not UTF-8 (a Kafka value
 * cast to string, from_json's _corrupt_record). PostgreSQL refuses them
 * and fails the whole COPY, every time it is replayed. Spark's JDBC
 * writer turns each value into a Java String, whose decoder replaces each
 * malformed sequence by U+FFFD, and writes the row; tide does the same,
 * byte for byte as Java, and counts the values it changed
 * (tide_pg_copy_replaced). Valid text is copied as it is, checked 8 bytes
 * at a time.
 */
#include "pg_copy.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "time_zone.h"
#include "utf8.h"

/* ---- plans ----------------------------------------------------------------------- */

static int is_integer_type(int32_t type, int32_t scale)
{
    return type == TIDE_INT32 || type == TIDE_INT64 || (type == TIDE_DECIMAL && scale == 0);
}

static int is_number_type(int32_t type)
{
    return type == TIDE_INT32 || type == TIDE_INT64 || type == TIDE_FLOAT32 ||
           type == TIDE_FLOAT64 || type == TIDE_DECIMAL;
}

static encoding encoding_for(int32_t type, int32_t scale, uint32_t pg_type)
{
    switch (pg_type) {
    case PG_BOOL:
        return type == TIDE_BOOL ? ENC_BOOL : ENC_NONE;
    case PG_INT2:
        return is_integer_type(type, scale) ? ENC_INT2 : ENC_NONE;
    case PG_INT4:
        return is_integer_type(type, scale) ? ENC_INT4 : ENC_NONE;
    case PG_INT8:
        return is_integer_type(type, scale) ? ENC_INT8 : ENC_NONE;
    case PG_FLOAT4:
        return is_number_type(type) ? ENC_FLOAT4 : ENC_NONE;
    case PG_FLOAT8:
        return is_number_type(type) ? ENC_FLOAT8 : ENC_NONE;
    case PG_NUMERIC:
        return type == TIDE_INT32 || type == TIDE_INT64 || type == TIDE_DECIMAL ? ENC_NUMERIC
                                                                                : ENC_NONE;
    case PG_TEXT:
    case PG_VARCHAR:
    case PG_BPCHAR:
        return type == TIDE_STRING      ? ENC_TEXT
               : type == TIDE_DATE      ? ENC_DATE_TEXT
               : type == TIDE_TIMESTAMP ? ENC_TIMESTAMP_TEXT
                                        : ENC_NONE;
    case PG_NAME:
    case PG_JSON:
        return type == TIDE_STRING ? ENC_TEXT : ENC_NONE;
    case PG_JSONB:
        return type == TIDE_STRING ? ENC_JSONB : ENC_NONE;
    case PG_BYTEA:
        return type == TIDE_BINARY ? ENC_BYTEA : ENC_NONE;
    case PG_TIMESTAMP:
        return type == TIDE_TIMESTAMP ? ENC_TIMESTAMP_LOCAL
               : type == TIDE_DATE    ? ENC_DATE_TIMESTAMP
                                      : ENC_NONE;
    case PG_TIMESTAMPTZ:
        return type == TIDE_TIMESTAMP ? ENC_TIMESTAMP
               : type == TIDE_DATE    ? ENC_DATE_TIMESTAMPTZ
                                      : ENC_NONE;
    case PG_DATE:
        return type == TIDE_DATE ? ENC_DATE : ENC_NONE;
    default:
        return ENC_NONE;
    }
}

int32_t tide_pg_copy_supported(int32_t type, int32_t scale, uint32_t pg_type)
{
    return encoding_for(type, scale, pg_type) != ENC_NONE;
}

encoding tide_pg_copy_plan(const tide_column *col, uint32_t pg_type, copy_out *scratch,
                           copy_column *cc)
{
    /* Read once a batch: the zone changes between queries only. */
    *cc = (copy_column){.col = col, .name = col->name, .zone = tide_zone_session()};
    uint32_t element = tide_pg_array_element(pg_type);
    if (col->type != TIDE_ARRAY)
        return cc->enc = element ? ENC_NONE : encoding_for(col->type, col->scale, pg_type);
    const tide_column *inner = col;
    int dims = 0;
    while (inner->type == TIDE_ARRAY && inner->num_children == 1 && dims <= PG_ARRAY_MAX_DIMS) {
        inner = &inner->children[0];
        dims++;
    }
    if (!element || inner->type == TIDE_ARRAY || dims > PG_ARRAY_MAX_DIMS) return ENC_NONE;
    cc->inner_enc = encoding_for(inner->type, inner->scale, element);
    if (cc->inner_enc == ENC_NONE) return ENC_NONE;
    cc->dims = dims;
    cc->inner = inner;
    cc->inner_oid = element;
    cc->scratch = scratch;
    return cc->enc = ENC_ARRAY;
}

/* ---- values -------------------------------------------------------------------- */

typedef __int128 i128;

/* The integer value of row r of an integer-like column (decimal scale 0
   included); -1 when a decimal exceeds int64. */
static int integer_at(const tide_column *col, int64_t r, int64_t *out)
{
    switch (col->type) {
    case TIDE_INT32:
        *out = ((const int32_t *)col->values)[r];
        return 0;
    case TIDE_INT64:
        *out = ((const int64_t *)col->values)[r];
        return 0;
    default: {
        i128 v;
        memcpy(&v, (const unsigned char *)col->values + 16 * r, 16);
        if (v > INT64_MAX || v < INT64_MIN) return -1;
        *out = (int64_t)v;
        return 0;
    }
    }
}

/* Row r of a number column as a double; a decimal's correctly rounded. */
static double double_at(const tide_column *col, int64_t r)
{
    if (col->type != TIDE_DECIMAL) return tide_number_at(col, r);
    char text[48];
    tide_decimal_format((const unsigned char *)col->values + 16 * r, col->scale, text);
    return strtod(text, NULL); /* correctly rounded */
}

static int refuse(refusal *f, const char *sqlstate, const char *why)
{
    snprintf(f->why, sizeof f->why, "%s", why);
    f->sqlstate = sqlstate;
    return 1;
}

/* PostgreSQL's timestamps, which its timestamp and timestamptz share. */
#define PG_TIMESTAMP_RANGE "-4713-11-24 00:00:00 to +294276-12-31 23:59:59.999999"

/* The refusal of a date or timestamp (`text`, as Spark shows it) that
   PostgreSQL's timestamps do not reach, which the server's timestamp_recv
   refuses too: into a timestamp column (instant NULL) or a timestamptz
   one, `instant` saying which of the value's instants is beyond them. */
static int beyond_pg_timestamps(refusal *f, const char *text, const char *instant)
{
    char why[256];
    if (instant)
        snprintf(why, sizeof why,
                 "%s is out of range for PostgreSQL's timestamp with time zone: %s is not "
                 "within " PG_TIMESTAMP_RANGE " UTC",
                 text, instant);
    else
        snprintf(why, sizeof why,
                 "%s is out of range for PostgreSQL's timestamp (" PG_TIMESTAMP_RANGE ")", text);
    return refuse(f, "22008", why); /* datetime_field_overflow, as the server's */
}

/* A date as a timestamp column takes it (its midnight) or a timestamptz
   one (tz: its first instant in `zone`, NULL for UTC), in microseconds
   since PostgreSQL's epoch (tide_pg_date_start_binary). 0, or 1 with f
   set when PostgreSQL's timestamps do not reach it. */
static int date_start(int32_t days, int tz, const tide_zone *zone, int64_t *out, refusal *f)
{
    if (tide_pg_date_start_binary(days, tz ? zone : NULL, out) == 0) return 0;
    char text[16];
    tide_date_format(days, text);
    return beyond_pg_timestamps(f, text, tz ? "its first instant in the session time zone" : NULL);
}

/* A timestamp as a timestamptz column takes it (tz: its instant) or a
   timestamp one (its wall clock in `zone`, NULL for UTC), in microseconds
   since PostgreSQL's epoch (tide_pg_timestamp_binary). 0, or 1 with f set
   when PostgreSQL's timestamps do not reach it. */
static int timestamp_value(int64_t us, int tz, const tide_zone *zone, int64_t *out, refusal *f)
{
    if (tide_pg_timestamp_binary(us, tz ? NULL : zone, out) == 0) return 0;
    char text[40];
    tide_timestamp_format(us, text); /* as Spark shows it: the wall clock in the session zone */
    return beyond_pg_timestamps(f, text, tz ? "its instant" : NULL);
}

/* ---- fields ---------------------------------------------------------------------- */

/* Appends a text value (jsonb: with its format's version byte) as valid
   UTF-8; *replaced set when a malformed sequence was replaced. 0, -1 on a
   connection/memory failure, 1 on a NUL (f set). */
static int put_text(copy_out *out, const unsigned char *bytes, size_t len, int jsonb, int *replaced,
                    refusal *f, int *oom)
{
    size_t clean = tide_utf8_clean_prefix(bytes, len);
    size_t n = len;
    if (clean < len) {
        size_t nul;
        n = tide_utf8_replace(bytes, len, clean, NULL, &nul);
        if (n == (size_t)-1) {
            char why[128];
            snprintf(why, sizeof why,
                     "holds a NUL byte (0x00, byte %zu of %zu), which PostgreSQL's text types "
                     "cannot store",
                     nul + 1, len);
            return refuse(f, "22021", why); /* character_not_in_repertoire, as the server's */
        }
        *replaced = 1;
    }
    if (n > INT32_MAX - 1) /* with its replacements */
        return refuse(f, "54000", "is longer than 2 GB once its invalid UTF-8 is replaced");
    if (room(out, 4 + n + (size_t)jsonb, oom) != 0) return -1;
    unsigned char *p = out->buf + out->len;
    put32(p, (uint32_t)(n + (size_t)jsonb));
    if (jsonb) p[4] = 1; /* jsonb's binary format version */
    if (clean == len)
        memcpy(p + 4 + jsonb, bytes, len);
    else
        tide_utf8_replace(bytes, len, clean, p + 4 + jsonb, &(size_t){0});
    out->len += 4 + n + (size_t)jsonb;
    return 0;
}

/* Appends row r of an array column as array_recv reads it: dimensions,
   a null flag, the element type, each dimension's size and lower bound
   (1), then the elements. Nested tide arrays are one multidimensional
   value, which PostgreSQL keeps rectangular: every array at a level has
   the first one's length and none is null. Built apart first, as its
   length comes before it. Returns as tide_pg_copy_field. */
static int put_array(copy_out *out, const copy_column *cc, int64_t r, int *replaced, refusal *f,
                     int *oom)
{
    int32_t size[PG_ARRAY_MAX_DIMS];
    int64_t lo = r, hi = r + 1;
    const tide_column *level = cc->col;
    for (int d = 0; d < cc->dims; d++, level = &level->children[0]) {
        const int64_t *offsets = level->values;
        int64_t n = lo < hi ? offsets[lo + 1] - offsets[lo] : 0;
        for (int64_t i = lo; i < hi; i++) {
            if (d > 0 && !tide_column_is_valid(level, i))
                return refuse(f, "2202E",
                              "holds a null array inside an array, which a PostgreSQL array "
                              "cannot hold");
            if (offsets[i + 1] - offsets[i] != n)
                return refuse(f, "2202E",
                              "holds arrays of different lengths inside an array, which a "
                              "PostgreSQL (multidimensional) array cannot hold");
        }
        if (n > INT32_MAX) return refuse(f, "54000", "has more elements than a PostgreSQL array");
        size[d] = (int32_t)n;
        lo = offsets[lo];
        hi = offsets[hi];
    }
    int ndim = hi > lo ? cc->dims : 0; /* PostgreSQL's empty array has no dimensions */
    int has_null = 0;
    for (int64_t i = lo; i < hi && !has_null; i++)
        has_null = !tide_column_is_valid(cc->inner, i);
    copy_out *a = cc->scratch;
    a->len = 0;
    if (room(a, 12 + 8 * (size_t)ndim, oom) != 0) return -1;
    put32(a->buf, (uint32_t)ndim);
    put32(a->buf + 4, (uint32_t)has_null);
    put32(a->buf + 8, cc->inner_oid);
    for (int d = 0; d < ndim; d++) {
        put32(a->buf + 12 + 8 * d, (uint32_t)size[d]);
        put32(a->buf + 16 + 8 * d, 1);
    }
    a->len = 12 + 8 * (size_t)ndim;
    const copy_column element = {
        .col = cc->inner, .enc = cc->inner_enc, .name = cc->name, .zone = cc->zone};
    for (int64_t i = lo; i < hi; i++) {
        int rc = tide_pg_copy_field(a, &element, i, replaced, f, oom);
        if (rc < 0) return -1;
        if (rc > 0) {
            char why[160]; /* an element's reasons are short */
            snprintf(why, sizeof why, "%.159s", f->why);
            snprintf(
                f->why, sizeof f->why,
                "has an element (%lld of %lld, in order) that cannot be written: the element %s",
                (long long)(i - lo + 1), (long long)(hi - lo), why);
            return 1;
        }
    }
    if (a->len > (1u << 30) - 1) /* PostgreSQL's largest value */
        return refuse(f, "54000", "is larger than the 1 GB a PostgreSQL value may be");
    if (room(out, 4 + a->len, oom) != 0) return -1;
    put32(out->buf + out->len, (uint32_t)a->len);
    memcpy(out->buf + out->len + 4, a->buf, a->len);
    out->len += 4 + a->len;
    return 0;
}

int tide_pg_copy_field(copy_out *out, const copy_column *cc, int64_t r, int *replaced, refusal *f,
                       int *oom)
{
    const tide_column *col = cc->col;
    if (!tide_column_is_valid(col, r)) {
        if (room(out, 4, oom) != 0) return -1;
        put32(out->buf + out->len, UINT32_MAX); /* -1: NULL */
        out->len += 4;
        return 0;
    }
    if (cc->enc == ENC_ARRAY) return put_array(out, cc, r, replaced, f, oom);
    if (cc->enc == ENC_TEXT || cc->enc == ENC_JSONB) {
        int32_t len;
        const char *bytes = tide_column_bytes(col, r, &len);
        return put_text(out, (const unsigned char *)bytes, (size_t)len, cc->enc == ENC_JSONB,
                        replaced, f, oom);
    }
    if (cc->enc == ENC_BYTEA) {
        int32_t len;
        const char *bytes = tide_column_bytes(col, r, &len);
        if (room(out, 4 + (size_t)len, oom) != 0) return -1;
        put32(out->buf + out->len, (uint32_t)len);
        memcpy(out->buf + out->len + 4, bytes, (size_t)len);
        out->len += 4 + (size_t)len;
        return 0;
    }
    if (cc->enc == ENC_DATE_TEXT || cc->enc == ENC_TIMESTAMP_TEXT) {
        if (room(out, 4 + PG_DATETIME_TEXT_MAX, oom) != 0) return -1;
        char *text = (char *)out->buf + out->len + 4;
        int n = cc->enc == ENC_DATE_TEXT
                    ? tide_pg_date_text(text, ((const int32_t *)col->values)[r])
                    : tide_pg_timestamp_text(text, ((const int64_t *)col->values)[r], cc->zone);
        put32(out->buf + out->len, (uint32_t)n);
        out->len += 4 + (size_t)n;
        return 0;
    }
    if (room(out, 4 + PG_NUMERIC_MAX_BYTES, oom) != 0) return -1;
    unsigned char *p = out->buf + out->len;
    int64_t i = 0;
    size_t n;
    switch (cc->enc) {
    case ENC_BOOL:
        p[4] = ((const uint8_t *)col->values)[r] != 0;
        n = 1;
        break;
    case ENC_INT2:
    case ENC_INT4:
    case ENC_INT8:
        if (integer_at(col, r, &i) != 0) return refuse(f, "22003", "is out of range for bigint");
        if (cc->enc == ENC_INT2) {
            if (i < INT16_MIN || i > INT16_MAX)
                return refuse(f, "22003", "is out of range for smallint");
            put16(p + 4, (uint16_t)i);
            n = 2;
        } else if (cc->enc == ENC_INT4) {
            if (i < INT32_MIN || i > INT32_MAX)
                return refuse(f, "22003", "is out of range for integer");
            put32(p + 4, (uint32_t)i);
            n = 4;
        } else {
            put64(p + 4, (uint64_t)i);
            n = 8;
        }
        break;
    case ENC_FLOAT4: {
        double d = double_at(col, r);
        float v = (float)d;
        /* As PostgreSQL's float8-to-float4 cast: a finite value beyond
           real's range is refused, not stored as Infinity or 0; NaN and
           the infinities themselves pass. */
        if ((isinf(v) && !isinf(d)) || (v == 0.0f && d != 0.0)) {
            char why[128], text[32];
            for (int digits = 15; digits <= 17; digits++) { /* the shortest that reads back */
                snprintf(text, sizeof text, "%.*g", digits, d);
                if (strtod(text, NULL) == d) break;
            }
            snprintf(why, sizeof why, "%s is out of range for real (%s)", text,
                     isinf(v) ? "overflow" : "underflow");
            return refuse(f, "22003", why);
        }
        uint32_t bits;
        memcpy(&bits, &v, 4);
        put32(p + 4, bits);
        n = 4;
        break;
    }
    case ENC_FLOAT8: {
        double f = double_at(col, r);
        uint64_t bits;
        memcpy(&bits, &f, 8);
        put64(p + 4, bits);
        n = 8;
        break;
    }
    case ENC_NUMERIC:
        if (col->type == TIDE_DECIMAL) {
            n = (size_t)tide_pgnum_encode((const unsigned char *)col->values + 16 * r, col->scale,
                                          p + 4);
        } else {
            integer_at(col, r, &i);
            i128 v = i;
            n = (size_t)tide_pgnum_encode(&v, 0, p + 4);
        }
        break;
    case ENC_TIMESTAMP:
    case ENC_TIMESTAMP_LOCAL: {
        /* Into a timestamp column, the wall clock Spark's
           java.sql.Timestamp shows in the session (JVM) zone, which the
           driver sends with its offset and the column keeps without. */
        int64_t pg;
        if (timestamp_value(((const int64_t *)col->values)[r], cc->enc == ENC_TIMESTAMP, cc->zone,
                            &pg, f) != 0)
            return 1;
        put64(p + 4, (uint64_t)pg);
        n = 8;
        break;
    }
    case ENC_DATE_TIMESTAMP:
    case ENC_DATE_TIMESTAMPTZ: {
        int64_t pg;
        if (date_start(((const int32_t *)col->values)[r], cc->enc == ENC_DATE_TIMESTAMPTZ, cc->zone,
                       &pg, f) != 0)
            return 1;
        put64(p + 4, (uint64_t)pg);
        n = 8;
        break;
    }
    case ENC_DATE: {
        int32_t days = ((const int32_t *)col->values)[r], pg_days;
        if (tide_pg_date_binary(days, &pg_days) != 0) {
            char why[128], text[16];
            tide_date_format(days, text);
            snprintf(why, sizeof why,
                     "%s is out of range for PostgreSQL's date (-4713-11-24 to +5874897-12-31)",
                     text);
            return refuse(f, "22008", why); /* datetime_field_overflow, as the server's */
        }
        put32(p + 4, (uint32_t)pg_days);
        n = 4;
        break;
    }
    default:
        return refuse(f, "22003", "has no encoding");
    }
    put32(p, (uint32_t)n);
    out->len += 4 + n;
    return 0;
}
