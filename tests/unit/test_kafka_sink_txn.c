/* The Kafka sink's transactions (kafka_sink_txn.c, with transactional.id)
   against librdkafka's mock cluster: an epoch's sends commit as one
   transaction and mark the epoch, which the sink then skips; a failed
   epoch is aborted and written again by its next attempt; a write that is
   no epoch's is a transaction without a marker; begin and commit are
   refused where they make no sense. (The mock neither keeps the offsets
   committed in transactions nor fences producers: the marker read back by
   a new producer, and fencing, are shown against the real broker by
   integration.kafka_exactly_once.) */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "check.h"
#include "ffi/broker.h"
#include "ffi/kafka.h"
#include "mock_topic.h"

#define TIMEOUT_MS 30000
#define QUERY      "2b1f3c56-0d7e-4c8a-9a61-5e0f4a8e1c77"

static tide_broker *broker;

static tide_batch *values_batch(int from, int n, int null_topic_at)
{
    return mock_rows(from, n, null_topic_at, "txn");
}

static tide_kafka_sink *new_sink(const char *transactional_id)
{
    const char *conf[] = {"bootstrap.servers", tide_broker_bootstrap(broker),
                          "linger.ms",         "5",
                          "transactional.id",  transactional_id};
    char err[512];
    tide_kafka_sink *sink = tide_kafka_sink_new(conf, transactional_id ? 3 : 2, err, sizeof err);
    if (!sink) fprintf(stderr, "sink: %s\n", err);
    CHECK(sink != NULL);
    return sink;
}

/* Sends rows [from, from + n) in one send, the caller dropping the batch. */
static void send_rows(tide_kafka_sink *sink, int from, int n, int null_topic_at)
{
    char err[1024];
    tide_batch *b = values_batch(from, n, null_topic_at);
    CHECK(tide_kafka_sink_send(sink, b, NULL, &b->columns[1], NULL, &b->columns[0], TIMEOUT_MS, err,
                               sizeof err) == n);
    tide_batch_free(b);
}

/* Reads topic "txn" from the start until it has `want` records (or is idle
   for two seconds) and counts how many times each record-N came. */
static int read_back(int *seen, int limit, int want)
{
    return mock_read_back(
        mock_consumer(tide_broker_bootstrap(broker), "test-kafka-sink-txn", "txn", 0, 2), seen,
        limit, want, 20);
}

static void epochs_commit_and_a_committed_one_is_skipped(void)
{
    char err[1024];
    tide_kafka_sink *sink = new_sink("test-epochs");
    /* Epoch 0 in two sends (a batch's pieces), then epoch 1. */
    CHECK(tide_kafka_sink_begin(sink, QUERY, 0, TIMEOUT_MS, err, sizeof err) == 0);
    send_rows(sink, 0, 3000, -1);
    send_rows(sink, 3000, 2000, -1);
    CHECK(tide_kafka_sink_commit(sink, TIMEOUT_MS, err, sizeof err) == 5000);
    CHECK(tide_kafka_sink_begin(sink, QUERY, 1, TIMEOUT_MS, err, sizeof err) == 0);
    send_rows(sink, 5000, 1000, -1);
    CHECK(tide_kafka_sink_commit(sink, TIMEOUT_MS, err, sizeof err) == 1000);
    /* Both are marked: run again, they write nothing. Another query's
       epoch 1 is not this one's. */
    CHECK(tide_kafka_sink_begin(sink, QUERY, 0, TIMEOUT_MS, err, sizeof err) == 1);
    CHECK(tide_kafka_sink_begin(sink, QUERY, 1, TIMEOUT_MS, err, sizeof err) == 1);
    CHECK(tide_kafka_sink_begin(sink, "another-query", 1, TIMEOUT_MS, err, sizeof err) == 0);
    CHECK(tide_kafka_sink_commit(sink, TIMEOUT_MS, err, sizeof err) == 0);
    tide_kafka_sink_free(sink);

    int *seen = calloc(6000, sizeof *seen);
    CHECK(read_back(seen, 6000, 6000) == 6000);
    int once = 0;
    for (int i = 0; i < 6000; i++)
        once += seen[i] == 1;
    CHECK(once == 6000);
    free(seen);
}

