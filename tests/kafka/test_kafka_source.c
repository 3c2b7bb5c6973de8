/*
 * The Kafka source against librdkafka's mock cluster: partitions and
 * watermarks, exact ranges across partitions and fetches, records kept
 * between fetches, headers, data loss when retention drops records, a
 * start before the earliest offset, commits, waiting for new records, and
 * a prefetch refilled while the query works.
 */
#include "batch.h"
#include "broker.h"
#include "check.h"
#include "ffi/kafka.h"
#include "kafka_source_int.h" /* the stall count */

#include <librdkafka/rdkafka.h>
#include <threads.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The layout tests/kafka/test_kafka_lua.lua checks on the FFI's side. */
_Static_assert(sizeof(tide_partition_info) == 24 && offsetof(tide_partition_info, high) == 16,
               "tide_partition_info layout");
_Static_assert(sizeof(tide_partition_offset) == 16 && offsetof(tide_partition_offset, offset) == 8,
               "tide_partition_offset layout");

static tide_broker *broker;
static char err[1024];

/* Produces n records "<prefix>-<i>" to one partition, with a header
   "i" = i on each when headers is set. */
static void produce(const char *topic, int32_t partition, int n, const char *prefix, int headers,
                    size_t pad)
{
    char e[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", tide_broker_bootstrap(broker), e, sizeof e);
    rd_kafka_conf_set(conf, "linger.ms", "1", e, sizeof e);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof e);
    CHECK(rk != NULL);
    char *value = malloc(pad + 64);
    for (int i = 0; i < n; i++) {
        int len = snprintf(value, 64, "%s-%d", prefix, i);
        if (pad) {
            memset(value + len, '.', pad);
            len += (int)pad;
        }
        char h[16];
        snprintf(h, sizeof h, "%d", i);
        rd_kafka_resp_err_t r;
        do {
            if (headers)
                r = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                                      RD_KAFKA_V_VALUE(value, (size_t)len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                      RD_KAFKA_V_HEADER("i", h, (ssize_t)strlen(h)),
                                      RD_KAFKA_V_HEADER("nil", NULL, 0), RD_KAFKA_V_END);
            else
                r = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                                      RD_KAFKA_V_VALUE(value, (size_t)len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                      RD_KAFKA_V_END);
            if (r == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(rk, 10);
        } while (r == RD_KAFKA_RESP_ERR__QUEUE_FULL);
        CHECK(r == RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_poll(rk, 0);
    }
    CHECK(rd_kafka_flush(rk, 30000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    free(value);
    rd_kafka_destroy(rk);
}

static tide_kafka_source *source(const char *group)
{
    const char *conf[] = {"bootstrap.servers", tide_broker_bootstrap(broker), "group.id", group};
    tide_kafka_source *s = tide_kafka_source_new(conf, group ? 2 : 1, err, sizeof err);
    if (!s) fprintf(stderr, "source: %s\n", err);
    CHECK(s != NULL);
    return s;
}

static const char *value_at(const tide_batch *b, int64_t row, int32_t *len)
{
    return tide_column_bytes(&b->columns[1], row, len);
}

/* Rows of one partition in the batch, checking offsets ascend by one
   from `first` and values are "<prefix>-<offset>". Returns the count. */
static int64_t check_partition_rows(const tide_batch *b, int32_t partition, int64_t first,
                                    const char *prefix)
{
    const int32_t *parts = b->columns[3].values;
    const int64_t *offsets = b->columns[4].values;
    int64_t n = 0, expect = first;
    for (int64_t r = 0; r < b->num_rows; r++) {
        if (parts[r] != partition) continue;
        CHECK(offsets[r] == expect);
        char want[64];
        int wl = snprintf(want, sizeof want, "%s-%lld", prefix, (long long)offsets[r]);
        int32_t len;
        const char *v = value_at(b, r, &len);
        CHECK(len >= wl && memcmp(v, want, (size_t)wl) == 0);
        expect++;
        n++;
    }
    return n;
}

static int32_t partitions(tide_kafka_source *s, tide_partition_info *info)
{
    int32_t n = tide_kafka_source_partitions(s, info, 64, 0, err, sizeof err);
    if (n < 0) fprintf(stderr, "partitions: %s\n", err);
    return n;
}

static void lists_partitions_with_watermarks_and_new_ones(void)
{
    CHECK(tide_broker_create_topic(broker, "wm", 3, err, sizeof err) == 0);
    produce("wm", 0, 5, "a", 0, 0);
    produce("wm", 2, 2, "a", 0, 0);
    tide_kafka_source *s = source("g-wm");
    CHECK(tide_kafka_source_subscribe(s, "wm", err, sizeof err) == 0);
    tide_partition_info info[64];
    CHECK(partitions(s, info) == 3);
    CHECK_STR(tide_kafka_source_topic_name(s, info[0].topic), "wm");
    CHECK(info[0].partition == 0 && info[0].low == 0 && info[0].high == 5);
    CHECK(info[1].partition == 1 && info[1].high == 0);
    CHECK(info[2].partition == 2 && info[2].high == 2);
    CHECK_STR(tide_kafka_source_topic_name(s, 99), "");
    /* A topic matched by a pattern appears with the next refresh. */
    tide_kafka_source *p = source(NULL);
    CHECK(tide_kafka_source_subscribe_pattern(p, "wm|pat[0-9]+", err, sizeof err) == 0);
    CHECK(partitions(p, info) == 3);
    CHECK(tide_broker_create_topic(broker, "pat7", 2, err, sizeof err) == 0);
    CHECK(tide_broker_create_topic(broker, "xpat7", 2, err, sizeof err) == 0);
    CHECK(partitions(p, info) == 5);
    tide_kafka_source_free(p);
    tide_kafka_source_free(s);
}

/* "Not leader" for a moment (a topic just created, a leader moving): the
   offsets are asked again instead of failing the query. */
static void offsets_asked_again_while_the_leader_is_not_ready(void)
{
    CHECK(tide_broker_create_topic(broker, "leaderless", 2, err, sizeof err) == 0);
    produce("leaderless", 1, 3, "a", 0, 0);
    tide_kafka_source *s = source(NULL);
    CHECK(tide_kafka_source_subscribe(s, "leaderless", err, sizeof err) == 0);
    tide_partition_info info[64];
    CHECK(partitions(s, info) == 2); /* metadata known before the errors */
    rd_kafka_mock_push_request_errors(tide_broker_cluster(broker), 2 /* ListOffsets */, 3,
                                      RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                      RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
                                      RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
    CHECK(partitions(s, info) == 2);
    CHECK(info[1].high == 3);
    /* Not retriable: fails at once, naming the partition. */
    rd_kafka_mock_push_request_errors(tide_broker_cluster(broker), 2, 1,
                                      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
    CHECK(tide_kafka_source_partitions(s, info, 64, 0, err, sizeof err) < 0);
    CHECK(strstr(err, "topic leaderless partition 0") != NULL);
    tide_kafka_source_free(s);
}

static void fetches_exact_ranges_across_partitions_and_fetches(void)
{
    CHECK(tide_broker_create_topic(broker, "ranges", 3, err, sizeof err) == 0);
    for (int32_t p = 0; p < 3; p++) produce("ranges", p, 100 + 10 * p, "r", 0, 0);
    tide_kafka_source *s = source("g-ranges");
    CHECK(tide_kafka_source_subscribe(s, "ranges", err, sizeof err) == 0);
    tide_partition_info info[64];
    CHECK(partitions(s, info) == 3);
    int32_t t = info[0].topic;
    tide_partition_offset start[3] = {{t, 0, 0}, {t, 1, 5}, {t, 2, 0}};
    CHECK(tide_kafka_source_seek(s, start, 3, err, sizeof err) == 0);
    /* Three consecutive fetches: the later ones start where the earlier
       ended, partly from records the consumer prefetched. */
    int64_t bounds[4][3] = {{0, 5, 0}, {10, 50, 0}, {60, 51, 120}, {100, 110, 120}};
    for (int k = 0; k < 3; k++) {
        tide_partition_offset a[3], b[3];
        for (int32_t p = 0; p < 3; p++) {
            a[p] = (tide_partition_offset){t, p, bounds[k][p]};
            b[p] = (tide_partition_offset){t, p, bounds[k + 1][p]};
        }
        int64_t lost = -1;
        tide_batch *batch = tide_kafka_source_fetch(s, a, b, 3, 0, 10000, &lost, err, sizeof err);
        if (!batch) fprintf(stderr, "fetch: %s\n", err);
        CHECK(batch != NULL);
        if (!batch) break;
        CHECK(lost == 0);
        int64_t total = 0;
        for (int32_t p = 0; p < 3; p++) {
            int64_t want = bounds[k + 1][p] > bounds[k][p] ? bounds[k + 1][p] - bounds[k][p] : 0;
            CHECK(check_partition_rows(batch, p, bounds[k][p], "r") == want);
            total += want;
        }
        CHECK(batch->num_rows == total);
        CHECK(batch->num_columns == 7);
        CHECK_STR(batch->columns[5].name, "timestamp");
        CHECK(tide_column_is_valid(&batch->columns[5], 0));
        CHECK(((const int32_t *)batch->columns[6].values)[0] == 0); /* CreateTime */
        CHECK(!tide_column_is_valid(&batch->columns[0], 0));       /* no key */
        tide_batch_free(batch);
    }
    /* Going back is a seek, and reads the same records again. */
    tide_partition_offset a[1] = {{t, 1, 7}}, b[1] = {{t, 1, 9}};
    int64_t lost;
    tide_batch *batch = tide_kafka_source_fetch(s, a, b, 1, 0, 10000, &lost, err, sizeof err);
    CHECK(batch && batch->num_rows == 2 && check_partition_rows(batch, 1, 7, "r") == 2);
    tide_batch_free(batch);
    /* A range beyond what exists times out, naming the partition. */
    tide_partition_offset c[1] = {{t, 0, 100}}, d[1] = {{t, 0, 105}};
    batch = tide_kafka_source_fetch(s, c, d, 1, 0, 300, &lost, err, sizeof err);
    CHECK(batch == NULL);
    CHECK(strstr(err, "topic ranges partition 0 has [100, 105) up to 100") != NULL);
    tide_kafka_source_free(s);
}

/* Rows [from, to) of both partitions of topic t, begun on the source's
   fetch thread. */
static int begin_both(tide_kafka_source *s, int32_t t, int64_t from, int64_t to)
{
    tide_partition_offset a[2] = {{t, 0, from}, {t, 1, from}}, b[2] = {{t, 0, to}, {t, 1, to}};
    return tide_kafka_source_fetch_begin(s, a, b, 2, 0, 10000, err, sizeof err);
}

static void fetches_ahead_on_a_thread_of_its_own(void)
{
    CHECK(tide_broker_create_topic(broker, "ahead", 2, err, sizeof err) == 0);
    for (int32_t p = 0; p < 2; p++)
        produce("ahead", p, 100, "a", 0, 0);
    tide_kafka_source *s = source(NULL);
    CHECK(tide_kafka_source_subscribe(s, "ahead", err, sizeof err) == 0);
    tide_partition_info info[4];
    CHECK(partitions(s, info) == 2);
    int32_t t = info[0].topic;
    int64_t lost = -1;
    /* Nothing begun: nothing to end. */
    CHECK(tide_kafka_source_fetch_end(s, &lost, err, sizeof err) == NULL);
    CHECK(strstr(err, "no fetch was begun") != NULL);
    /* begin, end: the records of the range, as a fetch gives them. */
    CHECK(begin_both(s, t, 0, 30) == 0);
    tide_batch *batch = tide_kafka_source_fetch_end(s, &lost, err, sizeof err);
    CHECK(batch && batch->num_rows == 60 && lost == 0);
    if (batch)
        CHECK(check_partition_rows(batch, 0, 0, "a") == 30 &&
              check_partition_rows(batch, 1, 0, "a") == 30);
    tide_batch_free(batch);
    /* A second begin drops the first fetch: the end is the second's. */
    CHECK(begin_both(s, t, 30, 60) == 0);
    CHECK(begin_both(s, t, 60, 90) == 0);
    batch = tide_kafka_source_fetch_end(s, &lost, err, sizeof err);
    CHECK(batch && batch->num_rows == 60);
    if (batch) CHECK(check_partition_rows(batch, 1, 60, "a") == 30);
    tide_batch_free(batch);
    /* Other calls wait for a fetch in flight and leave it for the end. */
    CHECK(begin_both(s, t, 90, 100) == 0);
    CHECK(partitions(s, info) == 2);
    batch = tide_kafka_source_fetch_end(s, &lost, err, sizeof err);
    CHECK(batch && batch->num_rows == 20);
    if (batch) CHECK(check_partition_rows(batch, 0, 90, "a") == 10);
    tide_batch_free(batch);
    /* The ends the broker reported while the source fetched, asked of no
       one; -1 for a partition not being read. */
    tide_partition_offset known[3] = {{t, 0, 0}, {t, 1, 0}, {t, 5, 0}};
    CHECK(tide_kafka_source_known_ends(s, known, 3) == 2);
    CHECK(known[0].offset == 100 && known[1].offset == 100 && known[2].offset == -1);
    /* A fetch drops a fetch in flight, and reads what it asks for. */
    CHECK(begin_both(s, t, 90, 100) == 0);
    tide_partition_offset a[1] = {{t, 0, 10}}, b[1] = {{t, 0, 20}};
    batch = tide_kafka_source_fetch(s, a, b, 1, 0, 10000, &lost, err, sizeof err);
    CHECK(batch && batch->num_rows == 10);
    if (batch) CHECK(check_partition_rows(batch, 0, 10, "a") == 10);
    tide_batch_free(batch);
    CHECK(tide_kafka_source_fetch_end(s, &lost, err, sizeof err) == NULL);
    /* An error on the thread comes back with the end, naming the place. */
    tide_partition_offset c[1] = {{t, 1, 100}}, d[1] = {{t, 1, 105}};
    CHECK(tide_kafka_source_fetch_begin(s, c, d, 1, 0, 300, err, sizeof err) == 0);
    CHECK(tide_kafka_source_fetch_end(s, &lost, err, sizeof err) == NULL);
    CHECK(strstr(err, "topic ahead partition 1 has [100, 105) up to 100") != NULL);
    /* Freed with a fetch in flight: waited for, its batch freed (ASan). */
    CHECK(begin_both(s, t, 0, 100) == 0);
    tide_kafka_source_free(s);
}

/* A prefetch far smaller than a micro-batch (64 KB a partition, responses
   of at most 64 KB): pieces taken with the query working in between, the
   source asks for a refill each time a queue runs below half
   (kafka_nudge.c), and every record comes, in order. librdkafka 2.0 alone
   fetches again only when a fetch finds the queue empty and wakes it: a
   stall every third piece or so here (10-15 over these 40 pieces, against
   1-2 with the wake-ups on an idle machine; a loaded one may miss them,
   so the stalls themselves are the bench's to measure, not this test's). */
static void refills_a_small_prefetch_while_the_query_works(void)
{
    CHECK(tide_broker_create_topic(broker, "nudge", 1, err, sizeof err) == 0);
    /* Small producer batches, so a fetch response holds few records. */
    for (int k = 0; k < 50; k++)
        produce("nudge", 0, 16, "n", 0, 1000);
    const char *conf[] = {"bootstrap.servers",          tide_broker_bootstrap(broker),
                          "queued.max.messages.kbytes", "64",
                          "max.partition.fetch.bytes",  "65536"};
    tide_kafka_source *s = tide_kafka_source_new(conf, 3, err, sizeof err);
    CHECK(s != NULL);
    if (!s) return;
    CHECK(tide_kafka_source_subscribe(s, "nudge", err, sizeof err) == 0);
    tide_partition_info info[4];
    CHECK(partitions(s, info) == 1);
    int32_t t = info[0].topic;
    int in_order = 1;
    for (int64_t pos = 0; pos < 800; pos += 20) {
        tide_partition_offset a[1] = {{t, 0, pos}}, b[1] = {{t, 0, pos + 20}};
        int64_t lost = -1;
        tide_batch *batch = tide_kafka_source_fetch(s, a, b, 1, 0, 10000, &lost, err, sizeof err);
        CHECK(batch && batch->num_rows == 20 && lost == 0);
        if (!batch) break;
        const int64_t *offsets = batch->columns[4].values;
        for (int64_t r = 0; r < batch->num_rows; r++)
            in_order &= offsets[r] == pos + r;
        tide_batch_free(batch);
        thrd_sleep(&(struct timespec){.tv_nsec = 50 * 1000000}, NULL); /* the query at work */
    }
    CHECK(in_order);
    /* 800 records through a queue of about 60: refilled a dozen times or
       more, each asked for once the queue ran below half. */
    if (s->nudges < 5) fprintf(stderr, "nudges: %lld, stalls: %lld\n", (long long)s->nudges, (long long)s->stalls);
    CHECK(s->nudges >= 5);
    tide_kafka_source_free(s);
}

static void includes_headers(void)
{
    CHECK(tide_broker_create_topic(broker, "hdr", 1, err, sizeof err) == 0);
    produce("hdr", 0, 3, "h", 1, 0);
    tide_kafka_source *s = source(NULL);
    int32_t zero = 0;
    CHECK(tide_kafka_source_assign(s, "hdr", &zero, 1, err, sizeof err) == 0);
    tide_partition_info info[4];
    CHECK(partitions(s, info) == 1);
    tide_partition_offset a[1] = {{info[0].topic, 0, 1}}, b[1] = {{info[0].topic, 0, 3}};
    int64_t lost;
    tide_batch *batch = tide_kafka_source_fetch(s, a, b, 1, 1, 10000, &lost, err, sizeof err);
    CHECK(batch && batch->num_rows == 2 && batch->num_columns == 8);
    if (batch) {
        /* Spark's array<struct<key:string,value:binary>>: ("i", "1"), ("nil", null) */
        const tide_column *h = &batch->columns[7];
        CHECK_STR(h->name, "headers");
        CHECK(h->type == TIDE_ARRAY && h->children[0].type == TIDE_STRUCT);
        const int64_t *off = h->values;
        CHECK(off[0] == 0 && off[1] == 2);
        const tide_column *keys = &h->children[0].children[0], *values = &h->children[0].children[1];
        int32_t len;
        const char *k = tide_column_bytes(keys, 0, &len);
        CHECK(len == 1 && k[0] == 'i');
        const char *v = tide_column_bytes(values, 0, &len);
        CHECK(len == 1 && v[0] == '1');
        k = tide_column_bytes(keys, 1, &len);
        CHECK(len == 3 && memcmp(k, "nil", 3) == 0);
        CHECK(!tide_valid(values, 1));
        tide_batch_free(batch);
    }
    tide_kafka_source_free(s);
}

/* The mock keeps about 5 MB per partition: 700 records of 10 kB push the
   first ones out, as retention would. */
static void reports_records_lost_to_retention(void)
{
    CHECK(tide_broker_create_topic(broker, "lossy", 2, err, sizeof err) == 0);
    produce("lossy", 0, 700, "x", 0, 10000);
    produce("lossy", 1, 10, "y", 0, 0);
    tide_kafka_source *s = source(NULL);
    CHECK(tide_kafka_source_subscribe(s, "lossy", err, sizeof err) == 0);
    tide_partition_info info[4];
    CHECK(partitions(s, info) == 2);
    int64_t low = info[0].low;
    CHECK(low > 0 && info[0].high == 700);
    int32_t t = info[0].topic;
    /* The checkpoint says 0: the fetch starts below the earliest offset. */
    tide_partition_offset a[2] = {{t, 0, 0}, {t, 1, 0}}, b[2] = {{t, 0, 700}, {t, 1, 10}};
    CHECK(tide_kafka_source_seek(s, a, 2, err, sizeof err) == 0);
    int64_t lost = 0;
    tide_batch *batch = tide_kafka_source_fetch(s, a, b, 2, 0, 20000, &lost, err, sizeof err);
    if (!batch) fprintf(stderr, "fetch: %s\n", err);
    CHECK(batch != NULL);
    CHECK(lost == low);
    char want[128];
    snprintf(want, sizeof want, "topic lossy partition 0 offsets [0, %lld)", (long long)low);
    CHECK(strstr(err, want) != NULL);
    if (batch) {
        CHECK(batch->num_rows == 700 - low + 10);
        CHECK(check_partition_rows(batch, 0, low, "x") == 700 - low);
        CHECK(check_partition_rows(batch, 1, 0, "y") == 10);
        tide_batch_free(batch);
    }
    /* Records dropped after the consumer went past them are a gap in the
       stream: also reported, with the range. */
    tide_partition_offset c[1] = {{t, 0, 700}}, d[1] = {{t, 0, 1400}};
    produce("lossy", 0, 700, "x", 0, 10000);
    batch = tide_kafka_source_fetch(s, c, d, 1, 0, 20000, &lost, err, sizeof err);
    CHECK(batch != NULL);
    tide_partition_info now[4];
    CHECK(partitions(s, now) == 2);
    if (batch) {
        /* What the consumer had not fetched before the mock dropped it is
           lost, as one range, and every other record is in the batch. */
        CHECK(lost + batch->num_rows == 700);
        long long from = -1, to = -1;
        const char *range = strstr(err, "topic lossy partition 0 offsets [");
        if (lost > 0) {
            CHECK(range && sscanf(range, "topic lossy partition 0 offsets [%lld, %lld)", &from, &to) == 2);
            CHECK(from >= 700 && to <= 1400 && to - from == lost);
        }
        const int64_t *offsets = batch->columns[4].values;
        for (int64_t r = 1; r < batch->num_rows; r++)
            CHECK(offsets[r] == offsets[r - 1] + 1 || (offsets[r - 1] == from - 1 && offsets[r] == to));
        tide_batch_free(batch);
    }
    tide_kafka_source_free(s);
}

static void commits_offsets_to_the_group(void)
{
    CHECK(tide_broker_create_topic(broker, "committed", 1, err, sizeof err) == 0);
    produce("committed", 0, 4, "c", 0, 0);
    tide_kafka_source *s = source("g-commit");
    CHECK(tide_kafka_source_subscribe(s, "committed", err, sizeof err) == 0);
    tide_partition_info info[4];
    CHECK(partitions(s, info) == 1);
    tide_partition_offset at[1] = {{info[0].topic, 0, 3}};
    CHECK(tide_kafka_source_commit(s, at, 1, 0, err, sizeof err) == 0);
    /* Another member of the group sees it (the commit is asynchronous). */
    char e[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", tide_broker_bootstrap(broker), e, sizeof e);
    rd_kafka_conf_set(conf, "group.id", "g-commit", e, sizeof e);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, e, sizeof e);
    int64_t seen = -1;
    for (int attempt = 0; attempt < 50 && seen != 3; attempt++) {
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, "committed", 0);
        if (rd_kafka_committed(rk, l, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) seen = l->elems[0].offset;
        rd_kafka_topic_partition_list_destroy(l);
        if (seen != 3) tide_sleep(0.1);
    }
    CHECK(seen == 3);
    rd_kafka_destroy(rk);
    tide_kafka_source_free(s);
}

static void latest_waits_for_new_records(void)
{
    CHECK(tide_broker_create_topic(broker, "waiting", 2, err, sizeof err) == 0);
    produce("waiting", 0, 3, "w", 0, 0);
    tide_kafka_source *s = source(NULL);
    CHECK(tide_kafka_source_subscribe(s, "waiting", err, sizeof err) == 0);
    tide_partition_info info[4];
    CHECK(partitions(s, info) == 2);
    int32_t t = info[0].topic;
    tide_partition_offset at[2] = {{t, 0, 3}, {t, 1, 0}}, out[4];
    CHECK(tide_kafka_source_seek(s, at, 2, err, sizeof err) == 0);
    /* Nothing new: waits the whole time and reports the same offsets. */
    double t0 = tide_now();
    CHECK(tide_kafka_source_latest(s, at, 2, out, 4, 300, err, sizeof err) == 2);
    CHECK(tide_now() - t0 >= 0.25);
    CHECK(out[0].offset == 3 && out[1].offset == 0);
    /* Partition 1 is new to the caller: it starts at 0, so its record is
       new, and the wait ends as soon as the consumer has it. */
    produce("waiting", 1, 1, "w", 0, 0);
    t0 = tide_now();
    CHECK(tide_kafka_source_latest(s, at, 1, out, 4, 10000, err, sizeof err) == 2);
    CHECK(tide_now() - t0 < 9); /* not the whole 10 s */
    CHECK(out[1].partition == 1 && out[1].offset == 1);
    tide_kafka_source_free(s);
}

static int broker_up_later(void *arg)
{
    (void)arg;
    tide_sleep(1.5);
    rd_kafka_mock_broker_set_up(tide_broker_cluster(broker), 1);
    return 0;
}

/* The broker away for a moment (a restart: the metadata request fails at
   once, "Broker transport failure"): latest() keeps what it knew and waits
   for the broker to answer again instead of failing the query. */
/* A source subscribed to a new topic of num_partitions, whose last
   partition holds `records`, with the broker then taken down and the
   metadata due for a refresh. *topic is the topic's index. */
static tide_kafka_source *subscribed_then_broker_down(const char *name, int num_partitions,
                                                      int records, int32_t *topic)
{
    CHECK(tide_broker_create_topic(broker, name, num_partitions, err, sizeof err) == 0);
    produce(name, num_partitions - 1, records, "r", 0, 0);
    tide_kafka_source *s = source(NULL);
    CHECK(tide_kafka_source_subscribe(s, name, err, sizeof err) == 0);
    tide_partition_info info[4];
    CHECK(partitions(s, info) == num_partitions);
    *topic = info[0].topic;
    rd_kafka_mock_broker_set_down(tide_broker_cluster(broker), 1);
    tide_sleep(1.1);
    return s;
}

static void latest_waits_out_a_broker_restart(void)
{
    int32_t topic;
    tide_kafka_source *s = subscribed_then_broker_down("restarting", 2, 4, &topic);
    thrd_t up;
    CHECK(thrd_create(&up, broker_up_later, NULL) == thrd_success);
    tide_partition_offset at[1] = {{topic, 0, 0}}, out[4];
    double t0 = tide_now();
    int32_t n = tide_kafka_source_latest(s, at, 1, out, 4, 0, err, sizeof err);
    if (n < 0) fprintf(stderr, "latest: %s\n", err);
    CHECK(n == 2);
    CHECK(tide_now() - t0 >= 1.0);
    CHECK(out[1].partition == 1 && out[1].offset == 4);
    thrd_join(up, NULL);
    tide_kafka_source_free(s);
}

/* A stop request (SIGTERM) while the broker is away: latest() answers with
   the offsets it was given (no new records) rather than with the outage,
   so the query stops cleanly. Last of the tests: the request stays. */
static int request_stop_later(void *arg)
{
    (void)arg;
    tide_sleep(0.5);
    tide_request_stop();
    return 0;
}

static void latest_stops_cleanly_while_the_broker_is_away(void)
{
    int32_t topic;
    tide_kafka_source *s = subscribed_then_broker_down("away", 1, 2, &topic);
    thrd_t stopper;
    CHECK(thrd_create(&stopper, request_stop_later, NULL) == thrd_success);
    tide_partition_offset at[1] = {{topic, 0, 1}}, out[4];
    int32_t n = tide_kafka_source_latest(s, at, 1, out, 4, 0, err, sizeof err);
    if (n < 0) fprintf(stderr, "latest: %s\n", err);
    CHECK(n == 1 && out[0].partition == 0 && out[0].offset == 1);
    thrd_join(stopper, NULL);
    rd_kafka_mock_broker_set_up(tide_broker_cluster(broker), 1);
    tide_kafka_source_free(s);
}

static void refuses_options_tide_owns(void)
{
    const char *conf[] = {"bootstrap.servers", "127.0.0.1:1", "auto.offset.reset", "earliest"};
    CHECK(tide_kafka_source_new(conf, 2, err, sizeof err) == NULL);
    CHECK(strstr(err, "auto.offset.reset is not supported") != NULL);
    const char *bad[] = {"bootstrap.servers", "127.0.0.1:1", "no.such.property", "1"};
    CHECK(tide_kafka_source_new(bad, 2, err, sizeof err) == NULL);
    CHECK(strstr(err, "no.such.property") != NULL);
    tide_kafka_source *s = source(NULL);
    CHECK(tide_kafka_source_subscribe(s, " , ", err, sizeof err) != 0);
    CHECK(tide_kafka_source_subscribe_pattern(s, "a", err, sizeof err) != 0); /* one mode */
    tide_kafka_source_free(s);
    s = source(NULL);
    CHECK(tide_kafka_source_subscribe_pattern(s, "(", err, sizeof err) != 0);
    tide_kafka_source_free(s);
}

static void start(void)
{
    broker = tide_broker_start(1, err, sizeof err);
    CHECK(broker != NULL);
}

static void stop(void)
{
    tide_broker_stop(broker);
}

TEST_MAIN(TEST(start), TEST(lists_partitions_with_watermarks_and_new_ones),
          TEST(offsets_asked_again_while_the_leader_is_not_ready),
          TEST(fetches_exact_ranges_across_partitions_and_fetches),
          TEST(fetches_ahead_on_a_thread_of_its_own),
          TEST(refills_a_small_prefetch_while_the_query_works), TEST(includes_headers),
          TEST(reports_records_lost_to_retention), TEST(commits_offsets_to_the_group),
          TEST(latest_waits_for_new_records), TEST(latest_waits_out_a_broker_restart),
          TEST(refuses_options_tide_owns), TEST(latest_stops_cleanly_while_the_broker_is_away),
          TEST(stop))
