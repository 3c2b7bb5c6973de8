/*
 * kafka_fetch.c — tide_kafka_source_fetch: exact offset ranges of many
 * partitions into ONE batch with Spark's Kafka columns.
 *
 * Records kept from earlier fetches are served first, then each
 * partition's own queue gives the records its range still needs (never
 * more: the rest stays in librdkafka's bounded prefetch) until every
 * partition has reached its end. Each record's key and value are copied
 * once, straight from librdkafka's buffer into the column buffers (which
 * grow geometrically in the batch's arena: no allocation per record), and
 * the message is released at once, so librdkafka keeps prefetching.
 *
 * The headers column (includeHeaders) is Spark's array<struct<key:string,
 * value:binary>>: a record's headers in order (a null value kept), null
 * when the record has none.
 */
#include "kafka_source_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_KEY, COL_VALUE, COL_TOPIC, COL_PARTITION, COL_OFFSET, COL_TIMESTAMP, COL_TYPE, COL_HEADERS };

static const struct {
    const char *name;
    int32_t type;
} columns[] = {
    {"key", TIDE_BINARY},           {"value", TIDE_BINARY},     {"topic", TIDE_STRING},
    {"partition", TIDE_INT32},      {"offset", TIDE_INT64},     {"timestamp", TIDE_TIMESTAMP},
    {"timestampType", TIDE_INT32},
};

typedef struct {
    tide_batch *batch;
    int headers;
} fetch_state;

/* Grows a byte column's data to hold `bytes` more without doubling past
   what a whole fetch is likely to need. */
static int reserve_data(tide_batch *b, tide_column *col, int64_t bytes)
{
    if (bytes <= col->data_capacity) return 0;
    uint8_t *d = tide_arena_alloc(b->arena, (size_t)bytes);
    if (!d) return -1;
    col->data = d;
    col->data_capacity = bytes;
    return 0;
}

/* The headers column: array<struct<key:string,value:binary>>. */
static int init_headers(tide_batch *b, tide_column *col, int64_t rows)
{
    tide_column *header;
    return tide_column_init_array(b, col, "headers", rows) != 0 ||
                   tide_column_init_struct(b, header = &col->children[0], "element", 2) != 0 ||
                   tide_column_init(b, &header->children[0], "key", TIDE_STRING, rows) != 0 ||
                   tide_column_init(b, &header->children[1], "value", TIDE_BINARY, rows) != 0
               ? -1
               : 0;
}

static tide_batch *new_batch(int64_t rows, int headers, int64_t value_bytes, int64_t key_bytes)
{
    tide_batch *b = tide_batch_new(headers ? 8 : 7);
    if (!b) return NULL;
    for (int32_t i = 0; i < 7; i++)
        if (tide_column_init(b, &b->columns[i], columns[i].name, columns[i].type, rows) != 0) goto fail;
    if (headers && init_headers(b, &b->columns[COL_HEADERS], rows) != 0) goto fail;
    if (reserve_data(b, &b->columns[COL_VALUE], value_bytes) != 0 ||
        reserve_data(b, &b->columns[COL_KEY], key_bytes) != 0)
        goto fail;
    return b;
fail:
    tide_batch_free(b);
    return NULL;
}

/* Appends m's headers to the headers column (null when it has none). */
static int put_headers(tide_batch *b, tide_column *col, const rd_kafka_message_t *m)
{
    rd_kafka_headers_t *hdrs;
    if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        rd_kafka_header_cnt(hdrs) == 0)
        return tide_column_append_null(b, col);
    tide_column *header = &col->children[0];
    size_t count = rd_kafka_header_cnt(hdrs);
    const char *name;
    const void *value;
    size_t size;
    for (size_t i = 0; i < count; i++) {
        if (rd_kafka_header_get_all(hdrs, i, &name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR)
            continue;
        if (tide_column_append_bytes(b, &header->children[0], name, (int64_t)strlen(name)) != 0 ||
            (value ? tide_column_append_bytes(b, &header->children[1], value, (int64_t)size)
                   : tide_column_append_null(b, &header->children[1])) != 0 ||
            tide_column_append_fixed(b, header, NULL) != 0)
            return -1;
    }
    return tide_column_append_array(b, col);
}

