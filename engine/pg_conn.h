/*
 * pg_conn.h — what the PostgreSQL files of the engine share (C only; the
 * functions Lua calls are in ffi/pg.h): the connection struct, error
 * messages that never carry the password, PostgreSQL's binary numeric
 * next to tide's 128-bit decimals, and its dates and timestamps next to
 * tide's.
 */
#ifndef TIDE_PG_CONN_H
#define TIDE_PG_CONN_H
#include <libpq-fe.h>

#include "ffi/pg.h"

/* A COPY FROM STDIN in progress (pg_copy.c): conn is set while it runs;
   buf holds encoded rows not yet sent; rows counts those sent, for the
   row numbers of errors. */
typedef struct copy_out {
    PGconn *conn;
    unsigned char *buf;
    size_t len, cap;
    int64_t rows;
} copy_out;

/* What the last COPY did, kept after it ends for the caller to read
   (tide_pg_copy_error_row, tide_pg_copy_replaced); reset when a COPY
   begins. */
typedef struct copy_report {
    int64_t error_row;    /* row (from 1) a failure named, 0 when none */
    int64_t replaced;     /* text values whose invalid UTF-8 was replaced */
    int64_t replaced_row; /* the first of them: its row (from 1) */
    char replaced_column[128];
} copy_report;

struct tide_pg {
    PGconn *conn;
    char sqlstate[6]; /* of the last error, "" when none (or no server reply) */
    copy_out copy;
    copy_out array; /* one array value, encoded before its length is known */
    copy_report report;
    /* The session time zone the connection's TimeZone was last set to
       (NULL: UTC), and, when that SET ran inside a transaction block
       (which a ROLLBACK undoes), the server's TimeZone before it; else "". */
    const struct tide_zone *zone;
    char zone_before[64];
};

/* Type OIDs of the built-in types tide maps (pg_type.dat). */
enum {
    PG_BOOL = 16, PG_BYTEA = 17, PG_CHAR = 18, PG_NAME = 19, PG_INT8 = 20, PG_INT2 = 21,
    PG_INT4 = 23, PG_TEXT = 25, PG_OID = 26, PG_JSON = 114, PG_FLOAT4 = 700, PG_FLOAT8 = 701,
    PG_UNKNOWN = 705, PG_BPCHAR = 1042, PG_VARCHAR = 1043, PG_DATE = 1082, PG_TIMESTAMP = 1114,
    PG_TIMESTAMPTZ = 1184, PG_NUMERIC = 1700, PG_UUID = 2950, PG_JSONB = 3802
};

/* PostgreSQL's most dimensions an array value has (MAXDIM). */
#define PG_ARRAY_MAX_DIMS 6

/* The big-endian integer of the n (at most 8) bytes at p, as PostgreSQL's
   binary values hold their integers. */
static inline uint64_t tide_pg_get_be(const char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 8) | (unsigned char)p[i];
    return v;
}

/* Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
#define PG_EPOCH_OFFSET_US INT64_C(946684800000000)
/* The same in days: a binary date is int32 days since 2000-01-01. */
#define PG_EPOCH_OFFSET_DAYS 10957
/* The finite dates PostgreSQL stores, 4714-11-24 BC to 5874897-12-31, as
   days since 1970-01-01: they all fit an int32 with INT32_MIN and
   INT32_MAX to spare, which are its -infinity and infinity (DATEVAL_NOBEGIN
   and DATEVAL_NOEND, the same in either epoch). */
#define PG_DATE_MIN_DAYS (-2440588)
#define PG_DATE_MAX_DAYS 2145042905

/* Writes "<what>: <libpq message>" into errbuf, trimmed of its trailing
   newline, with every occurrence of password replaced by "********". */
void tide_pg_error(char *errbuf, size_t errlen, const char *what, const char *message,
                   const char *password);
/* Sets the connection's TimeZone to the session time zone when it is not
   there (the session zone changed since it was last set, or a ROLLBACK
   undid that SET), so that the server's conversions (now()::timestamp,
   timestamptz::text) agree with tide's reading and writing of timestamp
   columns as wall clocks in it. Before each statement and COPY: 0, or -1
   with errbuf (the server does not know the zone). */
int tide_pg_sync_zone(tide_pg *pg, char *errbuf, size_t errlen);

/* The error of a failed result: message, detail and SQLSTATE; records the
   SQLSTATE in pg. */
void tide_pg_result_error(tide_pg *pg, const PGresult *res, const char *what, char *errbuf,
                          size_t errlen);

/* The rows of a result as a batch (types as tide_pg_exec says); NULL with
   errbuf on malformed data or out of memory. declared_dims (NULL, or one
   a field) gives an array field's depth where its values show none. */
tide_batch *tide_pg_result_batch(const PGresult *res, const int *declared_dims, char *errbuf,
                                 size_t errlen);

