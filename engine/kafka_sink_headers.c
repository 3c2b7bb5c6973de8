/*
 * kafka_sink_headers.c — records with headers, enqueued one at a time.
 *
 * rd_kafka_produce_batch takes no headers, so a send with a headers column
 * (Spark's array<struct<key:string,value:binary>>, as a source's
 * includeHeaders column) enqueues each record of a chunk with
 * rd_kafka_produceva instead, in row order, and reports each record's
 * outcome in the chunk as produce_batch does. A header without a key fails
 * its record and those after it before they are enqueued. Without a
 * headers column the chunk goes by the batch path (kafka_sink_enqueue.c)
 * and nothing here runs.
 */
#include "kafka_sink_int.h"

/* The headers of row r of the headers column (NULL: none, or *bad set
   when a header has a null key, which Kafka cannot carry). */
static rd_kafka_headers_t *headers_of(const tide_column *headers, int64_t r, int *bad)
{
    const int64_t *off = headers->values;
    if (!tide_valid(headers, r) || off[r + 1] == off[r]) return NULL;
    const tide_column *header = &headers->children[0];
    const tide_column *keys = &header->children[0], *values = &header->children[1];
    rd_kafka_headers_t *hdrs = rd_kafka_headers_new((size_t)(off[r + 1] - off[r]));
    for (int64_t e = off[r]; e < off[r + 1]; e++) {
        if (!tide_valid(header, e) || !tide_valid(keys, e)) {
            rd_kafka_headers_destroy(hdrs);
            *bad = 1;
            return NULL;
        }
        int32_t klen, vlen = 0;
        const char *key = tide_column_bytes(keys, e, &klen);
        const char *value = tide_valid(values, e) ? tide_column_bytes(values, e, &vlen) : NULL;
        rd_kafka_header_add(hdrs, key, (ssize_t)klen, value, (ssize_t)vlen);
    }
    return hdrs;
}

int sink_produce_each(tide_kafka_sink *sink, rd_kafka_topic_t *rkt, int copy,
                      rd_kafka_message_t *chunk, int cnt, const tide_column *headers, int64_t start,
                      double deadline, int64_t *bad_row)
{
    int ok = 0;
    for (int i = 0; i < cnt; i++) {
        rd_kafka_message_t *m = &chunk[i];
        int bad = 0;
        rd_kafka_headers_t *hdrs = headers_of(headers, start + i, &bad);
        if (bad) {
            *bad_row = start + i;
            for (int j = i; j < cnt; j++)
                chunk[j].err = RD_KAFKA_RESP_ERR__BAD_MSG;
            return ok;
        }
        rd_kafka_vu_t vu[] = {
            {.vtype = RD_KAFKA_VTYPE_RKT, .u.rkt = rkt},
            {.vtype = RD_KAFKA_VTYPE_PARTITION, .u.i32 = m->partition},
            {.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {m->payload, m->len}},
            {.vtype = RD_KAFKA_VTYPE_KEY, .u.mem = {m->key, m->key_len}},
            {.vtype = RD_KAFKA_VTYPE_OPAQUE, .u.ptr = m->_private},
            {.vtype = RD_KAFKA_VTYPE_MSGFLAGS, .u.i = copy ? RD_KAFKA_MSG_F_COPY : 0},
            {.vtype = RD_KAFKA_VTYPE_HEADERS, .u.headers = hdrs},
        };
        size_t n = sizeof vu / sizeof vu[0] - (hdrs ? 0 : 1);
        for (;;) {
            rd_kafka_error_t *e = rd_kafka_produceva(sink->rk, vu, n);
            m->err = e ? rd_kafka_error_code(e) : RD_KAFKA_RESP_ERR_NO_ERROR;
            if (e) rd_kafka_error_destroy(e);
            /* Headers count towards the queue's bytes too: wait, as for a chunk. */
            if (m->err != RD_KAFKA_RESP_ERR__QUEUE_FULL || tide_now() > deadline) break;
            rd_kafka_poll(sink->rk, 10);
        }
        if (m->err) {
            /* librdkafka owns the headers only once the record is enqueued. */
            if (hdrs) rd_kafka_headers_destroy(hdrs);
            for (int j = i + 1; j < cnt; j++)
                chunk[j].err = RD_KAFKA_RESP_ERR__FAIL;
            return ok;
        }
        ok++;
    }
    return ok;
}
