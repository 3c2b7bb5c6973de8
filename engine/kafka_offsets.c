/*
 * kafka_offsets.c — the Kafka source's view of offsets: which partitions
 * the subscription holds now (metadata, refreshed so new topics and
 * partitions appear), their watermarks (one ListOffsets round trip per
 * call, batched over partitions), the latest offsets with a wait for new
 * records, seek, and commits for lag tools.
 */
#include "kafka_source_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A refresh may fail harmlessly (what the metadata said last holds), so it
   waits less: a stop request is not seen while a query is in flight. */
#define REFRESH_TIMEOUT_MS 2000
/* latest() refreshes metadata at most this often, so new partitions and
   topics show up within a second without a metadata request per batch. */
#define METADATA_MAX_AGE_S 1.0
/* While waiting for records, the watermarks are asked again this often,
   in case a partition the consumer does not prefetch has grown. */
#define WAIT_RECHECK_S 0.5
#define WAIT_SLICE_MS 100
/* How long latest() waits for the metadata to show a topic as deleted
   once its offsets are unknown to the broker. */
#define GONE_CONFIRM_S 5.0

static int refresh_metadata(tide_kafka_source *src, char *errbuf, size_t errlen)
{
    const rd_kafka_metadata_t *md;
    int all = src->mode == KS_PATTERN;
    /* Without all_topics, librdkafka asks about the topics it knows: the
       subscribed ones (ks_topic_get made a handle for each). */
    rd_kafka_resp_err_t e = rd_kafka_metadata(
        src->rk, all, NULL, &md, src->metadata_at > 0 ? REFRESH_TIMEOUT_MS : QUERY_TIMEOUT_MS);
    if (e) {
        snprintf(errbuf, errlen, "metadata of %s%s: %s", all ? "the cluster" : "topic ",
                 all ? "" : (src->num_topics ? src->topics[0].name : "?"), rd_kafka_err2str(e));
        tide_kafka_log_explain(src->log, e, errbuf, errlen);
        return ks_unreachable(e) ? KS_UNREACHABLE : -1;
    }
    if (all)
        for (int32_t i = 0; i < src->num_topics; i++) src->topics[i].num_partitions = 0;
    for (int i = 0; i < md->topic_cnt; i++) {
        const rd_kafka_metadata_topic_t *mt = &md->topics[i];
        int32_t ti;
        if (all) {
            if (strncmp(mt->topic, "__", 2) == 0 || mt->err ||
                pcre2_match(src->pattern, (PCRE2_SPTR)mt->topic, PCRE2_ZERO_TERMINATED, 0, 0,
                            src->pattern_match, NULL) < 0)
                continue;
            ti = ks_topic_get(src, mt->topic, strlen(mt->topic));
            if (ti < 0) {
                rd_kafka_metadata_destroy(md);
                snprintf(errbuf, errlen, "kafka source: out of memory");
                return -1;
            }
            src->topics[ti].subscribed = 1;
        } else {
            ti = ks_topic_find(src, mt->topic, strlen(mt->topic));
            if (ti < 0) continue;
        }
        if (mt->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
            src->topics[ti].num_partitions = 0;
        } else if (!mt->err || mt->partition_cnt > 0) {
            int32_t n = 0;
            for (int k = 0; k < mt->partition_cnt; k++)
                if (mt->partitions[k].id + 1 > n) n = mt->partitions[k].id + 1;
            src->topics[ti].num_partitions = n;
        }
        /* Other errors (a leader being elected) keep what was known. */
    }
    rd_kafka_metadata_destroy(md);
    src->metadata_at = tide_now();
    return 0;
}

static int list_add(tide_kafka_source *src, ks_part *p)
{
    if (!p) return -1;
    if (src->list_n == src->list_cap) {
        int32_t cap = src->list_cap ? src->list_cap * 2 : 64;
        ks_part **l = realloc(src->list, sizeof *l * (size_t)cap);
        if (!l) return -1;
        src->list = l;
        src->list_cap = cap;
    }
    src->list[src->list_n++] = p;
    return 0;
}

