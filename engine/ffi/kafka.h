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
/* The partitions of topic, 0 when the cluster has no such topic, or -1
   with errbuf. */
int32_t tide_kafka_topic_partition_count(const char **conf_kv, int32_t conf_n, const char *topic,
                                         int32_t timeout_ms, char *errbuf, size_t errlen);
/* Deletes the records of a partition before offset (exclusive). */
int tide_kafka_delete_records(const char **conf_kv, int32_t conf_n, const char *topic,
                              int32_t partition, int64_t before, int32_t timeout_ms, char *errbuf,
                              size_t errlen);

/* ---- Kafka (minimal client, on the source and the sink) ---------------- */

/* conf_kv holds conf_n pairs: key, value, key, value, ... (librdkafka
   properties). Errors are written to errbuf with the topic and partition
   they concern. */

/* Reads [start_offset, end_offset) of one partition (or of every partition
   when partition is -1) into a batch with the source's columns (key, value,
   topic, partition, offset, timestamp, timestampType). start_offset -2 is
   the earliest offset; end_offset -1 the latest. Records missing from the
   range (deleted by retention) are an error. NULL with errbuf on error. */
tide_batch *tide_kafka_read(const char **conf_kv, int32_t conf_n, const char *topic,
                            int32_t partition, int64_t start_offset, int64_t end_offset,
                            int32_t timeout_ms, char *errbuf, size_t errlen);
/* Produces every row of values (string or binary; a null row is a null
   value) with the key of the same row of keys (NULL for no keys), and waits
   for every delivery. Returns the count delivered, or -1 with errbuf naming
   the topic and partition of the first failure. */
int64_t tide_kafka_produce(const char **conf_kv, int32_t conf_n, const char *topic,
                           const tide_column *keys, const tide_column *values,
                           int32_t timeout_ms, char *errbuf, size_t errlen);

/* ---- the streaming source (kafka_source.c) --------------------------------- */

/* A consumer assigned partitions explicitly (no group rebalancing): offsets
   are the caller's (tide's checkpoint). Topics are numbered in the order the
   source learns them; tide_kafka_source_topic_name gives the name back. */
typedef struct tide_kafka_source tide_kafka_source;

typedef struct tide_partition_info {
    int32_t topic;     /* topic index */
    int32_t partition;
    int64_t low;       /* earliest offset (low watermark) */
    int64_t high;      /* latest offset (high watermark): the next one written */
} tide_partition_info;

typedef struct tide_partition_offset {
    int32_t topic;     /* topic index */
    int32_t partition;
    int64_t offset;
} tide_partition_offset;

/* group.id names the consumer group that tide_kafka_source_commit commits
   to (lag tools only); auto.offset.reset and enable.auto.commit are tide's
   and refused. NULL with errbuf on error. */
tide_kafka_source *tide_kafka_source_new(const char **conf_kv, int32_t conf_n, char *errbuf,
                                         size_t errlen);
void tide_kafka_source_free(tide_kafka_source *source);
/* What the source reads: a comma-separated list of topics; a POSIX
   extended regular expression that must match whole topic names (internal
   topics, starting with "__", excluded); or the given partitions of a
   topic (called once per topic). 0, or -1 with errbuf. */
int tide_kafka_source_subscribe(tide_kafka_source *source, const char *topics, char *errbuf,
                                size_t errlen);
int tide_kafka_source_subscribe_pattern(tide_kafka_source *source, const char *pattern,
                                        char *errbuf, size_t errlen);
int tide_kafka_source_assign(tide_kafka_source *source, const char *topic,
                             const int32_t *partitions, int32_t n, char *errbuf, size_t errlen);
/* The name of topic index `topic`, or "" when there is none. */
const char *tide_kafka_source_topic_name(const tide_kafka_source *source, int32_t topic);
/* Writes the partitions now subscribed with their watermarks into out (at
   most max) and returns how many, or -1 with errbuf. Topic metadata older
   than refresh_ms is fetched again (0: always), so new partitions and
   topics appear. */
int32_t tide_kafka_source_partitions(tide_kafka_source *source, tide_partition_info *out,
                                     int32_t max, int32_t refresh_ms, char *errbuf,
                                     size_t errlen);
/* Kafka's offsets for times: each entry's offset, a timestamp in ms on
   the way in, becomes the earliest offset whose record's timestamp is at
   or after it, or -1 when the partition has none. 0, or -1 with errbuf. */
