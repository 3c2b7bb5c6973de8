/*
 * kafka_admin.c — topic and record administration through librdkafka's
 * admin API: create and delete topics, add partitions, delete records.
 * Used by tests (retention and repartitioning scenarios), the demo and the
 * producer script; every call is synchronous with a timeout.
 */
#include "ffi/kafka.h"
#include "kafka_conf.h"
#include "kafka_log.h"

#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <string.h>

typedef enum { CREATE_TOPIC, DELETE_TOPIC, CREATE_PARTITIONS, DELETE_RECORDS } admin_op;

typedef struct {
    admin_op op;
    const char *topic;
    int32_t partitions; /* create topic: count; create partitions: new total */
    const char **config_kv;
    int32_t config_n;
    int32_t partition; /* delete records */
    int64_t before;
} admin_request;

static rd_kafka_t *admin_client(const char **conf_kv, int32_t conf_n, char *errbuf, size_t errlen)
{
    rd_kafka_conf_t *conf =
        tide_kafka_conf_new("kafka admin", NULL, 0, conf_kv, conf_n, NULL, errbuf, errlen);
    if (!conf) return NULL;
    return tide_kafka_client_new("kafka admin", RD_KAFKA_PRODUCER, conf, conf_kv, conf_n, NULL,
                                 errbuf, errlen);
}

static int topic_result_error(const rd_kafka_topic_result_t **res, size_t n, const char *what,
                              char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
        if (e) {
            const char *msg = rd_kafka_topic_result_error_string(res[i]);
            snprintf(errbuf, errlen, "%s topic %s: %s", what, rd_kafka_topic_result_name(res[i]),
                     msg ? msg : rd_kafka_err2str(e));
            return -1;
        }
    }
    return 0;
}

/* Sends the request and reads its result event. */
static int run_admin(rd_kafka_t *rk, const admin_request *req, int32_t timeout_ms, char *errbuf,
                     size_t errlen)
{
    char err[512];
    rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_ANY);
    rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, err, sizeof err);
    rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, err, sizeof err);
    int rc = 0;

    switch (req->op) {
    case CREATE_TOPIC: {
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(req->topic, req->partitions, 1, err, sizeof err);
        if (!nt) {
            snprintf(errbuf, errlen, "create topic %s: %s", req->topic, err);
            rc = -1;
            break;
        }
        for (int32_t i = 0; i < req->config_n && rc == 0; i++) {
            if (rd_kafka_NewTopic_set_config(nt, req->config_kv[2 * i], req->config_kv[2 * i + 1])) {
                snprintf(errbuf, errlen, "create topic %s: bad config %s", req->topic,
                         req->config_kv[2 * i]);
                rc = -1;
            }
        }
        if (rc == 0) rd_kafka_CreateTopics(rk, &nt, 1, options, queue);
        rd_kafka_NewTopic_destroy(nt);
        break;
    }
    case DELETE_TOPIC: {
        rd_kafka_DeleteTopic_t *dt = rd_kafka_DeleteTopic_new(req->topic);
        rd_kafka_DeleteTopics(rk, &dt, 1, options, queue);
        rd_kafka_DeleteTopic_destroy(dt);
        break;
    }
    case CREATE_PARTITIONS: {
        rd_kafka_NewPartitions_t *np =
            rd_kafka_NewPartitions_new(req->topic, (size_t)req->partitions, err, sizeof err);
        if (!np) {
            snprintf(errbuf, errlen, "create partitions of %s: %s", req->topic, err);
            rc = -1;
            break;
        }
        rd_kafka_CreatePartitions(rk, &np, 1, options, queue);
        rd_kafka_NewPartitions_destroy(np);
        break;
    }
    case DELETE_RECORDS: {
        rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(offsets, req->topic, req->partition)->offset = req->before;
        rd_kafka_DeleteRecords_t *dr = rd_kafka_DeleteRecords_new(offsets);
        rd_kafka_DeleteRecords(rk, &dr, 1, options, queue);
        rd_kafka_DeleteRecords_destroy(dr);
        rd_kafka_topic_partition_list_destroy(offsets);
        break;
    }
    }

    if (rc == 0) {
        rd_kafka_event_t *ev = rd_kafka_queue_poll(queue, timeout_ms + 5000);
        if (!ev) {
            snprintf(errbuf, errlen, "topic %s: no answer from the broker within %d ms", req->topic,
                     timeout_ms);
            tide_kafka_log_explain(tide_kafka_client_log(rk), RD_KAFKA_RESP_ERR__TIMED_OUT, errbuf,
                                   errlen);
            rc = -1;
        } else if (rd_kafka_event_error(ev)) {
            snprintf(errbuf, errlen, "topic %s: %s", req->topic, rd_kafka_event_error_string(ev));
            tide_kafka_log_explain(tide_kafka_client_log(rk), rd_kafka_event_error(ev), errbuf,
                                   errlen);
            rc = -1;
        } else {
            size_t n = 0;
            const rd_kafka_topic_result_t **res = NULL;
            switch (req->op) {
            case CREATE_TOPIC:
                res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
                rc = topic_result_error(res, n, "create", errbuf, errlen);
                break;
            case DELETE_TOPIC:
                res = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
                rc = topic_result_error(res, n, "delete", errbuf, errlen);
                break;
            case CREATE_PARTITIONS:
                res = rd_kafka_CreatePartitions_result_topics(
                    rd_kafka_event_CreatePartitions_result(ev), &n);
                rc = topic_result_error(res, n, "add partitions to", errbuf, errlen);
                break;
            case DELETE_RECORDS: {
                const rd_kafka_topic_partition_list_t *parts =
                    rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev));
                for (int i = 0; parts && i < parts->cnt; i++) {
                    if (parts->elems[i].err) {
                        snprintf(errbuf, errlen, "delete records of topic %s partition %d: %s",
                                 req->topic, (int)parts->elems[i].partition,
                                 rd_kafka_err2str(parts->elems[i].err));
                        rc = -1;
                    }
                }
                break;
            }
            }
            rd_kafka_event_destroy(ev);
        }
    }
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_queue_destroy(queue);
    return rc;
}