int ks_subscription(tide_kafka_source *src, double max_age_s, char *errbuf, size_t errlen)
{
    if (src->mode == KS_NONE) {
        snprintf(errbuf, errlen, "the kafka source has no subscribe, subscribePattern or assign");
        return -1;
    }
    if (src->mode != KS_ASSIGN && (src->metadata_at == 0 || tide_now() - src->metadata_at >= max_age_s)) {
        int rc = refresh_metadata(src, errbuf, errlen);
        /* The broker away for a moment (a restart): what it said last
           still holds, and it is asked again after max_age_s. */
        if (rc == KS_UNREACHABLE && src->metadata_at > 0)
            src->metadata_at = tide_now();
        else if (rc != 0)
            return rc;
    }
    src->list_n = 0;
    for (int32_t t = 0; t < src->num_topics; t++) {
        ks_topic *topic = &src->topics[t];
        if (!topic->subscribed) continue;
        if (src->mode == KS_ASSIGN) {
            for (int32_t k = 0; k < topic->num_assigned; k++)
                if (list_add(src, ks_part_get(src, t, topic->assigned[k])) != 0) goto oom;
        } else {
            for (int32_t k = 0; k < topic->num_partitions; k++)
                if (list_add(src, ks_part_get(src, t, k)) != 0) goto oom;
        }
    }
    return 0;
oom:
    snprintf(errbuf, errlen, "kafka source: out of memory");
    return -1;
}

int32_t tide_kafka_source_partitions(tide_kafka_source *src, tide_partition_info *out,
                                     int32_t max, int32_t refresh_ms, char *errbuf,
                                     size_t errlen)
{
    ks_ahead_wait(src);
    if (ks_subscription(src, refresh_ms / 1000.0, errbuf, errlen) != 0) return -1;
    int32_t n = src->list_n;
    if (n > max) {
        snprintf(errbuf, errlen, "the subscription holds %d partitions, more than %d", (int)n, (int)max);
        return -1;
    }
    int64_t *marks = malloc(sizeof *marks * (size_t)(2 * n + 1));
    if (!marks) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        return -1;
    }
    int rc = ks_query_offsets(src, src->list, n, -2, marks, errbuf, errlen);
    if (rc == 0) rc = ks_query_offsets(src, src->list, n, -1, marks + n, errbuf, errlen);
    for (int32_t i = 0; rc == 0 && i < n; i++) {
        out[i].topic = src->list[i]->topic;
        out[i].partition = src->list[i]->partition;
        out[i].low = marks[i];
        out[i].high = marks[n + i];
        src->list[i]->low = marks[i];
    }
    free(marks);
    return rc == 0 ? n : -1;
}

/* The partition of a caller's entry, checked. */
static ks_part *entry_part(tide_kafka_source *src, const tide_partition_offset *e, char *errbuf,
                           size_t errlen)
{
    if (e->topic < 0 || e->topic >= src->num_topics || e->partition < 0) {
        snprintf(errbuf, errlen, "no topic %d partition %d in this source", (int)e->topic, (int)e->partition);
        return NULL;
    }
    ks_part *p = ks_part_get(src, e->topic, e->partition);
    if (!p) snprintf(errbuf, errlen, "kafka source: out of memory");
    return p;
}

int tide_kafka_source_offsets_for_times(tide_kafka_source *src, tide_partition_offset *entries,
                                        int32_t n, char *errbuf, size_t errlen)
{
    ks_ahead_wait(src);
    /* One request a partition: asked once, when a query starts. */
    for (int32_t i = 0; i < n; i++) {
        ks_part *p = entry_part(src, &entries[i], errbuf, errlen);
        if (!p) return -1;
        if (entries[i].offset < 0) {
            snprintf(errbuf, errlen, "topic %s partition %d: timestamp %lld is before 1970",
                     ks_part_topic(src, p), (int)p->partition, (long long)entries[i].offset);
            return -1;
        }
        int64_t offset;
        if (ks_query_offsets(src, &p, 1, entries[i].offset, &offset, errbuf, errlen) != 0)
            return -1;
        entries[i].offset = offset;
    }
    return 0;
}

int tide_kafka_source_seek(tide_kafka_source *src, const tide_partition_offset *offsets,
                           int32_t n, char *errbuf, size_t errlen)
{
    ks_ahead_wait(src);
    ks_part **parts = malloc(sizeof *parts * (size_t)(n + 1));
    if (!parts) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        return -1;
    }
    int32_t m = 0;
    for (int32_t i = 0; i < n; i++) {
        ks_part *p = entry_part(src, &offsets[i], errbuf, errlen);
        if (!p) {
            free(parts);
            return -1;
        }
        if (offsets[i].offset < 0) {
            snprintf(errbuf, errlen, "topic %s partition %d: cannot seek to offset %lld",
                     ks_part_topic(src, p), (int)p->partition, (long long)offsets[i].offset);
            free(parts);
            return -1;
        }
        /* Already there with the records kept: nothing to do. */
        if (p->assigned && p->fetch_pos >= 0 && p->pos == offsets[i].offset) continue;
        p->pos = offsets[i].offset;
        parts[m++] = p;
    }
    int rc = ks_reposition(src, parts, m, errbuf, errlen);
    free(parts);
    return rc;
}

