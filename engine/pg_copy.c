/*
 * pg_copy.c — batches into a table with COPY ... FROM STDIN (FORMAT
 * binary): one whole batch, or batch after batch while the caller makes
 * them (each sent at once, so the server stores it meanwhile; the COPY's
 * state lives in the connection). Values are encoded in C straight from
 * the columns into large chunks handed to PQputCopyData: decimals as
 * exact numerics, timestamps and dates moved from the Unix epoch to
 * PostgreSQL's 2000 epoch, bytes as they are, text as valid UTF-8 (below),
 * NULLs as length -1. A value that does not fit its target column (an
 * int8 beyond int4, a double beyond real, a timestamp or a date out of
 * range, a NUL byte in text) aborts the COPY with an error naming its row
 * and column; the caller's transaction then rolls back, so no row of the
 * batch is written. Arrays go into PostgreSQL's array types, element by
 * element as above; nested arrays as multidimensional ones.
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
 * are chosen once per batch (plan_column).
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
#include "pg_conn.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "calendar.h"
#include "time_zone.h"
#include "utf8.h"

#define CHUNK (1u << 20) /* bytes per PQputCopyData */

typedef enum encoding {
    ENC_NONE = 0,
    ENC_BOOL,
    ENC_INT2,    /* any integer (int, bigint, decimal(p,0)) into int2 */
    ENC_INT4,
    ENC_INT8,
    ENC_FLOAT4,  /* any number into float4 */
    ENC_FLOAT8,
    ENC_NUMERIC, /* int, bigint, decimal into numeric, exactly */
    ENC_TEXT,
    ENC_JSONB,
    ENC_BYTEA,
    ENC_TIMESTAMP,       /* a timestamp's instant (timestamptz) */
    ENC_TIMESTAMP_LOCAL, /* a timestamp's wall clock in the session time zone */
    ENC_TIMESTAMP_TEXT,  /* a timestamp as timestamptz text in the session time zone */
    ENC_DATE,
    ENC_DATE_TIMESTAMP,   /* a date's midnight */
    ENC_DATE_TIMESTAMPTZ, /* a date's first instant in the session time zone */
    ENC_DATE_TEXT,        /* a date as PostgreSQL's date text */
    ENC_ARRAY /* a tide array (nested: a multidimensional one) into an array type */
} encoding;

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
    case PG_BOOL: return type == TIDE_BOOL ? ENC_BOOL : ENC_NONE;
    case PG_INT2: return is_integer_type(type, scale) ? ENC_INT2 : ENC_NONE;
    case PG_INT4: return is_integer_type(type, scale) ? ENC_INT4 : ENC_NONE;
    case PG_INT8: return is_integer_type(type, scale) ? ENC_INT8 : ENC_NONE;
    case PG_FLOAT4: return is_number_type(type) ? ENC_FLOAT4 : ENC_NONE;
    case PG_FLOAT8: return is_number_type(type) ? ENC_FLOAT8 : ENC_NONE;
    case PG_NUMERIC:
        return type == TIDE_INT32 || type == TIDE_INT64 || type == TIDE_DECIMAL ? ENC_NUMERIC
                                                                                : ENC_NONE;
    case PG_TEXT: case PG_VARCHAR: case PG_BPCHAR:
        return type == TIDE_STRING      ? ENC_TEXT
               : type == TIDE_DATE      ? ENC_DATE_TEXT
               : type == TIDE_TIMESTAMP ? ENC_TIMESTAMP_TEXT
                                        : ENC_NONE;
    case PG_NAME: case PG_JSON: return type == TIDE_STRING ? ENC_TEXT : ENC_NONE;
    case PG_JSONB: return type == TIDE_STRING ? ENC_JSONB : ENC_NONE;
    case PG_BYTEA: return type == TIDE_BINARY ? ENC_BYTEA : ENC_NONE;
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
    default: return ENC_NONE;
    }
}

int32_t tide_pg_copy_supported(int32_t type, int32_t scale, uint32_t pg_type)
{
    return encoding_for(type, scale, pg_type) != ENC_NONE;
}

