/* PostgreSQL through libpq.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well.

   A conninfo is anything libpq takes: "host=... dbname=..." or a
   postgresql:// URI; libpq's environment (PGHOST, PGPASSWORD, PGSERVICE...)
   and ~/.pgpass fill in what it leaves out. Error messages carry the
   server's message and SQLSTATE, never the password. */
#ifndef TIDE_FFI_PG_H
#define TIDE_FFI_PG_H

#include "tide_ffi.h"

typedef struct tide_pg tide_pg;

/* Connects; NULL with errbuf on failure. The session runs with DateStyle
   ISO, bytea_output hex and TimeZone the session time zone
   (spark.sql.session.timeZone), as the PostgreSQL driver sets the JVM's
   for Spark; each statement and COPY on pg first sets TimeZone again when
   the session time zone changed since (or a ROLLBACK undid tide's SET), so
   that the server's conversions (now()::timestamp, a timestamptz's text)
   agree with tide's reading and writing of timestamp columns as wall
   clocks in it. A SET TimeZone of the caller's own holds until then. */
tide_pg *tide_pg_connect(const char *conninfo, char *errbuf, size_t errlen);
void tide_pg_close(tide_pg *pg);
/* 1 while the connection is up, 0 once it was lost (also when the server
   closed it while idle). */
int32_t tide_pg_alive(tide_pg *pg);
/* The SQLSTATE of the last failed call on pg ("" when the server gave
   none, e.g. the connection was lost). */
const char *tide_pg_sqlstate(const tide_pg *pg);
/* 1 when pg is inside a transaction block (or a failed one). */
int32_t tide_pg_in_transaction(const tide_pg *pg);

/* Runs one statement with text parameters (NULL pointers are SQL NULL)
   and returns its rows as a batch (a batch of zero columns for statements
   without rows); *affected gets the rows it returned or changed (-1 when
   the command tells none). Column types: bool -> boolean, int2/int4 -> int,
   int8/oid -> bigint, float4/float8 -> double, numeric -> decimal(p,s) when
   every value fits 38 digits (else string), bytea -> binary,
   timestamp -> timestamp (its wall clock read in the session time zone),
   timestamptz -> timestamp (±infinity as the ends of int64; a finite
   value whose instant is after tide's last, +294247-01-10 04:00:54.775806
   UTC, is an error naming its row and column), date -> date (its -infinity and
   infinity as INT32_MIN and INT32_MAX days), an array of these -> array
   (nested, one level a dimension; a column's values of different
   dimensions are an error), everything else -> string (PostgreSQL's
   text). NULL with errbuf on error. */
tide_batch *tide_pg_exec(tide_pg *pg, const char *sql, int32_t nparams, const char **params,
                         int64_t *affected, char *errbuf, size_t errlen);
/* Prepares sql as the named statement `name` of this connection (for
   tide_pg_exec_text); 0, or -1 with errbuf (SQLSTATE 42P05: the name is
   taken). */
int32_t tide_pg_prepare(tide_pg *pg, const char *name, const char *sql, char *errbuf, size_t errlen);
/* As tide_pg_exec in one round trip instead of three (prepare, describe,
   execute): the rows come in text format, which decodes to the same
   values, only slower for large results. Runs the statement prepared as
   `name` (tide_pg_prepare), or sql when name is NULL (without parameters,
   sql may hold several statements: the rows are the last one's). For small results on
   a path that counts round trips and planning (a sink's catalog and marker
   queries, once per micro-batch). */
tide_batch *tide_pg_exec_text(tide_pg *pg, const char *name, const char *sql, int32_t nparams,
                              const char **params, int64_t *affected, char *errbuf, size_t errlen);
/* As tide_pg_exec, over a connection of its own for this one statement. */
tide_batch *tide_pg_query(const char *conninfo, const char *sql, int32_t nparams,
                          const char **params, int64_t *affected, char *errbuf, size_t errlen);
