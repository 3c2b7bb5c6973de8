/*
 * kafka_queue.c — what the Kafka source's consumer delivers (kafka_source.c
 * has the contract): each partition's queue served on the caller's thread,
 * records in a fetch's range handed to its batch, the rest kept in order
 * for the next fetch (the stash), end-of-partition events finishing ranges
 * whose last offsets Kafka never delivers, and positions outside the log
 * checked for lost records.
 */
#include "kafka_source_int.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The partition a consumed message or event belongs to, or NULL. */
static ks_part *message_part(tide_kafka_source *src, const rd_kafka_message_t *m)
{
    if (!m->rkt || m->partition < 0) return NULL;
    if (m->rkt != src->last_rkt) {
        const char *name = rd_kafka_topic_name(m->rkt);
        src->last_topic = ks_topic_find(src, name, strlen(name));
        src->last_rkt = m->rkt;
    }
    return ks_part_find(src, src->last_topic, m->partition);
}

/* ---- messages kept for a later fetch -------------------------------------------- */

void ks_stash_drop(tide_kafka_source *src, ks_part *p)
{
    for (int32_t i = 0; i < p->stash_n; i++)
        rd_kafka_message_destroy(p->stash[(p->stash_head + i) % p->stash_cap]);
    src->stash_bytes -= p->stash_bytes;
    p->stash_bytes = 0;
    p->stash_head = p->stash_n = 0;
}

static int stash_push(tide_kafka_source *src, ks_part *p, rd_kafka_message_t *m)
{
    if (p->stash_n == p->stash_cap) {
        int32_t cap = p->stash_cap ? p->stash_cap * 2 : 256;
        rd_kafka_message_t **ring = malloc(sizeof *ring * (size_t)cap);
        if (!ring) return -1;
        for (int32_t i = 0; i < p->stash_n; i++) ring[i] = p->stash[(p->stash_head + i) % p->stash_cap];
        free(p->stash);
        p->stash = ring;
        p->stash_cap = cap;
        p->stash_head = 0;
    }
    p->stash[(p->stash_head + p->stash_n) % p->stash_cap] = m;
    p->stash_n++;
    int64_t bytes = (int64_t)(m->len + m->key_len);
    p->stash_bytes += bytes;
    src->stash_bytes += bytes;
    return 0;
}

rd_kafka_message_t *ks_stash_peek(const ks_part *p)
{
    return p->stash_n ? p->stash[p->stash_head] : NULL;
}

void ks_stash_pop(tide_kafka_source *src, ks_part *p)
{
    rd_kafka_message_t *m = p->stash[p->stash_head];
    int64_t bytes = (int64_t)(m->len + m->key_len);
    p->stash_bytes -= bytes;
    src->stash_bytes -= bytes;
    p->stash_head = (p->stash_head + 1) % p->stash_cap;
    p->stash_n--;
    rd_kafka_message_destroy(m);
}

/* ---- the consumer queue ------------------------------------------------------------- */

void ks_add_lost(tide_kafka_source *src, const ks_part *p, int64_t from, int64_t to)
{
    if (to <= from) return;
    src->lost += to - from;
    size_t used = strlen(src->lost_text);
    if (used + 1 < sizeof src->lost_text)
        snprintf(src->lost_text + used, sizeof src->lost_text - used, "%stopic %s partition %d offsets [%lld, %lld)",
                 used ? "; " : "", ks_part_topic(src, p), (int)p->partition, (long long)from, (long long)to);
}

/* The partition's earliest offset as the last fetch response gave it (no
   request), or -1 when there is none to trust. */
