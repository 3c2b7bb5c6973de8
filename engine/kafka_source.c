/*
 * kafka_source.c — the Kafka streaming source: exact offset ranges of many
 * partitions into one columnar batch.
 *
 * Contract (ffi/kafka.h): the caller owns the offsets (tide's checkpoint),
 * so the consumer is assigned partitions explicitly, never by a group
 * rebalance. A fetch reads exactly [start, end) of each partition; records
 * beyond an end that arrive meanwhile (librdkafka prefetches) are kept for
 * the next fetch, which normally starts where this one ended. Offsets
 * missing from a range are data loss only when the partition's earliest
 * offset has moved past them (retention, deleted records); other gaps are
 * Kafka's own (compaction, transaction markers). A partition whose position
 * is out of range (auto.offset.reset=error) is checked the same way and
 * moved to its earliest offset.
 *
 * Each partition has its own queue (its messages, end-of-partition events
 * and errors; not forwarded to the consumer queue, which keeps the errors
 * and events of the client), so a fetch takes from each partition only the
 * records its range needs: the rest stays in librdkafka's prefetch, which
 * is bounded per partition (queued.max.messages.kbytes). Every queue
 * writes to one pipe when it gets something, which is what waits wait on.
 * Everything is served on the caller's thread (kafka_queue.c); a queue
 * taken down to half its bound is refilled at the request of a thread of
 * its own (kafka_nudge.c).
 */
#include "kafka_source_int.h"

#include "bounded_call.h"
#include "java_regex.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* librdkafka's defaults, tuned for throughput with bounded memory; the
   user's kafka.* options override them (except the owned ones below). */
static const tide_kafka_setting source_defaults[] = {
    /* Offsets are tide's: nothing is committed or stored behind its back. */
    {"enable.auto.commit", "false"},
    {"enable.auto.offset.store", "false"},
    /* A position outside the log is reported, not silently moved: that is
       how deleted records are detected (see handle_reset). */
    {"auto.offset.reset", "error"},
    /* End-of-partition events finish ranges that end in offsets Kafka
       never delivers (transaction markers, compacted records). */
    {"enable.partition.eof", "true"},
    /* Responses of up to 1 MiB a partition: a response over the few
       partitions a broker serves a query fits in the 4 MiB of blocks kept
       in malloc's heaps (tide_kafka_source_new), so it is not mapped and
       faulted in afresh each time. At 2 MiB a 3-partition response was
       6 MiB: three times the page faults and ~10% more CPU a record
       (docs/performance-notes.md, "A fetch response within the kept
       heap"). 16 MiB a request bounds the rest. */
    {"fetch.max.bytes", "16777216"},
    {"max.partition.fetch.bytes", "1048576"},
    /* Spark's (Java's) default: aborted transactions' records are read
       too, and a partition's end is its high watermark, which the consumer
       learns with every fetch response (see latest_highs). */
    {"isolation.level", "read_uncommitted"},
    /* How long a broker holds a fetch when there is nothing to send.
       Kafka answers at once when a record arrives, so this only bounds
       how long a metadata or ListOffsets request queued behind an idle
       fetch waits (a connection's requests are answered in order), and
       the delivery delay of brokers that do not wake fetches (the mock). */
    {"fetch.wait.max.ms", "100"},
    /* fetch.min.bytes stays 1: a broker answers as soon as a record exists,
       which keeps latency low when traffic is light; under load responses
       are large anyway. */
    {"fetch.min.bytes", "1"},
    /* Prefetch per partition (each has its own queue): records waiting
       while the query works, bounded to 2 MB of payloads a partition so a
       query stays within its memory budget. A row-wise query fetches its
       batch in pieces of spark.tide.sliceRows records (a few MB over all
       partitions), so the prefetch need only cover the next piece, not
       the next batch: 8 MB a partition cost ~20 MB of resident memory
       for no measurable CPU (docs/performance-notes.md, "Sliced
       execution: a batch's memory"). A partition's fetch response is at
       most 1 MiB. */
    {"queued.min.messages", "100000"},
    {"queued.max.messages.kbytes", "2048"},
};

static const tide_kafka_setting source_owned[] = {
    {"auto.offset.reset", "tide keeps the offsets; set the source option startingOffsets instead"},
    {"enable.auto.commit", "tide commits offsets itself after each batch"},
    {"enable.partition.eof", "tide needs end-of-partition events to finish offset ranges"},
    {NULL, NULL},
};