/* A new topic or partition is usable only once it has a leader; the
   broker answers CreateTopics before that, and a produce or delete-records
   right after would fail with "not leader". */
static int wait_for_leaders(rd_kafka_t *rk, const char *topic, int32_t partitions,
                            int32_t timeout_ms, char *errbuf, size_t errlen)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    int64_t deadline = tide_now_us() + (int64_t)timeout_ms * 1000;
    int ready = 0;
    while (!ready && tide_now_us() < deadline) {
        const struct rd_kafka_metadata *md = NULL;
        if (rd_kafka_metadata(rk, 0, rkt, &md, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const struct rd_kafka_metadata_topic *t = md->topic_cnt == 1 ? &md->topics[0] : NULL;
            ready = t && !t->err && t->partition_cnt >= partitions;
            for (int i = 0; ready && i < t->partition_cnt; i++)
                ready = !t->partitions[i].err && t->partitions[i].leader >= 0;
            rd_kafka_metadata_destroy(md);
        }
        if (!ready) tide_sleep(0.05);
    }
    rd_kafka_topic_destroy(rkt);
    if (!ready) snprintf(errbuf, errlen, "topic %s: partitions have no leader after %d ms", topic, timeout_ms);
    return ready ? 0 : -1;
}

static int admin(const char **conf_kv, int32_t conf_n, const admin_request *req, int32_t timeout_ms,
                 char *errbuf, size_t errlen)
{
    rd_kafka_t *rk = admin_client(conf_kv, conf_n, errbuf, errlen);
    if (!rk) return -1;
    int rc = run_admin(rk, req, timeout_ms, errbuf, errlen);
    if (rc == 0 && (req->op == CREATE_TOPIC || req->op == CREATE_PARTITIONS))
        rc = wait_for_leaders(rk, req->topic, req->partitions, timeout_ms, errbuf, errlen);
    tide_kafka_client_destroy(rk, 0);
    return rc;
}

int tide_kafka_create_topic(const char **conf_kv, int32_t conf_n, const char *topic,
                            int32_t partitions, const char **config_kv, int32_t config_n,
                            int32_t timeout_ms, char *errbuf, size_t errlen)
{
    admin_request req = {CREATE_TOPIC, topic, partitions, config_kv, config_n, 0, 0};
    return admin(conf_kv, conf_n, &req, timeout_ms, errbuf, errlen);
}

int tide_kafka_delete_topic(const char **conf_kv, int32_t conf_n, const char *topic,
                            int32_t timeout_ms, char *errbuf, size_t errlen)
{
    admin_request req = {DELETE_TOPIC, topic, 0, NULL, 0, 0, 0};
    return admin(conf_kv, conf_n, &req, timeout_ms, errbuf, errlen);
}

int tide_kafka_create_partitions(const char **conf_kv, int32_t conf_n, const char *topic,
                                 int32_t total, int32_t timeout_ms, char *errbuf, size_t errlen)
{
    admin_request req = {CREATE_PARTITIONS, topic, total, NULL, 0, 0, 0};
    return admin(conf_kv, conf_n, &req, timeout_ms, errbuf, errlen);
}

int tide_kafka_delete_records(const char **conf_kv, int32_t conf_n, const char *topic,
                              int32_t partition, int64_t before, int32_t timeout_ms, char *errbuf,
                              size_t errlen)
{
    admin_request req = {DELETE_RECORDS, topic, 0, NULL, 0, partition, before};
    return admin(conf_kv, conf_n, &req, timeout_ms, errbuf, errlen);
}

int32_t tide_kafka_topic_partition_count(const char **conf_kv, int32_t conf_n, const char *topic,
                                         int32_t timeout_ms, char *errbuf, size_t errlen)
{
    rd_kafka_t *rk = admin_client(conf_kv, conf_n, errbuf, errlen);
    if (!rk) return -1;
    /* The metadata of every topic: asking for this one alone would have a
       broker that auto-creates topics create it. */
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
    int32_t count = -1;
    if (e) {
        snprintf(errbuf, errlen, "topic %s: %s", topic, rd_kafka_err2str(e));
        tide_kafka_log_explain(tide_kafka_client_log(rk), e, errbuf, errlen);
    } else {
        count = 0;
        for (int i = 0; i < md->topic_cnt; i++)
            if (strcmp(md->topics[i].topic, topic) == 0 && !md->topics[i].err)
                count = md->topics[i].partition_cnt;
        rd_kafka_metadata_destroy(md);
    }
    tide_kafka_client_destroy(rk, 0);
    return count;
}