static int64_t fetched_low(tide_kafka_source *src, const ks_part *p)
{
    int64_t low, high;
    if (!p->assigned || p->fetch_pos < 0 || p->reset ||
        rd_kafka_get_watermark_offsets(src->rk, ks_part_topic(src, p), p->partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR)
        return -1;
    return low;
}

/* Records [from, to) of p were not delivered: lost when the partition's
   earliest offset is past them, else a gap Kafka leaves on purpose. */
int ks_check_gap(tide_kafka_source *src, ks_part *p, int64_t from, int64_t to, char *errbuf,
                 size_t errlen)
{
    if (to <= from) return 0;
    /* The log starting at or below the gap as the last fetch saw it, the
       gap is Kafka's own: a transaction's commit marker (one after every
       transaction of a transactional topic), aborted records, compaction.
       Asking the broker there would wait behind the consumer's
       long-polling fetch (~0.1 s) at every marker. */
    int64_t seen = fetched_low(src, p);
    if (seen >= 0 && seen <= from) {
        if (seen > p->low) p->low = seen;
        return 0;
    }
    if (p->low < 0 || p->low <= from) {
        /* Ask the broker again: retention may have moved it meanwhile. */
        int64_t low;
        if (ks_query_offsets(src, &p, 1, -2, &low, errbuf, errlen) != 0) return -1;
        p->low = low;
    }
    if (p->low > from) ks_add_lost(src, p, from, p->low < to ? p->low : to);
    return 0;
}

static void finish_part(tide_kafka_source *src, ks_part *p)
{
    p->pos = p->end;
    p->done = 1;
    src->remaining--;
}

/* A fetched partition whose records below its end have all come (the
   consumer is past it) is complete; what never came is checked. */
static int check_done(tide_kafka_source *src, ks_part *p, char *errbuf, size_t errlen)
{
    if (p->end < 0 || p->done) return 0;
    if (p->pos >= p->end) {
        finish_part(src, p);
    } else if (p->fetch_pos >= p->end) {
        if (ks_check_gap(src, p, p->pos, p->end, errbuf, errlen) != 0) return -1;
        finish_part(src, p);
    }
    return 0;
}

/* The consumer found p's position outside the log. Records below the
   earliest offset are lost; the rest is read from there. */
static int handle_reset(tide_kafka_source *src, ks_part *p, char *errbuf, size_t errlen)
{
    p->reset = 1;
    if (p->end < 0 || p->done) {
        p->fetch_pos = -1; /* repositioned when next fetched */
        return 0;
    }
    int64_t marks[2];
    ks_part *one[1] = {p};
    if (ks_query_offsets(src, one, 1, -2, &marks[0], errbuf, errlen) != 0 ||
        ks_query_offsets(src, one, 1, -1, &marks[1], errbuf, errlen) != 0)
        return -1;
    p->low = marks[0];
    if (p->pos < marks[0]) {
        int64_t resume = marks[0] < p->end ? marks[0] : p->end;
        ks_add_lost(src, p, p->pos, resume);
        p->pos = resume;
    } else if (p->pos >= marks[1]) {
        /* The range is beyond the log's end: the topic was recreated or
           truncated since the range was planned. */
        ks_add_lost(src, p, p->pos, p->end);
        p->pos = p->end;
    } else if (++p->resets > 3) {
        snprintf(errbuf, errlen, "topic %s partition %d: offset %lld is out of range again, though "
                 "the log holds [%lld, %lld)", ks_part_topic(src, p), (int)p->partition,
                 (long long)p->pos, (long long)marks[0], (long long)marks[1]);
        return -1;
    }
    if (p->pos >= p->end) {
        finish_part(src, p);
        return 0;
    }
    return ks_reposition(src, &p, 1, errbuf, errlen);
}

/* Takes one message or event of a queue (owning it). During a fetch,
   records in range go to the batch (ks_accept). */
int ks_handle(tide_kafka_source *src, rd_kafka_message_t *m, char *errbuf, size_t errlen)
{
    ks_part *p = message_part(src, m);
    int rc = 0;
    if (m->err) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (p && p->fetch_pos >= 0 && m->offset > p->fetch_pos) p->fetch_pos = m->offset;
            if (p) rc = check_done(src, p, errbuf, errlen);
        } else if (p && (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
                         m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE)) {
            rc = handle_reset(src, p, errbuf, errlen);
        } else if (p) {
            snprintf(src->client_error, sizeof src->client_error, "topic %s partition %d: %s",
                     ks_part_topic(src, p), (int)p->partition, rd_kafka_message_errstr(m));
            if (p->end >= 0 && !p->done && (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                                            m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
                                            m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)) {
                snprintf(errbuf, errlen, "%s", src->client_error);
                rc = -1;
            }
        } else {
            snprintf(src->client_error, sizeof src->client_error, "%s", rd_kafka_message_errstr(m));
            char fatal[256];
            if (rd_kafka_fatal_error(src->rk, fatal, sizeof fatal)) {
                snprintf(errbuf, errlen, "kafka consumer: %s", fatal);
                rc = -1;
            }
        }
        rd_kafka_message_destroy(m);
        return rc;
    }
    if (!p || p->fetch_pos < 0 || m->offset < p->fetch_pos) {
        /* From before a seek, or of a partition no longer read. */
        rd_kafka_message_destroy(m);
        return 0;
    }
    p->fetch_pos = m->offset + 1;
    if (p->end >= 0 && !p->done && p->stash_n == 0 && m->offset < p->end) {
        if (m->offset > p->pos) rc = ks_check_gap(src, p, p->pos, m->offset, errbuf, errlen);
        if (rc == 0) rc = ks_accept(src, p, m, errbuf, errlen);
        p->pos = m->offset + 1;
        rd_kafka_message_destroy(m);
    } else if (stash_push(src, p, m) != 0) {
        rd_kafka_message_destroy(m);
        snprintf(errbuf, errlen, "kafka source: out of memory");
        return -1;
    }
    if (rc == 0) rc = check_done(src, p, errbuf, errlen);
    return rc;
}

