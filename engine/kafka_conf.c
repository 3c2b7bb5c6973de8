/*
 * kafka_conf.c — librdkafka configuration for tide's Kafka clients: tide's
 * defaults, the user's kafka.* properties over them, and the properties
 * tide owns refused with the reason (see kafka_conf.h).
 */
#include "kafka_conf.h"

#include "kafka_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int set(rd_kafka_conf_t *conf, const char *who, const char *key, const char *value,
               char *errbuf, size_t errlen)
{
    char err[512];
    if (!key || !value) {
        snprintf(errbuf, errlen, "%s: kafka option %s has no value", who, key ? key : "(null)");
        return -1;
    }
    if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
        snprintf(errbuf, errlen, "%s: kafka option %s=%s: %s", who, key, value, err);
        return -1;
    }
    return 0;
}

rd_kafka_conf_t *tide_kafka_conf_new(const char *who, const tide_kafka_setting *defaults,
                                     size_t n_defaults, const char **conf_kv, int32_t conf_n,
                                     const tide_kafka_setting *owned, char *errbuf,
                                     size_t errlen)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    for (size_t i = 0; i < n_defaults; i++)
        if (set(conf, who, defaults[i].key, defaults[i].value, errbuf, errlen) != 0) goto fail;
    for (int32_t i = 0; i < conf_n; i++) {
        const char *key = conf_kv[2 * i];
        for (const tide_kafka_setting *o = owned; o && o->key; o++) {
            if (key && strcmp(key, o->key) == 0) {
                snprintf(errbuf, errlen, "%s: kafka option %s is not supported: %s", who, key,
                         o->value);
                goto fail;
            }
        }
        if (set(conf, who, key, conf_kv[2 * i + 1], errbuf, errlen) != 0) goto fail;
    }
    return conf;
fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

const char *tide_kafka_conf_find(const char **conf_kv, int32_t conf_n, const char *key)
{
    const char *found = NULL;
    for (int32_t i = 0; i < conf_n; i++)
        if (conf_kv[2 * i] && strcmp(conf_kv[2 * i], key) == 0) found = conf_kv[2 * i + 1];
    return found;
}

/* The last value among conf_kv of either name of a property, or NULL. */
static const char *find_either(const char **conf_kv, int32_t conf_n, const char *name,
                               const char *alias)
{
    const char *found = NULL;
    for (int32_t i = 0; i < conf_n; i++) {
        const char *key = conf_kv[2 * i];
        if (key && (strcmp(key, name) == 0 || strcmp(key, alias) == 0)) found = conf_kv[2 * i + 1];
    }
    return found;
}

/* value as a whole number; 0 when it is not one (librdkafka then refuses it
   with its own message). */
static int whole(const char *value, long *out)
{
    char *end;
    if (!value) return 0;
    *out = strtol(value, &end, 10);
    return end != value && *end == '\0';
}

const char *tide_kafka_conf_idempotence_conflict(const char **conf_kv, int32_t conf_n)
{
    long n;
    const char *acks = find_either(conf_kv, conf_n, "acks", "request.required.acks");
    if (acks && strcasecmp(acks, "all") != 0 && whole(acks, &n) && n != -1) return "acks";
    const char *retries = find_either(conf_kv, conf_n, "retries", "message.send.max.retries");
    if (whole(retries, &n) && n < 1) return "retries";
    /* librdkafka's bound for an idempotent producer (RD_KAFKA_IDEMP_MAX_INFLIGHT), Java's too. */
    const char *inflight =
        find_either(conf_kv, conf_n, "max.in.flight.requests.per.connection", "max.in.flight");
    if (whole(inflight, &n) && n > 5) return "max.in.flight.requests.per.connection";
    return NULL;
}

int64_t tide_kafka_conf_int(const rd_kafka_conf_t *conf, const char *key, int64_t fallback)
{
    char value[64];
    size_t size = sizeof value;
    if (rd_kafka_conf_get(conf, key, value, &size) != RD_KAFKA_CONF_OK) return fallback;
    return strtoll(value, NULL, 10);
}

rd_kafka_t *tide_kafka_client_new(const char *who, rd_kafka_type_t type, rd_kafka_conf_t *conf,
                                  const char **conf_kv, int32_t conf_n, void *owner, char *errbuf,
                                  size_t errlen)
{
    char servers[512], err[512];
    size_t size = sizeof servers;
    if (rd_kafka_conf_get(conf, "bootstrap.servers", servers, &size) != RD_KAFKA_CONF_OK)
        servers[0] = '\0';
    const char *debug = tide_kafka_conf_find(conf_kv, conf_n, "debug");
    int raw = (debug && debug[0]) || tide_kafka_conf_find(conf_kv, conf_n, "log_level") != NULL;
    tide_kafka_log *log = tide_kafka_log_new(who, servers, raw, owner);
    if (!log) {
        snprintf(errbuf, errlen, "%s: out of memory", who);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    tide_kafka_log_attach(log, conf);
    rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
    if (!rk) {
        snprintf(errbuf, errlen, "%s: %s", who, err);
        /* rd_kafka_new takes the conf only when it succeeds. */
        rd_kafka_conf_destroy(conf);
        tide_kafka_log_free(log);
        return NULL;
    }
    return rk;
}

void tide_kafka_client_destroy(rd_kafka_t *rk, int flags)
{
    tide_kafka_log *log = tide_kafka_client_log(rk);
    rd_kafka_destroy_flags(rk, flags);
    tide_kafka_log_free(log);
}
