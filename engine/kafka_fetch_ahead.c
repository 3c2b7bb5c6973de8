/*
 * kafka_fetch_ahead.c — a fetch run on a thread of the source's own, so
 * that the next piece of a micro-batch is read out of librdkafka while the
 * query runs its plan over the current piece (both cores busy where one
 * would alternate).
 *
 * One fetch at a time. The source is used by one thread at a time all the
 * same: every other entry point first waits for a fetch in flight, and the
 * fetch thread only runs between tide_kafka_source_fetch_begin and that.
 * The result waits for tide_kafka_source_fetch_end across other calls (a
 * query's next micro-batch may begin with a piece fetched while the last
 * one ran: latest offsets, commits and the like come in between); only
 * another fetch, or freeing the source, drops it.
 */
#include "kafka_source_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { AHEAD_IDLE, AHEAD_REQUESTED, AHEAD_DONE, AHEAD_QUIT };

struct ks_ahead {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int state;
    /* the request */
    tide_partition_offset *starts, *ends;
    int32_t n, cap, include_headers, timeout_ms;
    /* its outcome */
    tide_batch *batch;
    int64_t lost;
    char errbuf[1024];
};

static void *ahead_main(void *arg)
{
    tide_kafka_source *src = arg;
    ks_ahead *a = src->ahead;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (a->state != AHEAD_REQUESTED && a->state != AHEAD_QUIT)
            pthread_cond_wait(&a->changed, &a->lock);
        if (a->state == AHEAD_QUIT) break;
        pthread_mutex_unlock(&a->lock);
        int64_t lost = 0;
        a->errbuf[0] = '\0';
        tide_batch *b = ks_fetch(src, a->starts, a->ends, a->n, a->include_headers, a->timeout_ms,
                                 &lost, a->errbuf, sizeof a->errbuf);
        pthread_mutex_lock(&a->lock);
        a->batch = b;
        a->lost = lost;
        a->state = AHEAD_DONE;
        pthread_cond_broadcast(&a->changed);
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

/* Waits for the fetch in flight, if any; the lock is held on return. */
static void await_done(ks_ahead *a)
{
    pthread_mutex_lock(&a->lock);
    while (a->state == AHEAD_REQUESTED)
        pthread_cond_wait(&a->changed, &a->lock);
}

void ks_ahead_wait(tide_kafka_source *src)
{
    ks_ahead *a = src->ahead;
    if (!a) return;
    await_done(a);
    pthread_mutex_unlock(&a->lock);
}

void ks_ahead_drop(tide_kafka_source *src)
{
    ks_ahead *a = src->ahead;
    if (!a) return;
    await_done(a);
    tide_batch *dropped = a->state == AHEAD_DONE ? a->batch : NULL;
    if (a->state == AHEAD_DONE) a->state = AHEAD_IDLE;
    a->batch = NULL;
    pthread_mutex_unlock(&a->lock);
    if (dropped) tide_batch_free(dropped);
}

/* Frees src->ahead, whose thread has ended or never started. */
static void ahead_destroy(tide_kafka_source *src)
{
    ks_ahead *a = src->ahead;
    pthread_cond_destroy(&a->changed);
    pthread_mutex_destroy(&a->lock);
    free(a->starts);
    free(a->ends);
    free(a);
    src->ahead = NULL;
}

void ks_ahead_free(tide_kafka_source *src)
{
    ks_ahead *a = src->ahead;
    if (!a) return;
    ks_ahead_drop(src);
    pthread_mutex_lock(&a->lock);
    a->state = AHEAD_QUIT;
    pthread_cond_broadcast(&a->changed);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    ahead_destroy(src);
}

static int ahead_start(tide_kafka_source *src, char *errbuf, size_t errlen)
{
    ks_ahead *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        return -1;
    }
    /* Both succeed on Linux with default attributes (they allocate nothing). */
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->changed, NULL);
    src->ahead = a;
    if (pthread_create(&a->thread, NULL, ahead_main, src) != 0) {
        ahead_destroy(src);
        snprintf(errbuf, errlen, "kafka source: cannot start the fetch thread");
        return -1;
    }
    return 0;
}

int tide_kafka_source_fetch_begin(tide_kafka_source *src, const tide_partition_offset *starts,
                                  const tide_partition_offset *ends, int32_t n,
                                  int32_t include_headers, int32_t timeout_ms, char *errbuf,
                                  size_t errlen)
{
    if (!src->ahead && ahead_start(src, errbuf, errlen) != 0) return -1;
    ks_ahead_drop(src);
    ks_ahead *a = src->ahead;
    if (n > a->cap) {
        tide_partition_offset *s = realloc(a->starts, sizeof *s * (size_t)n);
        if (s) a->starts = s;
        tide_partition_offset *e = s ? realloc(a->ends, sizeof *e * (size_t)n) : NULL;
        if (e) a->ends = e;
        if (!s || !e) {
            snprintf(errbuf, errlen, "kafka source: out of memory");
            return -1;
        }
        a->cap = n;
    }
    if (n > 0) {
        memcpy(a->starts, starts, sizeof *starts * (size_t)n);
        memcpy(a->ends, ends, sizeof *ends * (size_t)n);
    }
    pthread_mutex_lock(&a->lock);
    a->n = n;
    a->include_headers = include_headers;
    a->timeout_ms = timeout_ms;
    a->state = AHEAD_REQUESTED;
    pthread_cond_broadcast(&a->changed);
    pthread_mutex_unlock(&a->lock);
    return 0;
}

tide_batch *tide_kafka_source_fetch_end(tide_kafka_source *src, int64_t *lost, char *errbuf,
                                        size_t errlen)
{
    ks_ahead *a = src->ahead;
    *lost = 0;
    if (!a) {
        snprintf(errbuf, errlen, "kafka source: no fetch was begun");
        return NULL;
    }
    await_done(a);
    if (a->state != AHEAD_DONE) {
        pthread_mutex_unlock(&a->lock);
        snprintf(errbuf, errlen, "kafka source: no fetch was begun");
        return NULL;
    }
    tide_batch *b = a->batch;
    a->batch = NULL;
    a->state = AHEAD_IDLE;
    *lost = a->lost;
    snprintf(errbuf, errlen, "%s", a->errbuf);
    pthread_mutex_unlock(&a->lock);
    return b;
}
