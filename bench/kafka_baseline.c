/*
 * kafka_baseline.c — the physical baseline for tide's Kafka benchmarks:
 * what plain librdkafka does on this machine with the same topic, with no
 * decoding and no model.
 *
 *   kafka_baseline consume BOOTSTRAP TOPIC N           read N messages
 *   kafka_baseline pipe BOOTSTRAP TOPIC OUT_TOPIC N [OUT_BYTES]
 *                                                      read N, produce each to OUT_TOPIC (its
 *                                                      first OUT_BYTES bytes: a record the size
 *                                                      of the measured pipeline's output)
 *   kafka_baseline produce BOOTSTRAP TOPIC N FILE      produce N records, the lines of FILE
 *                                                      in turn (held in memory), and flush
 *   kafka_baseline latency BOOTSTRAP TOPIC N [WARMUP_S]
 *                                                      from the end, until N messages came:
 *                                                      each one's age on arrival (now - its
 *                                                      produce timestamp), p50/p99/p999 in ms
 *                                                      of those produced after the first
 *                                                      WARMUP_S seconds (default 0)
 *
 * All partitions are read from the beginning (explicit assignment, like a
 * tide query), or from the end for latency: the floor under a tide
 * query's latency in the same run, what the producer, the broker and the
 * consumer's fetch cost before any processing. Prints one JSON line:
 * {"mode":..,"rows":..,"seconds":..,"rows_per_second":..,"cpu_seconds":..} (latency:
 * p50_ms, p99_ms, p999_ms, max_ms; with a warm-up also warmup_rows,
 * warmup_p99_ms and the whole run's all_p99_ms). consume and pipe read, and pipe
 * writes, in batches of up to 10000 records: librdkafka at its fastest.
 * The producer has the tide sink's defaults but for pipe's linger.ms
 * (below); the consumer prefetches more than a tide source, which bounds
 * its memory. So a ratio measures tide's own overhead, or more.
 */
#include <librdkafka/rdkafka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The process's CPU time, all threads (librdkafka's included). */
static double cpu_seconds(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "kafka_baseline: %s: %s\n", what, detail);
    exit(1);
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value)
{
    char err[512];
    if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK) die(key, err);
}

static rd_kafka_t *consumer(const char *bootstrap, const char *topic, int64_t start)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", bootstrap);
    set(conf, "group.id", "tide-bench-baseline");
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.partition.eof", "false");
    set(conf, "fetch.max.bytes", "52428800");
    set(conf, "max.partition.fetch.bytes", "10485760");
    set(conf, "queued.min.messages", "1000000");
    /* a tide source's: the broker answers as soon as a record exists */
    set(conf, "fetch.wait.max.ms", "100");
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) die("consumer", err);
    rd_kafka_poll_set_consumer(rk);

    const rd_kafka_metadata_t *md;
    rd_kafka_topic_t *t = rd_kafka_topic_new(rk, topic, NULL);
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, t, &md, 10000);
    if (e) die("metadata", rd_kafka_err2str(e));
    if (md->topic_cnt != 1 || md->topics[0].err) die(topic, "no such topic");
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
    for (int i = 0; i < md->topics[0].partition_cnt; i++)
        rd_kafka_topic_partition_list_add(parts, topic, md->topics[0].partitions[i].id)->offset =
            start;
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(t);
    e = rd_kafka_assign(rk, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (e) die("assign", rd_kafka_err2str(e));
    return rk;
}

/* KAFKA_BASELINE_PRODUCER="key=value,key=value" overrides producer settings,
   to try what a setting is worth. */
static void extra_settings(rd_kafka_conf_t *conf)
{
    const char *env = getenv("KAFKA_BASELINE_PRODUCER");
    if (!env || !*env) return;
    char *copy = strdup(env), *save = NULL;
    for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) die("KAFKA_BASELINE_PRODUCER", kv);
        *eq = '\0';
        set(conf, kv, eq + 1);
    }
    free(copy);
}

/* Records the broker refused: a baseline that loses records is no baseline. */
static long long failed_deliveries;
static char first_failure[256];

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (!m->err) return;
    if (failed_deliveries++ == 0) snprintf(first_failure, sizeof first_failure, "%s", rd_kafka_err2str(m->err));
}

static void check_deliveries(void)
{
    if (failed_deliveries) {
        fprintf(stderr, "kafka_baseline: %lld records not delivered: %s\n", failed_deliveries, first_failure);
        exit(1);
    }
}

/* linger_ms: the tide sink's 5, or more where a producer runs ahead of the
   broker (pipe). */
static rd_kafka_t *producer(const char *bootstrap, const char *linger_ms)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    set(conf, "bootstrap.servers", bootstrap);
    set(conf, "linger.ms", linger_ms);
    set(conf, "batch.size", "1000000");
    set(conf, "queue.buffering.max.messages", "1000000");
    set(conf, "enable.idempotence", "true");
    extra_settings(conf);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) die("producer", err);
    return rk;
}

