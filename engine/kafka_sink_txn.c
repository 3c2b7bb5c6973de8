/*
 * kafka_sink_txn.c — exactly once into Kafka: with librdkafka's
 * transactional.id the sink's producer is transactional, and each epoch of
 * a streaming query one transaction, committed before the epoch commits to
 * the checkpoint.
 *
 * The first transaction initializes the producer
 * (rd_kafka_init_transactions): the brokers fence any earlier producer of
 * the id (a killed run's, or another query's) and abort its open
 * transaction, or first let it end when its commit was under way. Then the
 * sink reads its marker: the consumer group "tide-sink-<id>", which no
 * consumer joins, whose offsets are committed only inside the sink's
 * transactions (rd_kafka_send_offsets_to_transaction): for partition 0 of
 * the first topic an epoch wrote, offset epoch + 1 and the metadata "tide
 * query <query id> epoch <epoch>". So the group shows the last epoch whose
 * records are committed, and an epoch replayed after a crash between the
 * two commits is skipped (tide_kafka_sink_begin returns 1). Markers name
 * the query (its checkpoint's id): a query started afresh on a new
 * checkpoint with the same id writes every epoch.
 *
 * An epoch: begin, the sends as without transactions, then commit: every
 * delivery report awaited (a failure names the topic and partition), the
 * marker added, the transaction committed. A failure aborts it, so
 * read_committed readers never see its records, and fails the epoch; the
 * restart writes it again. A fatal error (fenced: a newer producer with the
 * same transactional.id) fails saying so.
 */
#include "kafka_sink_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long freeing a sink waits for the abort of a transaction left open
   (an epoch that failed): past it, the brokers abort it when a producer of
   the id starts again, or at transaction.timeout.ms. */
#define FREE_ABORT_MS 10000

struct sink_txn {
    char *id;    /* transactional.id */
    char *group; /* the marker's consumer group */
    rd_kafka_consumer_group_metadata_t *group_md;
    int ready;         /* init_transactions done */
    int open;          /* a transaction begun and not ended */
    int64_t epoch;     /* the open transaction's (-1: none: a batch write, a bulk load) */
    char query[128];   /* the query whose marker was read ("": none yet) */
    int64_t committed; /* the last epoch of that query the marker shows (-1: none) */
    char topic[256];   /* the open transaction's first topic: where its marker goes */
};

sink_txn *sink_txn_new(const char *id)
{
    sink_txn *txn = calloc(1, sizeof *txn);
    if (!txn) return NULL;
    size_t glen = strlen(id) + sizeof "tide-sink-";
    txn->id = strdup(id);
    txn->group = malloc(glen);
    if (txn->group) snprintf(txn->group, glen, "tide-sink-%s", id);
    txn->group_md = txn->group ? rd_kafka_consumer_group_metadata_new(txn->group) : NULL;
    if (!txn->id || !txn->group_md) {
        if (txn->group_md) rd_kafka_consumer_group_metadata_destroy(txn->group_md);
        free(txn->group);
        free(txn->id);
        free(txn);
        return NULL;
    }
    txn->epoch = txn->committed = -1;
    return txn;
}

void sink_txn_note_topic(sink_txn *txn, const send_job *job)
{
    if (!txn->open || txn->topic[0]) return;
    if (job->topic[0]) {
        snprintf(txn->topic, sizeof txn->topic, "%s", job->topic);
    } else if (job->topics && job->topics->length > 0 && tide_valid(job->topics, 0)) {
        int32_t len;
        const char *name = tide_column_bytes(job->topics, 0, &len);
        if ((size_t)len < sizeof txn->topic)
            snprintf(txn->topic, sizeof txn->topic, "%.*s", len, name);
    }
}