/* Runs a command (or, without parameters, several separated by ';') and
   discards any rows; returns the rows the last one changed (0 when it
   tells none), or -1 with errbuf. */
int64_t tide_pg_command(tide_pg *pg, const char *sql, int32_t nparams, const char **params,
                        char *errbuf, size_t errlen);

/* Writes every row of `batch` with `copy_sql` ("COPY t (a, b) FROM STDIN
   (FORMAT binary)"): column i of the COPY is batch column columns[i],
   encoded as PostgreSQL type pg_types[i] (an OID; tide_pg_copy_supported
   says which pairs work). Returns the rows copied, or -1 with errbuf
   naming the row and column of a value that does not fit (an integer or
   a double beyond its column's type, a NUL byte in text). Text is sent as
   valid UTF-8: each malformed sequence becomes U+FFFD, as Java's decoder
   (and so Spark's JDBC writer) makes it. Dates and timestamps go into
   timestamp, timestamptz and text columns as Spark's writer sends them,
   in the session time zone (a timestamp column takes a timestamp's wall
   clock there); one beyond PostgreSQL's timestamps (4713-11-24 BC to
   294276-12-31) is refused, the ends of tide's range being -infinity and
   infinity. It does not begin or end a transaction. */
int64_t tide_pg_copy(tide_pg *pg, const char *copy_sql, const tide_batch *batch,
                     int32_t ncolumns, const int32_t *columns, const uint32_t *pg_types,
                     char *errbuf, size_t errlen);
/* The same in steps, so that a table is written while its rows are still
   being made: begin runs copy_sql (0, or -1 with errbuf); rows encodes and
   sends a batch's rows (the rows, or -1: the COPY is over, errbuf says
   why, row numbers counted from the COPY's first row); end finishes it
   (the rows copied, or -1). abort ends a COPY in progress with `why` as
   the server's error (nothing when none is). */
int32_t tide_pg_copy_begin(tide_pg *pg, const char *copy_sql, char *errbuf, size_t errlen);
int64_t tide_pg_copy_rows(tide_pg *pg, const tide_batch *batch, int32_t ncolumns,
                          const int32_t *columns, const uint32_t *pg_types, char *errbuf,
                          size_t errlen);
int64_t tide_pg_copy_end(tide_pg *pg, char *errbuf, size_t errlen);
void tide_pg_copy_abort(tide_pg *pg, const char *why);
/* The row (from 1, counted from the COPY's first row) that failed the
   last COPY on pg, as tide named it (a value that does not fit) or the
   server did (its context "COPY t, line N": a constraint, a trigger);
   0 when the failure named no row. */
int64_t tide_pg_copy_error_row(const tide_pg *pg);
/* The text values of the last COPY on pg (a COPY ended, or ending) whose
   invalid UTF-8 was replaced by U+FFFD, as Spark's JDBC writer does; for
   the first of them its row (from 1) in *first_row and its column in
   *first_column (valid until the next COPY). */
int64_t tide_pg_copy_replaced(const tide_pg *pg, int64_t *first_row, const char **first_column);
/* 1 when a column of tide type `type` (scale for decimals) can be written
   into a PostgreSQL column of type pg_type. */
int32_t tide_pg_copy_supported(int32_t type, int32_t scale, uint32_t pg_type);
/* The element type of a built-in array type (int4[] -> int4), 0 for any
   other type. An array column takes a tide array whose innermost element
   type tide_pg_copy_supported takes into that element type; nested arrays
   become PostgreSQL's multidimensional arrays. */
uint32_t tide_pg_array_element(uint32_t pg_type);

/* The conninfo as "key='value' ..." with user and password (when not
   NULL or empty) put in place of its own; with redact, the password left
   out (for messages). Returns the length, or -1 with errbuf (a malformed
   conninfo) or when out is too small. */
int32_t tide_pg_conninfo(const char *conninfo, const char *user, const char *password,
                         int32_t redact, char *out, size_t outlen, char *errbuf, size_t errlen);

#endif
