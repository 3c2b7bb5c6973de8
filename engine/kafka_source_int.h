/*
 * kafka_source_int.h — the Kafka source's state, shared by its files:
 * kafka_source.c (topics, partitions, the consumer), kafka_position.c
 * (assignment, seeks, offset queries), kafka_queue.c (serving the consumer's queues), kafka_offsets.c
 * (metadata, watermarks, latest offsets, seek, commit), kafka_fetch.c
 * (offset ranges into a batch), kafka_fetch_ahead.c (a fetch on a thread
 * of its own) and kafka_nudge.c (refilling the prefetch). C only.
 */
#ifndef TIDE_KAFKA_SOURCE_INT_H
#define TIDE_KAFKA_SOURCE_INT_H
#include "batch.h"
#include "ffi/kafka.h"
#include "kafka_conf.h"
#include "kafka_log.h"

#include <librdkafka/rdkafka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

enum { KS_NONE, KS_SUBSCRIBE, KS_PATTERN, KS_ASSIGN };

typedef struct ks_part {
    int32_t topic, partition;
    int assigned; /* in the consumer's assignment */
    /* the partition's own queue (not forwarded to the consumer queue), so
       a fetch takes only the records it needs and librdkafka's prefetch
       of each partition is bounded by queued.max.messages.kbytes */
    rd_kafka_queue_t *queue;
    int64_t pos;       /* the next offset a fetch hands out */
    int64_t fetch_pos; /* the next offset expected from the consumer; -1: to reposition */
    int64_t low;       /* earliest offset last seen (loss checks) */
    int reset;         /* stopped by an offset reset error: assign again */
    int resets;        /* out-of-range reports during this fetch */
    /* the fetch in progress: [pos, end), or end -1 when not fetched */
    int64_t end;
    int done;
    int64_t after;     /* latest(): where the caller's position is */
    /* records taken from the queue but not handed out yet (beyond a
       fetch's end after a gap), in offset order (a ring) */
    rd_kafka_message_t **stash;
    int32_t stash_head, stash_n, stash_cap;
    int64_t stash_bytes;
    int nudged; /* kafka_nudge.c: woken since its queue was last refilled */
} ks_part;

typedef struct ks_topic {
    char *name;
    rd_kafka_topic_t *rkt;
    int subscribed;        /* subscribed, matched by the pattern, or assigned */
    int32_t *assigned;     /* KS_ASSIGN: the partitions */
    int32_t num_assigned;
    int32_t num_partitions; /* from metadata; -1 before any */
    ks_part **parts;        /* by partition id, made on first use */
    int32_t parts_cap;
} ks_topic;

typedef struct ks_ahead ks_ahead;
typedef struct ks_nudge ks_nudge;

struct tide_kafka_source {
    rd_kafka_t *rk;
    tide_kafka_log *log;     /* the client's (tide_kafka_client_log) */
    rd_kafka_queue_t *queue; /* the consumer's errors and events */
    int wake[2];             /* a pipe written when a queue gets something */
    int mode;
    pcre2_code *pattern; /* subscribePattern, Java's syntax (PCRE2 reads it nearly alike) */
    pcre2_match_data *pattern_match;
    int commits; /* the user named a group.id */
    int read_committed; /* isolation.level: ends are last stable offsets */
    ks_topic *topics;
    int32_t num_topics, topics_cap;
    double metadata_at; /* tide_now() of the last metadata refresh, 0: never */
    /* the subscription's partitions, rebuilt by ks_subscription() */
    ks_part **list;
    int32_t list_n, list_cap;
    int64_t stash_bytes;
    const rd_kafka_topic_t *last_rkt; /* message topic lookups */
    int32_t last_topic;
    char client_error[512];
    /* the fetch in progress */
    int32_t remaining; /* partitions not done */
    int64_t lost;
    char lost_text[768];
    void *fetch; /* kafka_fetch.c's batch builder */
    /* bytes per record of the last fetch's values and keys, which size
       the next fetch's buffers (0: no fetch yet) */
    double value_bytes, key_bytes;
    ks_ahead *ahead; /* kafka_fetch_ahead.c's thread, made on first use */
    ks_nudge *nudge; /* kafka_nudge.c's thread, made on first use */
    int64_t stalls;  /* times a fetch found every queue empty and woke the brokers itself */
    int64_t nudges;  /* kafka_nudge.c: wake-ups asked for before a queue ran dry */
    int nudge_failed;
    /* a partition queue's bound (queued.max.messages.kbytes, queued.min.messages) */
    int64_t queue_max_bytes, queue_max_records;
};