static int ms_left(double deadline)
{
    double ms = (deadline - tide_now()) * 1000;
    return ms < 1 ? 1 : ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static int is_fenced(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR__FENCED || e == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
           e == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH;
}

/* errbuf for a failure whose cause is `detail`: when the producer has a
   fatal error, that error (fenced: said in words), else detail alone. */
static void describe(tide_kafka_sink *sink, const char *detail, char *errbuf, size_t errlen)
{
    sink_txn *txn = sink->txn;
    char fatal[512], epoch[64] = "";
    rd_kafka_resp_err_t f = rd_kafka_fatal_error(sink->rk, fatal, sizeof fatal);
    if (txn->epoch >= 0) snprintf(epoch, sizeof epoch, "epoch %" PRId64 " ", txn->epoch);
    /* (fenced: what failed is the fatal error, which names the topic and
       partition; the records purged after it say nothing more) */
    if (is_fenced(f))
        snprintf(errbuf, errlen,
                 "transactional.id \"%s\" is fenced: a newer producer with the same "
                 "transactional.id started (another query or write uses it: give each query "
                 "its own), so %swas not committed: %s",
                 txn->id, epoch[0] ? epoch : "the write ", fatal);
    else if (f)
        snprintf(errbuf, errlen, "transactional.id \"%s\": %sfailed: fatal error: %s", txn->id,
                 epoch[0] ? epoch : "the write ", fatal);
    else
        snprintf(errbuf, errlen, "%s", detail);
}

/* Drops what is queued or in flight and serves its delivery reports, so
   the loans end and the counts start afresh. */
static void drop_sent(tide_kafka_sink *sink)
{
    char ignored[1024];
    rd_kafka_purge(sink->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    sink_flush_sent(sink, 1000, ignored, sizeof ignored);
}

/* Aborts the open transaction: read_committed readers never see what it
   wrote. Without a fatal error, otherwise the brokers abort it when a
   newer producer of the id starts, or at its timeout. */
static void abort_open(tide_kafka_sink *sink, int32_t timeout_ms)
{
    char fatal[256];
    sink->txn->open = 0;
    if (rd_kafka_fatal_error(sink->rk, fatal, sizeof fatal) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_error_t *e = rd_kafka_abort_transaction(sink->rk, timeout_ms);
        if (e) rd_kafka_error_destroy(e);
    }
    drop_sent(sink);
}

enum txn_call { INIT, MARK, COMMIT };

/* One of librdkafka's blocking transactional calls, made again on a
   retriable error (a timeout, a coordinator moving) until the deadline. */
static rd_kafka_error_t *call(tide_kafka_sink *sink, enum txn_call what,
                              const rd_kafka_topic_partition_list_t *marker, double deadline)
{
    for (;;) {
        int left = ms_left(deadline);
        rd_kafka_error_t *e =
            what == INIT ? rd_kafka_init_transactions(sink->rk, left)
            : what == MARK
                ? rd_kafka_send_offsets_to_transaction(sink->rk, marker, sink->txn->group_md, left)
                : rd_kafka_commit_transaction(sink->rk, left);
        if (!e || !rd_kafka_error_is_retriable(e) || tide_now() >= deadline) return e;
        rd_kafka_error_destroy(e);
        tide_kafka_log_report(sink->log, TIDE_KAFKA_WARN_AFTER_S);
        rd_kafka_poll(sink->rk, 100);
    }
}

/* The epoch a marker of `query` names, or -1 when it is not one. */
static int64_t marker_epoch(const rd_kafka_topic_partition_t *p, const char *query)
{
    char text[256], prefix[200];
    if (p->err || !p->metadata || p->metadata_size >= sizeof text) return -1;
    memcpy(text, p->metadata, p->metadata_size);
    text[p->metadata_size] = '\0';
    int n = snprintf(prefix, sizeof prefix, "tide query %s epoch ", query);
    if (n <= 0 || (size_t)n >= sizeof prefix || strncmp(text, prefix, (size_t)n) != 0) return -1;
    char *end;
    long long epoch = strtoll(text + n, &end, 10);
    return *end == '\0' && epoch >= 0 && p->offset == epoch + 1 ? epoch : -1;
}

/* One read of the marker group's offsets (committed ones only:
   require_stable). 1 when one is still part of an open transaction (read
   again), 0 with txn->committed set, -1 with errbuf. */
static int read_offsets(tide_kafka_sink *sink, const char *query, int32_t timeout_ms, char *errbuf,
                        size_t errlen)
{
    sink_txn *txn = sink->txn;
    char err[512];
    rd_kafka_queue_t *queue = rd_kafka_queue_new(sink->rk);
    rd_kafka_AdminOptions_t *options =
        rd_kafka_AdminOptions_new(sink->rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
    rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, err, sizeof err);
    rd_kafka_error_t *e = rd_kafka_AdminOptions_set_require_stable_offsets(options, 1);
    if (e) rd_kafka_error_destroy(e);
    rd_kafka_ListConsumerGroupOffsets_t *list =
        rd_kafka_ListConsumerGroupOffsets_new(txn->group, NULL); /* every partition */
    rd_kafka_ListConsumerGroupOffsets(sink->rk, &list, 1, options, queue);
    rd_kafka_ListConsumerGroupOffsets_destroy(list);
    rd_kafka_AdminOptions_destroy(options);

    int rc = 0;
    int64_t last = -1;
    rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR__TIMED_OUT;
    rd_kafka_event_t *ev = rd_kafka_queue_poll(queue, timeout_ms + 5000);
    const rd_kafka_group_result_t **groups = NULL;
    size_t n = 0;
    if (!ev) {
        snprintf(err, sizeof err, "no answer within %d ms", (int)timeout_ms);
        rc = -1;
    } else if ((code = rd_kafka_event_error(ev))) {
        snprintf(err, sizeof err, "%s", rd_kafka_event_error_string(ev));
        rc = -1;
    } else {
        groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
    }
    for (size_t g = 0; rc == 0 && g < n; g++) {
        const rd_kafka_error_t *ge = rd_kafka_group_result_error(groups[g]);
        if (ge) {
            snprintf(err, sizeof err, "%s", rd_kafka_error_string(ge));
            code = rd_kafka_error_code(ge);
            rc = rd_kafka_error_is_retriable(ge) ? 1 : -1;
            break;
        }
        const rd_kafka_topic_partition_list_t *parts = rd_kafka_group_result_partitions(groups[g]);
        for (int i = 0; parts && i < parts->cnt; i++) {
            const rd_kafka_topic_partition_t *p = &parts->elems[i];
            if (p->err == RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT) {
                snprintf(err, sizeof err, "%s", rd_kafka_err2str(p->err));
                rc = 1;
            }
            int64_t epoch = marker_epoch(p, query);
            if (epoch > last) last = epoch;
        }
    }
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(queue);
    if (rc == 0) {
        snprintf(txn->query, sizeof txn->query, "%s", query);
        txn->committed = last;
    } else {
        snprintf(errbuf, errlen,
                 "transactional.id \"%s\": cannot read the epochs committed (consumer group %s): "
                 "%s",
                 txn->id, txn->group, err);
        if (rc < 0) tide_kafka_log_explain(sink->log, code, errbuf, errlen);
    }
    return rc;
}

/* Reads which epochs of `query` the marker shows committed, waiting for a
   transaction still ending. 0, or -1 with errbuf. */
static int read_marker(tide_kafka_sink *sink, const char *query, double deadline, char *errbuf,
                       size_t errlen)
{
    if (strlen(query) >= sizeof sink->txn->query) {
        snprintf(errbuf, errlen, "transactional.id \"%s\": query id %.40s... is too long",
                 sink->txn->id, query);
        return -1;
    }
    for (;;) {
        int rc = read_offsets(sink, query, ms_left(deadline), errbuf, errlen);
        if (rc <= 0) return rc;
        if (tide_now() >= deadline) return -1;
        rd_kafka_poll(sink->rk, 200);
    }
}

int tide_kafka_sink_begin(tide_kafka_sink *sink, const char *query, int64_t epoch,
                          int32_t timeout_ms, char *errbuf, size_t errlen)
{
    sink_txn *txn = sink->txn;
    if (!txn) {
        snprintf(errbuf, errlen,
                 "the sink has no transactional.id: it writes without transactions");
        return -1;
    }
    double deadline = tide_now() + timeout_ms / 1000.0;
    /* A transaction left open (an epoch failed before its commit) is
       aborted first, whatever its last send left to report. */
    char ignored[1024];
    sink_settle(sink, timeout_ms, ignored, sizeof ignored);
    if (txn->open) abort_open(sink, timeout_ms);
    rd_kafka_error_t *e = NULL;
    if (!txn->ready) {
        if ((e = call(sink, INIT, NULL, deadline))) {
            char detail[768];
            snprintf(detail, sizeof detail,
                     "transactional.id \"%s\": cannot start transactions: %s", txn->id,
                     rd_kafka_error_string(e));
            txn->epoch = -1;
            describe(sink, detail, errbuf, errlen);
            tide_kafka_log_explain(sink->log, rd_kafka_error_code(e), errbuf, errlen);
            rd_kafka_error_destroy(e);
            return -1;
        }
        txn->ready = 1;
    }
    if (query && epoch >= 0) {
        if (strcmp(txn->query, query) != 0 &&
            read_marker(sink, query, deadline, errbuf, errlen) != 0)
            return -1;
        if (epoch <= txn->committed) return 1;
    }
    txn->epoch = query && epoch >= 0 ? epoch : -1;
    txn->topic[0] = '\0';
    if ((e = rd_kafka_begin_transaction(sink->rk))) {
        char detail[768];
        snprintf(detail, sizeof detail, "transactional.id \"%s\": cannot begin a transaction: %s",
                 txn->id, rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        describe(sink, detail, errbuf, errlen);
        return -1;
    }
    txn->open = 1;
    return 0;
}

int64_t tide_kafka_sink_commit(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf,
                               size_t errlen)
{
    sink_txn *txn = sink->txn;
    if (!txn || !txn->open) {
        snprintf(errbuf, errlen, "no transaction is open (tide_kafka_sink_begin starts one)");
        return -1;
    }
    double deadline = tide_now() + timeout_ms / 1000.0;
    char detail[1024];
    int64_t n = tide_kafka_sink_flush(sink, timeout_ms, detail, sizeof detail);
    rd_kafka_error_t *e = NULL;
    int marked = 0;
    /* (an epoch that wrote nothing needs no marker: a replay writes nothing) */
    if (n > 0 && txn->epoch >= 0 && txn->topic[0]) {
        char meta[200];
        int len =
            snprintf(meta, sizeof meta, "tide query %s epoch %" PRId64, txn->query, txn->epoch);
        rd_kafka_topic_partition_list_t *marker = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_t *p = rd_kafka_topic_partition_list_add(marker, txn->topic, 0);
        p->offset = txn->epoch + 1;
        p->metadata = strdup(meta); /* the list's, freed with it */
        p->metadata_size = p->metadata ? (size_t)len : 0;
        if ((e = call(sink, MARK, marker, deadline)))
            snprintf(detail, sizeof detail,
                     "topic %s: marking the epoch committed (consumer group %s): %s",
                     sink->topic_label, txn->group, rd_kafka_error_string(e));
        rd_kafka_topic_partition_list_destroy(marker);
        marked = 1;
    }
    if (n >= 0 && !e) {
        if (!(e = call(sink, COMMIT, NULL, deadline))) {
            txn->open = 0;
            if (marked && txn->epoch > txn->committed) txn->committed = txn->epoch;
            return n;
        }
        snprintf(detail, sizeof detail, "topic %s: committing the transaction: %s",
                 sink->topic_label, rd_kafka_error_string(e));
    }
    describe(sink, detail, errbuf, errlen);
    if (e) {
        tide_kafka_log_explain(sink->log, rd_kafka_error_code(e), errbuf, errlen);
        rd_kafka_error_destroy(e);
    }
    char fatal_text[256];
    int fatal = rd_kafka_fatal_error(sink->rk, fatal_text, sizeof fatal_text) != 0;
    abort_open(sink, timeout_ms);
    if (!fatal) {
        size_t used = strlen(errbuf);
        snprintf(errbuf + used, errlen - used, " (the transaction was aborted)");
    }
    return -1;
}

void sink_txn_free(tide_kafka_sink *sink)
{
    sink_txn *txn = sink->txn;
    if (txn->open) abort_open(sink, FREE_ABORT_MS);
    rd_kafka_consumer_group_metadata_destroy(txn->group_md);
    free(txn->group);
    free(txn->id);
    free(txn);
    sink->txn = NULL;
}
