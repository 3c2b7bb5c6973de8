/*
 * pg_copy.h — what a COPY's rows (pg_copy.c) and its values
 * (pg_copy_values.c) share: the output buffer and its big-endian stores,
 * each column's plan (how its values are encoded, chosen once a batch),
 * and why a value cannot be written.
 */
#ifndef TIDE_PG_COPY_H
#define TIDE_PG_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "pg_conn.h"

/* ---- the output buffer ------------------------------------------------------ */

/* room's slow path (pg_copy.c): sends what is buffered when the chunk is
   full; a buffer without a connection (an array value's) grows instead. */
int tide_pg_copy_grow(copy_out *out, size_t n, int *oom);

/* Makes room for n more bytes at out->buf + out->len: 0, or -1 when the
   connection fails or memory runs out (*oom set). Inline: it runs for
   every value. */
static inline int room(copy_out *out, size_t n, int *oom)
{
    return out->len + n <= out->cap ? 0 : tide_pg_copy_grow(out, n, oom);
}

static inline void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static inline void put32(unsigned char *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static inline void put64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

/* ---- columns and values (pg_copy_values.c) ---------------------------------- */

typedef enum encoding {
    ENC_NONE = 0,
    ENC_BOOL,
    ENC_INT2, /* any integer (int, bigint, decimal(p,0)) into int2 */
    ENC_INT4,
    ENC_INT8,
    ENC_FLOAT4, /* any number into float4 */
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
    ENC_ARRAY             /* a tide array (nested: a multidimensional one) into an array type */
} encoding;

typedef struct copy_column {
    const tide_column *col;
    encoding enc;
    const char *name;
    const struct tide_zone *zone; /* the session time zone, NULL for UTC */
    /* ENC_ARRAY: the levels of tide arrays, the innermost elements, how
       they are encoded and as which type, and where a value is built */
    int dims;
    const tide_column *inner;
    encoding inner_enc;
    uint32_t inner_oid;
    copy_out *scratch;
} copy_column;

/* Why a value cannot be written: the end of "the value ..." and the
   SQLSTATE PostgreSQL gives the same failure. */
typedef struct refusal {
    char why[320];
    const char *sqlstate;
} refusal;

/* How column col is written as pg_type (cc filled in; an array value is
   built in scratch); ENC_NONE when it cannot be. */
encoding tide_pg_copy_plan(const tide_column *col, uint32_t pg_type, copy_out *scratch,
                           copy_column *cc);

/* Appends row r of cc's column as one field; *replaced set when its text
   had invalid UTF-8 replaced. 0, -1 on a connection/memory failure (*oom
   set for memory), or 1 when the value does not fit (f set). */
int tide_pg_copy_field(copy_out *out, const copy_column *cc, int64_t r, int *replaced, refusal *f,
                       int *oom);

#endif