int tide_kafka_source_offsets_for_times(tide_kafka_source *source, tide_partition_offset *entries,
                                        int32_t n, char *errbuf, size_t errlen);
/* Sets where the next fetch of each listed partition starts (and starts
   prefetching from there). 0, or -1 with errbuf. */
int tide_kafka_source_seek(tide_kafka_source *source, const tide_partition_offset *offsets,
                           int32_t n, char *errbuf, size_t errlen);
/* The latest offset of every subscribed partition into out (at most max);
   returns how many, or -1 with errbuf. When no partition has records beyond
   `after` (n entries; a partition missing from it starts at 0), waits up
   to wait_ms for some to arrive (returning early on a stop request). An
   unreachable broker is waited for up to 60 s; a stop request meanwhile
   returns `after` itself: no new records. */
int32_t tide_kafka_source_latest(tide_kafka_source *source, const tide_partition_offset *after,
                                 int32_t n, tide_partition_offset *out, int32_t max,
                                 int32_t wait_ms, char *errbuf, size_t errlen);
/* The next tide_kafka_source_latest asks the broker for the topics'
   partitions instead of taking metadata up to a second old: a topic
   created a moment ago is then seen (processAllAvailable). */
void tide_kafka_source_refresh(tide_kafka_source *source);
/* A descriptor that becomes readable when records (or events) reach the
   source's queues, empty before: a loop over several queries waits on all
   of theirs at once. Owned by the source. */
int32_t tide_kafka_source_wake_fd(tide_kafka_source *source);
/* Serves what has reached the source's queues, without waiting, and
   empties its wake descriptor: what a wake announced is then seen by
   tide_kafka_source_latest. Returns how many records and events were
   served, or -1 with errbuf. */
int64_t tide_kafka_source_serve(tide_kafka_source *source, char *errbuf, size_t errlen);
/* Reads exactly [starts[i].offset, ends[i].offset) of each partition i into
   one batch with Spark's Kafka columns (key binary, value binary, topic
   string, partition int, offset long, timestamp timestamp, timestampType
   int) and, when include_headers, Spark's headers column,
   array<struct<key:string,value:binary>> (null for a record without
   headers). Records of a range that Kafka no longer
   has (retention, a recreated topic) are counted in *lost and described in
   errbuf (topic, partition, missing offsets), and the batch holds the
   rest. NULL with errbuf when the ranges cannot be read within timeout_ms. */
tide_batch *tide_kafka_source_fetch(tide_kafka_source *source, const tide_partition_offset *starts,
                                    const tide_partition_offset *ends, int32_t n,
                                    int32_t include_headers, int32_t timeout_ms, int64_t *lost,
                                    char *errbuf, size_t errlen);
/* tide_kafka_source_fetch on a thread of the source's own: begin returns
   at once (0, or -1 with errbuf), and end waits for the batch and returns
   it as tide_kafka_source_fetch would. Meanwhile the caller may work on
   other data; any other call on the source (tide_kafka_source_topic_name
   aside) first waits for the fetch. Its result waits for end across those
   calls; another fetch (or begin) drops it. */
int tide_kafka_source_fetch_begin(tide_kafka_source *source, const tide_partition_offset *starts,
                                  const tide_partition_offset *ends, int32_t n,
                                  int32_t include_headers, int32_t timeout_ms, char *errbuf,
                                  size_t errlen);
tide_batch *tide_kafka_source_fetch_end(tide_kafka_source *source, int64_t *lost, char *errbuf,
                                        size_t errlen);
/* Sets each offsets[i].offset to the end of that partition as the broker
   last reported it while the source fetched (no request: it may be behind
   the latest offset, never beyond it), or to -1 where there is none
   (read_committed, a partition not being read). Returns how many are known. */
int32_t tide_kafka_source_known_ends(tide_kafka_source *source, tide_partition_offset *offsets,
                                     int32_t n);
/* Commits offsets to the source's consumer group, for lag tools: tide's
   checkpoint stays the source of truth. With wait_ms 0 it does not wait
   for the broker's answer; otherwise it waits up to wait_ms for it. 0, or
   -1 with errbuf (an error, or no answer in time). */
int tide_kafka_source_commit(tide_kafka_source *source, const tide_partition_offset *offsets,
                             int32_t n, int32_t wait_ms, char *errbuf, size_t errlen);

