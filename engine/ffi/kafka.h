/* Kafka: administration, a minimal client, the streaming source and sink.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_KAFKA_H
#define TIDE_FFI_KAFKA_H

#include "tide_ffi.h"

/* ---- Kafka administration (topics and records) ---------------------------- */

/* Each takes librdkafka properties as key,value pairs and waits for the
   broker's answer (up to timeout_ms); 0 on success, -1 with errbuf naming
   the topic. config_kv holds topic configs (retention.ms, ...). */
int tide_kafka_create_topic(const char **conf_kv, int32_t conf_n, const char *topic,
                            int32_t partitions, const char **config_kv, int32_t config_n,
                            int32_t timeout_ms, char *errbuf, size_t errlen);
int tide_kafka_delete_topic(const char **conf_kv, int32_t conf_n, const char *topic,
                            int32_t timeout_ms, char *errbuf, size_t errlen);
int tide_kafka_create_partitions(const char **conf_kv, int32_t conf_n, const char *topic,
                                 int32_t total, int32_t timeout_ms, char *errbuf, size_t errlen);
/* Deletes the records of a partition before offset (exclusive). */
int tide_kafka_delete_records(const char **conf_kv, int32_t conf_n, const char *topic,
                              int32_t partition, int64_t before, int32_t timeout_ms, char *errbuf,
                              size_t errlen);

/* ---- Kafka (minimal client; the streaming source builds on it) --------- */

/* conf_kv holds conf_n pairs: key, value, key, value, ... Errors are written
   to errbuf with the topic and partition they concern. */
tide_batch *tide_kafka_read(const char **conf_kv, int32_t conf_n, const char *topic,
                            int64_t start_offset, int64_t end_offset, int32_t timeout_ms,
                            char *errbuf, size_t errlen);
int64_t tide_kafka_produce(const char **conf_kv, int32_t conf_n, const char *topic,
                           const tide_column *keys, const tide_column *values,
                           int32_t timeout_ms, char *errbuf, size_t errlen);


#endif
