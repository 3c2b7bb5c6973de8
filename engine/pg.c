/*
 * pg.c — PostgreSQL connections through libpq: connecting (with the
 * session settings tide relies on), running statements into batches,
 * commands, conninfo rewriting, and error messages that carry the
 * server's message and SQLSTATE but never the password. Results become
 * batches in pg_result.c; COPY is in pg_copy.c.
 */
#include "pg_conn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time_zone.h"

/* ---- error messages --------------------------------------------------------- */

/* Replaces every occurrence of secret in buf (NUL-terminated, cap bytes). */
static void scrub(char *buf, size_t cap, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n == 0 || cap == 0) return;
    static const char mask[] = "********";
    size_t m = sizeof mask - 1;
    char *p;
    while ((p = strstr(buf, secret)) != NULL) {
        size_t tail = strlen(p + n);
        if ((size_t)(p - buf) + m + tail + 1 > cap) tail = cap - 1 - (size_t)(p - buf) - m;
        memmove(p + m, p + n, tail);
        p[m + tail] = '\0';
        memcpy(p, mask, m);
    }
}

/* The password a conninfo names, found without libpq (whose parser may be
   what failed): "password=..." (keyword form or URI query) and the
   "user:password@" of a URI. */
static void secrets_of(const char *conninfo, char keyword[256], char uri[256])
{
    keyword[0] = uri[0] = '\0';
    if (!conninfo) return;
    const char *p = strstr(conninfo, "password");
    while (p) {
        const char *q = p + 8;
        while (*q == ' ') q++;
        if (*q == '=') {
            q++;
            while (*q == ' ') q++;
            size_t n = 0;
            if (*q == '\'') {
                q++;
                while (q[n] && q[n] != '\'' && n < 255) n += (q[n] == '\\' && q[n + 1]) ? 2 : 1;
            } else {
                while (q[n] && !isspace((unsigned char)q[n]) && q[n] != '&' && n < 255) n++;
            }
            if (n > 255) n = 255;
            memcpy(keyword, q, n);
            keyword[n] = '\0';
            break;
        }
        p = strstr(p + 8, "password");
    }
    const char *s = strstr(conninfo, "://");
    if (s) {
        s += 3;
        size_t end = strcspn(s, "/?");
        const char *at = NULL;
        for (size_t i = 0; i < end; i++)
            if (s[i] == '@') at = s + i;
        if (at) {
            const char *colon = memchr(s, ':', (size_t)(at - s));
            if (colon && at - colon - 1 > 0 && at - colon - 1 < 256) {
                memcpy(uri, colon + 1, (size_t)(at - colon - 1));
                uri[at - colon - 1] = '\0';
            }
        }
    }
}

void tide_pg_error(char *errbuf, size_t errlen, const char *what, const char *message,
                   const char *password)
{
    if (!errbuf || errlen == 0) return;
    snprintf(errbuf, errlen, "%s: %s", what, message && *message ? message : "unknown error");
    size_t n = strlen(errbuf);
    while (n > 0 && isspace((unsigned char)errbuf[n - 1])) errbuf[--n] = '\0';
    scrub(errbuf, errlen, password);
}

static void error_for(char *errbuf, size_t errlen, const char *what, const char *message,
                      const char *conninfo, PGconn *conn)
{
    tide_pg_error(errbuf, errlen, what, message, conn ? PQpass(conn) : NULL);
    char keyword[256], uri[256];
    secrets_of(conninfo, keyword, uri);
    scrub(errbuf, errlen, keyword);
    scrub(errbuf, errlen, uri);
}

