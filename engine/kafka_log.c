/*
 * kafka_log.c — what librdkafka reports about a client, in tide's words
 * (see kafka_log.h).
 *
 * Left to itself, librdkafka prints its log lines to stderr, and logs the
 * error events nobody handles: a broker that cannot be reached gives a
 * line per connection and per attempt ("%3|...|FAIL|rdkafka#consumer-1|
 * ... Connect to ipv4#127.0.0.1:1 failed: Connection refused"), beside
 * tide's own error or instead of one while a query waits. Here each
 * client's lines of level warning or worse and its error events are kept
 * as problems, one per distinct problem (the same failure seen by the
 * bootstrap, broker and coordinator connections is one). tide's loops that
 * wait on the brokers report each once, as a warning naming the client and
 * its bootstrap servers, once it has lasted a few seconds; an error the
 * brokers caused ends with the problems seen lately. Lines below warning
 * (connection states, debugging) are dropped, unless the user set
 * librdkafka's debug or log_level property: then every line librdkafka
 * logs is printed as librdkafka prints it.
 */
#include "kafka_log.h"

#include "tide_ffi.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* syslog's levels, which librdkafka's are. */
#define LEVEL_ERR     3
#define LEVEL_WARNING 4

/* Problems kept per client: a client sees a handful. A new one beyond
   this replaces the one seen least recently. */
#define MAX_PROBLEMS 16
/* An error is explained by the problems seen within this long before it:
   librdkafka repeats a lasting problem at least every 30-40 s (it
   suppresses identical reports in between), and tide's waits on the
   brokers end within a minute or two. */
#define EXPLAIN_RECENT_S 120.0

typedef struct {
    char key[128];  /* what identifies it (problem_key) */
    char text[320]; /* as reported last, without what varies */
    double first_seen, last_seen;
    int level; /* the most severe it was reported at */
    int reported;
} kafka_problem;

struct tide_kafka_log {
    pthread_mutex_t lock; /* librdkafka's threads record, tide's report */
    char who[32];
    char servers[256];
    int raw;
    void *owner;
    kafka_problem problems[MAX_PROBLEMS];
    int count;
};

/* Leaves out whatever precedes an '@' in a name ("user:secret@host:9092"),
   in the servers and in what librdkafka reports about them, as tide's
   errors show bootstrap servers: no credentials are printed. */
static void strip_credentials(char *text)
{
    char *at;
    while ((at = strchr(text, '@')) != NULL) {
        char *start = at;
        while (start > text && !strchr(" \t,'\"#[(/", start[-1]))
            start--;
        memmove(start, at + 1, strlen(at + 1) + 1);
        text = start;
    }
}

tide_kafka_log *tide_kafka_log_new(const char *who, const char *servers, int raw, void *owner)
{
    tide_kafka_log *log = calloc(1, sizeof *log);
    if (!log) return NULL;
    pthread_mutex_init(&log->lock, NULL);
    snprintf(log->who, sizeof log->who, "%s", who);
    snprintf(log->servers, sizeof log->servers, "%s", servers ? servers : "");
    strip_credentials(log->servers);
    log->raw = raw;
    log->owner = owner;
    return log;
}

void tide_kafka_log_free(tide_kafka_log *log)
{
    if (!log) return;
    pthread_mutex_destroy(&log->lock);
    free(log);
}

void *tide_kafka_log_owner(void *opaque)
{
    return ((tide_kafka_log *)opaque)->owner;
}

tide_kafka_log *tide_kafka_client_log(const rd_kafka_t *rk)
{
    return rd_kafka_opaque(rk);
}

/* A leading "NAME: " that names the connection reporting a problem rather
   than the problem: a broker ("127.0.0.1:9092/1", "host:9092/bootstrap"),
   a client ("rdkafka#consumer-1") or a coordinator ("GroupCoordinator"). */
static size_t connection_name(const char *s)
{
    const char *colon = strstr(s, ": ");
    if (!colon) return 0;
    size_t n = (size_t)(colon - s);
    if (n == 0 || memchr(s, ' ', n)) return 0;
    int names = memchr(s, ':', n) || memchr(s, '/', n) || memchr(s, '#', n) ||
                (n >= 11 && memcmp(colon - 11, "Coordinator", 11) == 0);
    return names ? n + 2 : 0;
}

/* Whether a problem (its text without the connections' names) says a
   connection to a broker was lost or refused. A broker that stops is seen
   so in turn: the open connection closed ("Disconnected") or reset ("Send
   failed: Connection reset by peer"), then each reconnect refused
   ("Connect to ipv4#h:9092 failed: Connection refused"); which of these
   come, and in which order, is the timing's. */
static int lost_connection(const char *problem)
{
    static const char *const causes[] = {": Connection refused", ": Connection reset by peer",
                                         ": Broken pipe"};
    if (strcmp(problem, "Disconnected") == 0) return 1;
    size_t n = strlen(problem);
    for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++) {
        size_t c = strlen(causes[i]);
        if (n >= c && strcmp(problem + n - c, causes[i]) == 0) return 1;
    }
    return 0;
}

/* What identifies a problem: its text without the connections' names and
   without what follows its first ": " (the cause's details), so that
   "GroupCoordinator: h:9092: Connect to ipv4#h:9092 failed: Connection
   refused" and "h:9092/1: Connect to ipv4#h:9092 failed: Connection
   refused" are one problem. A connection lost or refused is one problem
   per broker address, however it was seen. */
