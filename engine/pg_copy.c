/*
 * pg_copy.c — batches into a table with COPY ... FROM STDIN (FORMAT
 * binary): one whole batch, or batch after batch while the caller makes
 * them (each sent at once, so the server stores it meanwhile; the COPY's
 * state lives in the connection). Values are encoded in C straight from
 * the columns (pg_copy_values.c) into large chunks handed to
 * PQputCopyData. A value that does not fit its target column aborts the
 * COPY with an error naming its row and column; the caller's transaction
 * then rolls back, so no row of the batch is written. Text values whose
 * invalid UTF-8 was replaced, as Spark's JDBC writer does, are counted
 * (tide_pg_copy_replaced).
 */
#include "pg_copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20) /* bytes per PQputCopyData */

/* ---- the output buffer ------------------------------------------------------- */

static int flush(copy_out *out)
{
    if (out->len == 0) return 0;
    if (PQputCopyData(out->conn, (const char *)out->buf, (int)out->len) != 1) return -1;
    out->len = 0;
    return 0;
}

int tide_pg_copy_grow(copy_out *out, size_t n, int *oom)
{
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
        if (tide_pg_copy_plan(col, pg_types[i], &pg->array, &cc[i]) == ENC_NONE) {
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
            int rc = tide_pg_copy_field(out, &cc[i], r, &replaced, &f, &oom);
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
