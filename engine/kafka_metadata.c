/*
 * kafka_metadata.c — the Kafka source's topic metadata: which partitions
 * each subscribed topic has (and, for a pattern, which topics match).
 * Asked on the caller's thread when the answer is needed now (the first
 * time, or to confirm a deleted topic); otherwise a background thread
 * asks, and the answer is taken up by the next call after it arrives. A
 * metadata request waits behind the consumer's fetch on the same broker
 * connection (20-30 ms at 50k msg/s), so the refresh a running query wants
 * once a second would otherwise stall the micro-batch that asks.
 */
#include "kafka_source_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A refresh may fail harmlessly (what the metadata said last holds), so it
   waits less: a stop request is not seen while a query is in flight. */
#define REFRESH_TIMEOUT_MS 2000

struct ks_metadata_refresher {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int wanted, busy, stopping;
    /* the answer not taken up yet (md or err), and when it was asked */
    int ready;
    const rd_kafka_metadata_t *md;
    rd_kafka_resp_err_t err;
    double asked_at;
};

/* Takes up md: the partition counts of the subscribed topics, and the
   topics that match a pattern. 0, or -1 out of memory. */
static int apply(tide_kafka_source *src, const rd_kafka_metadata_t *md)
{
    int all = src->mode == KS_PATTERN;
    if (all)
        for (int32_t i = 0; i < src->num_topics; i++)
            src->topics[i].num_partitions = 0;
    for (int i = 0; i < md->topic_cnt; i++) {
        const rd_kafka_metadata_topic_t *mt = &md->topics[i];
        int32_t ti;
        if (all) {
            if (strncmp(mt->topic, "__", 2) == 0 || mt->err ||
                regexec(&src->pattern, mt->topic, 0, NULL, 0) != 0)
                continue;
            ti = ks_topic_get(src, mt->topic, strlen(mt->topic));
            if (ti < 0) return -1;
            src->topics[ti].subscribed = 1;
        } else {
            ti = ks_topic_find(src, mt->topic, strlen(mt->topic));
            if (ti < 0) continue;
        }
        if (mt->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
            src->topics[ti].num_partitions = 0;
        } else if (!mt->err || mt->partition_cnt > 0) {
            int32_t n = 0;
            for (int k = 0; k < mt->partition_cnt; k++)
                if (mt->partitions[k].id + 1 > n) n = mt->partitions[k].id + 1;
            src->topics[ti].num_partitions = n;
        }
        /* Other errors (a leader being elected) keep what was known. */
    }
    return 0;
}

/* Takes up an answer (md, or the error err) asked for at asked_at. */
static int take(tide_kafka_source *src, const rd_kafka_metadata_t *md, rd_kafka_resp_err_t err,
                double asked_at, char *errbuf, size_t errlen)
{
    int all = src->mode == KS_PATTERN;
    if (err) {
        snprintf(errbuf, errlen, "metadata of %s%s: %s", all ? "the cluster" : "topic ",
                 all ? "" : (src->num_topics ? src->topics[0].name : "?"), rd_kafka_err2str(err));
        return ks_unreachable(err) ? KS_UNREACHABLE : -1;
    }
    if (asked_at < src->metadata_at) { /* older than what was taken up */
        rd_kafka_metadata_destroy(md);
        return 0;
    }
    int rc = apply(src, md);
    rd_kafka_metadata_destroy(md);
    if (rc != 0) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        return -1;
    }
    src->metadata_at = asked_at;
    return 0;
}

/* Without all_topics, librdkafka asks about the topics it knows: the
   subscribed ones (ks_topic_get made a handle for each). */
static rd_kafka_resp_err_t ask(rd_kafka_t *rk, int all, int timeout_ms,
                               const rd_kafka_metadata_t **md)
{
    *md = NULL;
    return rd_kafka_metadata(rk, all, NULL, md, timeout_ms);
}

static void *refresher_main(void *arg)
{
    tide_kafka_source *src = arg;
    ks_metadata_refresher *r = src->refresher;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->wanted && !r->stopping)
            pthread_cond_wait(&r->wake, &r->lock);
        if (r->stopping) break;
        r->wanted = 0;
        r->busy = 1;
        int all = src->mode == KS_PATTERN;
        double asked_at = tide_now();
        pthread_mutex_unlock(&r->lock);
        const rd_kafka_metadata_t *md;
        rd_kafka_resp_err_t err = ask(src->rk, all, REFRESH_TIMEOUT_MS, &md);
        pthread_mutex_lock(&r->lock);
        r->busy = 0;
        r->ready = 1;
        r->md = md;
        r->err = err;
        r->asked_at = asked_at;
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static ks_metadata_refresher *refresher_start(tide_kafka_source *src)
{
    ks_metadata_refresher *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    src->refresher = r;
    if (pthread_create(&r->thread, NULL, refresher_main, src) != 0) {
        pthread_cond_destroy(&r->wake);
        pthread_mutex_destroy(&r->lock);
        free(r);
        src->refresher = NULL;
    }
    return src->refresher;
}

void ks_metadata_stop(tide_kafka_source *src)
{
    ks_metadata_refresher *r = src->refresher;
    if (!r) return;
    pthread_mutex_lock(&r->lock);
    r->stopping = 1;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    if (r->ready && r->md) rd_kafka_metadata_destroy(r->md);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    free(r);
    src->refresher = NULL;
}

int ks_metadata_refresh(tide_kafka_source *src, double max_age_s, int background, char *errbuf,
                        size_t errlen)
{
    ks_metadata_refresher *r = src->refresher;
    /* metadata_at 0: the caller wants an answer asked from now on. */
    int forced = src->metadata_at == 0;
    if (r) {
        /* An answer that arrived since the last call (dropped when forced). */
        pthread_mutex_lock(&r->lock);
        int ready = r->ready;
        const rd_kafka_metadata_t *md = r->md;
        rd_kafka_resp_err_t err = r->err;
        double asked_at = r->asked_at;
        r->ready = 0;
        r->md = NULL;
        pthread_mutex_unlock(&r->lock);
        if (ready && forced) {
            if (md) rd_kafka_metadata_destroy(md);
        } else if (ready) {
            int rc = take(src, md, err, asked_at, errbuf, errlen);
            /* The broker away for a moment: what it said last holds, and
               it is asked again after max_age_s. */
            if (rc == KS_UNREACHABLE && src->metadata_at > 0)
                src->metadata_at = asked_at;
            else if (rc != 0)
                return rc;
        }
    }
    if (src->metadata_at > 0 && tide_now() - src->metadata_at < max_age_s) return 0;
    if (background && src->metadata_at > 0 && (r || (r = refresher_start(src)))) {
        pthread_mutex_lock(&r->lock);
        if (!r->busy && !r->ready) {
            r->wanted = 1;
            pthread_cond_signal(&r->wake);
        }
        pthread_mutex_unlock(&r->lock);
        return 0;
    }
    double asked_at = tide_now();
    const rd_kafka_metadata_t *md;
    rd_kafka_resp_err_t err =
        ask(src->rk, src->mode == KS_PATTERN,
            src->metadata_at > 0 ? REFRESH_TIMEOUT_MS : QUERY_TIMEOUT_MS, &md);
    int rc = take(src, md, err, asked_at, errbuf, errlen);
    if (rc == KS_UNREACHABLE && src->metadata_at > 0) {
        src->metadata_at = tide_now();
        return 0;
    }
    return rc;
}
