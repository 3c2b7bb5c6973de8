/*
 * kafka_client.c — one-call Kafka reads and writes for scripts and tests
 * (tide.kafka.read/produce): a partition range into a batch with the
 * source's columns, and columns of keys and values produced with every
 * delivery confirmed. Both are thin: the source (kafka_source.c) and the
 * sink (kafka_sink.c) do the work.
 */
#include "ffi/kafka.h"

#include <stdio.h>
#include <stdlib.h>

#define MAX_PARTITIONS 100000

tide_batch *tide_kafka_read(const char **conf_kv, int32_t conf_n, const char *topic,
                            int32_t partition, int64_t start_offset, int64_t end_offset,
                            int32_t timeout_ms, char *errbuf, size_t errlen)
{
    tide_kafka_source *src = tide_kafka_source_new(conf_kv, conf_n, errbuf, errlen);
    if (!src) return NULL;
    tide_batch *batch = NULL;
    tide_partition_info *info = calloc(MAX_PARTITIONS, sizeof *info);
    tide_partition_offset *starts = calloc(MAX_PARTITIONS, sizeof *starts);
    tide_partition_offset *ends = calloc(MAX_PARTITIONS, sizeof *ends);
    if (!info || !starts || !ends) {
        snprintf(errbuf, errlen, "kafka read: out of memory");
        goto done;
    }
    int rc = partition >= 0 ? tide_kafka_source_assign(src, topic, &partition, 1, errbuf, errlen)
                            : tide_kafka_source_subscribe(src, topic, errbuf, errlen);
    if (rc != 0) goto done;
    int32_t n = tide_kafka_source_partitions(src, info, MAX_PARTITIONS, 0, errbuf, errlen);
    if (n < 0) goto done;
    if (n == 0) {
        snprintf(errbuf, errlen, "topic %s: no such topic", topic);
        goto done;
    }
    for (int32_t i = 0; i < n; i++) {
        int64_t start = start_offset == -2 ? info[i].low : start_offset;
        int64_t end = end_offset == -1 ? info[i].high : end_offset;
        /* An offset the partition does not have yet (records deleted below
           the earliest are reported by the fetch). */
        int64_t beyond = start > info[i].high ? start : end > info[i].high ? end : -1;
        if (beyond >= 0) {
            snprintf(errbuf, errlen,
                     "topic %s partition %d: offset %lld is beyond the end of its log "
                     "(earliest offset %lld, latest %lld)",
                     topic, (int)info[i].partition, (long long)beyond, (long long)info[i].low,
                     (long long)info[i].high);
            goto done;
        }
        if (start < 0 || end < start) {
            snprintf(errbuf, errlen, "topic %s partition %d: bad offset range [%lld, %lld)", topic,
                     (int)info[i].partition, (long long)start, (long long)end);
            goto done;
        }
        starts[i] = (tide_partition_offset){info[i].topic, info[i].partition, start};
        ends[i] = (tide_partition_offset){info[i].topic, info[i].partition, end};
    }
    if (tide_kafka_source_seek(src, starts, n, errbuf, errlen) != 0) goto done;
    int64_t lost = 0;
    batch = tide_kafka_source_fetch(src, starts, ends, n, 0, timeout_ms, &lost, errbuf, errlen);
    if (batch && lost > 0) {
        char missing[768];
        snprintf(missing, sizeof missing, "%s", errbuf);
        snprintf(errbuf, errlen, "%lld records are no longer in Kafka (retention): %s",
                 (long long)lost, missing);
        tide_batch_free(batch);
        batch = NULL;
    }
done:
    free(info);
    free(starts);
    free(ends);
    tide_kafka_source_free(src);
    return batch;
}

int64_t tide_kafka_produce(const char **conf_kv, int32_t conf_n, const char *topic,
                           const tide_column *keys, const tide_column *values,
                           int32_t timeout_ms, char *errbuf, size_t errlen)
{
    tide_kafka_sink *sink = tide_kafka_sink_new(conf_kv, conf_n, errbuf, errlen);
    if (!sink) return -1;
    int64_t n =
        tide_kafka_sink_write(sink, NULL, topic, NULL, keys, values, timeout_ms, errbuf, errlen);
    tide_kafka_sink_free(sink);
    return n;
}