/* ---- the sink (kafka_sink.c) ------------------------------------------------ */

/* An idempotent producer (unless the user's acks, retries or requests in
   flight rule it out and enable.idempotence is not set). write produces
   every row of values (string or binary) with the same row of keys (NULL:
   no keys) to the topic of the same row of topics (NULL, or a null row:
   `topic`), then waits until every record is acknowledged (at least
   once). Returns the count written, or -1 with errbuf naming the topic and
   partition of the first failure.
   owner is the batch the key and value columns belong to: the records
   point into its buffers, not copies, and the sink keeps a reference on it
   until each record is reported (so the caller may drop its own at once);
   NULL copies the payloads instead. */
typedef struct tide_kafka_sink tide_kafka_sink;
tide_kafka_sink *tide_kafka_sink_new(const char **conf_kv, int32_t conf_n, char *errbuf,
                                     size_t errlen);
int64_t tide_kafka_sink_write(tide_kafka_sink *sink, tide_batch *owner, const char *topic,
                              const tide_column *topics, const tide_column *keys,
                              const tide_column *values, int32_t timeout_ms, char *errbuf,
                              size_t errlen);
/* write in two halves, so that a bulk loader overlaps encoding the next
   chunk with delivering this one: send hands every row (owner as for
   write) to the sink's thread, which enqueues them, and returns their
   count without waiting; flush waits for every record sent since the last
   flush and returns how many were acknowledged, or -1 with errbuf naming
   how many failed and the first failure's topic and partition. A failure
   while enqueueing (a null topic, a queue that stayed full) is returned by
   the next send or flush, which has then flushed what was enqueued. */
int64_t tide_kafka_sink_send(tide_kafka_sink *sink, tide_batch *owner, const char *topic,
                             const tide_column *topics, const tide_column *keys,
                             const tide_column *values, int32_t timeout_ms, char *errbuf,
                             size_t errlen);
/* send with every column the sink writes (Spark's sink schema); NULL where
   the DataFrame has none. partitions (int) names each record's partition,
   a null row leaving it to the placement below; a partition the topic does
   not have, or a negative one, fails naming the topic, partition and row
   (the brokers are asked when a row names one beyond the count last known).
   headers (array<struct<key:string,value:binary>>, as a source's
   includeHeaders column) holds each record's headers; records are then
   enqueued one at a time (rd_kafka_produce_batch takes no headers), so a
   sink without a headers column keeps the batch path. */
typedef struct {
    const tide_column *topics, *keys, *values, *partitions, *headers;
} tide_kafka_rows;
int64_t tide_kafka_sink_send_rows(tide_kafka_sink *sink, tide_batch *owner, const char *topic,
                                  const tide_kafka_rows *rows, int32_t timeout_ms, char *errbuf,
                                  size_t errlen);
int64_t tide_kafka_sink_flush(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf, size_t errlen);
/* Keyless records go a chunk at a time to one partition, the next chunk to
   the next, once the sink knows the topic's partition count: 0 until the
   brokers have told it (asked, without waiting, when the topic is first
   written to or asked about here), librdkafka's partitioner placing each
   record meanwhile. */
int32_t tide_kafka_sink_partition_count(tide_kafka_sink *sink, const char *topic);
/* With librdkafka's transactional.id, every send is inside a transaction
   (kafka_sink_txn.c). begin opens one for epoch `epoch` of query `query`
   (query NULL or epoch < 0: a write that is no epoch's, which nothing
   marks); the first call starts the producer's transactions (fencing an
   earlier producer of the id, aborting its open transaction) and reads
   which epochs of `query` are committed. Returns 1 when `epoch` is (a
   replay after a crash between Kafka's commit and the checkpoint's:
   nothing is to be written), 0 with a transaction open, -1 with errbuf.
   commit waits for every record sent since begin, marks the epoch in the
   transaction and commits it: the count delivered, or -1 with errbuf (the
   transaction aborted; a fenced producer, a newer one having started with
   the same transactional.id, says so). */
int tide_kafka_sink_begin(tide_kafka_sink *sink, const char *query, int64_t epoch,
                          int32_t timeout_ms, char *errbuf, size_t errlen);
int64_t tide_kafka_sink_commit(tide_kafka_sink *sink, int32_t timeout_ms, char *errbuf,
                               size_t errlen);
void tide_kafka_sink_free(tide_kafka_sink *sink);

#endif
