/*
 * kafka_sink.c — writes batches to Kafka, at least once.
 *
 * tide_kafka_sink_write hands each run of rows bound for one topic to
 * librdkafka with rd_kafka_produce_batch, then flushes and waits for every
 * delivery report before it returns. Payloads are not copied when the
 * caller names the batch that owns the columns: the records point into
 * its buffers, and the sink holds a reference on it (one per send, a
 * "loan") until each of those records is reported — delivered,
 * failed or purged — so the memory outlives every use librdkafka makes of
 * it; without an owner the payloads are copied as before (the copy and
 * its larger allocation cost ~0.2-0.4 CPU s per million 400-byte records).
 * When it returns the count, every record is
 * acknowledged by the brokers (acks=all, idempotent producer, so retries
 * add no duplicates within a session; unless the user's acks, retries or
 * requests in flight rule idempotence out, as Java producers since Kafka
 * 3.2 turn it off then). A failure names the topic and the
 * partition. The producer never lets librdkafka's queue overflow: it counts
 * the records and bytes in flight and, before each chunk, serves delivery
 * reports until the chunk fits, so records are enqueued in row order and
 * never refused half-way through a chunk.
 *
 * tide_kafka_sink_send hands the enqueueing to a thread of the sink's own
 * and returns: librdkafka's per-record work (allocation, locks, the
 * partitioner) then overlaps the caller's next piece, as the source's
 * fetch-ahead does on the reading side. One send at a time: every entry
 * point first waits for the one in flight, so the sink's state is only
 * ever used by one thread, and a send's failure is reported by the next
 * send or flush. Batches are retained and released on the caller's thread
 * only (their reference counts are not atomic): the thread hands loans
 * whose records are all reported back on a list the caller empties.
 *
 * Keyless records are placed a chunk at a time: each chunk goes to one
 * partition and the next chunk to the next, as Java producers since Kafka
 * 3.3 fill a batch for one partition before moving on (KIP-794). That
 * spares librdkafka's partitioner its per-record work (a clock read, a
 * topic lock and an availability check: ~6% of a Kafka -> Kafka query's
 * CPU). Partition counts come from kafka_partitions.c, which asks the
 * brokers without holding up a send; until a topic's is known, and for
 * keyed records, librdkafka's partitioner places each record.
 *
 * A partition column (Spark's `partition`, int) names each record's
 * partition; a null leaves it to the placement above. A partition the topic
 * does not have fails the write naming the row, before any record of its
 * chunk is enqueued: the count is asked of the brokers when a row names a
 * partition beyond the last known one (a partition added since), so a
 * record is never placed elsewhere. A headers column (binary, the source's
 * includeHeaders encoding) makes the sink enqueue record by record with
 * rd_kafka_produceva, as rd_kafka_produce_batch takes no headers; without
 * one the batch path is unchanged.
 */
#include "batch.h"
#include "ffi/kafka.h"
#include "kafka_conf.h"
#include "kafka_log.h"
#include "kafka_partitions.h"

#include <librdkafka/rdkafka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records per rd_kafka_produce_batch call: large enough to amortize the
   call and the topic lock, small enough that waiting for room in the queue
   stays short. */
#define CHUNK 4096
/* How long one wait for deliveries lasts before the client's lasting
   problems are reported and it waits again. */
#define FLUSH_SLICE_MS 500

