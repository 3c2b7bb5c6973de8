/*
 * mock_topic.h — what the Kafka sink's unit tests share over librdkafka's
 * mock cluster: rows "record-N" to send, and a consumer that reads them
 * back, counting each record-N.
 */
#ifndef TIDE_TEST_MOCK_TOPIC_H
#define TIDE_TEST_MOCK_TOPIC_H

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "check.h"

/* Rows "record-<from>"... in a value column, and a topic column of
   `topic`, null at row null_topic_at (-1: none). */
static inline tide_batch *mock_rows(int from, int n, int null_topic_at, const char *topic)
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
            CHECK(tide_column_append_bytes(b, &b->columns[1], topic, strlen(topic)) == 0);
    }
    return b;
}

/* A consumer of partitions [first, first + count) of topic, from their
   start. */
static inline rd_kafka_t *mock_consumer(const char *bootstrap, const char *group, const char *topic,
                                        int first, int count)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err);
    rd_kafka_conf_set(conf, "group.id", group, err, sizeof err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(count);
    for (int p = first; p < first + count; p++)
        rd_kafka_topic_partition_list_add(parts, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    return rk;
}

/* Reads with rk until it has `want` records or polled idle max_idle times
   (100 ms each), counting how many times each record-N came (seen[N],
   N < limit); closes rk. Returns the records counted. */
static inline int mock_read_back(rd_kafka_t *rk, int *seen, int limit, int want, int max_idle)
{
    int got = 0;
    for (int idle = 0; got < want && idle < max_idle;) {
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

#endif