/* The lines of a file, in one buffer the caller frees. */
static char *read_lines(const char *path, size_t **starts, size_t **lens, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (!f) die(path, "cannot open");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) die(path, "cannot read");
    fclose(f);
    size_t n = 0, cap = 1024;
    *starts = malloc(cap * sizeof **starts);
    *lens = malloc(cap * sizeof **lens);
    for (long i = 0; i < size;) {
        long j = i;
        while (j < size && buf[j] != '\n') j++;
        if (j > i) {
            if (n == cap) {
                cap *= 2;
                *starts = realloc(*starts, cap * sizeof **starts);
                *lens = realloc(*lens, cap * sizeof **lens);
            }
            (*starts)[n] = (size_t)i;
            (*lens)[n++] = (size_t)(j - i);
        }
        i = j + 1;
    }
    if (n == 0) die(path, "no lines");
    *count = n;
    return buf;
}

/* Produces N records as fast as librdkafka takes them: the physical
   ceiling for a producer on this machine, with no CSV and no encoding. */
static int produce_only(const char *bootstrap, const char *topic, long long want, const char *path)
{
    size_t *starts, *lens, count;
    char *buf = read_lines(path, &starts, &lens, &count);
    rd_kafka_t *out = producer(bootstrap, "5");
    rd_kafka_topic_t *t = rd_kafka_topic_new(out, topic, NULL);
    long long bytes = 0;
    double start = now();
    for (long long i = 0; i < want; i++) {
        size_t k = (size_t)(i % (long long)count);
        while (rd_kafka_produce(t, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, buf + starts[k], lens[k], NULL, 0,
                                NULL) != 0) {
            if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                die("produce", rd_kafka_err2str(rd_kafka_last_error()));
            rd_kafka_poll(out, 10);
        }
        bytes += (long long)lens[k];
        if ((i & 1023) == 0) rd_kafka_poll(out, 0);
    }
    if (rd_kafka_flush(out, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) die("flush", "timed out");
    double seconds = now() - start;
    check_deliveries();
    printf("{\"mode\":\"produce\",\"rows\":%lld,\"bytes\":%lld,\"seconds\":%.3f,\"rows_per_second\":%.0f}\n",
           want, bytes, seconds, (double)want / seconds);
    rd_kafka_topic_destroy(t);
    rd_kafka_destroy(out);
    free(buf);
    free(starts);
    free(lens);
    return 0;
}

/* Ages on arrival in 0.1 ms steps up to 10 s (the last bucket holds the
   rest), read as percentiles: the steady state's, the start-up's (records
   produced in the first warmup seconds) and the whole run's. */
#define AGE_BUCKETS 100001
struct ages {
    long long count[AGE_BUCKETS];
    long long n;
};
static struct ages steady, start_up, whole;

static void age_add(struct ages *a, double age_ms)
{
    long long k = (long long)(age_ms * 10);
    a->count[k < AGE_BUCKETS ? k : AGE_BUCKETS - 1]++;
    a->n++;
}

static double age_percentile(const struct ages *a, double q)
{
    long long rank = (long long)(q * (double)a->n + 0.999999), seen = 0;
    for (int k = 0; k < AGE_BUCKETS; k++)
        if ((seen += a->count[k]) >= rank) return (k + 1) / 10.0;
    return AGE_BUCKETS / 10.0;
}

/* From the end of TOPIC until N messages came (or none for 30 s): how old
   each was on arrival, by its produce (CreateTime) timestamp. Records
   produced in the first warmup_s seconds (from the first one's timestamp)
   are the start-up's, the rest the steady state's. */
static int latency(const char *bootstrap, const char *topic, long long want, double warmup_s)
{
    rd_kafka_t *in = consumer(bootstrap, topic, RD_KAFKA_OFFSET_END);
    long long rows = 0, first_ts = -1;
    double max_ms = 0, last = now();
    while (rows < want && now() - last < 30) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(in, 100);
        if (!m) continue;
        if (!m->err) {
            struct timespec wall;
            clock_gettime(CLOCK_REALTIME, &wall);
            long long ts = (long long)rd_kafka_message_timestamp(m, NULL);
            if (first_ts < 0) first_ts = ts;
            double age = (double)wall.tv_sec * 1e3 + (double)wall.tv_nsec / 1e6 - (double)ts;
            if (age < 0) age = 0;
            if (age > max_ms) max_ms = age;
            age_add(warmup_s > 0 && (double)(ts - first_ts) < warmup_s * 1e3 ? &start_up : &steady, age);
            age_add(&whole, age);
            rows++;
            last = now();
        }
        rd_kafka_message_destroy(m);
    }
    printf("{\"mode\":\"latency\",\"rows\":%lld,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"p999_ms\":%.1f,"
           "\"max_ms\":%.1f",
           rows, age_percentile(&steady, 0.5), age_percentile(&steady, 0.99),
           age_percentile(&steady, 0.999), max_ms);
    if (start_up.n > 0)
        printf(",\"warmup_rows\":%lld,\"warmup_p99_ms\":%.1f,\"all_p99_ms\":%.1f", start_up.n,
               age_percentile(&start_up, 0.99), age_percentile(&whole, 0.99));
    printf("}\n");
    rd_kafka_consumer_close(in);
    rd_kafka_destroy(in);
    return rows == want ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "produce") == 0)
        return produce_only(argv[2], argv[3], atoll(argv[4]), argv[5]);
    if (argc >= 5 && strcmp(argv[1], "latency") == 0)
        return latency(argv[2], argv[3], atoll(argv[4]), argc >= 6 ? atof(argv[5]) : 0);
    if (argc < 5) {
        fputs("usage: kafka_baseline consume BOOTSTRAP TOPIC N\n"
              "       kafka_baseline pipe BOOTSTRAP TOPIC OUT_TOPIC N [OUT_BYTES]\n"
              "       kafka_baseline produce BOOTSTRAP TOPIC N FILE\n"
              "       kafka_baseline latency BOOTSTRAP TOPIC N [WARMUP_S]\n",
              stderr);
        return 2;
    }
    int pipe = strcmp(argv[1], "pipe") == 0;
    if (pipe && argc < 6) die("pipe", "needs OUT_TOPIC and N");
    const char *bootstrap = argv[2], *topic = argv[3];
    long long want = atoll(argv[pipe ? 5 : 4]);
    /* What the pipeline writes is smaller than what it reads; the baseline
       writes as many bytes a record, or it would measure a heavier job. */
    size_t out_bytes = pipe && argc >= 7 ? (size_t)atoll(argv[6]) : SIZE_MAX;

    rd_kafka_t *in = consumer(bootstrap, topic, RD_KAFKA_OFFSET_BEGINNING);
    /* Reading in batches, the pipe produces faster than the broker takes
       records, and then fuller requests are what it needs: over 2M
       records, 397-491k rows/s with 5 ms, 492-897k with 50. (A tide query
       produces at the pace of its plan, where 50 ms changed nothing.) */
    rd_kafka_t *out = pipe ? producer(bootstrap, "50") : NULL;
    rd_kafka_topic_t *out_topic = pipe ? rd_kafka_topic_new(out, argv[4], NULL) : NULL;
    rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(in);

    /* Both directions in batches, as librdkafka allows at its fastest: one
       queue lock per BATCH messages read, one per BATCH produced. */
    enum { BATCH = 10000 };
    static rd_kafka_message_t *msgs[BATCH];
    static rd_kafka_message_t outs[BATCH];
    long long rows = 0, bytes = 0;
    double start = 0, last = now();
    while (rows < want) {
        /* What is there now; when nothing is, wait for the next record
           (a batch call with a timeout waits until the batch is full). */
        ssize_t n = rd_kafka_consume_batch_queue(queue, 0, msgs, BATCH);
        if (n == 0) n = rd_kafka_consume_batch_queue(queue, 100, msgs, 1);
        if (n < 0) die("consume", rd_kafka_err2str(rd_kafka_last_error()));
        if (n > 0) last = now();
        if (now() - last > 30) {
            fprintf(stderr, "kafka_baseline: %s: %lld messages, then none for 30 s\n", topic, rows);
            return 1;
        }
        int produce = 0;
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = msgs[i];
            if (m->err) {
                fprintf(stderr, "kafka_baseline: %s\n", rd_kafka_message_errstr(m));
                continue;
            }
            /* The clock starts at the first message: connecting is not measured. */
            if (rows == 0) start = now();
            if (rows == want) break;
            rows++;
            bytes += (long long)m->len;
            if (out)
                outs[produce++] =
                    (rd_kafka_message_t){.payload = m->payload,
                                         .len = m->len < out_bytes ? m->len : out_bytes,
                                         .key = m->key,
                                         .key_len = m->key_len};
        }
        while (produce > 0) {
            rd_kafka_produce_batch(out_topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, outs,
                                   produce);
            /* What a full queue refused goes again once delivery reports made room. */
            int refused = 0;
            for (int i = 0; i < produce; i++) {
                if (!outs[i].err) continue;
                if (outs[i].err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                    die("produce", rd_kafka_err2str(outs[i].err));
                outs[refused] = outs[i];
                outs[refused++].err = RD_KAFKA_RESP_ERR_NO_ERROR;
            }
            produce = refused;
            if (produce) rd_kafka_poll(out, 10);
        }
        if (out) rd_kafka_poll(out, 0);
        for (ssize_t i = 0; i < n; i++)
            rd_kafka_message_destroy(msgs[i]);
    }
    if (out && rd_kafka_flush(out, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) die("flush", "timed out");
    double seconds = now() - start;
    check_deliveries();
    printf("{\"mode\":\"%s\",\"rows\":%lld,\"bytes\":%lld,\"seconds\":%.3f,\"rows_per_second\":%.0f,"
           "\"cpu_seconds\":%.3f}\n",
           argv[1], rows, bytes, seconds, (double)rows / seconds, cpu_seconds());

    if (out) {
        rd_kafka_topic_destroy(out_topic);
        rd_kafka_destroy(out);
    }
    rd_kafka_queue_destroy(queue);
    rd_kafka_consumer_close(in);
    rd_kafka_destroy(in);
    return 0;
}
