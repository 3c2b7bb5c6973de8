/*
 * kafka_nudge.c — keeps librdkafka's prefetch going while a query reads.
 *
 * librdkafka 2.0 stops fetching a partition whose queue holds
 * queued.max.messages.kbytes (or queued.min.messages), and asks again only
 * when the broker's thread next wakes: on a response, a request, or a
 * timer up to a second later. Taking records from the queue does not wake
 * it. A fetch that drained a queue then had to wake it itself and wait a
 * round trip (kafka_fetch.c); over a Kafka -> Kafka query that was a
 * quarter of the fetch thread's time.
 *
 * So once a partition's queue is down to half its bound, the partition's
 * watermarks are asked on a thread of the source's own: the request wakes
 * the leader's thread, which fetches while the queue still has records,
 * and nobody waits for the answer. One request at a time; a partition is
 * nudged once until its queue is refilled past the mark.
 */
#include "kafka_source_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* How long a nudge waits for its answer: only the source's close waits
   for it, when a broker does not answer. */
#define NUDGE_TIMEOUT_MS 500

struct ks_nudge {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    rd_kafka_t *rk;
    int pending, busy, quit;
    char topic[512]; /* the request: Kafka topic names are at most 249 bytes */
    int32_t partition;
};

static void *nudge_main(void *arg)
{
    ks_nudge *n = arg;
    pthread_mutex_lock(&n->lock);
    for (;;) {
        while (!n->pending && !n->quit)
            pthread_cond_wait(&n->changed, &n->lock);
        if (n->quit) break;
        char topic[sizeof n->topic];
        memcpy(topic, n->topic, sizeof topic);
        int32_t partition = n->partition;
        n->pending = 0;
        n->busy = 1;
        pthread_mutex_unlock(&n->lock);
        rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(list, topic, partition);
        ks_wake_leaders(n->rk, list, NUDGE_TIMEOUT_MS);
        rd_kafka_topic_partition_list_destroy(list);
        pthread_mutex_lock(&n->lock);
        n->busy = 0;
    }
    pthread_mutex_unlock(&n->lock);
    return NULL;
}

void ks_wake_leaders(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *list, int timeout_ms)
{
    for (int i = 0; i < list->cnt; i++)
        list->elems[i].offset = RD_KAFKA_OFFSET_END; /* as a timestamp: the latest offset */
    rd_kafka_offsets_for_times(rk, list, timeout_ms);
}

/* The records below which a queue is nudged: half of what its bound holds
   at the size of the last fetch's records. */
static int64_t nudge_mark(const tide_kafka_source *src)
{
    double record = src->value_bytes + src->key_bytes;
    double by_bytes =
        record > 0 ? (double)src->queue_max_bytes / record : (double)src->queue_max_records;
    double bound =
        by_bytes < (double)src->queue_max_records ? by_bytes : (double)src->queue_max_records;
    return bound >= 2 ? (int64_t)(bound / 2) : 1;
}

static ks_nudge *nudge_start(tide_kafka_source *src)
{
    ks_nudge *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->rk = src->rk;
    pthread_mutex_init(&n->lock, NULL);
    pthread_cond_init(&n->changed, NULL);
    if (pthread_create(&n->thread, NULL, nudge_main, n) != 0) {
        pthread_cond_destroy(&n->changed);
        pthread_mutex_destroy(&n->lock);
        free(n);
        return NULL;
    }
    return n;
}

void ks_nudge_check(tide_kafka_source *src, ks_part *p)
{
    if (!p->queue || src->nudge_failed) return;
    int64_t queued = (int64_t)rd_kafka_queue_length(p->queue);
    if (queued >= nudge_mark(src)) {
        p->nudged = 0; /* refilled: the next drain is nudged again */
        return;
    }
    if (p->nudged) return;
    if (!src->nudge && !(src->nudge = nudge_start(src))) {
        src->nudge_failed = 1; /* fetches still wake a drained queue themselves */
        return;
    }
    ks_nudge *n = src->nudge;
    const char *topic = ks_part_topic(src, p);
    pthread_mutex_lock(&n->lock);
    if (!n->pending && !n->busy && strlen(topic) < sizeof n->topic) {
        strcpy(n->topic, topic);
        n->partition = p->partition;
        n->pending = 1;
        p->nudged = 1;
        src->nudges++;
        pthread_cond_signal(&n->changed);
    }
    pthread_mutex_unlock(&n->lock);
}

void ks_nudge_free(tide_kafka_source *src)
{
    ks_nudge *n = src->nudge;
    if (!n) return;
    pthread_mutex_lock(&n->lock);
    n->quit = 1;
    pthread_cond_signal(&n->changed);
    pthread_mutex_unlock(&n->lock);
    pthread_join(n->thread, NULL);
    pthread_cond_destroy(&n->changed);
    pthread_mutex_destroy(&n->lock);
    free(n);
    src->nudge = NULL;
}