/* True when some partition of the subscription has records beyond the
   caller's position; highs[i] is the latest offset of src->list[i]. */
static int has_records(const tide_kafka_source *src, const int64_t *highs)
{
    for (int32_t i = 0; i < src->list_n; i++)
        if (highs[i] > src->list[i]->after) return 1;
    return 0;
}

/* The partition's end as the broker last reported it in a fetch response
   (no request), or -1 when there is none to trust (see latest_highs). */
static int64_t cached_high(tide_kafka_source *src, const ks_part *p)
{
    int64_t low, high;
    if (src->read_committed || !p->assigned || p->fetch_pos < 0 || p->reset ||
        rd_kafka_get_watermark_offsets(src->rk, ks_part_topic(src, p), p->partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0)
        return -1;
    /* Records kept or delivered prove at least this much. */
    return high > p->fetch_pos ? high : p->fetch_pos;
}

/* The latest offset of every partition of src->list into highs. A
   partition the consumer is fetching has its high watermark from the last
   fetch response, with no round trip: a ListOffsets request would wait
   behind the consumer's long-polling fetch on the same connection (brokers
   answer a connection's requests in order). The others are asked in one
   request, unless cached_only (then they keep their value). With
   read_committed the end is the last stable offset, which only
   ListOffsets gives. */
static int latest_highs(tide_kafka_source *src, int64_t *highs, int cached_only, char *errbuf,
                        size_t errlen)
{
    ks_part **ask = malloc(sizeof *ask * (size_t)(src->list_n + 1));
    int32_t *where = malloc(sizeof *where * (size_t)(src->list_n + 1));
    int64_t *asked = malloc(sizeof *asked * (size_t)(src->list_n + 1));
    int rc = 0;
    if (!ask || !where || !asked) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        rc = -1;
        goto done;
    }
    int32_t n = 0;
    for (int32_t i = 0; i < src->list_n; i++) {
        ks_part *p = src->list[i];
        int64_t high = cached_high(src, p);
        if (high >= 0) {
            highs[i] = high;
        } else if (!cached_only) {
            ask[n] = p;
            where[n++] = i;
        }
    }
    if (!cached_only && (rc = ks_query_offsets(src, ask, n, -1, asked, errbuf, errlen)) != 0) goto done;
    for (int32_t k = 0; !cached_only && k < n; k++) highs[where[k]] = asked[k];
done:
    free(ask);
    free(where);
    free(asked);
    return rc;
}

int32_t tide_kafka_source_known_ends(tide_kafka_source *src, tide_partition_offset *offsets,
                                     int32_t n)
{
    ks_ahead_wait(src);
    int32_t known = 0;
    for (int32_t i = 0; i < n; i++) {
        const ks_part *p = ks_part_find(src, offsets[i].topic, offsets[i].partition);
        offsets[i].offset = p ? cached_high(src, p) : -1;
        if (offsets[i].offset >= 0) known++;
    }
    return known;
}

/* A fresh highs array for src->list, filled by latest_highs. */
static int latest_highs_fresh(tide_kafka_source *src, int64_t **highs, char *errbuf, size_t errlen)
{
    free(*highs);
    *highs = calloc((size_t)src->list_n + 1, sizeof **highs);
    if (!*highs) {
        snprintf(errbuf, errlen, "kafka source: out of memory");
        return -1;
    }
    return latest_highs(src, *highs, 0, errbuf, errlen);
}

void tide_kafka_source_refresh(tide_kafka_source *src)
{
    src->metadata_at = 0;
}

