/*
 * kafka_sink_delivery.c — what comes back from the brokers: each record's
 * delivery report, the loan it ends, and the wait for them all.
 *
 * A delivery report (delivered, failed or purged) counts the record out of
 * those in flight and out of its send's loan; the loan's batch is freed
 * once every record pointing into it is reported, so the memory outlives
 * every use librdkafka makes of it. Reports are served only on the thread
 * enqueueing or flushing (rd_kafka_poll, rd_kafka_flush), while batches
 * are freed on the caller's thread alone (their reference counts are not
 * atomic): a loan reported in full waits on a list the caller empties.
 * A flush returns the count delivered since the last one, or names how
 * many failed and the first failure's topic and partition; a flush that
 * times out drops what is left, so the next write starts clean.
 */
#include "kafka_sink_int.h"

#include <stdio.h>
#include <stdlib.h>

/* How long one wait for deliveries lasts before the client's lasting
   problems are reported and it waits again. */
#define FLUSH_SLICE_MS 500

loan *sink_loan_new(tide_kafka_sink *sink, tide_batch *owner)
{
    loan *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->owner = owner;
    l->pending = 1;
    tide_batch_retain(owner);
    l->next = sink->loans;
    if (sink->loans) sink->loans->prev = l;
    sink->loans = l;
    return l;
}

void sink_loan_end(tide_kafka_sink *sink, loan *l)
{
    if (l->prev)
        l->prev->next = l->next;
    else
        sink->loans = l->next;
    if (l->next) l->next->prev = l->prev;
    l->prev = NULL;
    l->next = sink->released;
    sink->released = l;
}

void sink_loans_release(tide_kafka_sink *sink)
{
    while (sink->released) {
        loan *l = sink->released;
        sink->released = l->next;
        tide_batch_free(l->owner); /* drops the sink's reference */
        free(l);
    }
}

void sink_loans_free(tide_kafka_sink *sink)
{
    while (sink->loans)
        sink_loan_end(sink, sink->loans);
    sink_loans_release(sink);
}

void sink_on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    tide_kafka_sink *sink = tide_kafka_log_owner(opaque);
    sink_loan_drop(sink, m->_private /* the msg_opaque */, 1);
    sink->inflight_messages--;
    sink->inflight_bytes -= (int64_t)(m->len + m->key_len);
    if (m->err) {
        sink->failed++;
        char msg[512];
        if (m->partition >= 0)
            snprintf(msg, sizeof msg, "topic %s partition %d: %s", rd_kafka_topic_name(m->rkt),
                     (int)m->partition, rd_kafka_err2str(m->err));
        else
            snprintf(msg, sizeof msg, "topic %s: %s", rd_kafka_topic_name(m->rkt),
                     rd_kafka_err2str(m->err));
        /* A purge only follows a timeout or an earlier error: keep the cause. */
        if (m->err != RD_KAFKA_RESP_ERR__PURGE_QUEUE &&
            m->err != RD_KAFKA_RESP_ERR__PURGE_INFLIGHT && sink->first_error[0] == '\0') {
            snprintf(sink->first_error, sizeof sink->first_error, "%s", msg);
            sink->first_error_code = m->err;
        }
    } else {
        sink->delivered++;
    }
}

/* Waits for every delivery report; on a timeout drops what is left so the
   next write starts clean. 0, or -1 with errbuf. */
static int await_deliveries(tide_kafka_sink *sink, const char *topic, int32_t timeout_ms,
                            char *errbuf, size_t errlen)
{
    double deadline = tide_now() + timeout_ms / 1000.0;
    rd_kafka_resp_err_t e;
    for (;;) {
        double left_ms = (deadline - tide_now()) * 1000;
        e = rd_kafka_flush(sink->rk, left_ms < FLUSH_SLICE_MS ? (int)(left_ms > 0 ? left_ms : 0)
                                                              : FLUSH_SLICE_MS);
        if (e != RD_KAFKA_RESP_ERR__TIMED_OUT || tide_now() >= deadline) break;
        tide_kafka_log_report(sink->log, TIDE_KAFKA_WARN_AFTER_S);
    }
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        int64_t pending = sink->inflight_messages;
        rd_kafka_purge(sink->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(sink->rk, 5000);
        snprintf(errbuf, errlen, "topic %s: %lld records not acknowledged within %d ms%s%s", topic,
                 (long long)pending, (int)timeout_ms, sink->first_error[0] ? ": " : "",
                 sink->first_error);
        tide_kafka_log_explain(sink->log, RD_KAFKA_RESP_ERR__TIMED_OUT, errbuf, errlen);
        return -1;
    }
    if (sink->failed > 0) {
        snprintf(errbuf, errlen, "%lld records not written: %s", (long long)sink->failed,
                 sink->first_error);
        tide_kafka_log_explain(sink->log, sink->first_error_code, errbuf, errlen);
        return -1;
    }
    return 0;
}

int64_t sink_flush_sent(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf, size_t errlen)
{
    int rc = await_deliveries(sink, sink->topic_label, timeout_ms, errbuf, errlen);
    int64_t delivered = sink->delivered;
    /* The next flush counts from here. */
    sink->delivered = sink->failed = 0;
    sink->first_error[0] = '\0';
    sink->first_error_code = RD_KAFKA_RESP_ERR_NO_ERROR;
    sink_loans_release(sink);
    return rc == 0 ? delivered : -1;
}