int32_t ks_topic_find(const tide_kafka_source *src, const char *name, size_t len);
int32_t ks_topic_get(tide_kafka_source *src, const char *name, size_t len);
ks_part *ks_part_get(tide_kafka_source *src, int32_t topic, int32_t partition);
/* The partition if the source has made it, else NULL (makes nothing). */
ks_part *ks_part_find(const tide_kafka_source *src, int32_t topic, int32_t partition);
const char *ks_part_topic(const tide_kafka_source *src, const ks_part *p);
/* kafka_queue.c: the records of p kept for a later fetch (the stash):
   the first, without taking it; taking it (and freeing it); freeing all. */
rd_kafka_message_t *ks_stash_peek(const ks_part *p);
void ks_stash_pop(tide_kafka_source *src, ks_part *p);
void ks_stash_drop(tide_kafka_source *src, ks_part *p);
/* kafka_position.c: the consumer made to deliver each part from its pos
   (a new part assigned, with a queue of its own); offsets of parts for
   `which` (a time, -2 earliest, -1 latest) into out, one per part. */
int ks_reposition(tide_kafka_source *src, ks_part **parts, int32_t n, char *errbuf, size_t errlen);
/* KS_GONE: the query failed because a partition's topic is unknown to the
   broker (deleted; the metadata may not say so yet). */
#define KS_GONE (-2)
/* KS_UNREACHABLE: the broker did not answer (down, restarting, the network):
   worth asking again. */
#define KS_UNREACHABLE (-3)
/* How long a call waits for a broker that does not answer (a restart)
   before the query fails: about a consumer's default.api.timeout.ms. */
#define UNREACHABLE_WAIT_S 60.0
/* How long metadata and offset queries may take. */
#define QUERY_TIMEOUT_MS 10000
int ks_unreachable(rd_kafka_resp_err_t e);
int ks_query_offsets(tide_kafka_source *src, ks_part **parts, int32_t n, int64_t which,
                     int64_t *out, char *errbuf, size_t errlen);
void ks_add_lost(tide_kafka_source *src, const ks_part *p, int64_t from, int64_t to);
int ks_check_gap(tide_kafka_source *src, ks_part *p, int64_t from, int64_t to, char *errbuf,
                 size_t errlen);
int ks_handle(tide_kafka_source *src, rd_kafka_message_t *m, char *errbuf, size_t errlen);
int64_t ks_serve(tide_kafka_source *src, int32_t wait_ms, char *errbuf, size_t errlen);
/* kafka_nudge.c: after records were taken from p's queue, wakes its
   leader's thread (without waiting) when the queue is down to half its
   bound, so that librdkafka fetches it again before it runs dry. */
void ks_nudge_check(tide_kafka_source *src, ks_part *p);
void ks_nudge_free(tide_kafka_source *src);
/* kafka_nudge.c: asks the leaders of list's partitions for their latest
   offsets, only to wake their threads (the answer is dropped), waiting at
   most timeout_ms even while a broker is down. (Before librdkafka 2.3,
   rd_kafka_query_watermark_offsets waits for such a broker to come back:
   a fetch, and the query's stop, waited as long: librdkafka #2588.) */
void ks_wake_leaders(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *list, int timeout_ms);
/* kafka_fetch.c: appends a record in range to the fetch's batch. */
int ks_accept(tide_kafka_source *src, ks_part *p, const rd_kafka_message_t *m, char *errbuf,
              size_t errlen);
/* kafka_offsets.c: the partitions subscribed now into src->list. */
int ks_subscription(tide_kafka_source *src, double max_age_s, char *errbuf, size_t errlen);

/* kafka_fetch.c: tide_kafka_source_fetch, on whichever thread runs it. */
tide_batch *ks_fetch(tide_kafka_source *src, const tide_partition_offset *starts,
                     const tide_partition_offset *ends, int32_t n, int32_t include_headers,
                     int32_t timeout_ms, int64_t *lost, char *errbuf, size_t errlen);
/* kafka_fetch_ahead.c: wait waits for a fetch in flight and keeps its
   result for tide_kafka_source_fetch_end (every other entry point calls it
   first, so that the source is used by one thread at a time); drop also
   frees the result (another fetch); free also ends the fetch thread. */
void ks_ahead_wait(tide_kafka_source *src);
void ks_ahead_drop(tide_kafka_source *src);
void ks_ahead_free(tide_kafka_source *src);

#endif
