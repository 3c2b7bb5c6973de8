/*
 * kafka_partitions.c — partition counts asked on a thread of their own.
 *
 * The Kafka sink places keyless records a chunk to a partition and needs
 * each topic's partition count. librdkafka keeps it to itself, and asking
 * the brokers (rd_kafka_metadata) blocks for a round trip, the first time
 * for the connection as well: a paced producer would send its first
 * records late and the rest in a burst. So the caller takes what is known
 * and the asking happens here; until the first answer the caller leaves
 * placement to librdkafka's partitioner.
 */
#include "kafka_partitions.h"
#include "tide_ffi.h"

#include <pthread.h>
#include <stdlib.h>

/* A request's wait for its answer: only freeing waits for it. */
#define METADATA_TIMEOUT_MS 1000
/* After a failed request (a topic being created, a broker down), how soon
   to ask again. */
#define RETRY_S 1.0

typedef struct {
    rd_kafka_topic_t *rkt;
    int32_t count;   /* 0 while unknown */
    double asked_at; /* tide_now() of the last request */
    int wanted;      /* due: the thread asks next */
} entry;

struct tide_kafka_partitions {
    rd_kafka_t *rk;
    double refresh_s;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t thread;
    int started, quit;
    entry *topics;
    int32_t num, cap;
};

int32_t tide_kafka_partitions_ask(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int timeout_ms)
{
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
    int32_t count = md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR
                        ? md->topics[0].partition_cnt
                        : -1;
    rd_kafka_metadata_destroy(md);
    return count;
}

static void *asker_main(void *arg)
{
    tide_kafka_partitions *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->quit) {
        int32_t i = 0;
        while (i < p->num && !p->topics[i].wanted)
            i++;
        if (i == p->num) {
            pthread_cond_wait(&p->changed, &p->lock);
            continue;
        }
        rd_kafka_topic_t *rkt = p->topics[i].rkt;
        pthread_mutex_unlock(&p->lock);
        int32_t count = tide_kafka_partitions_ask(p->rk, rkt, METADATA_TIMEOUT_MS);
        pthread_mutex_lock(&p->lock);
        entry *e = &p->topics[i]; /* the array may have grown; entry i is still rkt's */
        e->wanted = 0;
        e->asked_at = tide_now();
        /* A failed request keeps what was known, and is retried sooner. */
        if (count > 0)
            e->count = count;
        else if (e->count > 0)
            e->asked_at -= p->refresh_s - RETRY_S;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

tide_kafka_partitions *tide_kafka_partitions_new(rd_kafka_t *rk, double refresh_s)
{
    tide_kafka_partitions *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->rk = rk;
    p->refresh_s = refresh_s;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    return p;
}

int32_t tide_kafka_partitions_of(tide_kafka_partitions *p, rd_kafka_topic_t *rkt)
{
    pthread_mutex_lock(&p->lock);
    int32_t i = 0;
    while (i < p->num && p->topics[i].rkt != rkt)
        i++;
    if (i == p->num) {
        if (p->num == p->cap) {
            int32_t cap = p->cap ? p->cap * 2 : 4;
            entry *grown = realloc(p->topics, sizeof *grown * (size_t)cap);
            if (!grown) {
                pthread_mutex_unlock(&p->lock);
                return 0; /* librdkafka's partitioner places the records */
            }
            p->topics = grown;
            p->cap = cap;
        }
        p->topics[p->num++] = (entry){rkt, 0, 0.0, 0};
    }
    entry *e = &p->topics[i];
    double age = tide_now() - e->asked_at;
    if (!e->wanted && (e->asked_at == 0.0 || age > (e->count > 0 ? p->refresh_s : RETRY_S))) {
        e->wanted = 1;
        if (!p->started) p->started = pthread_create(&p->thread, NULL, asker_main, p) == 0;
        pthread_cond_signal(&p->changed);
    }
    int32_t count = e->count;
    pthread_mutex_unlock(&p->lock);
    return count;
}

void tide_kafka_partitions_free(tide_kafka_partitions *p)
{
    if (!p) return;
    if (p->started) {
        pthread_mutex_lock(&p->lock);
        p->quit = 1;
        pthread_cond_signal(&p->changed);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
    }
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    free(p->topics);
    free(p);
}