/* ---- binary numeric (base-10000 digits; pg_numeric.c) -------------------- */

typedef struct pg_numeric {
    int ndigits;
    int weight; /* of the first digit: value = sum d[i] * 10000^(weight - i) */
    int sign;   /* 0x0000 positive, 0x4000 negative, 0xC000 NaN, 0xD000 +inf, 0xF000 -inf */
    int dscale; /* decimal digits after the point */
    const unsigned char *digits; /* big-endian int16 each */
} pg_numeric;

#define PG_NUMERIC_MAX_BYTES 40

/* Reads the header of a binary numeric; -1 when malformed. */
int tide_pgnum_read(const char *buf, int len, pg_numeric *out);
/* Decimal digits before the point (0 for |value| < 1). */
int tide_pgnum_int_digits(const pg_numeric *n);
int tide_pgnum_is_special(const pg_numeric *n);
/* The value scaled by 10^scale as 16 bytes at out; -1 when it is NaN or
   infinite, needs more than `scale` fraction digits, or exceeds 38 digits. */
int tide_pgnum_to_decimal(const pg_numeric *n, int scale, void *out);
/* PostgreSQL's text of the value; buf needs 8 + 4 * (ndigits + |weight|) +
   dscale bytes (tide_pgnum_text_size). Returns the length. */
size_t tide_pgnum_text_size(const pg_numeric *n);
int tide_pgnum_to_text(const pg_numeric *n, char *buf);
/* Encodes a 128-bit decimal with `scale` as a binary numeric (at most
   PG_NUMERIC_MAX_BYTES bytes); returns the length. */
int tide_pgnum_encode(const void *value, int scale, unsigned char *out);

/* ---- dates and timestamps (pg_datetime.c) -------------------------------- */

struct tide_zone;

/* Read. A binary date (days since 2000-01-01) as tide's days since 1970,
   its infinities (INT32_MAX, INT32_MIN) kept; 0, or -1 for a value no
   server sends. */
int tide_pg_date_read(int32_t pg_days, int64_t *days);
/* A date's text as DateStyle ISO prints it (the session's, pg.c):
   "2024-02-29", "0044-03-15 BC", "infinity"; 0, or -1 when malformed. */
int tide_pg_date_parse(const char *s, int len, int64_t *days);
/* A binary timestamp or timestamptz (microseconds since 2000-01-01) as
   tide's microseconds since 1970, its infinities as the ends of int64: a
   timestamp's wall clock read in wall_zone (the session time zone), a
   timestamptz's instant with wall_zone NULL (as a timestamp's in UTC).
   0, or -1 when after tide's last instant. */
int tide_pg_timestamp_read(int64_t pg_us, const struct tide_zone *wall_zone, int64_t *us);
/* The same from its text (DateStyle ISO, NUL-ended at s[len]): 0; -1
   when malformed; 1 when after tide's last instant. */
int tide_pg_timestamp_parse(const char *s, int len, const struct tide_zone *wall_zone,
                            int64_t *us);

/* Written, as COPY's binary values: each 0, or -1 when PostgreSQL's type
   does not reach the value. tide's ends of its ranges are the
   infinities. A date as a date: */
int tide_pg_date_binary(int32_t days, int32_t *pg_days);
/* A date as a timestamp column takes it (zone NULL: its midnight) or a
   timestamptz one (zone: its first instant in the session time zone): */
int tide_pg_date_start_binary(int32_t days, const struct tide_zone *zone, int64_t *pg_us);
/* A timestamp as a timestamptz column takes it (wall_zone NULL: its
   instant) or a timestamp one (its wall clock in wall_zone, the session
   time zone): */
int tide_pg_timestamp_binary(int64_t us, const struct tide_zone *wall_zone, int64_t *pg_us);

/* Written as text. The longest text below (a timestamp's year has at
   most 6 digits, a date's 7: tide's dates reach +5881580), with room to
   spare. */
#define PG_DATETIME_TEXT_MAX 48

/* Day number `days` as PostgreSQL's date text ("2024-03-10", "0044-03-15
   BC"; tide's ends of the range as "infinity" / "-infinity"); returns the
   length (at most PG_DATETIME_TEXT_MAX, no NUL). */
int tide_pg_date_text(char *p, int32_t days);
/* Microseconds `us` as PostgreSQL's timestamptz text in `zone` (NULL: UTC),
   "2024-07-01 14:34:56.5+02"; returns the length, as above. */
int tide_pg_timestamp_text(char *p, int64_t us, const struct tide_zone *zone);
/* A timestamp's binary value (microseconds since 2000-01-01, finite) as
   PostgreSQL's text of it, "294270-01-01 00:00:00"; returns the length, as
   above. */
int tide_pg_wall_clock_text(char *p, int64_t pg_us);

#endif