static void problem_key(const char *text, char *key, size_t keylen)
{
    const char *address = NULL;
    size_t address_len = 0, skip;
    while ((skip = connection_name(text)) > 0) {
        if (!address && memchr(text, ':', skip - 2)) {
            address = text;
            address_len = strcspn(text, "/");
            if (address_len > skip - 2) address_len = skip - 2;
        }
        text += skip;
    }
    if (lost_connection(text)) {
        snprintf(key, keylen, "lost connection to %.*s", (int)address_len, address ? address : "");
        return;
    }
    const char *cause = strstr(text, ": ");
    snprintf(key, keylen, "%.*s", (int)(cause ? (size_t)(cause - text) : strlen(text)), text);
}

/* One line for p, once (none when librdkafka prints its own lines);
   with log->lock held. */
static void warn_locked(tide_kafka_log *log, kafka_problem *p)
{
    if (p->reported || log->raw) return;
    p->reported = 1;
    fprintf(stderr, "tide: warning: %s: %s (bootstrap servers %s)\n", log->who, p->text,
            log->servers);
}

void tide_kafka_log_record(tide_kafka_log *log, const char *reported, int level, int at_once)
{
    char text[sizeof log->problems[0].text], key[sizeof log->problems[0].key];
    /* The thread that logged it (log.thread.name), "[thrd:main]: ". */
    if (strncmp(reported, "[thrd:", 6) == 0) {
        const char *end = strstr(reported, "]: ");
        if (end) reported = end + 3;
    }
    snprintf(text, sizeof text, "%s", reported);
    strip_credentials(text);
    /* What varies between reports of one problem: " (after 12ms in state
       UP, 3 identical error(s) suppressed)". */
    char *after = strstr(text, " (after ");
    if (after && text[strlen(text) - 1] == ')') *after = '\0';
    problem_key(text, key, sizeof key);
    double now = tide_now();
    pthread_mutex_lock(&log->lock);
    kafka_problem *p = NULL;
    for (int i = 0; i < log->count && !p; i++)
        if (strcmp(log->problems[i].key, key) == 0) p = &log->problems[i];
    if (!p) {
        if (log->count < MAX_PROBLEMS) {
            p = &log->problems[log->count++];
        } else {
            p = &log->problems[0];
            for (int i = 1; i < log->count; i++)
                if (log->problems[i].last_seen < p->last_seen) p = &log->problems[i];
        }
        snprintf(p->key, sizeof p->key, "%s", key);
        p->first_seen = now;
        p->level = level;
        p->reported = 0;
    }
    /* The latest: an error explained by it says how things stand now. */
    snprintf(p->text, sizeof p->text, "%s", text);
    p->last_seen = now;
    if (level < p->level) p->level = level;
    if (at_once) warn_locked(log, p);
    pthread_mutex_unlock(&log->lock);
}

/* On librdkafka's threads: no librdkafka call but reading the opaque,
   which the client copied from its configuration when it was made. */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    tide_kafka_log *log = rk ? rd_kafka_opaque(rk) : NULL;
    if (!log) return;
    if (log->raw) rd_kafka_log_print(rk, level, fac, buf);
    /* A configuration warning comes while the client is made, on the
       caller's thread, and is no connection's passing state: said at once. */
    if (level <= LEVEL_WARNING)
        tide_kafka_log_record(log, buf, level, strcmp(fac, "CONFWARN") == 0);
}

/* On the thread that serves the client's queue. librdkafka logs an error
   event no callback takes: the raw output still shows it so. */
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    (void)err;
    tide_kafka_log *log = opaque;
    if (log->raw) {
        char line[512];
        snprintf(line, sizeof line, "%s: %s", rd_kafka_name(rk), reason);
        rd_kafka_log_print(rk, LEVEL_ERR, "ERROR", line);
    }
    tide_kafka_log_record(log, reason, LEVEL_ERR, 0);
}

void tide_kafka_log_attach(tide_kafka_log *log, rd_kafka_conf_t *conf)
{
    rd_kafka_conf_set_opaque(conf, log);
    rd_kafka_conf_set_log_cb(conf, on_log);
    rd_kafka_conf_set_error_cb(conf, on_error);
}

/* An error (level 3, or an error event) once it is min_age_s old; a
   warning only once it came again min_age_s after the first time: many
   are a retry that succeeds, such as the idempotent producer's
   "Coordinator load in progress: retrying" while a broker starts. */
static int lasting(const kafka_problem *p, double now, double min_age_s)
{
    return p->level <= LEVEL_ERR ? now - p->first_seen >= min_age_s
                                 : p->last_seen - p->first_seen >= min_age_s;
}

void tide_kafka_log_report(tide_kafka_log *log, double min_age_s)
{
    double now = tide_now();
    pthread_mutex_lock(&log->lock);
    for (int i = 0; i < log->count; i++)
        if (lasting(&log->problems[i], now, min_age_s)) warn_locked(log, &log->problems[i]);
    pthread_mutex_unlock(&log->lock);
}

/* Errors that say only that the brokers did not answer as they should:
   the client's problems say why. */
static int explained_by_problems(rd_kafka_resp_err_t e)
{
    switch (e) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__SSL:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
        return 1;
    default:
        return 0;
    }
}

void tide_kafka_log_explain(tide_kafka_log *log, rd_kafka_resp_err_t e, char *errbuf, size_t errlen)
{
    if (!explained_by_problems(e)) return;
    size_t used = strlen(errbuf);
    const char *sep = ": ";
    double now = tide_now();
    pthread_mutex_lock(&log->lock);
    for (int i = 0; i < log->count && used + 1 < errlen; i++) {
        kafka_problem *p = &log->problems[i];
        if (now - p->last_seen > EXPLAIN_RECENT_S) continue;
        used += (size_t)snprintf(errbuf + used, errlen - used, "%s%s", sep, p->text);
        sep = "; ";
    }
    pthread_mutex_unlock(&log->lock);
}
