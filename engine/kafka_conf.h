/*
 * kafka_conf.h — librdkafka configuration shared by tide's Kafka clients
 * (admin, source, sink, client): tide's defaults first, then the user's
 * kafka.* properties on top, with the properties tide must own refused by
 * name; and the clients made and destroyed with their reporting
 * (kafka_log.h). C only (not part of the FFI).
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

/* Which of the user's producer properties (conf_kv, aliases included, the
   last setting winning as in librdkafka) rules out an idempotent producer:
   acks other than all (-1), retries 0, or more than 5 requests in flight
   per connection. NULL when none does. Java producers since Kafka 3.2
   (KAFKA-13673) then turn off the idempotence they enable by default,
   unless the user asked for it. */
const char *tide_kafka_conf_idempotence_conflict(const char **conf_kv, int32_t conf_n);

/* The numeric value of key in conf, or fallback when conf has none. */
int64_t tide_kafka_conf_int(const rd_kafka_conf_t *conf, const char *key, int64_t fallback);

/* rd_kafka_new with the error naming `who`; takes conf (destroys it on
   failure too, so the caller never frees it). The client's log lines and
   error events go to a tide_kafka_log (kafka_log.h; the user's debug or
   log_level among conf_kv asks for librdkafka's own lines), which is
   conf's opaque: `owner` is what tide_kafka_log_owner gives the client's
   other callbacks. */
rd_kafka_t *tide_kafka_client_new(const char *who, rd_kafka_type_t type, rd_kafka_conf_t *conf,
                                  const char **conf_kv, int32_t conf_n, void *owner, char *errbuf,
                                  size_t errlen);

/* rd_kafka_destroy_flags, then frees the client's log. */
void tide_kafka_client_destroy(rd_kafka_t *rk, int flags);

#endif