void tide_pg_result_error(tide_pg *pg, const PGresult *res, const char *what, char *errbuf,
                          size_t errlen)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(pg->sqlstate, sizeof pg->sqlstate, "%s", state ? state : "");
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!primary) {
        /* No server error: the connection itself failed. */
        const char *msg = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
                                                             : PQerrorMessage(pg->conn);
        tide_pg_error(errbuf, errlen, what, msg, PQpass(pg->conn));
        return;
    }
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
    const char *context = PQresultErrorField(res, PG_DIAG_CONTEXT);
    char msg[2048];
    snprintf(msg, sizeof msg, "%s%s%s%s%s%s%s (SQLSTATE %s)", primary, detail ? "; " : "",
             detail ? detail : "", hint ? "; hint: " : "", hint ? hint : "",
             context ? "; " : "", context ? context : "", pg->sqlstate);
    tide_pg_error(errbuf, errlen, what, msg, PQpass(pg->conn));
}

/* ---- connections ------------------------------------------------------------- */

static const char SESSION_SETTINGS[] =
    "SET DateStyle = 'ISO, MDY'; SET bytea_output = 'hex'; "
    "SET client_min_messages = 'warning'"; /* no NOTICEs on stderr (CREATE ... IF NOT EXISTS) */

/* The SET that makes the connection's TimeZone zone z (NULL: UTC), as the
   PostgreSQL driver gives Spark's sessions the JVM's zone: a region by its
   tzdb id, which PostgreSQL reads from the same tzdata; a fixed offset as
   an interval, which PostgreSQL takes east of UTC as tide and Java do (a
   POSIX string, '<+02>-02', counts the other way; one with seconds,
   '+01:02:03', PostgreSQL takes only as an interval). Returns the
   length, or -1 when it does not fit or the id is not a tzdb id. */
static int zone_setting(const tide_zone *z, char *sql, size_t cap)
{
    if (!z) return snprintf(sql, cap, "SET TimeZone = 'UTC'");
    if (!z->id) {
        int32_t a = z->fixed < 0 ? -z->fixed : z->fixed;
        return snprintf(sql, cap, "SET TIME ZONE INTERVAL '%c%02d:%02d:%02d'",
                        z->fixed < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60),
                        (int)(a % 60));
    }
    /* (tzdb ids are letters, digits and "/_+-": nothing to quote) */
    if (strspn(z->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
        strlen(z->id))
        return -1;
    int n = snprintf(sql, cap, "SET TimeZone = '%s'", z->id);
    return n < (int)cap ? n : -1;
}

/* The server's TimeZone as it last reported it ("" when it did not). */
static const char *reported_zone(const tide_pg *pg)
{
    const char *v = PQparameterStatus(pg->conn, "TimeZone");
    return v ? v : "";
}

/* Whether a ROLLBACK (or ROLLBACK TO SAVEPOINT) undid the SET of the
   connection's TimeZone that tide ran inside a transaction block: the
   server reports the TimeZone from before it again. Once the block ended
   with the SET kept, there is nothing left to undo. */
static int zone_undone(tide_pg *pg)
{
    if (!pg->zone_before[0]) return 0;
    if (strcmp(reported_zone(pg), pg->zone_before) == 0) return 1;
    if (PQtransactionStatus(pg->conn) == PQTRANS_IDLE) pg->zone_before[0] = '\0';
    return 0;
}

int tide_pg_sync_zone(tide_pg *pg, char *errbuf, size_t errlen)
{
    const tide_zone *z = tide_zone_session();
    if (z == pg->zone && !zone_undone(pg)) return 0;
    /* A failed transaction takes no SET, only its end: the statement after
       that sets the zone. */
    PGTransactionStatusType status = PQtransactionStatus(pg->conn);
    if (status == PQTRANS_INERROR) return 0;
    char sql[256], before[sizeof pg->zone_before];
    if (zone_setting(z, sql, sizeof sql) < 0) {
        snprintf(errbuf, errlen, "cannot set PostgreSQL's TimeZone to the session time zone %s",
                 z->id);
        return -1;
    }
    snprintf(before, sizeof before, "%s", reported_zone(pg));
    PGresult *res = PQexec(pg->conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        tide_pg_result_error(pg, res,
                             "cannot set PostgreSQL's TimeZone to the session time zone "
                             "(spark.sql.session.timeZone)",
                             errbuf, errlen);
        PQclear(res);
        return -1;
    }
    PQclear(res);
    pg->zone = z;
    /* Inside a transaction block a ROLLBACK would undo it (zone_undone);
       a TimeZone that reads the same either way needs no watching. A
       second SET in the same block keeps the zone from before the block:
       that is what its ROLLBACK brings back. */
    if (status != PQTRANS_IDLE && pg->zone_before[0]) return 0;
    int watch = status != PQTRANS_IDLE && strcmp(before, reported_zone(pg)) != 0;
    snprintf(pg->zone_before, sizeof pg->zone_before, "%s", watch ? before : "");
    return 0;
}