int32_t tide_kafka_source_latest(tide_kafka_source *src, const tide_partition_offset *after,
                                 int32_t n, tide_partition_offset *out, int32_t max,
                                 int32_t wait_ms, char *errbuf, size_t errlen)
{
    ks_ahead_wait(src);
    double deadline = tide_now() + wait_ms / 1000.0, gone_until = 0, unreachable_until = 0;
    int64_t *highs = NULL;
    for (;;) {
        int rc = ks_subscription(src, METADATA_MAX_AGE_S, errbuf, errlen);
        if (rc == 0) rc = latest_highs_fresh(src, &highs, errbuf, errlen);
        if (rc == KS_UNREACHABLE) {
            if (unreachable_until == 0) unreachable_until = tide_now() + UNREACHABLE_WAIT_S;
            if (tide_stop_requested()) goto unchanged;
            if (tide_now() >= unreachable_until) goto fail;
            tide_kafka_log_report(src->log, TIDE_KAFKA_WARN_AFTER_S);
            tide_sleep(0.2);
            continue;
        }
        unreachable_until = 0;
        if (rc == KS_GONE) {
            /* A deleted topic: once the metadata says so, its partitions
               leave the subscription and the caller sees them gone (and
               decides by failOnDataLoss). Until then, ask again. */
            if (gone_until == 0) gone_until = tide_now() + GONE_CONFIRM_S;
            if (tide_stop_requested()) goto unchanged;
            if (tide_now() >= gone_until) goto fail;
            src->metadata_at = 0;
            tide_sleep(0.1);
            continue;
        }
        if (rc != 0) goto fail;
        /* A partition the caller does not list starts at 0 (Spark reads new
           partitions from their beginning). */
        for (int32_t i = 0; i < src->list_n; i++) src->list[i]->after = 0;
        for (int32_t i = 0; i < n; i++) {
            if (after[i].topic < 0 || after[i].topic >= src->num_topics) continue;
            ks_part *p = ks_part_get(src, after[i].topic, after[i].partition);
            if (p) p->after = after[i].offset;
        }
        if (has_records(src, highs) || tide_now() >= deadline || tide_stop_requested()) break;
        /* Wait on the consumer: it long-polls the brokers from the caller's
           positions, so the first new record wakes us at once. */
        double recheck = tide_now() + WAIT_RECHECK_S;
        int woke = 0;
        while (!woke && tide_now() < deadline && tide_now() < recheck && !tide_stop_requested()) {
            double left = (deadline < recheck ? deadline : recheck) - tide_now();
            int32_t slice = left * 1000 < WAIT_SLICE_MS ? (int32_t)(left * 1000) + 1 : WAIT_SLICE_MS;
            if (ks_serve(src, slice, errbuf, errlen) < 0) goto fail;
            if (latest_highs(src, highs, 1, errbuf, errlen) != 0) goto fail;
            woke = has_records(src, highs);
        }
        if (woke) break;
    }
    if (src->list_n > max) {
        snprintf(errbuf, errlen, "the subscription holds %d partitions, more than %d", (int)src->list_n, (int)max);
        goto fail;
    }
    for (int32_t i = 0; i < src->list_n; i++) {
        out[i].topic = src->list[i]->topic;
        out[i].partition = src->list[i]->partition;
        out[i].offset = highs[i];
    }
    free(highs);
    return src->list_n;
unchanged:
    /* A stop request while the broker is away: no new records, so the
       query ends as cleanly as when it is idle, not with the outage. */
    free(highs);
    if (n > max) {
        snprintf(errbuf, errlen, "the subscription holds %d partitions, more than %d", (int)n,
                 (int)max);
        return -1;
    }
    memcpy(out, after, (size_t)n * sizeof *out);
    return n;
fail:
    free(highs);
    return -1;
}

int tide_kafka_source_commit(tide_kafka_source *src, const tide_partition_offset *offsets,
                             int32_t n, int32_t wait_ms, char *errbuf, size_t errlen)
{
    ks_ahead_wait(src);
    if (!src->commits || n == 0) return 0;
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(n);
    for (int32_t i = 0; i < n; i++) {
        if (offsets[i].topic < 0 || offsets[i].topic >= src->num_topics) continue;
        rd_kafka_topic_partition_list_add(list, src->topics[offsets[i].topic].name, offsets[i].partition)
            ->offset = offsets[i].offset;
    }
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (list->cnt && wait_ms <= 0) {
        e = rd_kafka_commit(src->rk, list, 1);
    } else if (list->cnt) {
        /* Waited for on a queue of its own, with a bound: a synchronous
           commit would wait as long as the coordinator takes to answer. */
        rd_kafka_queue_t *answers = rd_kafka_queue_new(src->rk);
        e = rd_kafka_commit_queue(src->rk, list, answers, NULL, NULL);
        rd_kafka_event_t *ev = e ? NULL : rd_kafka_queue_poll(answers, wait_ms);
        if (!e) e = ev ? rd_kafka_event_error(ev) : RD_KAFKA_RESP_ERR__TIMED_OUT;
        if (ev) rd_kafka_event_destroy(ev);
        rd_kafka_queue_destroy(answers);
    }
    rd_kafka_topic_partition_list_destroy(list);
    if (e) {
        snprintf(errbuf, errlen, "commit to the consumer group: %s", rd_kafka_err2str(e));
        return -1;
    }
    return 0;
}
