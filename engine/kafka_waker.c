/*
 * kafka_waker.c — wakes librdkafka's broker threads for a fetch without
 * making the query wait for the answer.
 *
 * librdkafka 2.0 stops fetching a partition whose prefetch queue has
 * reached queued.max.messages.kbytes, and looks at it again only when its
 * broker's thread next wakes, which consuming the queue does not do (it
 * may sleep up to a second). Any request to that broker wakes the thread,
 * which then sees the room in the queue and fetches. A ListOffsets
 * request (rd_kafka_query_watermark_offsets) is such a request, but it
 * blocks until answered: 3-4 ms a partition when the broker shares its
 * cores with the query, which in a Kafka -> PostgreSQL query was 0.45 s
 * of every million records. Here the request is made by a thread of the
 * source's own; the query goes straight on to wait for the records, which
 * arrive as soon as the broker thread has fetched them, not after the
 * request's answer.
 */
#include "kafka_source_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Partitions one wake-up asks about; more are left to the next. */
#define MAX_WAKE 64

typedef struct wake_target {
    char topic[256]; /* Kafka's topic names are at most 249 bytes */
    int32_t partition;
} wake_target;

struct ks_waker {
    rd_kafka_t *rk;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping;
    int pending; /* targets[0..count) wait for the thread */
    int busy;    /* the thread is asking */
    wake_target targets[MAX_WAKE];
    int32_t count;
};

static void *run(void *arg)
{
    ks_waker *w = arg;
    wake_target asking[MAX_WAKE];
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->pending && !w->stopping)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->stopping) break;
        int32_t n = w->count;
        memcpy(asking, w->targets, (size_t)n * sizeof *asking);
        w->pending = 0;
        w->busy = 1;
        pthread_mutex_unlock(&w->lock);
        for (int32_t i = 0; i < n; i++) {
            int64_t low, high;
            /* The answer is not needed: the request is the wake-up. */
            rd_kafka_query_watermark_offsets(w->rk, asking[i].topic, asking[i].partition, &low,
                                             &high, 1000);
        }
        pthread_mutex_lock(&w->lock);
        w->busy = 0;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

ks_waker *ks_waker_new(rd_kafka_t *rk)
{
    ks_waker *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->rk = rk;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

int ks_waker_wake(ks_waker *w, tide_kafka_source *src, ks_part *const *parts, int32_t n)
{
    pthread_mutex_lock(&w->lock);
    /* A request in flight has woken the brokers already. */
    int queued = !w->pending && !w->busy;
    if (queued) {
        int32_t count = 0;
        for (int32_t i = 0; i < n && count < MAX_WAKE; i++) {
            if (parts[i]->done) continue;
            wake_target *t = &w->targets[count++];
            snprintf(t->topic, sizeof t->topic, "%s", ks_part_topic(src, parts[i]));
            t->partition = parts[i]->partition;
        }
        w->count = count;
        w->pending = count > 0;
        if (count > 0) pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return queued;
}

void ks_waker_free(ks_waker *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