/* What the server says outside an answer (a connection terminated by an
   administrator's shutdown, a WARNING) goes to stderr as tide's other
   warnings do, not bare as libpq's default writes it. Below WARNING
   nothing, as client_min_messages asks: a pooler's DISCARD ALL or RESET
   ALL puts that setting back to NOTICE, and CREATE TABLE IF NOT EXISTS
   would then say so at every epoch. */
static void on_notice(void *arg, const PGresult *res)
{
    (void)arg;
    const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (severity && (strcmp(severity, "NOTICE") == 0 || strcmp(severity, "INFO") == 0 ||
                     strcmp(severity, "LOG") == 0 || strcmp(severity, "DEBUG") == 0))
        return;
    const char *message = PQresultErrorMessage(res);
    size_t len = strlen(message);
    while (len > 0 && message[len - 1] == '\n')
        len--;
    fprintf(stderr, "tide: warning: postgres server: %.*s\n", (int)len, message);
}

tide_pg *tide_pg_connect(const char *conninfo, char *errbuf, size_t errlen)
{
    PGconn *conn = PQconnectdb(conninfo ? conninfo : "");
    if (!conn) {
        snprintf(errbuf, errlen, "cannot connect to PostgreSQL: out of memory");
        return NULL;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        error_for(errbuf, errlen, "cannot connect to PostgreSQL", PQerrorMessage(conn), conninfo,
                  conn);
        PQfinish(conn);
        return NULL;
    }
    tide_pg *pg = calloc(1, sizeof *pg);
    if (!pg) {
        PQfinish(conn);
        snprintf(errbuf, errlen, "cannot connect to PostgreSQL: out of memory");
        return NULL;
    }
    pg->conn = conn;
    PQsetNoticeReceiver(conn, on_notice, NULL);
    /* The settings and the session time zone, in one round trip. */
    const tide_zone *zone = tide_zone_session();
    char settings[sizeof SESSION_SETTINGS + 256];
    int n = snprintf(settings, sizeof settings, "%s; ", SESSION_SETTINGS);
    if (zone_setting(zone, settings + n, sizeof settings - (size_t)n) < 0) {
        snprintf(errbuf, errlen, "cannot set PostgreSQL's TimeZone to the session time zone %s",
                 zone->id);
        tide_pg_close(pg);
        return NULL;
    }
    PGresult *res = PQexec(conn, settings);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        tide_pg_result_error(pg, res, "cannot set up the PostgreSQL session", errbuf, errlen);
        PQclear(res);
        tide_pg_close(pg);
        return NULL;
    }
    PQclear(res);
    pg->zone = zone;
    return pg;
}

void tide_pg_close(tide_pg *pg)
{
    if (!pg) return;
    free(pg->copy.buf);
    free(pg->array.buf);
    PQfinish(pg->conn);
    free(pg);
}

int32_t tide_pg_alive(tide_pg *pg)
{
    if (!pg || PQstatus(pg->conn) != CONNECTION_OK) return 0;
    /* Reads what the server sent meanwhile (never blocks: libpq's socket
       is non-blocking): a connection the server closed while idle shows up
       as lost here, before use. A server shutting down sends a FATAL
       message and then closes; the first read takes the message, parsing
       it (PQisBusy) lets the second read reach the end of the stream. */
    for (int i = 0; i < 3 && PQstatus(pg->conn) == CONNECTION_OK; i++) {
        if (PQisBusy(pg->conn) || !PQconsumeInput(pg->conn)) break;
    }
    return PQstatus(pg->conn) == CONNECTION_OK;
}

