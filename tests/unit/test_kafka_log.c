/* Unit tests of kafka_log: what librdkafka reports about a client becomes
   one problem per distinct problem. The texts are librdkafka's, as it
   reports a broker that stops under an open connection. */
#include "check.h"
#include "kafka_log.h"

#include <stdio.h>
#include <unistd.h>

/* What tide_kafka_log_explain appends to "E" for a transport error. */
static const char *explained(tide_kafka_log *log, char *buf, size_t len)
{
    snprintf(buf, len, "E");
    tide_kafka_log_explain(log, RD_KAFKA_RESP_ERR__TRANSPORT, buf, len);
    return buf;
}

/* The warnings tide_kafka_log_report prints now, as one text. */
static const char *reported(tide_kafka_log *log, char *buf, size_t len)
{
    FILE *out = tmpfile();
    CHECK(out != NULL);
    fflush(stderr);
    int saved = dup(fileno(stderr));
    dup2(fileno(out), fileno(stderr));
    tide_kafka_log_report(log, 0);
    fflush(stderr);
    dup2(saved, fileno(stderr));
    close(saved);
    rewind(out);
    size_t n = fread(buf, 1, len - 1, out);
    buf[n] = '\0';
    fclose(out);
    return buf;
}

static void a_reset_then_refusals_of_one_broker_are_one_problem(void)
{
    tide_kafka_log *log = tide_kafka_log_new("kafka source", "127.0.0.1:9092", 0, NULL);
    char buf[2048];
    tide_kafka_log_record(
        log, "127.0.0.1:9092/1: Send failed: Connection reset by peer (after 812ms in state UP)", 3,
        0);
    tide_kafka_log_record(log, "127.0.0.1:9092/1: Disconnected (after 815ms in state UP)", 3, 0);
    tide_kafka_log_record(
        log,
        "[thrd:127.0.0.1:9092/bootstrap]: 127.0.0.1:9092/bootstrap: Connect to "
        "ipv4#127.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)",
        3, 0);
    tide_kafka_log_record(
        log,
        "GroupCoordinator: 127.0.0.1:9092: Connect to ipv4#127.0.0.1:9092 failed: "
        "Connection refused (after 0ms in state CONNECT, 2 identical error(s) suppressed)",
        3, 0);
    /* One problem, as it stands now. */
    CHECK_STR(explained(log, buf, sizeof buf), "E: GroupCoordinator: 127.0.0.1:9092: Connect to "
                                               "ipv4#127.0.0.1:9092 failed: Connection refused");
    CHECK_STR(reported(log, buf, sizeof buf),
              "tide: warning: kafka source: GroupCoordinator: 127.0.0.1:9092: Connect to "
              "ipv4#127.0.0.1:9092 "
              "failed: Connection refused (bootstrap servers 127.0.0.1:9092)\n");
    /* Once: a refusal after the warning is the same problem. */
    tide_kafka_log_record(
        log, "127.0.0.1:9092/1: Connect to ipv4#127.0.0.1:9092 failed: Connection refused", 3, 0);
    CHECK_STR(reported(log, buf, sizeof buf), "");
    tide_kafka_log_free(log);
}

static void brokers_and_problems_apart_stay_apart(void)
{
    tide_kafka_log *log = tide_kafka_log_new("kafka sink", "a:9092,b:9092", 0, NULL);
    char buf[2048];
    tide_kafka_log_record(log, "a:9092/1: Send failed: Connection reset by peer", 3, 0);
    tide_kafka_log_record(log, "b:9092/2: Send failed: Connection reset by peer", 3, 0);
    tide_kafka_log_record(log, "b:9092/2: Connect to ipv4#10.0.0.2:9092 failed: Connection refused",
                          3, 0);
    tide_kafka_log_record(log, "a:9092/1: 1 request(s) timed out: disconnect", 3, 0);
    CHECK_STR(explained(log, buf, sizeof buf),
              "E: a:9092/1: Send failed: Connection reset by peer; b:9092/2: Connect to "
              "ipv4#10.0.0.2:9092 failed: "
              "Connection refused; a:9092/1: 1 request(s) timed out: disconnect");
    tide_kafka_log_free(log);
}

TEST_MAIN(TEST(a_reset_then_refusals_of_one_broker_are_one_problem),
          TEST(brokers_and_problems_apart_stay_apart))