/* The built-in array types (pg_type.dat's typarray of each element type). */
static const uint32_t ARRAY_TYPES[][2] = {
    {1000, PG_BOOL},        {1001, PG_BYTEA},    {1002, PG_CHAR},    {1003, PG_NAME},
    {1005, PG_INT2},        {1007, PG_INT4},     {1009, PG_TEXT},    {1014, PG_BPCHAR},
    {1015, PG_VARCHAR},     {1016, PG_INT8},     {1021, PG_FLOAT4},  {1022, PG_FLOAT8},
    {1028, PG_OID},         {1115, PG_TIMESTAMP}, {1182, PG_DATE},   {1185, PG_TIMESTAMPTZ},
    {1231, PG_NUMERIC},     {199, PG_JSON},      {2951, PG_UUID},    {3807, PG_JSONB},
};

uint32_t tide_pg_array_element(uint32_t pg_type)
{
    for (size_t i = 0; i < sizeof ARRAY_TYPES / sizeof ARRAY_TYPES[0]; i++)
        if (ARRAY_TYPES[i][0] == pg_type) return ARRAY_TYPES[i][1];
    return 0;
}

/* ---- the output buffer ------------------------------------------------------- */

static int flush(copy_out *out)
{
    if (out->len == 0) return 0;
    if (PQputCopyData(out->conn, (const char *)out->buf, (int)out->len) != 1) return -1;
    out->len = 0;
    return 0;
}

/* Makes room for n more bytes, sending what is buffered when the chunk is
   full; a buffer without a connection (an array value's) grows instead.
   -1 when the connection fails or memory runs out (*oom set). */
static int room(copy_out *out, size_t n, int *oom)
{
    if (out->len + n <= out->cap) return 0;
    if (out->conn) {
        if (flush(out) != 0) return -1;
        if (n <= out->cap) return 0;
    }
    size_t cap = out->cap ? out->cap : 256;
    while (cap < out->len + n) cap *= 2;
    unsigned char *b = realloc(out->buf, cap);
    if (!b) return *oom = 1, -1;
    out->buf = b;
    out->cap = cap;
    return 0;
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v;
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v;
}

/* ---- values -------------------------------------------------------------------- */

typedef __int128 i128;

/* The integer value of row r of an integer-like column (decimal scale 0
   included); -1 when a decimal exceeds int64. */
static int integer_at(const tide_column *col, int64_t r, int64_t *out)
{
    switch (col->type) {
    case TIDE_INT32: *out = ((const int32_t *)col->values)[r]; return 0;
    case TIDE_INT64: *out = ((const int64_t *)col->values)[r]; return 0;
    default: {
        i128 v;
        memcpy(&v, (const unsigned char *)col->values + 16 * r, 16);
        if (v > INT64_MAX || v < INT64_MIN) return -1;
        *out = (int64_t)v;
        return 0;
    }
    }
}

static double double_at(const tide_column *col, int64_t r)
{
    switch (col->type) {
    case TIDE_INT32: return ((const int32_t *)col->values)[r];
    case TIDE_INT64: return (double)((const int64_t *)col->values)[r];
    case TIDE_FLOAT32: return ((const float *)col->values)[r];
    case TIDE_FLOAT64: return ((const double *)col->values)[r];
    default: {
        char text[48];
        tide_decimal_format((const unsigned char *)col->values + 16 * r, col->scale, text);
        return strtod(text, NULL); /* correctly rounded */
    }
    }
}

/* ---- dates and timestamps into other types -------------------------------------- */

#define US_PER_SECOND INT64_C(1000000)
#define SECONDS_PER_DAY 86400
#define PG_EPOCH_OFFSET_SECONDS INT64_C(946684800)
/* PostgreSQL's timestamps, MIN_TIMESTAMP (4714-11-24 BC 00:00) up to, not
   including, END_TIMESTAMP (294277-01-01 00:00), in seconds since its
   2000 epoch. */
#define PG_TIMESTAMP_MIN_SECONDS INT64_C(-211813488000)
#define PG_TIMESTAMP_END_SECONDS INT64_C(9223371331200)
/* ---- fields ---------------------------------------------------------------------- */

typedef struct copy_column {
    const tide_column *col;
    encoding enc;
    const char *name;
    const tide_zone *zone; /* the session time zone, NULL for UTC */
    /* ENC_ARRAY: the levels of tide arrays, the innermost elements, how
       they are encoded and as which type, and where a value is built */
    int dims;
    const tide_column *inner;
    encoding inner_enc;
    uint32_t inner_oid;
    copy_out *scratch;
} copy_column;