const char *tide_pg_sqlstate(const tide_pg *pg)
{
    return pg->sqlstate;
}

int32_t tide_pg_in_transaction(const tide_pg *pg)
{
    PGTransactionStatusType s = PQtransactionStatus(pg->conn);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

/* ---- statements ----------------------------------------------------------------- */

/* Ends a COPY the caller did not ask for (a statement run as a query). */
static void refuse_copy(tide_pg *pg, PGresult **res)
{
    ExecStatusType st = PQresultStatus(*res);
    if (st == PGRES_COPY_IN) {
        PQputCopyEnd(pg->conn, "COPY is not supported here");
    } else if (st == PGRES_COPY_OUT) {
        char *buf;
        while (PQgetCopyData(pg->conn, &buf, 0) > 0) PQfreemem(buf);
    } else {
        return;
    }
    PGresult *r;
    while ((r = PQgetResult(pg->conn)) != NULL) PQclear(r);
}

static int64_t rows_of(const PGresult *res)
{
    const char *n = PQcmdTuples((PGresult *)res);
    return n && *n ? strtoll(n, NULL, 10) : -1;
}

static int result_ok(tide_pg *pg, PGresult *res, const char *what, char *errbuf, size_t errlen)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return 1;
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT) {
        PGresult *copy = res;
        refuse_copy(pg, &copy);
        snprintf(errbuf, errlen, "%s: COPY cannot run as a query (tide writes tables with df.write)",
                 what);
        snprintf(pg->sqlstate, sizeof pg->sqlstate, "0A000");
        return 0;
    }
    tide_pg_result_error(pg, res, what, errbuf, errlen);
    return 0;
}

/* Binary results pay for every type tide decodes from binary; any other
   type makes the whole result text (libpq asks for one format for all). */
static int binary_decodable(Oid type)
{
    switch (type) {
    case PG_BOOL: case PG_BYTEA: case PG_CHAR: case PG_NAME: case PG_INT8: case PG_INT2:
    case PG_INT4: case PG_TEXT: case PG_OID: case PG_JSON: case PG_FLOAT4: case PG_FLOAT8:
    case PG_UNKNOWN: case PG_BPCHAR: case PG_VARCHAR: case PG_DATE: case PG_TIMESTAMP:
    case PG_TIMESTAMPTZ: case PG_NUMERIC: case PG_UUID: case PG_JSONB:
        return 1;
    default: {
        Oid element = tide_pg_array_element(type);
        return element && binary_decodable(element);
    }
    }
}

static int is_multi_statement_error(tide_pg *pg, const PGresult *res)
{
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    return strcmp(pg->sqlstate, "42601") == 0 && msg && strstr(msg, "multiple commands");
}

static const char QUERY_FAILED[] = "PostgreSQL query failed";

/* The dimensions the table columns behind a result's array fields were
   declared with (pg_attribute.attndims: INTEGER[][] has 2), for the
   depth of a column whose values show none (empty, or all NULL or {});
   NULL when no field is an array read from a table, or the catalog does
   not say. Only results with such fields pay for the query. */