/* ---- topics and partitions ---------------------------------------------------- */

int32_t ks_topic_find(const tide_kafka_source *src, const char *name, size_t len)
{
    for (int32_t i = 0; i < src->num_topics; i++)
        if (strlen(src->topics[i].name) == len && memcmp(src->topics[i].name, name, len) == 0)
            return i;
    return -1;
}

/* The index of topic `name`, added when missing; -1 when out of memory. */
int32_t ks_topic_get(tide_kafka_source *src, const char *name, size_t len)
{
    int32_t i = ks_topic_find(src, name, len);
    if (i >= 0) return i;
    if (src->num_topics == src->topics_cap) {
        int32_t cap = src->topics_cap ? src->topics_cap * 2 : 8;
        ks_topic *t = realloc(src->topics, sizeof *t * (size_t)cap);
        if (!t) return -1;
        src->topics = t;
        src->topics_cap = cap;
    }
    ks_topic *t = &src->topics[src->num_topics];
    memset(t, 0, sizeof *t);
    t->name = strndup(name, len);
    if (!t->name) return -1;
    /* A handle keeps the topic among the client's known topics, which is
       what a metadata request without all_topics asks about. */
    t->rkt = rd_kafka_topic_new(src->rk, t->name, NULL);
    if (!t->rkt) {
        free(t->name);
        return -1;
    }
    t->num_partitions = -1;
    return src->num_topics++;
}

ks_part *ks_part_get(tide_kafka_source *src, int32_t topic, int32_t partition)
{
    if (topic < 0 || topic >= src->num_topics || partition < 0) return NULL;
    ks_topic *t = &src->topics[topic];
    if (partition >= t->parts_cap) {
        int32_t cap = t->parts_cap ? t->parts_cap : 8;
        while (cap <= partition) cap *= 2;
        ks_part **parts = realloc(t->parts, sizeof *parts * (size_t)cap);
        if (!parts) return NULL;
        memset(parts + t->parts_cap, 0, sizeof *parts * (size_t)(cap - t->parts_cap));
        t->parts = parts;
        t->parts_cap = cap;
    }
    if (!t->parts[partition]) {
        ks_part *p = calloc(1, sizeof *p);
        if (!p) return NULL;
        p->topic = topic;
        p->partition = partition;
        p->fetch_pos = -1;
        p->end = -1;
        t->parts[partition] = p;
    }
    return t->parts[partition];
}

ks_part *ks_part_find(const tide_kafka_source *src, int32_t topic, int32_t partition)
{
    if (topic < 0 || topic >= src->num_topics || partition < 0) return NULL;
    const ks_topic *t = &src->topics[topic];
    return partition < t->parts_cap ? t->parts[partition] : NULL;
}

const char *ks_part_topic(const tide_kafka_source *src, const ks_part *p)
{
    return src->topics[p->topic].name;
}

/* ---- life cycle and subscription ----------------------------------------------------- */

