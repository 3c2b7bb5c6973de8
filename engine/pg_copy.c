/*
 * pg_copy.c — batches into a table with COPY ... FROM STDIN (FORMAT
 * binary): one whole batch, or batch after batch while the caller makes
 * them (each sent at once, so the server stores it meanwhile; the COPY's
 * state lives in the connection). Values are encoded in C straight from
 * the columns into large chunks handed to PQputCopyData: decimals as
 * exact numerics, timestamps moved from the Unix epoch to PostgreSQL's
 * 2000 epoch, text and bytes as they are, NULLs as length -1. A value
 * that does not fit its target column (an int8 beyond int4, a timestamp
 * out of range) aborts the COPY with an error naming its row and column;
 * the caller's transaction then rolls back, so no row of the batch is
 * written.
 */
#include "pg_conn.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

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
    ENC_TIMESTAMP
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
    case PG_TEXT: case PG_VARCHAR: case PG_BPCHAR: case PG_NAME: case PG_JSON:
        return type == TIDE_STRING ? ENC_TEXT : ENC_NONE;
    case PG_JSONB: return type == TIDE_STRING ? ENC_JSONB : ENC_NONE;
    case PG_BYTEA: return type == TIDE_BINARY ? ENC_BYTEA : ENC_NONE;
    case PG_TIMESTAMP: case PG_TIMESTAMPTZ: return type == TIDE_TIMESTAMP ? ENC_TIMESTAMP : ENC_NONE;
    default: return ENC_NONE;
    }
}

int32_t tide_pg_copy_supported(int32_t type, int32_t scale, uint32_t pg_type)
{
    return encoding_for(type, scale, pg_type) != ENC_NONE;
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
   full. -1 when the connection fails or memory runs out (*oom set). */
static int room(copy_out *out, size_t n, int *oom)
{
    if (out->len + n <= out->cap) return 0;
    if (flush(out) != 0) return -1;
    if (n > out->cap) {
        unsigned char *b = realloc(out->buf, n);
        if (!b) return *oom = 1, -1;
        out->buf = b;
        out->cap = n;
    }
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

typedef struct copy_column {
    const tide_column *col;
    encoding enc;
    const char *name;
} copy_column;

/* Appends one field; returns 0, -1 on a connection/memory failure, or 1
   when the value does not fit (why set). */
static int put_field(copy_out *out, const copy_column *cc, int64_t r, const char **why, int *oom)
{
    const tide_column *col = cc->col;
    if (!tide_column_is_valid(col, r)) {
        if (room(out, 4, oom) != 0) return -1;
        put32(out->buf + out->len, UINT32_MAX); /* -1: NULL */
        out->len += 4;
        return 0;
    }
    if (cc->enc == ENC_TEXT || cc->enc == ENC_JSONB || cc->enc == ENC_BYTEA) {
        int32_t len;
        const char *bytes = tide_column_bytes(col, r, &len);
        int jsonb = cc->enc == ENC_JSONB;
        if (room(out, 4 + (size_t)len + (size_t)jsonb, oom) != 0) return -1;
        unsigned char *p = out->buf + out->len;
        put32(p, (uint32_t)(len + jsonb));
        if (jsonb) p[4] = 1; /* jsonb's binary format version */
        memcpy(p + 4 + jsonb, bytes, (size_t)len);
        out->len += 4 + (size_t)len + (size_t)jsonb;
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
        if (integer_at(col, r, &i) != 0) return *why = "is out of range for bigint", 1;
        if (cc->enc == ENC_INT2) {
            if (i < INT16_MIN || i > INT16_MAX) return *why = "is out of range for smallint", 1;
            put16(p + 4, (uint16_t)i);
            n = 2;
        } else if (cc->enc == ENC_INT4) {
            if (i < INT32_MIN || i > INT32_MAX) return *why = "is out of range for integer", 1;
            put32(p + 4, (uint32_t)i);
            n = 4;
        } else {
            put64(p + 4, (uint64_t)i);
            n = 8;
        }
        break;
    case ENC_FLOAT4: {
        float f = (float)double_at(col, r);
        uint32_t bits;
        memcpy(&bits, &f, 4);
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
    case ENC_TIMESTAMP: {
        int64_t us = ((const int64_t *)col->values)[r], pg;
        if (us == INT64_MAX || us == INT64_MIN) {
            pg = us; /* infinity */
        } else if (__builtin_sub_overflow(us, PG_EPOCH_OFFSET_US, &pg)) {
            return *why = "is out of range for timestamp", 1;
        }
        put64(p + 4, (uint64_t)pg);
        n = 8;
        break;
    }
    default: return *why = "has no encoding", 1;
    }
    put32(p, (uint32_t)n);
    out->len += 4 + n;
    return 0;
}

/* ---- the COPY --------------------------------------------------------------------- */

static const char SIGNATURE[11] = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0' };

/* Ends a COPY in progress: normally (abort_why NULL), or aborting it. Returns
   the rows copied, or -1 with errbuf. */
static int64_t finish(tide_pg *pg, const char *abort_why, char *errbuf, size_t errlen)
{
    free(pg->copy.buf);
    pg->copy = (copy_out){0};
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
    copy_column cc[1600]; /* PostgreSQL's most columns a table */
    if (ncolumns <= 0 || ncolumns > 1600) {
        snprintf(errbuf, errlen, "%d columns", (int)ncolumns);
        why = errbuf;
    }
    for (int32_t i = 0; !why && i < ncolumns; i++) {
        if (columns[i] < 0 || columns[i] >= batch->num_columns) {
            snprintf(errbuf, errlen, "no batch column %d", (int)columns[i]);
            why = errbuf;
            break;
        }
        const tide_column *col = &batch->columns[columns[i]];
        cc[i] = (copy_column){col, encoding_for(col->type, col->scale, pg_types[i]), col->name};
        if (cc[i].enc == ENC_NONE) {
            snprintf(errbuf, errlen,
                     "column \"%s\" (tide type %d) cannot be written as PostgreSQL type %u",
                     col->name, (int)col->type, (unsigned)pg_types[i]);
            why = errbuf;
        }
    }
    if (why) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", why);
        finish(pg, msg, errbuf, errlen);
        snprintf(errbuf, errlen, "PostgreSQL COPY: %s", msg);
        return -1;
    }

    int oom = 0;
    int64_t bad_row = -1;
    const char *bad_column = NULL;
    for (int64_t r = 0; r < batch->num_rows && !why; r++) {
        if (room(out, 2, &oom) != 0) return fail_sending(pg, oom, errbuf, errlen);
        put16(out->buf + out->len, (uint16_t)ncolumns);
        out->len += 2;
        for (int32_t i = 0; i < ncolumns; i++) {
            int rc = put_field(out, &cc[i], r, &why, &oom);
            if (rc < 0) return fail_sending(pg, oom, errbuf, errlen);
            if (rc > 0) {
                bad_row = r;
                bad_column = cc[i].name;
                break;
            }
        }
    }
    if (why) {
        char msg[512];
        snprintf(msg, sizeof msg, "row %lld, column \"%s\": the value %s",
                 (long long)(out->rows + bad_row + 1), bad_column, why);
        finish(pg, msg, errbuf, errlen);
        snprintf(errbuf, errlen, "PostgreSQL COPY failed: %s", msg);
        snprintf(pg->sqlstate, sizeof pg->sqlstate, "22003");
        return -1;
    }
    /* Sent now, not when the chunk fills: the server takes these rows in
       while the caller makes the next ones. */
    if (flush(out) != 0) return fail_sending(pg, 0, errbuf, errlen);
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
