/*
 * test_kafka_protocol.c — the evidence that Debian's librdkafka works with
 * the broker scripts/kafka runs (Kafka 4.x dropped old protocol versions):
 * metadata, topic creation, produce with every compression codec, list
 * offsets, fetch, a consumer group with committed offsets, and
 * transactions (a read_committed consumer sees committed records only).
 */
#define _GNU_SOURCE /* memmem */
#include "check.h"

#include <librdkafka/rdkafka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PARTITIONS 3
#define PER_CODEC 500

static char bootstrap[256];
static char topic[128];
static const char *codecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};
#define NCODECS (sizeof codecs / sizeof codecs[0])

static rd_kafka_conf_t *conf_with(const char *const *kv)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char err[256];
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err))
        fprintf(stderr, "%s\n", err);
    for (; kv && kv[0]; kv += 2) {
        if (rd_kafka_conf_set(conf, kv[0], kv[1], err, sizeof err) != RD_KAFKA_CONF_OK) {
            fprintf(stderr, "%s=%s: %s\n", kv[0], kv[1], err);
            check_failures++;
        }
    }
    return conf;
}

static rd_kafka_t *client(rd_kafka_type_t type, const char *const *kv)
{
    char err[256];
    rd_kafka_t *rk = rd_kafka_new(type, conf_with(kv), err, sizeof err);
    if (!rk) {
        fprintf(stderr, "rd_kafka_new: %s\n", err);
        exit(1);
    }
    return rk;
}

static int delivery_failures;
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) {
        fprintf(stderr, "delivery: %s\n", rd_kafka_err2str(m->err));
        delivery_failures++;
    }
}

static void test_metadata_lists_the_broker(void)
{
    rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, NULL);
    const struct rd_kafka_metadata *md = NULL;
    CHECK(rd_kafka_metadata(rk, 1, NULL, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    if (md) {
        CHECK(md->broker_cnt == 1);
        CHECK(md->broker_cnt == 1 && md->brokers[0].id == 1);
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_destroy(rk);
}

static void test_create_topic(void)
{
    rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, NULL);
    char err[256];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, PARTITIONS, 1, err, sizeof err);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 20000);
    CHECK(ev && !rd_kafka_event_error(ev));
    if (ev) {
        size_t n = 0;
        const rd_kafka_topic_result_t **res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        CHECK(n == 1 && rd_kafka_topic_result_error(res[0]) == RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

static void test_produce_with_every_codec(void)
{
    for (size_t c = 0; c < NCODECS; c++) {
        const char *kv[] = {"compression.codec", codecs[c], "linger.ms", "5", NULL};
        rd_kafka_conf_t *conf = conf_with(kv);
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        char err[256];
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        CHECK(rk != NULL);
        if (!rk) continue;
        delivery_failures = 0;
        for (int i = 0; i < PER_CODEC; i++) {
            char value[64];
            int len = snprintf(value, sizeof value, "{\"codec\":\"%s\",\"i\":%d}", codecs[c], i);
            rd_kafka_resp_err_t e;
            while ((e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
                                          RD_KAFKA_V_PARTITION(i % PARTITIONS),
                                          RD_KAFKA_V_VALUE(value, (size_t)len),
                                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
                   RD_KAFKA_RESP_ERR__QUEUE_FULL)
                rd_kafka_poll(rk, 10);
            CHECK(e == RD_KAFKA_RESP_ERR_NO_ERROR);
        }
        CHECK(rd_kafka_flush(rk, 30000) == RD_KAFKA_RESP_ERR_NO_ERROR);
        if (delivery_failures) fprintf(stderr, "codec %s: %d failed\n", codecs[c], delivery_failures);
        CHECK(delivery_failures == 0);
        rd_kafka_destroy(rk);
    }
}

static int64_t total_in_topic(rd_kafka_t *rk)
{
    int64_t total = 0;
    for (int p = 0; p < PARTITIONS; p++) {
        int64_t lo = -1, hi = -1;
        CHECK(rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 10000) == 0);
        total += hi - lo;
    }
    return total;
}

static void test_list_offsets(void)
{
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, NULL);
    CHECK(total_in_topic(rk) == (int64_t)(NCODECS * PER_CODEC));
    /* ListOffsets by time: every record is younger than an hour. */
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++)
        rd_kafka_topic_partition_list_add(parts, topic, p)->offset =
            ((int64_t)time(NULL) - 3600) * 1000;
    CHECK(rd_kafka_offsets_for_times(rk, parts, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    for (int p = 0; p < PARTITIONS; p++) CHECK(parts->elems[p].offset == 0);
    rd_kafka_topic_partition_list_destroy(parts);
    rd_kafka_destroy(rk);
}

/* Consumes until `want` records or the timeout; counts values per codec. */
static int consume(rd_kafka_t *rk, int want, int timeout_ms, int per_codec[NCODECS])
{
    int got = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (got < want) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
        if (m) {
            if (!m->err) {
                got++;
                for (size_t c = 0; per_codec && c < NCODECS; c++) {
                    char needle[32];
                    snprintf(needle, sizeof needle, "\"codec\":\"%s\"", codecs[c]);
                    if (m->len < 64 && memmem(m->payload, m->len, needle, strlen(needle)))
                        per_codec[c]++;
                }
            } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                fprintf(stderr, "consume: %s\n", rd_kafka_message_errstr(m));
            }
            rd_kafka_message_destroy(m);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 > timeout_ms)
            break;
    }
    return got;
}

