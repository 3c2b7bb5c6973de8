/*
 * kafka_sink_int.h — the Kafka sink's state, shared by its files:
 * kafka_sink.c (the producer, its entry points and their checks),
 * kafka_sink_enqueue.c (rows into librdkafka's queue, a chunk at a time),
 * kafka_sink_headers.c (records with headers, one at a time),
 * kafka_sink_delivery.c (delivery reports, the loans they end, waiting
 * for them), kafka_sink_thread.c (a send on a thread of its own) and
 * kafka_sink_txn.c (transactions, with transactional.id). C only.
 */
#ifndef TIDE_KAFKA_SINK_INT_H
#define TIDE_KAFKA_SINK_INT_H
#include "batch.h"
#include "ffi/kafka.h"
#include "kafka_log.h"
#include "kafka_partitions.h"

#include <librdkafka/rdkafka.h>

#include <pthread.h>

/* Records per rd_kafka_produce_batch call: large enough to amortize the
   call and the topic lock, small enough that waiting for room in the queue
   stays short. */
#define CHUNK 4096

typedef struct {
    char *name;
    size_t name_len;
    rd_kafka_topic_t *rkt;
    uint32_t next; /* the partition of the next keyless chunk, modulo their count */
    int32_t known; /* partitions known to exist (checked against a partition column) */
} sink_topic;

/* A reference on a batch whose memory the records of one send point into:
   released when the last of them is reported. pending counts them, plus
   one while the send is still enqueueing. Loans are listed so that those
   librdkafka never reports (a sink destroyed with records left) are
   released once librdkafka is gone. */
typedef struct loan {
    tide_batch *owner;
    int64_t pending;
    struct loan *prev, *next;
} loan;

/* The send handed to the sink's thread. */
typedef struct {
    loan *loan;
    char topic[256]; /* the topic option ("" when none) */
    const tide_column *topics, *keys, *values, *partitions, *headers;
    int32_t timeout_ms;
} send_job;

/* A transactional sink's state (kafka_sink_txn.c). */
typedef struct sink_txn sink_txn;

struct tide_kafka_sink {
    rd_kafka_t *rk;
    sink_txn *txn;       /* with transactional.id, else NULL: nothing of it runs */
    tide_kafka_log *log; /* the client's (tide_kafka_client_log) */
    sink_topic *topics;
    int32_t num_topics, topics_cap;
    /* librdkafka's queue limits (queue.buffering.max.messages/kbytes). */
    int64_t max_messages, max_bytes;
    tide_kafka_partitions *partitions; /* of the topics, for keyless chunks */
    /* In flight: produced, delivery not reported yet. */
    int64_t inflight_messages, inflight_bytes;
    /* Of the write in progress. */
    int64_t delivered, failed;
    char first_error[512];
    rd_kafka_resp_err_t first_error_code;
    char topic_label[256]; /* the topic the records since the last flush went to */
    loan *loans;           /* outstanding, newest first */
    loan *released;        /* reported in full: their batches to free on the caller's thread */
    rd_kafka_message_t chunk[CHUNK];
    /* The sink's thread, started by the first send with an owner. */
    pthread_t thread;
    int thread_started;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int state;
    send_job job;
    int job_failed;
    char job_error[1024];
};

/* kafka_sink.c: waits for the send in flight; when it failed, flushes
   what it enqueued and returns -1 with its error. */
int sink_settle(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf, size_t errlen);

/* kafka_sink_txn.c: the transactions of a producer made with
   transactional.id `id` (NULL when out of memory); note_topic keeps the
   topic of the first send of a transaction, where its marker goes; free
   aborts a transaction left open (an epoch that failed), before the
   producer goes. */
sink_txn *sink_txn_new(const char *id);
void sink_txn_note_topic(sink_txn *txn, const send_job *job);
void sink_txn_free(tide_kafka_sink *sink);

/* kafka_sink_enqueue.c: the topic named by name[0, len), made on first
   use (NULL when librdkafka refuses it, with rd_kafka_last_error, or
   when memory runs out, with errno ENOMEM). */
sink_topic *sink_topic_get(tide_kafka_sink *sink, const char *name, size_t len);
/* kafka_sink_enqueue.c: enqueues every row of a send, a run of rows bound
   for one topic at a time, then drops the send's hold on its loan. 0, or
   -1 with errbuf. */
int sink_enqueue(tide_kafka_sink *sink, const send_job *job, char *errbuf, size_t errlen);

/* kafka_sink_headers.c: rd_kafka_produce_batch for records with headers,
   which it does not take: one rd_kafka_produceva each, in order, m->err
   set as produce_batch sets it (the records after a failure are not
   enqueued and marked failed too). Returns how many were enqueued; a
   header without a key sets *bad_row to its row. */
int sink_produce_each(tide_kafka_sink *sink, rd_kafka_topic_t *rkt, int copy,
                      rd_kafka_message_t *chunk, int cnt, const tide_column *headers, int64_t start,
                      double deadline, int64_t *bad_row);

/* kafka_sink_delivery.c: a loan on owner for a send, on the caller's
   thread (NULL when out of memory). */
loan *sink_loan_new(tide_kafka_sink *sink, tide_batch *owner);
/* kafka_sink_delivery.c: on either thread, l leaves the outstanding list
   for the released one, which sink_loans_release empties. */
void sink_loan_end(tide_kafka_sink *sink, loan *l);
/* Counts `records` of l reported (l NULL: copied payloads, no loan); the
   last ends it. Inline: every delivery report runs it. */
static inline void sink_loan_drop(tide_kafka_sink *sink, loan *l, int64_t records)
{
    if (l && (l->pending -= records) == 0) sink_loan_end(sink, l);
}
/* kafka_sink_delivery.c: frees the batches of the loans reported in full,
   on the caller's thread with no send in flight. */
void sink_loans_release(tide_kafka_sink *sink);
/* kafka_sink_delivery.c: releases every loan, reported or not: only once
   librdkafka is gone, as nothing reads the borrowed memory any more. */
void sink_loans_free(tide_kafka_sink *sink);
/* kafka_sink_delivery.c: the producer's delivery report callback. */
void sink_on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque);
/* kafka_sink_delivery.c: waits for every delivery report of the records
   sent since the last flush and returns how many were delivered, or -1
   with errbuf. */
int64_t sink_flush_sent(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf, size_t errlen);

/* kafka_sink_thread.c: init makes the thread's lock (at the sink's
   making); start starts the thread unless it runs, 1 when it runs (0: the
   caller enqueues); send hands it a job once wait has found it idle; wait
   returns at once when it never started; free ends it and frees the lock. */
void sink_thread_init(tide_kafka_sink *sink);
int sink_thread_start(tide_kafka_sink *sink);
void sink_thread_send(tide_kafka_sink *sink, const send_job *job);
void sink_thread_wait(tide_kafka_sink *sink);
void sink_thread_free(tide_kafka_sink *sink);

#endif
