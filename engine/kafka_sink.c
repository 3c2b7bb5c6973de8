/*
 * kafka_sink.c — writes batches to Kafka, at least once: the producer,
 * its entry points and the checks of the columns they are given.
 *
 * tide_kafka_sink_write hands each run of rows bound for one topic to
 * librdkafka (kafka_sink_enqueue.c), then flushes and waits for every
 * delivery report before it returns (kafka_sink_delivery.c). Payloads are
 * not copied when the caller names the batch that owns the columns: the
 * records point into its buffers, and the sink holds a reference on it
 * (one per send, a "loan") until each of those records is reported —
 * delivered, failed or purged; without an owner the payloads are copied
 * (the copy and its larger allocation cost ~0.2-0.4 CPU s per million
 * 400-byte records). When it returns the count, every record is
 * acknowledged by the brokers (acks=all, idempotent producer, so retries
 * add no duplicates within a session; unless the user's acks, retries or
 * requests in flight rule idempotence out, as Java producers since Kafka
 * 3.2 turn it off then). A failure names the topic and the partition.
 *
 * tide_kafka_sink_send hands the enqueueing to a thread of the sink's own
 * (kafka_sink_thread.c) and returns; a send's failure is reported by the
 * next send or flush, which first waits for the send in flight (settle).
 * Batches are retained and released on the caller's thread only (their
 * reference counts are not atomic). A headers column makes the sink
 * enqueue record by record (kafka_sink_headers.c); without one the batch
 * path is unchanged.
 *
 * With librdkafka's transactional.id the producer is transactional and
 * each epoch one transaction (kafka_sink_txn.c): exactly once for
 * read_committed readers. Without it nothing of that runs.
 */
#include "kafka_conf.h"
#include "kafka_sink_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A transactional producer's own: an open transaction must outlive the
   slowest batch (its pieces, the deliveries, the commit) with room to
   spare, yet end soon enough after a crash that read_committed readers are
   not held up long when no restart aborts it first (librdkafka's 60 s;
   brokers accept up to transaction.max.timeout.ms, 15 min by default). */
static const tide_kafka_setting txn_default = {"transaction.timeout.ms", "300000"};

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
    /* A transactional producer is idempotent: a conflict is refused then. */
    const char *txn_id = tide_kafka_conf_find(conf_kv, conf_n, "transactional.id");
    if (txn_id && !*txn_id) txn_id = NULL; /* librdkafka's unset */
    int drop_idempotence = !txn_id &&
                           !tide_kafka_conf_find(conf_kv, conf_n, "enable.idempotence") &&
                           tide_kafka_conf_idempotence_conflict(conf_kv, conf_n);
    tide_kafka_setting defaults[sizeof sink_defaults / sizeof sink_defaults[0] + 1];
    size_t n_defaults = 0;
    for (size_t i = 0; i < sizeof sink_defaults / sizeof sink_defaults[0]; i++)
        if (!drop_idempotence || strcmp(sink_defaults[i].key, "enable.idempotence") != 0)
            defaults[n_defaults++] = sink_defaults[i];
    if (txn_id) defaults[n_defaults++] = txn_default;
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
    rd_kafka_conf_set_dr_msg_cb(conf, sink_on_delivery);
    sink->rk = tide_kafka_client_new("kafka sink", RD_KAFKA_PRODUCER, conf, conf_kv, conf_n, sink,
                                     errbuf, errlen);
    if (!sink->rk) {
        free(sink);
        return NULL;
    }
    sink->log = tide_kafka_client_log(sink->rk);
    sink->partitions = tide_kafka_partitions_new(sink->rk, refresh_s);
    if (txn_id) sink->txn = sink_txn_new(txn_id);
    if (!sink->partitions || (txn_id && !sink->txn)) {
        tide_kafka_partitions_free(sink->partitions);
        if (sink->txn) sink_txn_free(sink);
        tide_kafka_client_destroy(sink->rk, 0);
        free(sink);
        snprintf(errbuf, errlen, "kafka sink: out of memory");
        return NULL;
    }
    sink_thread_init(sink);
    return sink;
}

static int is_bytes(const tide_column *col)
{
    return col->type == TIDE_STRING || col->type == TIDE_BINARY;
}

/* Waits for the send in flight. When it failed, what it enqueued is still
   delivered (or dropped on timeout) and -1 returns its error. */
int sink_settle(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf, size_t errlen)
{
    sink_thread_wait(sink);
    sink_loans_release(sink);
    if (!sink->job_failed) return 0;
    sink->job_failed = 0;
    snprintf(errbuf, errlen, "%s", sink->job_error);
    char ignored[1024];
    sink_flush_sent(sink, timeout_ms, ignored, sizeof ignored);
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
    const tide_column *h = rows->headers;
    if (h && (h->type != TIDE_ARRAY || h->length != values->length || h->children[0].type != TIDE_STRUCT ||
              h->children[0].num_children != 2 || h->children[0].children[0].type != TIDE_STRING ||
              h->children[0].children[1].type != TIDE_BINARY)) {
        snprintf(errbuf, errlen, "the headers column must be an array<struct<key:string,value:binary>> "
                                 "column as long as value");
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
    if (sink_settle(sink, timeout_ms, errbuf, errlen) != 0) return -1;
    snprintf(sink->topic_label, sizeof sink->topic_label, "%s",
             job.topic[0] ? job.topic : "(from the topic column)");
    if (sink->txn) sink_txn_note_topic(sink->txn, &job);

    if (owner && !(job.loan = sink_loan_new(sink, owner))) {
        snprintf(errbuf, errlen, "topic %s: out of memory", sink->topic_label);
        return -1;
    }
    /* Copied payloads are taken before the caller's columns may go; and
       with no thread the caller enqueues. A failure is reported at once. */
    if (!owner || !sink_thread_start(sink)) {
        if (sink_enqueue(sink, &job, sink->job_error, sizeof sink->job_error) != 0)
            sink->job_failed = 1;
        return sink_settle(sink, timeout_ms, errbuf, errlen) != 0 ? -1 : values->length;
    }
    sink_thread_send(sink, &job);
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
    if (sink_settle(sink, timeout_ms, errbuf, errlen) != 0) return -1;
    return sink_flush_sent(sink, timeout_ms, errbuf, errlen);
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
    sink_thread_wait(sink); /* which owns the topics */
    sink_topic *t = sink_topic_get(sink, topic, strlen(topic));
    return t ? tide_kafka_partitions_of(sink->partitions, t->rkt) : 0;
}

void tide_kafka_sink_free(tide_kafka_sink *sink)
{
    if (!sink) return;
    sink_thread_free(sink);
    if (sink->txn) sink_txn_free(sink);
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
    sink_loans_free(sink); /* librdkafka is gone */
    free(sink);
}
