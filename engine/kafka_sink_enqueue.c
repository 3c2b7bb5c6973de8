/*
 * kafka_sink_enqueue.c — a send's rows into librdkafka's queue, a run of
 * rows bound for one topic at a time, a chunk of records at a time.
 *
 * A chunk's records point into the send's columns (its loan's batch) or,
 * without a loan, are copied by librdkafka. The queue never overflows: the
 * sink counts the records and bytes in flight and, before each chunk,
 * serves delivery reports until the chunk fits, so records are enqueued in
 * row order and never refused half-way through a chunk.
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
 * does not have fails the send naming the row, before any record of its
 * chunk is enqueued: the count is asked of the brokers when a row names a
 * partition beyond the last known one (a partition added since), so a
 * record is never placed elsewhere.
 */
#include "kafka_sink_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long asking the brokers for a topic's partition count may wait. */
#define METADATA_WAIT_MS 10000

sink_topic *sink_topic_get(tide_kafka_sink *sink, const char *name, size_t len)
{
    for (int32_t i = 0; i < sink->num_topics; i++)
        if (sink->topics[i].name_len == len && memcmp(sink->topics[i].name, name, len) == 0)
            return &sink->topics[i];
    if (sink->num_topics == sink->topics_cap) {
        int32_t cap = sink->topics_cap ? sink->topics_cap * 2 : 8;
        sink_topic *t = realloc(sink->topics, sizeof *t * (size_t)cap);
        if (!t) return errno = ENOMEM, NULL;
        sink->topics = t;
        sink->topics_cap = cap;
    }
    char *copy = strndup(name, len);
    if (!copy) return errno = ENOMEM, NULL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(sink->rk, copy, NULL);
    if (!rkt) {
        free(copy);
        errno = 0;
        return NULL;
    }
    /* Sinks started apart start their keyless chunks on different partitions. */
    uint32_t first = (uint32_t)(uint64_t)(tide_now() * 1e6);
    sink->topics[sink->num_topics] = (sink_topic){copy, len, rkt, first, 0};
    return &sink->topics[sink->num_topics++];
}

/* The topic of a row: the topics column's, else the default. */
static const char *row_topic(const tide_column *topics, int64_t row, const char *fallback,
                             size_t *len)
{
    if (topics && tide_valid(topics, row)) {
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
    while (sink->inflight_messages > 0 &&
           (sink->inflight_messages + messages > sink->max_messages ||
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
            if (tide_valid(values, row)) {
                int32_t len;
                m->payload = (void *)tide_column_bytes(values, row, &len);
                m->len = (size_t)len;
            }
            if (keys && tide_valid(keys, row)) {
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
        int ok = job->headers ? sink_produce_each(sink, rkt, !l, sink->chunk, cnt, job->headers,
                                                  start, deadline, &bad_headers)
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
                         "topic %s: row %lld: a header has a null key, which a Kafka record "
                         "cannot carry",
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

int sink_enqueue(tide_kafka_sink *sink, const send_job *job, char *errbuf, size_t errlen)
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
        /* Without a topic column every row goes to the sink's topic. */
        int64_t to = job->topics ? from + 1 : rows;
        while (to < rows) {
            size_t next_len;
            const char *next = row_topic(job->topics, to, topic, &next_len);
            if (!next || next_len != len || memcmp(next, name, len) != 0) break;
            to++;
        }
        sink_topic *t = sink_topic_get(sink, name, len);
        if (!t) {
            snprintf(errbuf, errlen, "topic %.*s: %s", (int)len, name,
                     errno == ENOMEM ? "out of memory" : rd_kafka_err2str(rd_kafka_last_error()));
            rc = -1;
            break;
        }
        rc = produce_run(sink, t, job, from, to, deadline, errbuf, errlen);
        from = to;
    }
    sink_loan_drop(sink, job->loan, 1);
    return rc;
}