/* ks_accept's appends, inline for the common case, a row that fits the
   room the batch was made with (new_batch sizes it for the fetch's
   range); anything else takes batch.c's general appends. */
static inline int put_fixed(tide_batch *b, tide_column *col, const void *value, size_t width)
{
    if (col->length >= col->capacity) return tide_column_append_fixed(b, col, value);
    memcpy((char *)col->values + (size_t)col->length * width, value, width);
    if (col->validity) tide_mark_valid(col, col->length);
    col->length++;
    return 0;
}

/* bytes NULL: a null (a record without a key or value). */
static inline int put_bytes(tide_batch *b, tide_column *col, const void *bytes, size_t len)
{
    int32_t *offsets = col->values;
    if (col->length >= col->capacity) {
        return bytes ? tide_column_append_bytes(b, col, bytes, (int64_t)len)
                     : tide_column_append_null(b, col);
    }
    int64_t start = offsets[col->length];
    if (!bytes) {
        /* The first null makes the bitmap. */
        if (!col->validity) return tide_column_append_null(b, col);
        offsets[col->length + 1] = (int32_t)start;
        tide_mark_null(col, col->length);
        col->null_count++;
        col->length++;
        return 0;
    }
    if (start + (int64_t)len > col->data_capacity)
        return tide_column_append_bytes(b, col, bytes, (int64_t)len);
    if (len) memcpy(col->data + start, bytes, len);
    offsets[col->length + 1] = (int32_t)(start + (int64_t)len);
    if (col->validity) tide_mark_valid(col, col->length);
    col->length++;
    return 0;
}

int ks_accept(tide_kafka_source *src, ks_part *p, const rd_kafka_message_t *m, char *errbuf,
              size_t errlen)
{
    fetch_state *f = src->fetch;
    tide_batch *b = f->batch;
    tide_column *c = b->columns;
    const char *topic = ks_part_topic(src, p);
    rd_kafka_timestamp_type_t ts_type;
    int64_t ts = rd_kafka_message_timestamp(m, &ts_type);
    /* Kafka's TimestampType ids, as Spark shows them: 0 CreateTime, 1
       LogAppendTime, -1 none. */
    int32_t type = ts_type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? 0
                   : ts_type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 1
                                                                   : -1;
    int64_t micros = ts * 1000;
    int32_t partition = p->partition;
    int64_t offset = m->offset;
    int rc = put_bytes(b, &c[COL_KEY], m->key, m->key_len);
    rc |= put_bytes(b, &c[COL_VALUE], m->payload, m->len);
    rc |= put_bytes(b, &c[COL_TOPIC], topic, strlen(topic));
    rc |= put_fixed(b, &c[COL_PARTITION], &partition, sizeof partition);
    rc |= put_fixed(b, &c[COL_OFFSET], &offset, sizeof offset);
    rc |= type < 0 ? tide_column_append_null(b, &c[COL_TIMESTAMP])
                   : put_fixed(b, &c[COL_TIMESTAMP], &micros, sizeof micros);
    rc |= put_fixed(b, &c[COL_TYPE], &type, sizeof type);
    if (f->headers) rc |= put_headers(b, &c[COL_HEADERS], m);
    if (rc != 0) {
        snprintf(errbuf, errlen, "topic %s partition %d offset %lld: out of memory (or a column "
                 "over 2 GiB) building the batch", topic, (int)p->partition, (long long)m->offset);
        return -1;
    }
    return 0;
}

