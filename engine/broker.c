/*
 * broker.c — an embedded Kafka broker for demos: librdkafka's mock
 * cluster (one broker on a free loopback port), and `tide broker`, which
 * prints its bootstrap address and serves until SIGINT or SIGTERM.
 *
 * The mock keeps about 5 MB per partition and drops older records, answers
 * no admin requests (create topics here, or let producers auto-create them
 * with librdkafka's default of 4 partitions), and lives only as long as
 * the process: it is for demos, never for benchmarks.
 */
#include "broker.h"
#include "ffi/broker.h"
#include "lua_host.h"
#include "tide_ffi.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tide_broker {
    rd_kafka_t *rk; /* the mock needs a client handle to live in */
    rd_kafka_mock_cluster_t *cluster;
    int32_t partitions; /* for topics created without a count */
};

tide_broker *tide_broker_start(int32_t partitions, char *errbuf, size_t errlen)
{
    char err[512];
    tide_broker *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(errbuf, errlen, "broker: out of memory");
        return NULL;
    }
    b->partitions = partitions > 0 ? partitions : 1;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* The handle never connects anywhere: no bootstrap.servers, and no
       warning about it either. */
    rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
    b->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!b->rk) {
        rd_kafka_conf_destroy(conf);
        snprintf(errbuf, errlen, "broker: %s", err);
        free(b);
        return NULL;
    }
    b->cluster = rd_kafka_mock_cluster_new(b->rk, 1);
    if (!b->cluster) {
        snprintf(errbuf, errlen, "broker: librdkafka could not start its mock cluster");
        rd_kafka_destroy(b->rk);
        free(b);
        return NULL;
    }
    return b;
}

const char *tide_broker_bootstrap(const tide_broker *b)
{
    return rd_kafka_mock_cluster_bootstraps(b->cluster);
}

rd_kafka_mock_cluster_t *tide_broker_cluster(tide_broker *b)
{
    return b->cluster;
}

int tide_broker_create_topic(tide_broker *b, const char *topic, int32_t partitions, char *errbuf,
                             size_t errlen)
{
    if (!topic || !topic[0]) {
        snprintf(errbuf, errlen, "broker: a topic needs a name");
        return -1;
    }
    rd_kafka_resp_err_t e =
        rd_kafka_mock_topic_create(b->cluster, topic, partitions > 0 ? partitions : b->partitions, 1);
    if (e) {
        snprintf(errbuf, errlen, "broker: create topic %s: %s", topic, rd_kafka_err2str(e));
        return -1;
    }
    return 0;
}

void tide_broker_stop(tide_broker *b)
{
    if (!b) return;
    rd_kafka_mock_cluster_destroy(b->cluster);
    rd_kafka_destroy(b->rk);
    free(b);
}

/* ---- tide broker ------------------------------------------------------------------ */

const char tide_broker_usage[] =
    "usage: tide broker [--partitions N] [--topics NAME,NAME...]\n"
    "\n"
    "Starts an embedded Kafka broker (librdkafka's mock cluster) on a free\n"
    "loopback port, prints its bootstrap address (host:port) on the first line\n"
    "of standard output, and serves until SIGINT or SIGTERM.\n"
    "\n"
    "  --partitions N   partitions of the topics it creates (default 1)\n"
    "  --topics LIST    topics to create at once, comma-separated\n"
    "\n"
    "For demos only: it keeps about 5 MB per partition (older records are\n"
    "dropped), forgets everything when it stops, and answers no admin\n"
    "requests. Topics that producers write to without creating them get 4\n"
    "partitions.\n";

int tide_broker_main(int argc, char **argv)
{
    int32_t partitions = 1;
    const char *topics = NULL;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if ((strcmp(arg, "--partitions") == 0 || strcmp(arg, "-p") == 0) && value) {
            char *end;
            long n = strtol(value, &end, 10);
            if (*end || n < 1 || n > 10000) {
                fprintf(stderr, "tide broker: --partitions needs a number from 1 to 10000, not %s\n", value);
                return 2;
            }
            partitions = (int32_t)n;
            i++;
        } else if ((strcmp(arg, "--topics") == 0 || strcmp(arg, "-t") == 0) && value) {
            topics = value;
            i++;
        } else {
            fprintf(stderr, "tide broker: unknown argument %s\n%s", arg, tide_broker_usage);
            return 2;
        }
    }
    char err[512];
    tide_broker *b = tide_broker_start(partitions, err, sizeof err);
    if (!b) {
        fprintf(stderr, "tide %s\n", err);
        return 1;
    }
    for (const char *s = topics; s && *s;) {
        s += strspn(s, ", ");
        size_t len = strcspn(s, ", ");
        if (len == 0) break;
        char *name = strndup(s, len);
        if (!name) snprintf(err, sizeof err, "broker: out of memory");
        int rc = name ? tide_broker_create_topic(b, name, partitions, err, sizeof err) : -1;
        free(name);
        if (rc != 0) {
            fprintf(stderr, "tide %s\n", err);
            tide_broker_stop(b);
            return 1;
        }
        s += len;
    }
    tide_install_stop_signals();
    printf("%s\n", tide_broker_bootstrap(b));
    fflush(stdout);
    fprintf(stderr, "tide broker: serving on %s (%d partition%s per topic); Ctrl-C stops it\n",
            tide_broker_bootstrap(b), (int)partitions, partitions == 1 ? "" : "s");
    while (!tide_stop_requested()) tide_sleep(0.2);
    tide_broker_stop(b);
    return 0;
}