static void a_failed_epoch_is_aborted_and_written_by_its_next_attempt(void)
{
    char err[1024];
    tide_kafka_sink *sink = new_sink("test-abort");
    CHECK(tide_kafka_sink_begin(sink, QUERY, 7, TIMEOUT_MS, err, sizeof err) == 0);
    send_rows(sink, 0, 10, 5); /* the sixth row has no topic: found on the sink's thread */
    CHECK(tide_kafka_sink_commit(sink, TIMEOUT_MS, err, sizeof err) == -1);
    CHECK_STR(err, "row 6 has a null topic and the sink has no topic option to fall back on "
                   "(the transaction was aborted)");
    /* Not marked: the epoch runs again, in a new transaction. */
    CHECK(tide_kafka_sink_begin(sink, QUERY, 7, TIMEOUT_MS, err, sizeof err) == 0);
    send_rows(sink, 0, 10, -1);
    CHECK(tide_kafka_sink_commit(sink, TIMEOUT_MS, err, sizeof err) == 10);
    /* A transaction left open (its epoch failed before the commit) is
       aborted by the next begin, and freeing the sink aborts one too. */
    CHECK(tide_kafka_sink_begin(sink, QUERY, 8, TIMEOUT_MS, err, sizeof err) == 0);
    send_rows(sink, 10, 10, -1);
    CHECK(tide_kafka_sink_begin(sink, QUERY, 8, TIMEOUT_MS, err, sizeof err) == 0);
    send_rows(sink, 10, 10, -1);
    CHECK(tide_kafka_sink_commit(sink, TIMEOUT_MS, err, sizeof err) == 10);
    CHECK(tide_kafka_sink_begin(sink, QUERY, 9, TIMEOUT_MS, err, sizeof err) == 0);
    tide_batch *b = values_batch(20, 3000, -1);
    CHECK(tide_kafka_sink_send(sink, b, NULL, &b->columns[1], NULL, &b->columns[0], TIMEOUT_MS, err,
                               sizeof err) == 3000);
    tide_kafka_sink_free(sink);
    CHECK(b->refs == 1); /* the sink's loan went with it */
    tide_batch_free(b);
}

static void a_write_that_is_no_epochs_is_one_transaction(void)
{
    char err[1024];
    tide_kafka_sink *sink = new_sink("test-write");
    for (int k = 0; k < 2; k++) {
        CHECK(tide_kafka_sink_begin(sink, NULL, -1, TIMEOUT_MS, err, sizeof err) == 0);
        send_rows(sink, 0, 100, -1);
        CHECK(tide_kafka_sink_commit(sink, TIMEOUT_MS, err, sizeof err) == 100);
    }
    tide_kafka_sink_free(sink);
}

static void begin_and_commit_are_refused_where_they_make_no_sense(void)
{
    char err[1024];
    tide_kafka_sink *plain = new_sink(NULL);
    CHECK(tide_kafka_sink_begin(plain, QUERY, 0, TIMEOUT_MS, err, sizeof err) == -1);
    CHECK_STR(err, "the sink has no transactional.id: it writes without transactions");
    CHECK(tide_kafka_sink_commit(plain, TIMEOUT_MS, err, sizeof err) == -1);
    CHECK_STR(err, "no transaction is open (tide_kafka_sink_begin starts one)");
    tide_kafka_sink_free(plain);
    tide_kafka_sink *sink = new_sink("test-refused");
    CHECK(tide_kafka_sink_commit(sink, TIMEOUT_MS, err, sizeof err) == -1);
    CHECK_STR(err, "no transaction is open (tide_kafka_sink_begin starts one)");
    tide_kafka_sink_free(sink);
}

int main(void)
{
    char err[512];
    broker = tide_broker_start(2, err, sizeof err);
    if (!broker) {
        fprintf(stderr, "mock cluster: %s\n", err);
        return 1;
    }
    CHECK(tide_broker_create_topic(broker, "txn", 2, err, sizeof err) == 0);
    static const check_test tests[] = {
        TEST(epochs_commit_and_a_committed_one_is_skipped),
        TEST(a_failed_epoch_is_aborted_and_written_by_its_next_attempt),
        TEST(a_write_that_is_no_epochs_is_one_transaction),
        TEST(begin_and_commit_are_refused_where_they_make_no_sense),
    };
    int rc = check_run(tests, sizeof tests / sizeof tests[0]);
    tide_broker_stop(broker);
    return rc;
}