/* Serves p's kept records that fall in its range. */
static int serve_stash(tide_kafka_source *src, ks_part *p, char *errbuf, size_t errlen)
{
    rd_kafka_message_t *m;
    while ((m = ks_stash_peek(p)) != NULL) {
        if (m->offset >= p->end) break;
        if (m->offset >= p->pos) {
            if (m->offset > p->pos && ks_check_gap(src, p, p->pos, m->offset, errbuf, errlen) != 0)
                return -1;
            if (ks_accept(src, p, m, errbuf, errlen) != 0) return -1;
            p->pos = m->offset + 1;
        }
        ks_stash_pop(src, p);
    }
    if (p->pos >= p->end) {
        p->done = 1;
        src->remaining--;
    } else if (p->fetch_pos >= p->end) {
        /* Everything below the end has come: the rest is a gap. */
        if (ks_check_gap(src, p, p->pos, p->end, errbuf, errlen) != 0) return -1;
        p->pos = p->end;
        p->done = 1;
        src->remaining--;
    }
    return 0;
}

static void describe_unfinished(tide_kafka_source *src, ks_part **parts, const int64_t *starts,
                                int32_t n, int32_t timeout_ms, char *errbuf, size_t errlen)
{
    size_t used = (size_t)snprintf(errbuf, errlen, "not all records arrived within %d ms:", (int)timeout_ms);
    const char *sep = " ";
    for (int32_t i = 0; i < n && used < errlen; i++) {
        ks_part *p = parts[i];
        if (p->done) continue;
        used += (size_t)snprintf(errbuf + used, errlen - used,
                                 "%stopic %s partition %d has [%lld, %lld) up to %lld", sep,
                                 ks_part_topic(src, p), (int)p->partition, (long long)starts[i],
                                 (long long)p->end, (long long)p->pos);
        sep = "; ";
    }
    if (used < errlen && src->client_error[0])
        snprintf(errbuf + used, errlen - used, "; last error: %s", src->client_error);
    tide_kafka_log_explain(src->log, RD_KAFKA_RESP_ERR__TIMED_OUT, errbuf, errlen);
}

tide_batch *tide_kafka_source_fetch(tide_kafka_source *src, const tide_partition_offset *starts,
                                    const tide_partition_offset *ends, int32_t n,
                                    int32_t include_headers, int32_t timeout_ms, int64_t *lost,
                                    char *errbuf, size_t errlen)
{
    ks_ahead_drop(src);
    return ks_fetch(src, starts, ends, n, include_headers, timeout_ms, lost, errbuf, errlen);
}

