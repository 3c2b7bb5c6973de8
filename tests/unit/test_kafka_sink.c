/* The Kafka sink's sends on its own thread (kafka_sink.c), against
   librdkafka's mock cluster: records borrow batches the caller has already
   dropped and arrive intact, copied payloads outlive their columns, a
   failure on the sink's thread is reported by the next call and the sink
   goes on, and a sink freed with a send in flight releases everything.
   Runs under ThreadSanitizer too (scripts/test). */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "check.h"
#include "ffi/broker.h"
#include "ffi/kafka.h"

#define TIMEOUT_MS 30000

static tide_broker *broker;

static tide_batch *values_batch(int from, int n, int null_topic_at)
{
    tide_batch *b = tide_batch_new(2);
    CHECK(tide_column_init(b, &b->columns[0], "value", TIDE_STRING, 0) == 0);
    CHECK(tide_column_init(b, &b->columns[1], "topic", TIDE_STRING, 0) == 0);
    for (int i = from; i < from + n; i++) {
        char text[32];
        int len = snprintf(text, sizeof text, "record-%06d", i);
        CHECK(tide_column_append_bytes(b, &b->columns[0], text, (size_t)len) == 0);
        if (i - from == null_topic_at)
            CHECK(tide_column_append_null(b, &b->columns[1]) == 0);
        else
            CHECK(tide_column_append_bytes(b, &b->columns[1], "sunk", 4) == 0);
    }
    return b;
}

static tide_kafka_sink *new_sink(void)
{
    const char *conf[] = {"bootstrap.servers", tide_broker_bootstrap(broker), "linger.ms", "50"};
    char err[512];
    tide_kafka_sink *sink = tide_kafka_sink_new(conf, 2, err, sizeof err);
    if (!sink) fprintf(stderr, "sink: %s\n", err);
    CHECK(sink != NULL);
    return sink;
}

/* Reads the topic "sunk" from the start until it has `want` records and
   counts how many times each record-N came (seen[N]). */
static int read_back(int *seen, int limit, int want)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", tide_broker_bootstrap(broker), err, sizeof err);
    rd_kafka_conf_set(conf, "group.id", "test-kafka-sink", err, sizeof err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(2);
    for (int p = 0; p < 2; p++)
        rd_kafka_topic_partition_list_add(parts, "sunk", p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    int got = 0;
    for (int idle = 0; got < want && idle < 100;) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m) {
            idle++;
            continue;
        }
        int n;
        if (!m->err && sscanf(m->payload, "record-%d", &n) == 1 && n >= 0 && n < limit) {
            seen[n]++;
            got++;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return got;
}

static void borrowed_and_copied_records_arrive_once(void)
{
    char err[1024];
    CHECK(tide_broker_create_topic(broker, "sunk", 2, err, sizeof err) == 0);
    tide_kafka_sink *sink = new_sink();
    /* Four borrowed sends and one copied, each batch dropped by the caller
       as soon as send returns: the sink's thread may not have read it yet. */
    for (int k = 0; k < 5; k++) {
        tide_batch *b = values_batch(k * 3000, 3000, -1);
        tide_batch *owner = k == 2 ? NULL : b;
        CHECK(tide_kafka_sink_send(sink, owner, "sunk", NULL, NULL, &b->columns[0], TIMEOUT_MS, err,
                                   sizeof err) == 3000);
        tide_batch_free(b);
    }
    CHECK(tide_kafka_sink_flush(sink, TIMEOUT_MS, err, sizeof err) == 15000);
    tide_kafka_sink_free(sink);

    int *seen = calloc(15000, sizeof *seen);
    CHECK(read_back(seen, 15000, 15000) == 15000);
    int once = 0;
    for (int i = 0; i < 15000; i++)
        once += seen[i] == 1;
    CHECK(once == 15000);
    free(seen);
}

static void a_failure_on_the_sinks_thread_is_reported_by_the_next_call(void)
{
    tide_kafka_sink *sink = new_sink();
    char err[1024];
    /* No topic option and a null topic at row 5: found on the sink's
       thread, after send returned. */
    tide_batch *b = values_batch(20000, 10, 5);
    CHECK(tide_kafka_sink_send(sink, b, NULL, &b->columns[1], NULL, &b->columns[0], TIMEOUT_MS, err,
                               sizeof err) == 10);
    tide_batch_free(b);
    CHECK(tide_kafka_sink_flush(sink, TIMEOUT_MS, err, sizeof err) == -1);
    CHECK_STR(err, "row 5 has a null topic and the sink has no topic option to fall back on");
    /* The sink goes on, and counts afresh. */
    b = values_batch(20010, 10, -1);
    CHECK(tide_kafka_sink_send(sink, b, NULL, &b->columns[1], NULL, &b->columns[0], TIMEOUT_MS, err,
                               sizeof err) == 10);
    tide_batch_free(b);
    CHECK(tide_kafka_sink_flush(sink, TIMEOUT_MS, err, sizeof err) == 10);
    /* A failed send is reported by the next send as well, which then
       enqueues nothing. */
    b = values_batch(20020, 10, 0);
    CHECK(tide_kafka_sink_send(sink, b, NULL, &b->columns[1], NULL, &b->columns[0], TIMEOUT_MS, err,
                               sizeof err) == 10);
    CHECK(tide_kafka_sink_send(sink, b, NULL, &b->columns[1], NULL, &b->columns[0], TIMEOUT_MS, err,
                               sizeof err) == -1);
    CHECK_STR(err, "row 0 has a null topic and the sink has no topic option to fall back on");
    CHECK(tide_kafka_sink_flush(sink, TIMEOUT_MS, err, sizeof err) == 0);
    /* Copied payloads are enqueued by the caller: the failure comes at once. */
    CHECK(tide_kafka_sink_send(sink, NULL, NULL, &b->columns[1], NULL, &b->columns[0], TIMEOUT_MS,
                               err, sizeof err) == -1);
    CHECK_STR(err, "row 0 has a null topic and the sink has no topic option to fall back on");
    CHECK(tide_kafka_sink_flush(sink, TIMEOUT_MS, err, sizeof err) == 0);
    tide_batch_free(b);
    tide_kafka_sink_free(sink);
}

static void a_sink_freed_with_a_send_in_flight_lets_its_batches_go(void)
{
    tide_kafka_sink *sink = new_sink();
    char err[1024];
    tide_batch *b = values_batch(30000, 5000, -1);
    CHECK(tide_kafka_sink_send(sink, b, "sunk", NULL, NULL, &b->columns[0], TIMEOUT_MS, err,
                               sizeof err) == 5000);
    /* The caller keeps its own reference; the sink's goes with the sink. */
    tide_kafka_sink_free(sink);
    CHECK(b->refs == 1);
    tide_batch_free(b);
}

int main(void)
{
    char err[512];
    broker = tide_broker_start(2, err, sizeof err);
    if (!broker) {
        fprintf(stderr, "mock cluster: %s\n", err);
        return 1;
    }
    static const check_test tests[] = {
        TEST(borrowed_and_copied_records_arrive_once),
        TEST(a_failure_on_the_sinks_thread_is_reported_by_the_next_call),
        TEST(a_sink_freed_with_a_send_in_flight_lets_its_batches_go),
    };
    int rc = check_run(tests, sizeof tests / sizeof tests[0]);
    tide_broker_stop(broker);
    return rc;
}