static int *declared_dims(tide_pg *pg, const PGresult *res)
{
    int fields = PQnfields(res), asked = 0;
    size_t cap = 256, len = 0;
    char *sql = malloc(cap);
    if (!sql) return NULL;
    len = (size_t)snprintf(sql, cap, "SELECT attrelid::int8, attnum::int4, attndims::int4 "
                                     "FROM pg_attribute WHERE (attrelid, attnum) IN (");
    for (int f = 0; f < fields; f++) {
        if (!tide_pg_array_element(PQftype(res, f)) || PQftable(res, f) == InvalidOid) continue;
        if (cap - len < 64) {
            char *grown = realloc(sql, cap *= 2);
            if (!grown) return free(sql), NULL;
            sql = grown;
        }
        len += (size_t)snprintf(sql + len, cap - len, "%s(%u, %d)", asked++ ? ", " : "",
                                (unsigned)PQftable(res, f), PQftablecol(res, f));
    }
    int *dims = NULL;
    if (asked && cap - len >= 2) {
        memcpy(sql + len, ")", 2);
        PGresult *found = PQexec(pg->conn, sql);
        if (PQresultStatus(found) == PGRES_TUPLES_OK && (dims = calloc((size_t)fields, sizeof *dims)))
            for (int r = 0; r < PQntuples(found); r++)
                for (int f = 0; f < fields; f++)
                    if ((long long)PQftable(res, f) == atoll(PQgetvalue(found, r, 0)) &&
                        PQftablecol(res, f) == atoi(PQgetvalue(found, r, 1)))
                        dims[f] = atoi(PQgetvalue(found, r, 2));
        PQclear(found);
    }
    free(sql);
    return dims;
}

/* The rows of a statement's result (which it clears), its affected count
   in *affected; NULL with errbuf when it failed. */
static tide_batch *result_batch(tide_pg *pg, PGresult *res, int64_t *affected, char *errbuf,
                                size_t errlen)
{
    if (!result_ok(pg, res, QUERY_FAILED, errbuf, errlen)) {
        PQclear(res);
        return NULL;
    }
    if (affected) *affected = rows_of(res);
    int *dims = declared_dims(pg, res);
    tide_batch *batch = tide_pg_result_batch(res, dims, errbuf, errlen);
    free(dims);
    PQclear(res);
    return batch;
}

tide_batch *tide_pg_exec(tide_pg *pg, const char *sql, int32_t nparams, const char **params,
                         int64_t *affected, char *errbuf, size_t errlen)
{
    pg->sqlstate[0] = '\0';
    if (affected) *affected = -1;
    if (tide_pg_sync_zone(pg, errbuf, errlen) != 0) return NULL;
    PGresult *res = PQprepare(pg->conn, "", sql, nparams, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        tide_pg_result_error(pg, res, QUERY_FAILED, errbuf, errlen);
        if (nparams == 0 && is_multi_statement_error(pg, res)) {
            /* Several statements: the simple protocol, text results of the last. */
            PQclear(res);
            pg->sqlstate[0] = '\0';
            return result_batch(pg, PQexec(pg->conn, sql), affected, errbuf, errlen);
        }
        PQclear(res);
        return NULL;
    }
    PQclear(res);
    res = PQdescribePrepared(pg->conn, "");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        tide_pg_result_error(pg, res, QUERY_FAILED, errbuf, errlen);
        PQclear(res);
        return NULL;
    }
    int binary = 1;
    for (int i = 0; i < PQnfields(res); i++)
        if (!binary_decodable(PQftype(res, i))) binary = 0;
    PQclear(res);
    return result_batch(pg, PQexecPrepared(pg->conn, "", nparams, params, NULL, NULL, binary), affected,
                        errbuf, errlen);
}

int32_t tide_pg_prepare(tide_pg *pg, const char *name, const char *sql, char *errbuf, size_t errlen)
{
    pg->sqlstate[0] = '\0';
    PGresult *res = PQprepare(pg->conn, name, sql, 0, NULL);
    int ok = result_ok(pg, res, QUERY_FAILED, errbuf, errlen);
    PQclear(res);
    return ok ? 0 : -1;
}

tide_batch *tide_pg_exec_text(tide_pg *pg, const char *name, const char *sql, int32_t nparams,
                              const char **params, int64_t *affected, char *errbuf, size_t errlen)
{
    pg->sqlstate[0] = '\0';
    if (affected) *affected = -1;
    if (tide_pg_sync_zone(pg, errbuf, errlen) != 0) return NULL;
    /* One round trip: no describe step to pick binary results first. */
    PGresult *res = name          ? PQexecPrepared(pg->conn, name, nparams, params, NULL, NULL, 0)
                    : nparams > 0 ? PQexecParams(pg->conn, sql, nparams, NULL, params, NULL, NULL, 0)
                                  : PQexec(pg->conn, sql);
    return result_batch(pg, res, affected, errbuf, errlen);
}