/* How column col is written as pg_type (cc filled in); ENC_NONE when it
   cannot be. */
static encoding plan_column(const tide_column *col, uint32_t pg_type, copy_out *scratch,
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

/* Why a value cannot be written: the end of "the value ..." and the
   SQLSTATE PostgreSQL gives the same failure. */
typedef struct refusal {
    char why[320];
    const char *sqlstate;
} refusal;

static int refuse(refusal *f, const char *sqlstate, const char *why)
{
    snprintf(f->why, sizeof f->why, "%s", why);
    f->sqlstate = sqlstate;
    return 1;
}

/* A date as a timestamp column takes it (its midnight) or a timestamptz
   one (its first instant in `zone`, NULL for UTC: midnight, or where a gap
   that hides midnight ends, as Spark's CAST(date AS timestamp)), in
   microseconds since PostgreSQL's epoch; the ends of tide's date range
   are the infinities. 0, or 1 with f set when PostgreSQL's timestamps do
   not reach it (the server's timestamp_recv refuses it too). */
static int date_start(int32_t days, int tz, const tide_zone *zone, int64_t *out, refusal *f)
{
    if (days == INT32_MAX || days == INT32_MIN) return *out = days > 0 ? INT64_MAX : INT64_MIN, 0;
    int64_t secs = (int64_t)days * SECONDS_PER_DAY;
    if (tz && zone) secs = tide_zone_day_start(zone, secs);
    secs -= PG_EPOCH_OFFSET_SECONDS;
    if (secs >= PG_TIMESTAMP_MIN_SECONDS && secs < PG_TIMESTAMP_END_SECONDS)
        return *out = secs * US_PER_SECOND, 0;
    char why[256], text[16];
    tide_date_format(days, text);
    snprintf(why, sizeof why,
             tz ? "%s is out of range for PostgreSQL's timestamp with time zone: its first instant in "
                  "the session time zone is not within -4713-11-24 00:00:00 to +294276-12-31 "
                  "23:59:59.999999 UTC"
                : "%s is out of range for PostgreSQL's timestamp (-4713-11-24 00:00:00 to "
                  "+294276-12-31 23:59:59.999999)",
             text);
    return refuse(f, "22008", why); /* datetime_field_overflow, as the server's */
}

/* A timestamp as a timestamptz column takes it (tz: its instant) or a
   timestamp one (its wall clock in `zone`, NULL for UTC), in microseconds
   since PostgreSQL's epoch; the ends of tide's range are the infinities.
   0, or 1 with f set when PostgreSQL's timestamps do not reach it (the
   server's timestamp_recv refuses it too, but a value that lands on an
   end of int64 would be its -infinity or infinity instead). */
static int timestamp_value(int64_t us, int tz, const tide_zone *zone, int64_t *out, refusal *f)
{
    if (us == INT64_MAX || us == INT64_MIN) return *out = us, 0;
    int64_t shift = tz || !zone ? 0 : tide_zone_offset(zone, floor_div(us, US_PER_SECOND));
    /* (a wall clock after tide's last instant passes int64's end) */
    i128 pg = (i128)us + (i128)shift * US_PER_SECOND - PG_EPOCH_OFFSET_US;
    if (pg >= (i128)PG_TIMESTAMP_MIN_SECONDS * US_PER_SECOND &&
        pg < (i128)PG_TIMESTAMP_END_SECONDS * US_PER_SECOND)
        return *out = (int64_t)pg, 0;
    char why[256], text[40];
    tide_timestamp_format(us, text); /* as Spark shows it: the wall clock in the session zone */
    snprintf(why, sizeof why,
             tz ? "%s is out of range for PostgreSQL's timestamp with time zone: its instant is not "
                  "within -4713-11-24 00:00:00 to +294276-12-31 23:59:59.999999 UTC"
                : "%s is out of range for PostgreSQL's timestamp (-4713-11-24 00:00:00 to "
                  "+294276-12-31 23:59:59.999999)",
             text);
    return refuse(f, "22008", why); /* datetime_field_overflow, as the server's */
}

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

static int put_field(copy_out *out, const copy_column *cc, int64_t r, int *replaced, refusal *f,
                     int *oom);

/* Appends row r of an array column as array_recv reads it: dimensions,
   a null flag, the element type, each dimension's size and lower bound
   (1), then the elements. Nested tide arrays are one multidimensional
   value, which PostgreSQL keeps rectangular: every array at a level has
   the first one's length and none is null. Built apart first, as its
   length comes before it. Returns as put_field. */
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
    for (int64_t i = lo; i < hi && !has_null; i++) has_null = !tide_column_is_valid(cc->inner, i);
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
        int rc = put_field(a, &element, i, replaced, f, oom);
        if (rc < 0) return -1;
        if (rc > 0) {
            char why[160]; /* an element's reasons are short */
            snprintf(why, sizeof why, "%.159s", f->why);
            snprintf(f->why, sizeof f->why,
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

/* Appends one field; returns 0, -1 on a connection/memory failure, or 1
   when the value does not fit (f set). */
static int put_field(copy_out *out, const copy_column *cc, int64_t r, int *replaced, refusal *f,
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
        if (date_start(((const int32_t *)col->values)[r], cc->enc == ENC_DATE_TIMESTAMPTZ,
                       cc->zone, &pg, f) != 0)
            return 1;
        put64(p + 4, (uint64_t)pg);
        n = 8;
        break;
    }
    case ENC_DATE: {
        int32_t days = ((const int32_t *)col->values)[r];
        if (days != INT32_MAX && days != INT32_MIN) { /* else infinity, as read */
            if (days < PG_DATE_MIN_DAYS || days > PG_DATE_MAX_DAYS) {
                /* The server's date_recv refuses it too, without the value. */
                char why[128], text[16];
                tide_date_format(days, text);
                snprintf(why, sizeof why,
                         "%s is out of range for PostgreSQL's date (-4713-11-24 to +5874897-12-31)",
                         text);
                return refuse(f, "22008", why); /* datetime_field_overflow, as the server's */
            }
            days -= PG_EPOCH_OFFSET_DAYS;
        }
        put32(p + 4, (uint32_t)days);
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

/* ---- the COPY --------------------------------------------------------------------- */

static const char SIGNATURE[11] = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0' };

/* The row a server error's context names: its line "COPY t, line N" or
   "COPY t, line N, column c" (binary COPY shows no values), N counting
   the COPY's rows from 1; 0 when there is none. The last such line is
   the COPY's own (a trigger's lines come before it). */
static int64_t context_row(const char *context)
{
    int64_t row = 0;
    for (const char *line = context; line && *line;) {
        const char *end = strchr(line, '\n');
        if (!end) end = line + strlen(line);
        if (strncmp(line, "COPY ", 5) == 0) {
            /* the first ", line N" ending the line or followed by ", column " */
            for (const char *p = line + 5; (p = strstr(p, ", line ")) && p < end; p++) {
                char *after;
                long long n = strtoll(p + 7, &after, 10);
                if (after > p + 7 && n > 0 &&
                    (after == end || strncmp(after, ", column ", 9) == 0)) {
                    row = n;
                    break;
                }
            }
        }
        line = *end ? end + 1 : end;
    }
    return row;
}

/* Ends a COPY in progress: normally (abort_why NULL), or aborting it. Returns
   the rows copied, or -1 with errbuf. */
static int64_t finish(tide_pg *pg, const char *abort_why, char *errbuf, size_t errlen)
{
    free(pg->copy.buf);
    pg->copy = (copy_out){0};
    free(pg->array.buf);
    pg->array = (copy_out){0};
    int64_t rows = -1;
    if (PQputCopyEnd(pg->conn, abort_why) != 1) {
        tide_pg_error(errbuf, errlen, "PostgreSQL COPY failed", PQerrorMessage(pg->conn),
                      PQpass(pg->conn));
    }
    PGresult *res;
    int reported = abort_why != NULL;
    while ((res = PQgetResult(pg->conn)) != NULL) {
        if (PQresultStatus(res) == PGRES_COMMAND_OK && !reported) {
            const char *n = PQcmdTuples(res);
            rows = n && *n ? strtoll(n, NULL, 10) : 0;
        } else if (!reported) {
            tide_pg_result_error(pg, res, "PostgreSQL COPY failed", errbuf, errlen);
            pg->report.error_row = context_row(PQresultErrorField(res, PG_DIAG_CONTEXT));
            reported = 1;
        }
        PQclear(res);
    }
    if (reported) return -1;
    if (rows < 0 && PQstatus(pg->conn) != CONNECTION_OK) {
        tide_pg_error(errbuf, errlen, "PostgreSQL COPY failed", PQerrorMessage(pg->conn),
                      PQpass(pg->conn));
        pg->sqlstate[0] = '\0';
    }
    return rows;
}

/* The COPY failed while sending: out of memory, or the connection (the
   server may have said why). Ends it; -1 with errbuf. */
static int64_t fail_sending(tide_pg *pg, int oom, char *errbuf, size_t errlen)
{
    if (oom) {
        finish(pg, "out of memory", errbuf, errlen);
        snprintf(errbuf, errlen, "PostgreSQL COPY failed: out of memory");
        return -1;
    }
    if (finish(pg, NULL, errbuf, errlen) >= 0)
        tide_pg_error(errbuf, errlen, "PostgreSQL COPY failed while sending data",
                      PQerrorMessage(pg->conn), PQpass(pg->conn));
    return -1;
}

int32_t tide_pg_copy_begin(tide_pg *pg, const char *copy_sql, char *errbuf, size_t errlen)
{
    pg->sqlstate[0] = '\0';
    if (pg->copy.conn) {
        snprintf(errbuf, errlen, "PostgreSQL COPY: a COPY is in progress on this connection");
        return -1;
    }
    pg->report = (copy_report){0};
    /* A column's DEFAULT now() or a trigger converts in the TimeZone. */
    if (tide_pg_sync_zone(pg, errbuf, errlen) != 0) return -1;
    PGresult *res = PQexec(pg->conn, copy_sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        if (PQresultStatus(res) == PGRES_COPY_OUT || PQresultStatus(res) == PGRES_COMMAND_OK ||
            PQresultStatus(res) == PGRES_TUPLES_OK)
            snprintf(errbuf, errlen, "PostgreSQL COPY: the statement is not COPY ... FROM STDIN");
        else
            tide_pg_result_error(pg, res, "PostgreSQL COPY failed", errbuf, errlen);
        PQclear(res);
        return -1;
    }
    int binary = PQbinaryTuples(res);
    PQclear(res);
    pg->copy = (copy_out){.conn = pg->conn, .buf = malloc(CHUNK), .cap = CHUNK};
    if (!binary) {
        finish(pg, "tide sends FORMAT binary", errbuf, errlen);
        snprintf(errbuf, errlen, "PostgreSQL COPY: the statement must say (FORMAT binary)");
        return -1;
    }
    if (!pg->copy.buf) return (int32_t)fail_sending(pg, 1, errbuf, errlen);
    memcpy(pg->copy.buf, SIGNATURE, 11);
    memset(pg->copy.buf + 11, 0, 8); /* flags, header extension length */
    pg->copy.len = 19;
    return 0;
}

int64_t tide_pg_copy_rows(tide_pg *pg, const tide_batch *batch, int32_t ncolumns,
                          const int32_t *columns, const uint32_t *pg_types, char *errbuf,
                          size_t errlen)
{
    copy_out *out = &pg->copy;
    if (!out->conn) {
        snprintf(errbuf, errlen, "PostgreSQL COPY: no COPY in progress");
        return -1;
    }
    const char *why = NULL;
    copy_column *cc = NULL;
    if (ncolumns <= 0 || ncolumns > 1600) { /* PostgreSQL's most columns a table */
        snprintf(errbuf, errlen, "%d columns", (int)ncolumns);
        why = errbuf;
    } else if (!(cc = malloc((size_t)ncolumns * sizeof *cc))) {
        snprintf(errbuf, errlen, "out of memory");
        why = errbuf;
    }
    for (int32_t i = 0; !why && i < ncolumns; i++) {
        if (columns[i] < 0 || columns[i] >= batch->num_columns) {
            snprintf(errbuf, errlen, "no batch column %d", (int)columns[i]);
            why = errbuf;
            break;
        }
        const tide_column *col = &batch->columns[columns[i]];
        if (plan_column(col, pg_types[i], &pg->array, &cc[i]) == ENC_NONE) {
            snprintf(errbuf, errlen,
                     "column \"%s\" (tide type %d) cannot be written as PostgreSQL type %u",
                     col->name, (int)col->type, (unsigned)pg_types[i]);
            why = errbuf;
        }
    }
    if (why) {
        free(cc);
        char msg[512];
        snprintf(msg, sizeof msg, "%s", why);
        finish(pg, msg, errbuf, errlen);
        snprintf(errbuf, errlen, "PostgreSQL COPY: %s", msg);
        return -1;
    }

    int oom = 0, failed = 0;
    int64_t bad_row = -1;
    const char *bad_column = NULL;
    refusal f;
    copy_report *rep = &pg->report;
    for (int64_t r = 0; r < batch->num_rows && bad_row < 0 && !failed; r++) {
        if (room(out, 2, &oom) != 0) {
            failed = 1;
            break;
        }
        put16(out->buf + out->len, (uint16_t)ncolumns);
        out->len += 2;
        for (int32_t i = 0; i < ncolumns; i++) {
            int replaced = 0;
            int rc = put_field(out, &cc[i], r, &replaced, &f, &oom);
            if (rc < 0) {
                failed = 1;
                break;
            }
            if (rc > 0) {
                bad_row = r;
                bad_column = cc[i].name;
                break;
            }
            if (replaced && rep->replaced++ == 0) {
                rep->replaced_row = out->rows + r + 1;
                snprintf(rep->replaced_column, sizeof rep->replaced_column, "%s", cc[i].name);
            }
        }
    }
    if (bad_row >= 0) {
        char msg[512];
        int64_t row = out->rows + bad_row + 1;
        snprintf(msg, sizeof msg, "row %lld, column \"%s\": the value %s", (long long)row,
                 bad_column, f.why);
        free(cc);
        finish(pg, msg, errbuf, errlen);
        snprintf(errbuf, errlen, "PostgreSQL COPY failed: %s", msg);
        snprintf(pg->sqlstate, sizeof pg->sqlstate, "%s", f.sqlstate);
        rep->error_row = row;
        return -1;
    }
    free(cc);
    /* Sent now, not when the chunk fills: the server takes these rows in
       while the caller makes the next ones. */
    if (failed || flush(out) != 0) return fail_sending(pg, oom, errbuf, errlen);
    out->rows += batch->num_rows;
    return batch->num_rows;
}

int64_t tide_pg_copy_end(tide_pg *pg, char *errbuf, size_t errlen)
{
    copy_out *out = &pg->copy;
    if (!out->conn) {
        snprintf(errbuf, errlen, "PostgreSQL COPY: no COPY in progress");
        return -1;
    }
    int oom = 0;
    if (room(out, 2, &oom) != 0) return fail_sending(pg, oom, errbuf, errlen);
    put16(out->buf + out->len, UINT16_MAX); /* -1: the trailer */
    out->len += 2;
    if (flush(out) != 0) return fail_sending(pg, 0, errbuf, errlen);
    return finish(pg, NULL, errbuf, errlen);
}

void tide_pg_copy_abort(tide_pg *pg, const char *why)
{
    char ignored[256];
    if (pg && pg->copy.conn) finish(pg, why ? why : "aborted", ignored, sizeof ignored);
}

int64_t tide_pg_copy(tide_pg *pg, const char *copy_sql, const tide_batch *batch, int32_t ncolumns,
                     const int32_t *columns, const uint32_t *pg_types, char *errbuf, size_t errlen)
{
    if (tide_pg_copy_begin(pg, copy_sql, errbuf, errlen) != 0) return -1;
    if (tide_pg_copy_rows(pg, batch, ncolumns, columns, pg_types, errbuf, errlen) < 0) return -1;
    return tide_pg_copy_end(pg, errbuf, errlen);
}

int64_t tide_pg_copy_error_row(const tide_pg *pg)
{
    return pg ? pg->report.error_row : 0;
}

int64_t tide_pg_copy_replaced(const tide_pg *pg, int64_t *first_row, const char **first_column)
{
    if (first_row) *first_row = pg->report.replaced ? pg->report.replaced_row : 0;
    if (first_column) *first_column = pg->report.replaced_column;
    return pg->report.replaced;
}
