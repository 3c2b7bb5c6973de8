/* The Kafka sink's sends on its own thread (kafka_sink_thread.c), against
   librdkafka's mock cluster: records borrow batches the caller has already
   dropped and arrive intact, copied payloads outlive their columns, a
   failure on the sink's thread is reported by the next call and the sink
   goes on, a sink freed with a send in flight releases everything, and
   keyless records go a chunk to a partition, in turn, while keyed ones
   follow their key. (Not under ThreadSanitizer: librdkafka's mock
   cluster is not built for it.) */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "batch.h"
#include "check.h"
#include "ffi/broker.h"
#include "ffi/kafka.h"
#include "mock_topic.h"

#define TIMEOUT_MS 30000

static tide_broker *broker;

static tide_batch *values_batch(int from, int n, int null_topic_at)
{
    return mock_rows(from, n, null_topic_at, "sunk");
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

/* A consumer of partitions [first, first + count) of topic, from the start. */
static rd_kafka_t *consumer_of(const char *topic, int first, int count)
{
    return mock_consumer(tide_broker_bootstrap(broker), "test-kafka-sink", topic, first, count);
}

/* Reads the topic "sunk" from the start until it has `want` records and
   counts how many times each record-N came (seen[N]). */
static int read_back(int *seen, int limit, int want)
{
    return mock_read_back(consumer_of("sunk", 0, 2), seen, limit, want, 100);
}

/* Reads partition `partition` of `topic` from the start until it has
   `want` records, or is idle for a second after its first record (five
   before it: a loaded machine's consumer may wait that long for its
   first fetch): the record-N numbers in the
   order the partition holds them (at most `limit`), and the keys' first
   bytes in keys (when not NULL). Returns how many were read. */
static int read_partition(const char *topic, int partition, int *numbers, char *keys, int limit,
                          int want)
{
    rd_kafka_t *rk = consumer_of(topic, partition, 1);
    int got = 0;
    for (int idle = 0; got < want && got < limit && idle < (got ? 10 : 50);) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m) {
            idle++;
            continue;
        }
        int n;
        if (!m->err && sscanf(m->payload, "record-%d", &n) == 1) {
            if (keys) keys[got] = m->key_len ? *(const char *)m->key : 0;
            numbers[got++] = n;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return got;
}

static void keyless_records_go_a_chunk_to_a_partition_in_turn(void)
{
    enum { PARTITIONS = 3, CHUNK = 4096, ROWS = 6 * CHUNK };
    char err[1024];
    CHECK(tide_broker_create_topic(broker, "spread", PARTITIONS, err, sizeof err) == 0);
    tide_kafka_sink *sink = new_sink();
    /* The count is asked for when the topic is first met, without waiting. */
    CHECK(tide_kafka_sink_partition_count(sink, "spread") == 0);
    for (int i = 0; i < 500 && tide_kafka_sink_partition_count(sink, "spread") == 0; i++)
        usleep(10000);
    CHECK(tide_kafka_sink_partition_count(sink, "spread") == PARTITIONS);
    tide_batch *b = values_batch(0, ROWS, -1);
    CHECK(tide_kafka_sink_send(sink, b, "spread", NULL, NULL, &b->columns[0], TIMEOUT_MS, err,
                               sizeof err) == ROWS);
    tide_batch_free(b);
    CHECK(tide_kafka_sink_flush(sink, TIMEOUT_MS, err, sizeof err) == ROWS);
    tide_kafka_sink_free(sink);

    /* Each partition holds two whole chunks, in row order; together, every
       row once. */
    int *seen = calloc(ROWS, sizeof *seen), *numbers = malloc(sizeof *numbers * ROWS);
    for (int p = 0; p < PARTITIONS; p++) {
        int got = read_partition("spread", p, numbers, NULL, ROWS, 2 * CHUNK);
        CHECK(got == 2 * CHUNK);
        for (int c = 0; c < 2; c++) {
            int first = numbers[c * CHUNK];
            CHECK(first % CHUNK == 0);
            for (int i = 0; i < CHUNK; i++)
                CHECK(numbers[c * CHUNK + i] == first + i);
        }
        for (int i = 0; i < got; i++)
            seen[numbers[i]]++;
    }
    for (int i = 0; i < ROWS; i++)
        CHECK(seen[i] == 1);
    free(numbers);
    free(seen);
}

static void keyed_records_follow_their_key(void)
{
    enum { PARTITIONS = 3, ROWS = 3000, KEYS = 6 };
    char err[1024];
    CHECK(tide_broker_create_topic(broker, "keyed", PARTITIONS, err, sizeof err) == 0);
    tide_kafka_sink *sink = new_sink();
    tide_batch *b = values_batch(0, ROWS, -1);
    tide_batch *k = tide_batch_new(1);
    CHECK(tide_column_init(k, &k->columns[0], "key", TIDE_STRING, 0) == 0);
    for (int i = 0; i < ROWS; i++) {
        char key = (char)('a' + i % KEYS);
        CHECK(tide_column_append_bytes(k, &k->columns[0], &key, 1) == 0);
    }
    CHECK(tide_kafka_sink_send(sink, NULL, "keyed", NULL, &k->columns[0], &b->columns[0],
                               TIMEOUT_MS, err, sizeof err) == ROWS);
    CHECK(tide_kafka_sink_flush(sink, TIMEOUT_MS, err, sizeof err) == ROWS);
    tide_kafka_sink_free(sink);
    tide_batch_free(k);
    tide_batch_free(b);

    /* A key's records all in one partition, in row order; the keys spread
       over more than one partition. */
    int where[KEYS] = {-1, -1, -1, -1, -1, -1}, total = 0, used = 0;
    int *numbers = malloc(sizeof *numbers * ROWS);
    char *keys = malloc(ROWS);
    for (int p = 0; p < PARTITIONS; p++) {
        int got = read_partition("keyed", p, numbers, keys, ROWS, ROWS);
        used += got > 0;
        total += got;
        for (int i = 0; i < got; i++) {
            int key = keys[i] - 'a';
            CHECK(key >= 0 && key < KEYS && key == numbers[i] % KEYS);
            CHECK(where[key] == -1 || where[key] == p);
            where[key] = p;
            CHECK(i == 0 || numbers[i] > numbers[i - 1]);
        }
    }
    CHECK(total == ROWS);
    CHECK(used > 1);
    free(keys);
    free(numbers);
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
    /* No topic option and a null topic at the sixth row: found on the sink's
       thread, after send returned. */
    tide_batch *b = values_batch(20000, 10, 5);
    CHECK(tide_kafka_sink_send(sink, b, NULL, &b->columns[1], NULL, &b->columns[0], TIMEOUT_MS, err,
                               sizeof err) == 10);
    tide_batch_free(b);
    CHECK(tide_kafka_sink_flush(sink, TIMEOUT_MS, err, sizeof err) == -1);
    CHECK_STR(err, "row 6 has a null topic and the sink has no topic option to fall back on");
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
    CHECK_STR(err, "row 1 has a null topic and the sink has no topic option to fall back on");
    CHECK(tide_kafka_sink_flush(sink, TIMEOUT_MS, err, sizeof err) == 0);
    /* Copied payloads are enqueued by the caller: the failure comes at once. */
    CHECK(tide_kafka_sink_send(sink, NULL, NULL, &b->columns[1], NULL, &b->columns[0], TIMEOUT_MS,
                               err, sizeof err) == -1);
    CHECK_STR(err, "row 1 has a null topic and the sink has no topic option to fall back on");
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
        TEST(keyless_records_go_a_chunk_to_a_partition_in_turn),
        TEST(keyed_records_follow_their_key),
    };
    int rc = check_run(tests, sizeof tests / sizeof tests[0]);
    tide_broker_stop(broker);
    return rc;
}
