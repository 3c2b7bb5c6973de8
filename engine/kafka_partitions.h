/*
 * kafka_partitions.h — the partition counts of a producer's topics, kept
 * fresh by a thread of their own so that no send waits for metadata.
 *
 * tide_kafka_partitions_of returns what is known (0 until the first
 * answer) and, when the topic is new or its count is older than the
 * refresh interval, has the thread ask the brokers. Thread-safe; free it
 * before the rd_kafka_t and the topics it was asked about.
 */
#ifndef TIDE_KAFKA_PARTITIONS_H
#define TIDE_KAFKA_PARTITIONS_H

#include <librdkafka/rdkafka.h>

#include <stdint.h>

typedef struct tide_kafka_partitions tide_kafka_partitions;

/* refresh_s: how old a count may get (topic.metadata.refresh.interval.ms). */
tide_kafka_partitions *tide_kafka_partitions_new(rd_kafka_t *rk, double refresh_s);
int32_t tide_kafka_partitions_of(tide_kafka_partitions *p, rd_kafka_topic_t *rkt);
void tide_kafka_partitions_free(tide_kafka_partitions *p);

/* The brokers' partition count of rkt now, waiting up to timeout_ms for
   the answer: -1 when they do not know the topic (yet). */
int32_t tide_kafka_partitions_ask(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int timeout_ms);

#endif
