/*
 * kafka_position.c — where the Kafka source's consumer reads from: each
 * partition's own queue, the assignment of every partition the source
 * holds, seeks to the offsets a fetch starts at, and offset queries
 * (ListOffsets by time, earliest or latest), retried while the broker
 * that leads a partition is away.
 */
#include "kafka_source_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Gives p its own queue, which wakes src's pipe when it gets something. */
static int open_queue(tide_kafka_source *src, ks_part *p, char *errbuf, size_t errlen)
{
    p->queue = rd_kafka_queue_get_partition(src->rk, ks_part_topic(src, p), p->partition);
    if (!p->queue) {
        snprintf(errbuf, errlen, "topic %s partition %d: no queue for the partition",
                 ks_part_topic(src, p), (int)p->partition);
        return -1;
    }
    rd_kafka_queue_forward(p->queue, NULL);
    rd_kafka_queue_io_event_enable(p->queue, src->wake[1], "p", 1);
    return 0;
}

/* Assigns every partition in use from where its kept records end:
   rd_kafka_assign replaces the whole assignment. 0, or -1 with errbuf. */
static int assign_all(tide_kafka_source *src, char *errbuf, size_t errlen)
{
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(8);
    for (int32_t t = 0; t < src->num_topics; t++) {
        for (int32_t k = 0; k < src->topics[t].parts_cap; k++) {
            ks_part *p = src->topics[t].parts[k];
            if (!p || !p->assigned) continue;
            if (p->fetch_pos < 0) p->fetch_pos = p->pos;
            rd_kafka_topic_partition_list_add(list, src->topics[t].name, k)->offset = p->fetch_pos;
        }
    }
    int rc = 0;
    rd_kafka_resp_err_t e = rd_kafka_assign(src->rk, list);
    if (e) {
        snprintf(errbuf, errlen, "assigning %d partitions of topic %s...: %s", list->cnt,
                 list->cnt ? list->elems[0].topic : "?", rd_kafka_err2str(e));
        tide_kafka_log_explain(src->log, e, errbuf, errlen);
        rc = -1;
    }
    rd_kafka_topic_partition_list_destroy(list);
    return rc;
}

/* Seeks each listed partition to its pos. 0; 1 when librdkafka has
   stopped one of them ("Erroneous state": an offset reset error whose
   event is still queued), which only an assignment restarts; or -1 with
   errbuf. */
static int seek_parts(tide_kafka_source *src, ks_part **parts, int32_t n, char *errbuf,
                      size_t errlen)
{
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(n);
    for (int32_t i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(list, ks_part_topic(src, parts[i]), parts[i]->partition)
            ->offset = parts[i]->pos;
    /* A seek waits for the thread serving the partition's broker, which
       can take longer than QUERY_TIMEOUT_MS while that broker restarts.
       It is asked again until UNREACHABLE_WAIT_S, as other calls wait out
       an unreachable broker: the last seek wins, and each discards what
       was fetched before it. */
    double give_up = tide_now() + UNREACHABLE_WAIT_S;
    rd_kafka_error_t *e;
    for (;;) {
        for (int32_t i = 0; i < list->cnt; i++)
            list->elems[i].err = RD_KAFKA_RESP_ERR_NO_ERROR;
        e = rd_kafka_seek_partitions(src->rk, list, QUERY_TIMEOUT_MS);
        if (!e || rd_kafka_error_code(e) != RD_KAFKA_RESP_ERR__TIMED_OUT || tide_now() >= give_up ||
            tide_stop_requested())
            break;
        rd_kafka_error_destroy(e);
        tide_kafka_log_report(src->log, TIDE_KAFKA_WARN_AFTER_S);
    }
    int rc = 0;
    rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
    int32_t at = 0;
    if (e) {
        code = rd_kafka_error_code(e);
        rd_kafka_error_destroy(e);
    }
    for (int32_t i = 0; !code && i < list->cnt; i++) {
        if (list->elems[i].err) {
            code = list->elems[i].err;
            at = i;
        }
    }
    if (code == RD_KAFKA_RESP_ERR__STATE) {
        rc = 1;
    } else if (code) {
        snprintf(errbuf, errlen, "seeking topic %s partition %d to offset %lld: %s",
                 list->elems[at].topic, (int)list->elems[at].partition,
                 (long long)list->elems[at].offset, rd_kafka_err2str(code));
        tide_kafka_log_explain(src->log, code, errbuf, errlen);
        rc = -1;
    }
    rd_kafka_topic_partition_list_destroy(list);
    return rc;
}

/* Makes the consumer deliver each listed partition from its pos: the
   first use of a partition extends the assignment, a known one is sought.
   0, or -1 with errbuf. */
int ks_reposition(tide_kafka_source *src, ks_part **parts, int32_t n, char *errbuf, size_t errlen)
{
    if (n == 0) return 0;
    int need_assign = 0;
    for (int32_t i = 0; i < n; i++) {
        ks_part *p = parts[i];
        /* The queue is split from the consumer queue before the partition
           is first assigned, or its first records would go there. */
        if (!p->queue && open_queue(src, p, errbuf, errlen) != 0) return -1;
        ks_stash_drop(src, p);
        p->fetch_pos = p->pos;
        /* librdkafka refuses to seek a partition stopped by an offset
           reset error ("Erroneous state"): assigning again restarts it. */
        if (!p->assigned || p->reset) need_assign = 1;
        p->reset = 0;
        p->assigned = 1;
    }
    if (!need_assign) {
        int rc = seek_parts(src, parts, n, errbuf, errlen);
        if (rc <= 0) return rc;
    }
    return assign_all(src, errbuf, errlen);
}

/* Watermarks: out[i] gets the earliest (timestamp -2) or latest (-1)
   offset of parts[i]. 0, or -1 with errbuf. */
#define OFFSET_RETRIES 20
#define OFFSET_RETRY_S 0.1

static int retriable(rd_kafka_resp_err_t e)
{
    switch (e) {
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE:
        return 1;
    default:
        return 0;
    }
}

int ks_unreachable(rd_kafka_resp_err_t e)
{
    switch (e) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
        return 1;
    default:
        return 0;
    }
}

