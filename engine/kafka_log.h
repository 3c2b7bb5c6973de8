/*
 * kafka_log.h — what librdkafka reports about a client (its log lines and
 * error events), in tide's words: each distinct problem at most once, as a
 * warning while tide waits on the brokers, and as the explanation at the
 * end of an error the brokers caused. C only (not part of the FFI).
 */
#ifndef TIDE_KAFKA_LOG_H
#define TIDE_KAFKA_LOG_H
#include <librdkafka/rdkafka.h>

typedef struct tide_kafka_log tide_kafka_log;

/* How long a problem lasts before tide, waiting on the brokers, reports
   it: a call that fails sooner shows its error alone. */
#define TIDE_KAFKA_WARN_AFTER_S 5.0

/* The reporting of a client named `who` ("kafka source") talking to
   `servers` (bootstrap.servers; credentials before an '@' are not kept).
   raw: the user asked for librdkafka's own lines (its debug or log_level
   property), which are then printed as librdkafka prints them, instead of
   tide's warnings. owner: what tide_kafka_log_owner gives back. NULL when
   out of memory. */
tide_kafka_log *tide_kafka_log_new(const char *who, const char *servers, int raw, void *owner);

/* Routes conf's log lines and error events to log: log becomes conf's
   opaque, which every callback of the client receives. */
void tide_kafka_log_attach(tide_kafka_log *log, rd_kafka_conf_t *conf);

/* Keeps a problem librdkafka reported (a log line at syslog `level`, or an
   error event at 3), one per distinct problem; at_once: warns of it now.
   The callbacks attached call it; tests do too. */
void tide_kafka_log_record(tide_kafka_log *log, const char *reported, int level, int at_once);

/* The owner given to tide_kafka_log_new, from a callback's opaque. */
void *tide_kafka_log_owner(void *opaque);

/* The log of a client made by tide_kafka_client_new. */
tide_kafka_log *tide_kafka_client_log(const rd_kafka_t *rk);

/* Prints each problem not reported yet that has lasted min_age_s (an
   error that long since it came, a warning that came again that long
   after the first time) as one line, "tide: warning: WHO: PROBLEM
   (bootstrap servers S)". Called where tide waits on the brokers. */
void tide_kafka_log_report(tide_kafka_log *log, double min_age_s);

/* When e is an error of reaching the brokers (transport, timeouts,
   authentication), appends to errbuf the problems the client saw lately,
   ": PROBLEM; PROBLEM", which say what failed ("Connection refused"). */
void tide_kafka_log_explain(tide_kafka_log *log, rd_kafka_resp_err_t e, char *errbuf,
                            size_t errlen);

/* Frees log; only once its client is destroyed (no callback can run). */
void tide_kafka_log_free(tide_kafka_log *log);

#endif