tide_batch *ks_fetch(tide_kafka_source *src, const tide_partition_offset *starts,
                     const tide_partition_offset *ends, int32_t n, int32_t include_headers,
                     int32_t timeout_ms, int64_t *lost, char *errbuf, size_t errlen)
{
    *lost = 0;
    src->lost = 0;
    src->lost_text[0] = '\0';
    src->client_error[0] = '\0';
    src->remaining = 0;
    ks_part **parts = calloc((size_t)n + 1, sizeof *parts);
    ks_part **moved = calloc((size_t)n + 1, sizeof *moved);
    int64_t *first = calloc((size_t)n + 1, sizeof *first);
    fetch_state f = {NULL, include_headers != 0};
    int32_t num_moved = 0;
    int64_t rows = 0;
    if (!parts || !moved || !first) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        goto fail;
    }
    for (int32_t i = 0; i < n; i++) {
        if (starts[i].topic != ends[i].topic || starts[i].partition != ends[i].partition ||
            starts[i].topic < 0 || starts[i].topic >= src->num_topics || starts[i].partition < 0) {
            snprintf(errbuf, errlen, "fetch: entry %d names no partition of this source, or not the "
                     "same one for its start and end", (int)i);
            goto fail;
        }
        ks_part *p = ks_part_get(src, starts[i].topic, starts[i].partition);
        if (!p) {
            snprintf(errbuf, errlen, "kafka source: out of memory");
            goto fail;
        }
        if (p->end >= 0) {
            snprintf(errbuf, errlen, "fetch: topic %s partition %d is listed twice", ks_part_topic(src, p),
                     (int)p->partition);
            goto fail;
        }
        parts[i] = p;
        first[i] = starts[i].offset;
        p->end = ends[i].offset;
        p->resets = 0;
        p->done = ends[i].offset <= starts[i].offset;
        if (p->done) continue;
        if (starts[i].offset < 0) {
            snprintf(errbuf, errlen, "fetch: topic %s partition %d: bad start offset %lld",
                     ks_part_topic(src, p), (int)p->partition, (long long)starts[i].offset);
            goto fail;
        }
        src->remaining++;
        rows += ends[i].offset - starts[i].offset;
        if (p->pos != starts[i].offset || p->fetch_pos < 0 || !p->assigned) {
            p->pos = starts[i].offset;
            moved[num_moved++] = p;
        }
    }
    if (ks_reposition(src, moved, num_moved, errbuf, errlen) != 0) goto fail;

    /* Sized for the whole range (a gap only leaves room unused); payload
       buffers from the last fetch's bytes per record and an eighth more
       (64 and 8 for the first), doubled when needed: every doubling
       leaves the old buffer unused in the arena. */
    int64_t capacity = rows < (1 << 20) ? rows : (1 << 20);
    double per_value = src->value_bytes > 0 ? src->value_bytes * 1.125 + 1 : 64;
    double per_key = src->key_bytes > 0 ? src->key_bytes * 1.125 + 1 : 8;
    f.batch = new_batch(capacity, f.headers, (int64_t)(capacity * per_value), (int64_t)(capacity * per_key));
    if (!f.batch) {
        snprintf(errbuf, errlen, "kafka source: out of memory for a batch of %lld records", (long long)rows);
        goto fail;
    }
    src->fetch = &f;
    for (int32_t i = 0; i < n; i++)
        if (!parts[i]->done && serve_stash(src, parts[i], errbuf, errlen) != 0) goto fail;

    double deadline = tide_now() + timeout_ms / 1000.0;
    while (src->remaining > 0) {
        double left = deadline - tide_now();
        if (left <= 0) {
            describe_unfinished(src, parts, first, n, timeout_ms, errbuf, errlen);
            goto fail;
        }
        int64_t got = ks_serve(src, 0, errbuf, errlen);
        if (got < 0) goto fail;
        if (got > 0) continue;
        /* Nothing waiting: a partition whose prefetch had reached
           queued.max.messages.kbytes is fetched again only when its
           broker's thread next wakes, which librdkafka 2.0 does not do
           when the queue is consumed (up to a second later). A request
           to that broker wakes it (and costs a round trip), so a fetch
           that drained the prefetch waits for the network, not the timer.
           (kafka_nudge.c wakes them before the queues run dry.) */
        src->stalls++;
        rd_kafka_topic_partition_list_t *waiting = rd_kafka_topic_partition_list_new(n);
        for (int32_t i = 0; i < n; i++)
            if (!parts[i]->done)
                rd_kafka_topic_partition_list_add(waiting, ks_part_topic(src, parts[i]),
                                                  parts[i]->partition);
        ks_wake_leaders(src->rk, waiting, 1000);
        rd_kafka_topic_partition_list_destroy(waiting);
        if (ks_serve(src, left * 1000 < 100 ? (int32_t)(left * 1000) + 1 : 100, errbuf, errlen) < 0) goto fail;
    }
    if (tide_batch_finish(f.batch) != 0) {
        snprintf(errbuf, errlen, "kafka source: columns of different lengths");
        goto fail;
    }
    for (int32_t i = 0; i < n; i++) parts[i]->end = -1;
    src->fetch = NULL;
    if (f.batch->num_rows > 0) {
        const tide_column *c = f.batch->columns;
        src->value_bytes = (double)((const int32_t *)c[COL_VALUE].values)[f.batch->num_rows] / (double)f.batch->num_rows;
        src->key_bytes = (double)((const int32_t *)c[COL_KEY].values)[f.batch->num_rows] / (double)f.batch->num_rows;
    }
    free(parts);
    free(moved);
    free(first);
    *lost = src->lost;
    if (src->lost) snprintf(errbuf, errlen, "%s", src->lost_text);
    return f.batch;
fail:
    for (int32_t i = 0; parts && i < n; i++)
        if (parts[i]) parts[i]->end = -1;
    src->fetch = NULL;
    if (f.batch) tide_batch_free(f.batch);
    free(parts);
    free(moved);
    free(first);
    return NULL;
}