static int list_retriable(rd_kafka_resp_err_t e, const rd_kafka_topic_partition_list_t *list)
{
    if (e) return retriable(e);
    for (int i = 0; i < list->cnt; i++)
        if (retriable(list->elems[i].err)) return 1;
    return 0;
}

int ks_query_offsets(tide_kafka_source *src, ks_part **parts, int32_t n, int64_t which,
                     int64_t *out, char *errbuf, size_t errlen)
{
    if (n == 0) return 0;
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(n);
    for (int32_t i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(list, ks_part_topic(src, parts[i]), parts[i]->partition)
            ->offset = which;
    rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(src->rk, list, QUERY_TIMEOUT_MS);
    /* A partition whose leader is moving, or a topic just created whose
       log the broker is still opening, answers "not leader" for a moment:
       asked again, as Spark's offset reader does (fetchOffset.numRetries). */
    for (int tries = 0; tries < OFFSET_RETRIES && list_retriable(e, list); tries++) {
        tide_sleep(OFFSET_RETRY_S);
        for (int i = 0; i < list->cnt; i++) {
            list->elems[i].offset = which;
            list->elems[i].err = RD_KAFKA_RESP_ERR_NO_ERROR;
        }
        e = rd_kafka_offsets_for_times(src->rk, list, QUERY_TIMEOUT_MS);
    }
    int rc = 0;
    for (int32_t i = 0; i < n && rc == 0; i++) {
        rd_kafka_topic_partition_t *tp =
            rd_kafka_topic_partition_list_find(list, ks_part_topic(src, parts[i]), parts[i]->partition);
        rd_kafka_resp_err_t pe = e ? e : tp ? tp->err : RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
        if (pe) {
            char what[48];
            if (which >= 0)
                snprintf(what, sizeof what, "the offset of timestamp %lld", (long long)which);
            snprintf(errbuf, errlen, "topic %s partition %d: %s: %s", ks_part_topic(src, parts[i]),
                     (int)parts[i]->partition,
                     which == -2   ? "earliest offset"
                     : which == -1 ? "latest offset"
                                   : what,
                     rd_kafka_err2str(pe));
            tide_kafka_log_explain(src->log, pe, errbuf, errlen);
            rc = pe == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || pe == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
                         pe == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION
                     ? KS_GONE
                 : ks_unreachable(pe) ? KS_UNREACHABLE
                                      : -1;
        } else {
            out[i] = tp->offset;
        }
    }
    rd_kafka_topic_partition_list_destroy(list);
    return rc;
}
