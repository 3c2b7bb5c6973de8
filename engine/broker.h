/*
 * broker.h — `tide broker`: librdkafka's mock cluster as a demo broker.
 */
#ifndef TIDE_BROKER_H
#define TIDE_BROKER_H

#include "ffi/broker.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

extern const char tide_broker_usage[];

/* The mock cluster itself, for tests that make it fail requests. */
rd_kafka_mock_cluster_t *tide_broker_cluster(tide_broker *broker);

/* argv holds the arguments after "broker". Returns the exit status. */
int tide_broker_main(int argc, char **argv);

#endif