tide_kafka_source *tide_kafka_source_new(const char **conf_kv, int32_t conf_n, char *errbuf,
                                         size_t errlen)
{
    tide_kafka_source *src = calloc(1, sizeof *src);
    if (!src) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        return NULL;
    }
    rd_kafka_conf_t *conf = tide_kafka_conf_new(
        "kafka source", source_defaults, sizeof source_defaults / sizeof source_defaults[0],
        conf_kv, conf_n, source_owned, errbuf, errlen);
    if (!conf) {
        free(src);
        return NULL;
    }
    char isolation[32];
    size_t isolation_len = sizeof isolation;
    src->read_committed = rd_kafka_conf_get(conf, "isolation.level", isolation, &isolation_len) ==
                              RD_KAFKA_CONF_OK &&
                          strcmp(isolation, "read_committed") == 0;
    /* Fetch responses come and go with every fetch: those up to 4 MiB
       (most, from a few partitions) are kept in malloc's heaps rather than
       mapped, and faulted in, afresh each time (a tenth of a Kafka ->
       PostgreSQL query's CPU time). Keeping up to fetch.max.bytes (16 MiB)
       faulted less still but held more: Kafka -> Kafka peaked at 101 MB. */
    const int64_t keep_max = 4 << 20;
    int64_t response_max = tide_kafka_conf_int(conf, "fetch.max.bytes", keep_max);
    tide_memory_keep((size_t)(response_max < keep_max ? response_max : keep_max));
    src->queue_max_bytes = tide_kafka_conf_int(conf, "queued.max.messages.kbytes", 65536) * 1024;
    src->queue_max_records = tide_kafka_conf_int(conf, "queued.min.messages", 100000);
    /* Assignments need a group; it is only used for commits. */
    const char *group = tide_kafka_conf_find(conf_kv, conf_n, "group.id");
    src->commits = group != NULL;
    if (!group) {
        static int serial;
        char name[64];
        snprintf(name, sizeof name, "tide-reader-%ld-%d", (long)getpid(), ++serial);
        rd_kafka_conf_set(conf, "group.id", name, NULL, 0);
    }
    src->rk = tide_kafka_client_new("kafka source", RD_KAFKA_CONSUMER, conf, conf_kv, conf_n, src,
                                    errbuf, errlen);
    if (!src->rk) {
        free(src);
        return NULL;
    }
    src->log = tide_kafka_client_log(src->rk);
    rd_kafka_poll_set_consumer(src->rk);
    src->queue = rd_kafka_queue_get_consumer(src->rk);
    src->last_topic = -1;
    if (pipe(src->wake) != 0) src->wake[0] = src->wake[1] = -1;
    if (src->wake[0] < 0 || fcntl(src->wake[0], F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(src->wake[1], F_SETFL, O_NONBLOCK) != 0) {
        snprintf(errbuf, errlen, "kafka source: pipe: %s", strerror(errno));
        tide_kafka_source_free(src);
        return NULL;
    }
    rd_kafka_queue_io_event_enable(src->queue, src->wake[1], "c", 1);
    return src;
}

/* The client and the wake pipe its threads write to, closed after it. */
typedef struct {
    rd_kafka_t *rk;
    int wake[2];
} client_shutdown;

/* How long the source's close waits for librdkafka to shut down. A
   partition removed from the cluster while it is consumed can keep
   librdkafka 2.0 from ever finishing (its fetch queue holds an error that
   holds the partition; later librdkafka releases purge that queue). The
   query must still end and report why. Shutting down takes milliseconds
   otherwise. */
#define CLIENT_DESTROY_WAIT_S 10.0