tide_batch *tide_pg_query(const char *conninfo, const char *sql, int32_t nparams,
                          const char **params, int64_t *affected, char *errbuf, size_t errlen)
{
    tide_pg *pg = tide_pg_connect(conninfo, errbuf, errlen);
    if (!pg) return NULL;
    tide_batch *batch = tide_pg_exec(pg, sql, nparams, params, affected, errbuf, errlen);
    tide_pg_close(pg);
    return batch;
}

int64_t tide_pg_command(tide_pg *pg, const char *sql, int32_t nparams, const char **params,
                        char *errbuf, size_t errlen)
{
    pg->sqlstate[0] = '\0';
    if (tide_pg_sync_zone(pg, errbuf, errlen) != 0) return -1;
    PGresult *res = nparams > 0 ? PQexecParams(pg->conn, sql, nparams, NULL, params, NULL, NULL, 0)
                                : PQexec(pg->conn, sql);
    if (!result_ok(pg, res, "PostgreSQL command failed", errbuf, errlen)) {
        PQclear(res);
        return -1;
    }
    int64_t n = rows_of(res);
    PQclear(res);
    return n < 0 ? 0 : n;
}

/* ---- conninfo ---------------------------------------------------------------- */

static int append(char *out, size_t outlen, size_t *pos, const char *s, size_t n)
{
    if (*pos + n + 1 > outlen) return -1;
    memcpy(out + *pos, s, n);
    *pos += n;
    out[*pos] = '\0';
    return 0;
}

static int append_pair(char *out, size_t outlen, size_t *pos, const char *key, const char *val)
{
    if (*pos > 0 && append(out, outlen, pos, " ", 1) != 0) return -1;
    if (append(out, outlen, pos, key, strlen(key)) != 0 || append(out, outlen, pos, "='", 2) != 0)
        return -1;
    for (const char *p = val; *p; p++) {
        if ((*p == '\'' || *p == '\\') && append(out, outlen, pos, "\\", 1) != 0) return -1;
        if (append(out, outlen, pos, p, 1) != 0) return -1;
    }
    return append(out, outlen, pos, "'", 1);
}

int32_t tide_pg_conninfo(const char *conninfo, const char *user, const char *password,
                         int32_t redact, char *out, size_t outlen, char *errbuf, size_t errlen)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo ? conninfo : "", &err);
    if (!opts) {
        error_for(errbuf, errlen, "invalid PostgreSQL connection string",
                  err ? err : "out of memory", conninfo, NULL);
        if (err) PQfreemem(err);
        return -1;
    }
    size_t pos = 0;
    int rc = 0;
    if (outlen > 0) out[0] = '\0';
    int user_done = 0, password_done = 0;
    for (PQconninfoOption *o = opts; o->keyword && rc == 0; o++) {
        const char *val = o->val;
        int is_user = strcmp(o->keyword, "user") == 0;
        int is_password = strcmp(o->keyword, "password") == 0;
        if (is_user && user && *user) val = user, user_done = 1;
        if (is_password && password && *password) val = password, password_done = 1;
        if (!val || (is_password && redact)) continue;
        rc = append_pair(out, outlen, &pos, o->keyword, val);
    }
    if (rc == 0 && user && *user && !user_done) rc = append_pair(out, outlen, &pos, "user", user);
    if (rc == 0 && password && *password && !password_done && !redact)
        rc = append_pair(out, outlen, &pos, "password", password);
    PQconninfoFree(opts);
    if (rc != 0) {
        snprintf(errbuf, errlen, "PostgreSQL connection string too long");
        return -1;
    }
    return (int32_t)pos;
}