typedef struct {
    char *name;
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

enum { SENDER_IDLE, SENDER_BUSY, SENDER_QUIT };

struct tide_kafka_sink {
    rd_kafka_t *rk;
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
    char topic_label[256];  /* the topic the records since the last flush went to */
    loan *loans;            /* outstanding, newest first */
    loan *released;         /* reported in full: their batches to free on the caller's thread */
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

/* librdkafka's defaults, tuned for throughput; the user's kafka.* options
   override every one of them. */
static const tide_kafka_setting sink_defaults[] = {
    /* No duplicates from librdkafka's own retries, and acks=all (implied):
       a delivered record survives the loss of a broker. Left out when the
       user's options conflict with it (tide_kafka_sink_new). */
    {"enable.idempotence", "true"},
    /* Java clients' partitioner, so keyed records land in the partition a
       Java (Spark) producer would choose. */
    {"partitioner", "murmur2_random"},
    /* Batches of up to 1 MB sent after at most 5 ms: big requests under
       load, little added latency when idle. */
    {"linger.ms", "5"},
    {"batch.size", "1000000"},
    /* Room for a whole micro-batch in the queue. */
    {"queue.buffering.max.messages", "1000000"},
};

/* On the caller's thread. */
static loan *loan_new(tide_kafka_sink *sink, tide_batch *owner)
{
    loan *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->owner = owner;
    l->pending = 1;
    tide_batch_retain(owner);
    l->next = sink->loans;
    if (sink->loans) sink->loans->prev = l;
    sink->loans = l;
    return l;
}

/* On either thread: the loan leaves the outstanding list for the released
   one, which the caller's thread empties (release_loans). */
static void loan_end(tide_kafka_sink *sink, loan *l)
{
    if (l->prev)
        l->prev->next = l->next;
    else
        sink->loans = l->next;
    if (l->next) l->next->prev = l->prev;
    l->prev = NULL;
    l->next = sink->released;
    sink->released = l;
}

static void loan_drop(tide_kafka_sink *sink, loan *l, int64_t records)
{
    if (l && (l->pending -= records) == 0) loan_end(sink, l);
}

/* On the caller's thread, with no send in flight. */
static void release_loans(tide_kafka_sink *sink)
{
    while (sink->released) {
        loan *l = sink->released;
        sink->released = l->next;
        tide_batch_free(l->owner); /* drops the sink's reference */
        free(l);
    }
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    tide_kafka_sink *sink = tide_kafka_log_owner(opaque);
    loan_drop(sink, m->_private /* the msg_opaque */, 1);
    sink->inflight_messages--;
    sink->inflight_bytes -= (int64_t)(m->len + m->key_len);
    if (m->err) {
        sink->failed++;
        char msg[512];
        if (m->partition >= 0)
            snprintf(msg, sizeof msg, "topic %s partition %d: %s", rd_kafka_topic_name(m->rkt),
                     (int)m->partition, rd_kafka_err2str(m->err));
        else
            snprintf(msg, sizeof msg, "topic %s: %s", rd_kafka_topic_name(m->rkt),
                     rd_kafka_err2str(m->err));
        /* A purge only follows a timeout or an earlier error: keep the cause. */
        if (m->err != RD_KAFKA_RESP_ERR__PURGE_QUEUE &&
            m->err != RD_KAFKA_RESP_ERR__PURGE_INFLIGHT && sink->first_error[0] == '\0') {
            snprintf(sink->first_error, sizeof sink->first_error, "%s", msg);
            sink->first_error_code = m->err;
        }
    } else {
        sink->delivered++;
    }
}

tide_kafka_sink *tide_kafka_sink_new(const char **conf_kv, int32_t conf_n, char *errbuf,
                                     size_t errlen)
{
    tide_kafka_sink *sink = calloc(1, sizeof *sink);
    if (!sink) {
        snprintf(errbuf, errlen, "kafka sink: out of memory");
        return NULL;
    }
    /* As Java producers since Kafka 3.2 (KAFKA-13673): acks=1, retries=0 or
       more requests in flight than idempotence allows turn tide's default
       idempotence off instead of failing, unless the user set
       enable.idempotence (librdkafka then says what conflicts). */
    int drop_idempotence = !tide_kafka_conf_find(conf_kv, conf_n, "enable.idempotence") &&
                           tide_kafka_conf_idempotence_conflict(conf_kv, conf_n);
    tide_kafka_setting defaults[sizeof sink_defaults / sizeof sink_defaults[0]];
    size_t n_defaults = 0;
    for (size_t i = 0; i < sizeof sink_defaults / sizeof sink_defaults[0]; i++)
        if (!drop_idempotence || strcmp(sink_defaults[i].key, "enable.idempotence") != 0)
            defaults[n_defaults++] = sink_defaults[i];
    rd_kafka_conf_t *conf = tide_kafka_conf_new("kafka sink", defaults, n_defaults, conf_kv, conf_n,
                                                NULL, errbuf, errlen);
    if (!conf) {
        free(sink);
        return NULL;
    }
    sink->max_messages = tide_kafka_conf_int(conf, "queue.buffering.max.messages", 100000);
    sink->max_bytes = tide_kafka_conf_int(conf, "queue.buffering.max.kbytes", 1048576) * 1024;
    double refresh_s =
        tide_kafka_conf_int(conf, "topic.metadata.refresh.interval.ms", 300000) / 1000.0;
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    sink->rk = tide_kafka_client_new("kafka sink", RD_KAFKA_PRODUCER, conf, conf_kv, conf_n, sink,
                                     errbuf, errlen);
    if (!sink->rk) {
        free(sink);
        return NULL;
    }
    sink->log = tide_kafka_client_log(sink->rk);
    sink->partitions = tide_kafka_partitions_new(sink->rk, refresh_s);
    if (!sink->partitions) {
        tide_kafka_client_destroy(sink->rk, 0);
        free(sink);
        snprintf(errbuf, errlen, "kafka sink: out of memory");
        return NULL;
    }
    pthread_mutex_init(&sink->lock, NULL);
    pthread_cond_init(&sink->changed, NULL);
    return sink;
}

static sink_topic *topic_handle(tide_kafka_sink *sink, const char *name, size_t len)
{
    for (int32_t i = 0; i < sink->num_topics; i++)
        if (strlen(sink->topics[i].name) == len && memcmp(sink->topics[i].name, name, len) == 0)
            return &sink->topics[i];
    if (sink->num_topics == sink->topics_cap) {
        int32_t cap = sink->topics_cap ? sink->topics_cap * 2 : 8;
        sink_topic *t = realloc(sink->topics, sizeof *t * (size_t)cap);
        if (!t) return NULL;
        sink->topics = t;
        sink->topics_cap = cap;
    }
    char *copy = strndup(name, len);
    if (!copy) return NULL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(sink->rk, copy, NULL);
    if (!rkt) {
        free(copy);
        return NULL;
    }
    /* Sinks started apart start their keyless chunks on different partitions. */
    uint32_t first = (uint32_t)(tide_now() * 1e6);
    sink->topics[sink->num_topics] = (sink_topic){copy, rkt, first, 0};
    return &sink->topics[sink->num_topics++];
}

static int is_bytes(const tide_column *col)
{
    return col->type == TIDE_STRING || col->type == TIDE_BINARY;
}

/* The topic of a row: the topics column's, else the default. */
static const char *row_topic(const tide_column *topics, int64_t row, const char *fallback,
                             size_t *len)
{
    if (topics && tide_column_is_valid(topics, row)) {
        int32_t n;
        const char *name = tide_column_bytes(topics, row, &n);
        *len = (size_t)n;
        return name;
    }
    *len = fallback ? strlen(fallback) : 0;
    return fallback;
}

/* Serves delivery reports until `messages` more records of `bytes` fit in
   librdkafka's queue. 0, or -1 with errbuf when the deadline passes. */
static int wait_for_room(tide_kafka_sink *sink, const rd_kafka_topic_t *rkt, int64_t messages,
                         int64_t bytes, double deadline, char *errbuf, size_t errlen)
{
    /* librdkafka counts a little more than payload and key per record. */
    int64_t max_bytes = sink->max_bytes - sink->max_bytes / 8;
    while (sink->inflight_messages > 0 && (sink->inflight_messages + messages > sink->max_messages ||
                                           sink->inflight_bytes + bytes > max_bytes)) {
        if (tide_now() > deadline) {
            snprintf(errbuf, errlen,
                     "topic %s: the producer queue stayed full (%lld records in "
                     "flight)%s%s",
                     rd_kafka_topic_name(rkt), (long long)sink->inflight_messages,
                     sink->first_error[0] ? ": " : "", sink->first_error);
            tide_kafka_log_explain(sink->log, RD_KAFKA_RESP_ERR__TIMED_OUT, errbuf, errlen);
            return -1;
        }
        rd_kafka_poll(sink->rk, 10);
        tide_kafka_log_report(sink->log, TIDE_KAFKA_WARN_AFTER_S);
    }
    return 0;
}

/* The partition count of t as the brokers tell it now, waiting for the
   answer (up to the deadline, at most METADATA_WAIT_MS): -1 when they do
   not know the topic (yet). */
#define METADATA_WAIT_MS 10000
static int32_t ask_partition_count(tide_kafka_sink *sink, sink_topic *t, double deadline)
{
    double left_ms = (deadline - tide_now()) * 1000;
    int wait_ms = left_ms > METADATA_WAIT_MS ? METADATA_WAIT_MS : (int)left_ms;
    if (wait_ms < 1000) wait_ms = 1000;
    return tide_kafka_partitions_ask(sink->rk, t->rkt, wait_ms);
}

/* Checks the partition column's rows of a chunk: each names a partition t
   has (asking the brokers when one is beyond the count known, which may be
   older than a partition added since), or is null. Fills m->partition with
   it, or with `fallback` for a null. 0, or -1 with errbuf naming the row. */
static int place_rows(tide_kafka_sink *sink, sink_topic *t, const tide_column *parts,
                      rd_kafka_message_t *chunk, int cnt, int64_t start, int32_t fallback,
                      double deadline, char *errbuf, size_t errlen)
{
    const int32_t *p = (const int32_t *)parts->values;
    int32_t max = -1;
    int at_max = 0;
    for (int i = 0; i < cnt; i++) {
        if (!tide_valid(parts, start + i)) {
            chunk[i].partition = fallback;
            continue;
        }
        int32_t v = p[start + i];
        if (v < 0) {
            snprintf(errbuf, errlen,
                     "topic %s partition %d: row %lld: no such partition (partitions count from 0)",
                     t->name, (int)v, (long long)(start + i + 1));
            return -1;
        }
        chunk[i].partition = v;
        if (v > max) max = v, at_max = i;
    }
    if (max < t->known) return 0;
    int32_t n = tide_kafka_partitions_of(sink->partitions, t->rkt);
    if (n > t->known) t->known = n;
    if (max < t->known) return 0;
    /* A topic the brokers do not know yet may be being created (by this
       producer's first request, with auto.create.topics.enable): ask
       again, as a Java producer waits for its metadata, until the deadline. */
    while ((n = ask_partition_count(sink, t, deadline)) < 0 && tide_now() < deadline)
        rd_kafka_poll(sink->rk, 200);
    if (n > t->known) t->known = n;
    if (max < t->known) return 0;
    /* The first row of the chunk naming a partition that is not there. */
    for (int i = 0; i < cnt && i <= at_max; i++) {
        if (!tide_valid(parts, start + i) || p[start + i] < t->known) continue;
        if (n < 0)
            snprintf(errbuf, errlen,
                     "topic %s partition %d: row %lld: the brokers did not know the topic "
                     "before the delivery timeout",
                     t->name, (int)p[start + i], (long long)(start + i + 1));
        else
            snprintf(errbuf, errlen,
                     "topic %s partition %d: row %lld: no such partition (the topic has %d, "
                     "0 to %d)",
                     t->name, (int)p[start + i], (long long)(start + i + 1), (int)n, (int)n - 1);
        return -1;
    }
    return 0;
}

/* The headers of one record from a cell of the headers column (the
   source's encoding: per header a 4-byte big-endian key length, the key, a
   4-byte value length, FFFFFFFF for a null value, and the value). NULL
   when the cell is malformed. */
static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static rd_kafka_headers_t *decode_headers(const char *cell, int32_t len)
{
    const unsigned char *p = (const unsigned char *)cell, *end = p + len;
    rd_kafka_headers_t *hdrs = rd_kafka_headers_new(4);
    while (p < end) {
        if (end - p < 4) goto bad;
        uint32_t klen = be32(p);
        p += 4;
        if ((uint32_t)(end - p) < klen) goto bad;
        const char *key = (const char *)p;
        p += klen;
        if (end - p < 4) goto bad;
        uint32_t vlen = be32(p);
        p += 4;
        const void *value = NULL;
        if (vlen != 0xffffffffu) {
            if ((uint32_t)(end - p) < vlen) goto bad;
            value = p;
            p += vlen;
        } else {
            vlen = 0;
        }
        rd_kafka_header_add(hdrs, key, (ssize_t)klen, value, (ssize_t)vlen);
    }
    return hdrs;
bad:
    rd_kafka_headers_destroy(hdrs);
    return NULL;
}

/* rd_kafka_produce_batch for records with headers, which it does not take:
   one rd_kafka_produceva each, in order, m->err set as produce_batch sets
   it (the records after a failure are not enqueued and marked failed too).
   Returns how many were enqueued. */
static int produce_each(tide_kafka_sink *sink, rd_kafka_topic_t *rkt, int copy,
                        rd_kafka_message_t *chunk, int cnt, const tide_column *headers,
                        int64_t start, double deadline, int64_t *bad_row)
{
    int ok = 0;
    for (int i = 0; i < cnt; i++) {
        rd_kafka_message_t *m = &chunk[i];
        rd_kafka_headers_t *hdrs = NULL;
        if (tide_valid(headers, start + i)) {
            int32_t len;
            const char *cell = tide_column_bytes(headers, start + i, &len);
            if (len > 0 && !(hdrs = decode_headers(cell, len))) {
                *bad_row = start + i;
                for (int j = i; j < cnt; j++)
                    chunk[j].err = RD_KAFKA_RESP_ERR__BAD_MSG;
                return ok;
            }
        }
        rd_kafka_vu_t vu[] = {
            {.vtype = RD_KAFKA_VTYPE_RKT, .u.rkt = rkt},
            {.vtype = RD_KAFKA_VTYPE_PARTITION, .u.i32 = m->partition},
            {.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {m->payload, m->len}},
            {.vtype = RD_KAFKA_VTYPE_KEY, .u.mem = {m->key, m->key_len}},
            {.vtype = RD_KAFKA_VTYPE_OPAQUE, .u.ptr = m->_private},
            {.vtype = RD_KAFKA_VTYPE_MSGFLAGS, .u.i = copy ? RD_KAFKA_MSG_F_COPY : 0},
            {.vtype = RD_KAFKA_VTYPE_HEADERS, .u.headers = hdrs},
        };
        size_t n = sizeof vu / sizeof vu[0] - (hdrs ? 0 : 1);
        for (;;) {
            rd_kafka_error_t *e = rd_kafka_produceva(sink->rk, vu, n);
            m->err = e ? rd_kafka_error_code(e) : RD_KAFKA_RESP_ERR_NO_ERROR;
            if (e) rd_kafka_error_destroy(e);
            /* Headers count towards the queue's bytes too: wait, as for a chunk. */
            if (m->err != RD_KAFKA_RESP_ERR__QUEUE_FULL || tide_now() > deadline) break;
            rd_kafka_poll(sink->rk, 10);
        }
        if (m->err) {
            /* librdkafka owns the headers only once the record is enqueued. */
            if (hdrs) rd_kafka_headers_destroy(hdrs);
            for (int j = i + 1; j < cnt; j++)
                chunk[j].err = RD_KAFKA_RESP_ERR__FAIL;
            return ok;
        }
        ok++;
    }
    return ok;
}

/* Enqueues rows [from, to) of one topic, borrowing the loan's batch (NULL:
   copying the payloads). 0, or -1 with errbuf. */
static int produce_run(tide_kafka_sink *sink, sink_topic *t, const send_job *job, int64_t from,
                       int64_t to, double deadline, char *errbuf, size_t errlen)
{
    rd_kafka_topic_t *rkt = t->rkt;
    loan *l = job->loan;
    const tide_column *keys = job->keys, *values = job->values;
    int32_t partitions = keys ? 0 : tide_kafka_partitions_of(sink->partitions, rkt);
    /* A chunk never needs more than half the queue, so it always fits
       once enough earlier records are delivered. */
    int64_t max_count = sink->max_messages / 2 > 0 ? sink->max_messages / 2 : 1;
    if (max_count > CHUNK) max_count = CHUNK;
    int64_t max_bytes = sink->max_bytes / 2;
    for (int64_t start = from; start < to;) {
        int cnt = 0;
        int64_t bytes = 0;
        for (; start + cnt < to && cnt < max_count; cnt++) {
            int64_t row = start + cnt;
            rd_kafka_message_t *m = &sink->chunk[cnt];
            memset(m, 0, sizeof *m);
            if (tide_column_is_valid(values, row)) {
                int32_t len;
                m->payload = (void *)tide_column_bytes(values, row, &len);
                m->len = (size_t)len;
            }
            if (keys && tide_column_is_valid(keys, row)) {
                int32_t len;
                m->key = (void *)tide_column_bytes(keys, row, &len);
                m->key_len = (size_t)len;
            }
            if (cnt > 0 && bytes + (int64_t)(m->len + m->key_len) > max_bytes) break;
            bytes += (int64_t)(m->len + m->key_len);
        }
        /* Delivery reports are served on this thread only (poll, flush),
           so none can arrive before the loan counts its records below. */
        int32_t partition =
            partitions > 0 ? (int32_t)(t->next++ % (uint32_t)partitions) : RD_KAFKA_PARTITION_UA;
        int flags = l ? 0 : RD_KAFKA_MSG_F_COPY;
        if (job->partitions) {
            if (place_rows(sink, t, job->partitions, sink->chunk, cnt, start, partition, deadline,
                           errbuf, errlen) != 0)
                return -1;
            flags |= RD_KAFKA_MSG_F_PARTITION;
        } else if (job->headers) {
            for (int i = 0; i < cnt; i++)
                sink->chunk[i].partition = partition;
        }
        if (wait_for_room(sink, rkt, cnt, bytes, deadline, errbuf, errlen) != 0) return -1;
        for (int i = 0; i < cnt; i++)
            sink->chunk[i]._private = l;
        int64_t bad_headers = -1;
        int ok = job->headers ? produce_each(sink, rkt, !l, sink->chunk, cnt, job->headers, start,
                                             deadline, &bad_headers)
                              : rd_kafka_produce_batch(rkt, partition, flags, sink->chunk, cnt);
        for (int i = 0; i < cnt; i++) {
            if (sink->chunk[i].err) continue;
            sink->inflight_messages++;
            sink->inflight_bytes += (int64_t)(sink->chunk[i].len + sink->chunk[i].key_len);
        }
        if (l) l->pending += ok;
        if (ok < cnt) {
            if (bad_headers >= 0) {
                snprintf(errbuf, errlen,
                         "topic %s: row %lld: the headers cell is not in the encoding of a "
                         "source's includeHeaders column (docs/kafka.md)",
                         t->name, (long long)bad_headers + 1);
                return -1;
            }
            for (int i = 0; i < cnt; i++) {
                const rd_kafka_message_t *m = &sink->chunk[i];
                if (!m->err) continue;
                if (job->partitions && m->partition != RD_KAFKA_PARTITION_UA)
                    snprintf(errbuf, errlen, "topic %s partition %d: row %lld: %s", t->name,
                             (int)m->partition, (long long)(start + i + 1),
                             rd_kafka_err2str(m->err));
                else
                    snprintf(errbuf, errlen, "topic %s: row %lld: %s", t->name,
                             (long long)(start + i + 1), rd_kafka_err2str(m->err));
                break;
            }
            return -1;
        }
        rd_kafka_poll(sink->rk, 0);
        start += cnt;
    }
    return 0;
}

/* Waits for every delivery report; on a timeout drops what is left so the
   next write starts clean. 0, or -1 with errbuf. */
static int await_deliveries(tide_kafka_sink *sink, const char *topic, int32_t timeout_ms,
                            char *errbuf, size_t errlen)
{
    double deadline = tide_now() + timeout_ms / 1000.0;
    rd_kafka_resp_err_t e;
    for (;;) {
        double left_ms = (deadline - tide_now()) * 1000;
        e = rd_kafka_flush(sink->rk, left_ms < FLUSH_SLICE_MS ? (int)(left_ms > 0 ? left_ms : 0)
                                                              : FLUSH_SLICE_MS);
        if (e != RD_KAFKA_RESP_ERR__TIMED_OUT || tide_now() >= deadline) break;
        tide_kafka_log_report(sink->log, TIDE_KAFKA_WARN_AFTER_S);
    }
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        int64_t pending = sink->inflight_messages;
        rd_kafka_purge(sink->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(sink->rk, 5000);
        snprintf(errbuf, errlen, "topic %s: %lld records not acknowledged within %d ms%s%s", topic,
                 (long long)pending, (int)timeout_ms, sink->first_error[0] ? ": " : "",
                 sink->first_error);
        tide_kafka_log_explain(sink->log, RD_KAFKA_RESP_ERR__TIMED_OUT, errbuf, errlen);
        return -1;
    }
    if (sink->failed > 0) {
        snprintf(errbuf, errlen, "%lld records not written: %s", (long long)sink->failed,
                 sink->first_error);
        tide_kafka_log_explain(sink->log, sink->first_error_code, errbuf, errlen);
        return -1;
    }
    return 0;
}

/* Enqueues every row of a send, a run of rows bound for one topic at a
   time, then drops the send's hold on its loan. 0, or -1 with errbuf. */
static int enqueue(tide_kafka_sink *sink, const send_job *job, char *errbuf, size_t errlen)
{
    const char *topic = job->topic[0] ? job->topic : NULL;
    int64_t rows = job->values->length;
    double deadline = tide_now() + job->timeout_ms / 1000.0;
    int rc = 0;
    for (int64_t from = 0; from < rows && rc == 0;) {
        size_t len;
        const char *name = row_topic(job->topics, from, topic, &len);
        if (!name || len == 0) {
            snprintf(errbuf, errlen,
                     "row %lld has a null topic and the sink has no topic option to fall back on",
                     (long long)from + 1);
            rc = -1;
            break;
        }
        int64_t to = from + 1;
        while (to < rows) {
            size_t next_len;
            const char *next = row_topic(job->topics, to, topic, &next_len);
            if (!next || next_len != len || memcmp(next, name, len) != 0) break;
            to++;
        }
        sink_topic *t = topic_handle(sink, name, len);
        if (!t) {
            snprintf(errbuf, errlen, "topic %.*s: %s", (int)len, name,
                     rd_kafka_err2str(rd_kafka_last_error()));
            rc = -1;
            break;
        }
        rc = produce_run(sink, t, job, from, to, deadline, errbuf, errlen);
        from = to;
    }
    loan_drop(sink, job->loan, 1);
    return rc;
}

static void *sender_main(void *arg)
{
    tide_kafka_sink *sink = arg;
    pthread_mutex_lock(&sink->lock);
    for (;;) {
        while (sink->state == SENDER_IDLE)
            pthread_cond_wait(&sink->changed, &sink->lock);
        if (sink->state == SENDER_QUIT) break;
        pthread_mutex_unlock(&sink->lock);
        int rc = enqueue(sink, &sink->job, sink->job_error, sizeof sink->job_error);
        pthread_mutex_lock(&sink->lock);
        if (rc != 0) sink->job_failed = 1;
        sink->state = SENDER_IDLE;
        pthread_cond_broadcast(&sink->changed);
    }
    pthread_mutex_unlock(&sink->lock);
    return NULL;
}

static void await_sender(tide_kafka_sink *sink)
{
    if (!sink->thread_started) return;
    pthread_mutex_lock(&sink->lock);
    while (sink->state == SENDER_BUSY)
        pthread_cond_wait(&sink->changed, &sink->lock);
    pthread_mutex_unlock(&sink->lock);
}

/* Waits for every delivery report of the records sent since the last
   flush and counts them. */
static int64_t flush_sent(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf, size_t errlen)
{
    int rc = await_deliveries(sink, sink->topic_label, timeout_ms, errbuf, errlen);
    int64_t delivered = sink->delivered;
    /* The next flush counts from here. */
    sink->delivered = sink->failed = 0;
    sink->first_error[0] = '\0';
    sink->first_error_code = RD_KAFKA_RESP_ERR_NO_ERROR;
    release_loans(sink);
    return rc == 0 ? delivered : -1;
}

/* Waits for the send in flight. When it failed, what it enqueued is still
   delivered (or dropped on timeout) and -1 returns its error. */
static int settle(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf, size_t errlen)
{
    await_sender(sink);
    release_loans(sink);
    if (!sink->job_failed) return 0;
    sink->job_failed = 0;
    snprintf(errbuf, errlen, "%s", sink->job_error);
    char ignored[1024];
    flush_sent(sink, timeout_ms, ignored, sizeof ignored);
    return -1;
}

int64_t tide_kafka_sink_send_rows(tide_kafka_sink *sink, tide_batch *owner, const char *topic,
                                  const tide_kafka_rows *rows, int32_t timeout_ms, char *errbuf,
                                  size_t errlen)
{
    const tide_column *values = rows->values, *keys = rows->keys, *topics = rows->topics;
    if (!values || !is_bytes(values)) {
        snprintf(errbuf, errlen, "the value column must be string or binary");
        return -1;
    }
    if (keys && (!is_bytes(keys) || keys->length != values->length)) {
        snprintf(errbuf, errlen, "the key column must be string or binary, as long as value");
        return -1;
    }
    if (topics && (topics->type != TIDE_STRING || topics->length != values->length)) {
        snprintf(errbuf, errlen, "the topic column must be a string column as long as value");
        return -1;
    }
    if (rows->partitions &&
        (rows->partitions->type != TIDE_INT32 || rows->partitions->length != values->length)) {
        snprintf(errbuf, errlen, "the partition column must be an int column as long as value");
        return -1;
    }
    if (rows->headers &&
        (rows->headers->type != TIDE_BINARY || rows->headers->length != values->length)) {
        snprintf(errbuf, errlen, "the headers column must be a binary column as long as value");
        return -1;
    }
    send_job job = {.topics = topics,
                    .keys = keys,
                    .values = values,
                    .partitions = rows->partitions,
                    .headers = rows->headers,
                    .timeout_ms = timeout_ms};
    if (topic && strlen(topic) >= sizeof job.topic) {
        snprintf(errbuf, errlen, "topic %.64s...: the name is longer than Kafka allows", topic);
        return -1;
    }
    snprintf(job.topic, sizeof job.topic, "%s", topic ? topic : "");
    if (settle(sink, timeout_ms, errbuf, errlen) != 0) return -1;
    snprintf(sink->topic_label, sizeof sink->topic_label, "%s",
             job.topic[0] ? job.topic : "(from the topic column)");

    if (owner && !(job.loan = loan_new(sink, owner))) {
        snprintf(errbuf, errlen, "topic %s: out of memory", sink->topic_label);
        return -1;
    }
    if (owner && !sink->thread_started &&
        pthread_create(&sink->thread, NULL, sender_main, sink) == 0)
        sink->thread_started = 1;
    /* Copied payloads are taken before the caller's columns may go; and
       with no thread the caller enqueues. A failure is reported at once. */
    if (!owner || !sink->thread_started) {
        if (enqueue(sink, &job, sink->job_error, sizeof sink->job_error) != 0) sink->job_failed = 1;
        return settle(sink, timeout_ms, errbuf, errlen) != 0 ? -1 : values->length;
    }
    pthread_mutex_lock(&sink->lock);
    sink->job = job;
    sink->state = SENDER_BUSY;
    pthread_cond_broadcast(&sink->changed);
    pthread_mutex_unlock(&sink->lock);
    return values->length;
}

int64_t tide_kafka_sink_send(tide_kafka_sink *sink, tide_batch *owner, const char *topic,
                             const tide_column *topics, const tide_column *keys,
                             const tide_column *values, int32_t timeout_ms, char *errbuf,
                             size_t errlen)
{
    tide_kafka_rows rows = {.topics = topics, .keys = keys, .values = values};
    return tide_kafka_sink_send_rows(sink, owner, topic, &rows, timeout_ms, errbuf, errlen);
}

int64_t tide_kafka_sink_flush(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf,
                              size_t errlen)
{
    if (settle(sink, timeout_ms, errbuf, errlen) != 0) return -1;
    return flush_sent(sink, timeout_ms, errbuf, errlen);
}

int64_t tide_kafka_sink_write(tide_kafka_sink *sink, tide_batch *owner, const char *topic,
                              const tide_column *topics, const tide_column *keys,
                              const tide_column *values, int32_t timeout_ms, char *errbuf,
                              size_t errlen)
{
    if (tide_kafka_sink_send(sink, owner, topic, topics, keys, values, timeout_ms, errbuf, errlen) <
        0)
        return -1;
    return tide_kafka_sink_flush(sink, timeout_ms, errbuf, errlen);
}

int32_t tide_kafka_sink_partition_count(tide_kafka_sink *sink, const char *topic)
{
    await_sender(sink); /* which owns the topics */
    sink_topic *t = topic_handle(sink, topic, strlen(topic));
    return t ? tide_kafka_partitions_of(sink->partitions, t->rkt) : 0;
}

void tide_kafka_sink_free(tide_kafka_sink *sink)
{
    if (!sink) return;
    if (sink->thread_started) {
        await_sender(sink);
        pthread_mutex_lock(&sink->lock);
        sink->state = SENDER_QUIT;
        pthread_cond_broadcast(&sink->changed);
        pthread_mutex_unlock(&sink->lock);
        pthread_join(sink->thread, NULL);
    }
    tide_kafka_partitions_free(sink->partitions);
    for (int32_t i = 0; i < sink->num_topics; i++) {
        rd_kafka_topic_destroy(sink->topics[i].rkt);
        free(sink->topics[i].name);
    }
    free(sink->topics);
    /* Whatever a failed write left queued is dropped: its epoch is replayed. */
    rd_kafka_purge(sink->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(sink->rk, 1000);
    tide_kafka_client_destroy(sink->rk, 0);
    /* librdkafka is gone: nothing reads the borrowed memory any more. */
    while (sink->loans)
        loan_end(sink, sink->loans);
    release_loans(sink);
    pthread_cond_destroy(&sink->changed);
    pthread_mutex_destroy(&sink->lock);
    free(sink);
}