static void client_destroy(void *arg)
{
    /* No group membership to leave, and closing would wait for commits in
       flight, for as long as the socket timeout when the coordinator is
       gone: commits are for lag tools only, so they are not waited for. */
    tide_kafka_client_destroy(((client_shutdown *)arg)->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

/* Closed only once the client is gone: a descriptor number reused while
   its threads still wrote to it would get their wake-up bytes. */
static void wake_close(void *arg)
{
    client_shutdown *sd = arg;
    if (sd->wake[0] >= 0) close(sd->wake[0]);
    if (sd->wake[1] >= 0) close(sd->wake[1]);
}

static void wake_close_free(void *arg)
{
    wake_close(arg);
    free(arg);
}

void tide_kafka_source_free(tide_kafka_source *src)
{
    if (!src) return;
    ks_ahead_free(src);
    ks_nudge_free(src);
    rd_kafka_assign(src->rk, NULL);
    for (int32_t t = 0; t < src->num_topics; t++) {
        ks_topic *topic = &src->topics[t];
        for (int32_t k = 0; k < topic->parts_cap; k++) {
            ks_part *p = topic->parts[k];
            if (!p) continue;
            ks_stash_drop(src, p);
            free(p->stash);
            if (p->queue) {
                /* Drained: what is left in a partition's queue (such as
                   the error of a deleted topic) holds the partition, and
                   through it a broker, so rd_kafka_destroy would wait on
                   it forever. An error librdkafka's own threads put there
                   after this is what CLIENT_DESTROY_WAIT_S bounds. */
                rd_kafka_message_t *m;
                while ((m = rd_kafka_consume_queue(p->queue, 0))) rd_kafka_message_destroy(m);
                rd_kafka_queue_destroy(p->queue);
            }
            free(p);
        }
        free(topic->parts);
        free(topic->assigned);
        rd_kafka_topic_destroy(topic->rkt);
        free(topic->name);
    }
    free(src->topics);
    free(src->list);
    pcre2_match_data_free(src->pattern_match);
    pcre2_code_free(src->pattern);
    rd_kafka_queue_destroy(src->queue);
    client_shutdown local = {src->rk, {src->wake[0], src->wake[1]}}, *sd = malloc(sizeof *sd);
    if (!sd) {
        /* No memory to hand the wait over with: it is waited for here. */
        client_destroy(&local);
        wake_close(&local);
    } else {
        *sd = local;
        if (tide_bounded_call(client_destroy, wake_close_free, sd, CLIENT_DESTROY_WAIT_S) != 0) {
            fprintf(stderr,
                    "tide: warning: kafka source: the Kafka client did not shut down within "
                    "%.0f s; it is left to finish in the background\n",
                    CLIENT_DESTROY_WAIT_S);
        } else {
            wake_close_free(sd);
        }
    }
    free(src);
}

static int set_mode(tide_kafka_source *src, int mode, char *errbuf, size_t errlen)
{
    if (src->mode != KS_NONE && src->mode != mode) {
        snprintf(errbuf, errlen, "a kafka source reads by one of subscribe, subscribePattern or assign");
        return -1;
    }
    src->mode = mode;
    return 0;
}

int tide_kafka_source_subscribe(tide_kafka_source *src, const char *topics, char *errbuf,
                                size_t errlen)
{
    ks_ahead_wait(src);
    if (set_mode(src, KS_SUBSCRIBE, errbuf, errlen) != 0) return -1;
    int added = 0;
    for (const char *s = topics; *s;) {
        size_t skip = strspn(s, ", \t");
        s += skip;
        size_t len = strcspn(s, ", \t");
        if (len == 0) break;
        int32_t i = ks_topic_get(src, s, len);
        if (i < 0) {
            snprintf(errbuf, errlen, "topic %.*s: %s", (int)len, s, rd_kafka_err2str(rd_kafka_last_error()));
            return -1;
        }
        src->topics[i].subscribed = 1;
        added++;
        s += len;
    }
    if (!added) {
        snprintf(errbuf, errlen, "subscribe names no topic");
        return -1;
    }
    return 0;
}

int tide_kafka_source_subscribe_pattern(tide_kafka_source *src, const char *pattern,
                                        char *errbuf, size_t errlen)
{
    ks_ahead_wait(src);
    if (set_mode(src, KS_PATTERN, errbuf, errlen) != 0) return -1;
    if (src->pattern) {
        snprintf(errbuf, errlen, "subscribePattern is given twice");
        return -1;
    }
    /* Whole names only, as Java's Pattern.matches in Kafka's consumer;
       Java's syntax, rewritten where PCRE2 reads it otherwise. */
    char why[256];
    src->pattern = java_regex_compile(pattern, strlen(pattern), PCRE2_ANCHORED | PCRE2_ENDANCHORED,
                                      why, sizeof why);
    if (!src->pattern) {
        snprintf(errbuf, errlen, "subscribePattern %s: %s", pattern, why);
        return -1;
    }
    src->pattern_match = pcre2_match_data_create_from_pattern(src->pattern, NULL);
    if (!src->pattern_match) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        return -1;
    }
    return 0;
}

int tide_kafka_source_assign(tide_kafka_source *src, const char *topic, const int32_t *partitions,
                             int32_t n, char *errbuf, size_t errlen)
{
    ks_ahead_wait(src);
    if (set_mode(src, KS_ASSIGN, errbuf, errlen) != 0) return -1;
    int32_t i = ks_topic_get(src, topic, strlen(topic));
    if (i < 0) {
        snprintf(errbuf, errlen, "topic %s: %s", topic, rd_kafka_err2str(rd_kafka_last_error()));
        return -1;
    }
    ks_topic *t = &src->topics[i];
    int32_t *list = realloc(t->assigned, sizeof *list * (size_t)(t->num_assigned + n + 1));
    if (!list) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        return -1;
    }
    t->assigned = list;
    for (int32_t k = 0; k < n; k++) {
        if (partitions[k] < 0) {
            snprintf(errbuf, errlen, "assign: topic %s: partition %d is negative", topic, (int)partitions[k]);
            return -1;
        }
        int dup = 0;
        for (int32_t j = 0; j < t->num_assigned; j++) dup |= t->assigned[j] == partitions[k];
        if (!dup) t->assigned[t->num_assigned++] = partitions[k];
    }
    t->subscribed = 1;
    return 0;
}

const char *tide_kafka_source_topic_name(const tide_kafka_source *src, int32_t topic)
{
    return topic >= 0 && topic < src->num_topics ? src->topics[topic].name : "";
}