/* Takes up to max messages waiting in q (none: 0); the count, or -1. */
static int64_t serve_queue(tide_kafka_source *src, rd_kafka_queue_t *q, int64_t max, char *errbuf,
                           size_t errlen)
{
    rd_kafka_message_t *msgs[1024];
    if (max > 1024) max = 1024;
    if (max <= 0) return 0;
    ssize_t n = rd_kafka_consume_batch_queue(q, 0, msgs, (size_t)max);
    int rc = 0;
    for (ssize_t i = 0; i < n; i++) {
        if (rc == 0) rc = ks_handle(src, msgs[i], errbuf, errlen);
        else rd_kafka_message_destroy(msgs[i]);
    }
    return rc != 0 ? -1 : n > 0 ? (int64_t)n : 0;
}

/* How many messages p's queue may give now. During a fetch, a partition
   being read takes what its range still needs (a gap may bring records
   past the end, which are kept) and the others take nothing, so their
   records wait in librdkafka's bounded prefetch; between fetches (latest()
   waiting for records) every partition is served, which takes few. */
static int64_t wanted(const tide_kafka_source *src, const ks_part *p)
{
    if (!p->queue || !p->assigned) return 0;
    if (!src->fetch) return 1024;
    if (p->end < 0 || p->done) return 0;
    return p->end - p->pos > 0 ? p->end - p->pos : 1;
}

static int64_t serve_ready(tide_kafka_source *src, char *errbuf, size_t errlen)
{
    int64_t total = serve_queue(src, src->queue, 1024, errbuf, errlen);
    if (total < 0) return -1;
    for (int32_t t = 0; t < src->num_topics; t++) {
        for (int32_t k = 0; k < src->topics[t].parts_cap; k++) {
            ks_part *p = src->topics[t].parts[k];
            int64_t want, n, taken = 0;
            while (p && (want = wanted(src, p)) > 0) {
                if ((n = serve_queue(src, p->queue, want, errbuf, errlen)) < 0) return -1;
                taken += n;
                if (n < want || n == 0 || !src->fetch) break;
            }
            if (taken > 0) ks_nudge_check(src, p);
            total += taken;
        }
    }
    return total;
}

/* Empties the wake pipe: called before the queues are looked at, so a
   queue that gets something afterwards is seen by the next wait. */
static void drain_wake(tide_kafka_source *src)
{
    char buf[256];
    while (read(src->wake[0], buf, sizeof buf) > 0) {}
}

/* Serves what is waiting (see wanted()); when nothing was, waits up to
   wait_ms for a queue to get something and serves again. Returns the
   count served, or -1 with errbuf. */
int64_t ks_serve(tide_kafka_source *src, int32_t wait_ms, char *errbuf, size_t errlen)
{
    /* Where a query waits on the brokers: the client's lasting problems
       are said here, each once. */
    tide_kafka_log_report(src->log, TIDE_KAFKA_WARN_AFTER_S);
    drain_wake(src);
    int64_t n = serve_ready(src, errbuf, errlen);
    if (n != 0 || wait_ms <= 0) return n;
    struct pollfd pfd = {src->wake[0], POLLIN, 0};
    if (poll(&pfd, 1, wait_ms) <= 0) return 0;
    drain_wake(src);
    return serve_ready(src, errbuf, errlen);
}

int32_t tide_kafka_source_wake_fd(tide_kafka_source *src)
{
    return src->wake[0];
}

int64_t tide_kafka_source_serve(tide_kafka_source *src, char *errbuf, size_t errlen)
{
    ks_ahead_wait(src);
    return ks_serve(src, 0, errbuf, errlen);
}
