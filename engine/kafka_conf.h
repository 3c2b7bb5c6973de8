/*
 * kafka_conf.h — librdkafka configuration shared by tide's Kafka clients
 * (admin, source, sink, client): tide's defaults first, then the user's
 * kafka.* properties on top, with the properties tide must own refused by
 * name. C only (not part of the FFI).
 */
#ifndef TIDE_KAFKA_CONF_H
#define TIDE_KAFKA_CONF_H
#include <librdkafka/rdkafka.h>

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *key, *value;
} tide_kafka_setting;

/* A configuration holding `defaults` (n_defaults pairs), then the conf_n
   user pairs of conf_kv (key, value, key, value, ...). A user key listed in
   `owned` (NULL-terminated pairs of key and the reason it is refused) fails
   with errbuf "kafka option KEY is not supported: REASON". NULL with errbuf
   naming `who` and the property on error. */
rd_kafka_conf_t *tide_kafka_conf_new(const char *who, const tide_kafka_setting *defaults,
                                     size_t n_defaults, const char **conf_kv, int32_t conf_n,
                                     const tide_kafka_setting *owned, char *errbuf,
                                     size_t errlen);

/* The user's value of key among conf_kv, or NULL. */
const char *tide_kafka_conf_find(const char **conf_kv, int32_t conf_n, const char *key);

/* The numeric value of key in conf, or fallback when conf has none. */
int64_t tide_kafka_conf_int(const rd_kafka_conf_t *conf, const char *key, int64_t fallback);

/* rd_kafka_new with the error naming `who`; takes conf only on success
   (destroys it on failure too, so the caller never frees it). */
rd_kafka_t *tide_kafka_client_new(const char *who, rd_kafka_type_t type, rd_kafka_conf_t *conf,
                                  char *errbuf, size_t errlen);

#endif
