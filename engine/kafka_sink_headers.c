/*
 * kafka_sink_headers.c — records with headers, enqueued one at a time.
 *
 * rd_kafka_produce_batch takes no headers, so a send with a headers column
 * (binary, the encoding of a source's includeHeaders column, docs/kafka.md)
 * enqueues each record of a chunk with rd_kafka_produceva instead, in row
 * order, and reports each record's outcome in the chunk as produce_batch
 * does. A cell that is not in that encoding fails its record and those
 * after it before they are enqueued. Without a headers column the chunk
 * goes by the batch path (kafka_sink_enqueue.c) and nothing here runs.
 */
#include "kafka_sink_int.h"

/* A 4-byte big-endian length of the headers encoding. */
static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The headers of one record from a cell of the headers column (the
   source's encoding: per header a 4-byte big-endian key length, the key, a
   4-byte value length, FFFFFFFF for a null value, and the value). NULL
   when the cell is malformed. */
static rd_kafka_headers_t *decode_headers(const char *cell, int32_t len)
{
    const unsigned char *p = (const unsigned char *)cell, *end = p + len;
    rd_kafka_headers_t *hdrs = rd_kafka_headers_new(4);
    while (p < end) {
        if (end - p < 4) goto bad;
        uint32_t klen = be32(p);
        p += 4;
        if ((uint32_t)(end - p) < klen) goto bad;
        const char *key = (const char *)p;
        p += klen;
        if (end - p < 4) goto bad;
        uint32_t vlen = be32(p);
        p += 4;
        const void *value = NULL;
        if (vlen != 0xffffffffu) {
            if ((uint32_t)(end - p) < vlen) goto bad;
            value = p;
            p += vlen;
        } else {
            vlen = 0;
        }
        rd_kafka_header_add(hdrs, key, (ssize_t)klen, value, (ssize_t)vlen);
    }
    return hdrs;
bad:
    rd_kafka_headers_destroy(hdrs);
    return NULL;
}

int sink_produce_each(tide_kafka_sink *sink, rd_kafka_topic_t *rkt, int copy,
                      rd_kafka_message_t *chunk, int cnt, const tide_column *headers, int64_t start,
                      double deadline, int64_t *bad_row)
{
    int ok = 0;
    for (int i = 0; i < cnt; i++) {
        rd_kafka_message_t *m = &chunk[i];
        rd_kafka_headers_t *hdrs = NULL;
        if (tide_valid(headers, start + i)) {
            int32_t len;
            const char *cell = tide_column_bytes(headers, start + i, &len);
            if (len > 0 && !(hdrs = decode_headers(cell, len))) {
                *bad_row = start + i;
                for (int j = i; j < cnt; j++)
                    chunk[j].err = RD_KAFKA_RESP_ERR__BAD_MSG;
                return ok;
            }
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