static void test_fetch_by_assignment(void)
{
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, (const char *const[]){"group.id", "unused", NULL});
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++)
        rd_kafka_topic_partition_list_add(parts, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    CHECK(rd_kafka_assign(rk, parts) == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(parts);
    int per_codec[NCODECS] = {0};
    CHECK(consume(rk, (int)(NCODECS * PER_CODEC), 30000, per_codec) == (int)(NCODECS * PER_CODEC));
    for (size_t c = 0; c < NCODECS; c++) CHECK(per_codec[c] == PER_CODEC);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

static void test_consumer_group_commits(void)
{
    char group[160];
    snprintf(group, sizeof group, "%s-group", topic);
    const char *kv[] = {"group.id", group, "auto.offset.reset", "earliest",
                        "enable.auto.commit", "false", NULL};
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, kv);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, topic, RD_KAFKA_PARTITION_UA);
    CHECK(rd_kafka_subscribe(rk, sub) == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(sub);
    CHECK(consume(rk, (int)(NCODECS * PER_CODEC), 60000, NULL) == (int)(NCODECS * PER_CODEC));
    CHECK(rd_kafka_commit(rk, NULL, 0) == RD_KAFKA_RESP_ERR_NO_ERROR);

    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++) rd_kafka_topic_partition_list_add(parts, topic, p);
    CHECK(rd_kafka_committed(rk, parts, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    int64_t committed = 0;
    for (int p = 0; p < PARTITIONS; p++) committed += parts->elems[p].offset;
    CHECK(committed == (int64_t)(NCODECS * PER_CODEC));
    rd_kafka_topic_partition_list_destroy(parts);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

/* Returns the transaction's error, or NULL; the caller owns it. */
static rd_kafka_error_t *produce_in_transaction(rd_kafka_t *rk, int n, int commit)
{
    rd_kafka_error_t *e = rd_kafka_begin_transaction(rk);
    if (e) return e;
    for (int i = 0; i < n; i++) {
        const char *value = commit ? "{\"txn\":\"committed\"}" : "{\"txn\":\"aborted\"}";
        CHECK(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0),
                                RD_KAFKA_V_VALUE((void *)value, strlen(value)),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    /* The records reach the log before the transaction ends, so that the
       aborted ones are there for read_committed to skip. (An abort while
       they are still queued is also what librdkafka 2.0 can answer with
       a fatal INVALID_TXN_STATE: the broker never saw the transaction.) */
    CHECK(rd_kafka_flush(rk, 30000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    return commit ? rd_kafka_commit_transaction(rk, 30000) : rd_kafka_abort_transaction(rk, 30000);
}

static void test_transactions(void)
{
    char txid[160];
    snprintf(txid, sizeof txid, "%s-tx", topic);
    rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, (const char *const[]){"transactional.id", txid, NULL});
    rd_kafka_error_t *e = rd_kafka_init_transactions(rk, 30000);
    if (!e) e = produce_in_transaction(rk, 10, 1);
    if (!e) e = produce_in_transaction(rk, 5, 0);
    rd_kafka_destroy(rk);
    if (e) {
        fprintf(stderr, "transaction: %s\n", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        CHECK(!"the transactions succeed");
        return;
    }

    const char *kv[] = {"group.id", "unused", "isolation.level", "read_committed", NULL};
    rd_kafka_t *c = client(RD_KAFKA_CONSUMER, kv);
    int64_t lo = 0, hi = 0;
    rd_kafka_query_watermark_offsets(c, topic, 0, &lo, &hi, 10000);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
    /* The records produced before the transactions end at offset hi - 17
       (10 + 5 records and two control markers). */
    rd_kafka_topic_partition_list_add(parts, topic, 0)->offset = hi - 17;
    rd_kafka_assign(c, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    int committed = 0, aborted = 0;
    for (int i = 0; i < 50; i++) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
        if (!m) continue;
        if (!m->err) {
            if (memmem(m->payload, m->len, "committed", 9)) committed++;
            if (memmem(m->payload, m->len, "aborted", 7)) aborted++;
        }
        rd_kafka_message_destroy(m);
    }
    CHECK(committed == 10);
    CHECK(aborted == 0);
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
}

int main(void)
{
    char cmd[1024];
    const char *root = getenv("TIDE_SOURCE_DIR");
    snprintf(cmd, sizeof cmd, "%s/scripts/kafka status", root ? root : ".");
    FILE *p = popen(cmd, "r");
    if (!p || !fgets(bootstrap, sizeof bootstrap, p)) {
        fprintf(stderr, "kafka is not running; run this test through ctest\n");
        return 1;
    }
    pclose(p);
    bootstrap[strcspn(bootstrap, "\n")] = 0;
    snprintf(topic, sizeof topic, "protocol_%ld_%d", (long)time(NULL), (int)(clock() % 100000));
    printf("librdkafka %s against %s, topic %s\n", rd_kafka_version_str(), bootstrap, topic);

    static const check_test tests[] = {
        {"metadata lists the broker", test_metadata_lists_the_broker},
        {"CreateTopics", test_create_topic},
        {"produce with none, gzip, snappy, lz4 and zstd", test_produce_with_every_codec},
        {"ListOffsets: watermarks and offsets for times", test_list_offsets},
        {"fetch by assignment", test_fetch_by_assignment},
        {"a consumer group joins, consumes and commits", test_consumer_group_commits},
        {"transactions: commit and abort, read_committed", test_transactions},
    };
    return check_run(tests, sizeof tests / sizeof tests[0]);
}
