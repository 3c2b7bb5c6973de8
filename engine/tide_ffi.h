/*
 * tide_ffi.h — the one header shared by C and Lua.
 *
 * Every struct and function that Lua reaches through the LuaJIT FFI is
 * declared here and nowhere else. The build strips the preprocessor lines
 * and hands the rest to ffi.cdef (module "tide.cdef"), so this file must
 * stay plain C declarations: no macros in declarations, no inline code.
 * tests/lua/test_ffi_layout.lua compares ffi.sizeof/ffi.offsetof with the
 * C compiler's view (tide_layout_probe).
 */
#ifndef TIDE_FFI_H
#define TIDE_FFI_H
#include <stddef.h>
#include <stdint.h>

/* ---- arena: bump allocation released all at once ------------------- */

typedef struct tide_arena tide_arena;

tide_arena *tide_arena_new(size_t chunk_size);
void tide_arena_free(tide_arena *arena);
void *tide_arena_alloc(tide_arena *arena, size_t size);
void *tide_arena_calloc(tide_arena *arena, size_t size);
/* Grows the most recent allocation in place when possible, else copies. */
void *tide_arena_realloc(tide_arena *arena, void *ptr, size_t old_size, size_t new_size);
char *tide_arena_strdup(tide_arena *arena, const char *s);
size_t tide_arena_bytes(const tide_arena *arena);

/* ---- columnar batches ------------------------------------------------ */

/*
 * Arrow-like layout. Fixed-width values are packed; bool is one byte per
 * value (0/1) so kernels can index it directly; string and binary are
 * int32 offsets (length + 1 of them) into `data`; timestamp is int64
 * microseconds since the epoch, UTC; decimal is a 128-bit little-endian
 * two's complement integer scaled by 10^scale; struct has child columns
 * of the same length. validity is a bitmap (bit i of byte i/8 set = row i
 * is valid) or NULL when every row is valid.
 */
typedef enum tide_type {
    TIDE_BOOL = 1,
    TIDE_INT32 = 2,
    TIDE_INT64 = 3,
    TIDE_FLOAT32 = 4,
    TIDE_FLOAT64 = 5,
    TIDE_STRING = 6,
    TIDE_BINARY = 7,
    TIDE_TIMESTAMP = 8,
    TIDE_DECIMAL = 9,
    TIDE_STRUCT = 10
} tide_type;

typedef struct tide_column {
    const char *name;
    int32_t type;          /* tide_type */
    int16_t precision;     /* decimal only */
    int16_t scale;         /* decimal only */
    int64_t length;        /* rows */
    int64_t null_count;
    uint8_t *validity;
    void *values;          /* fixed-width values, or int32 offsets */
    uint8_t *data;         /* string/binary bytes */
    int64_t capacity;      /* rows the buffers can hold */
    int64_t data_capacity; /* bytes `data` can hold */
    int32_t num_children;
    struct tide_column *children;
} tide_column;

typedef struct tide_batch {
    tide_arena *arena; /* owns every buffer of every column */
    int64_t num_rows;
    int32_t num_columns;
    tide_column *columns;
    /* A derived batch may point into its parent's buffers (a projection
       copies column structs, not data); it holds a reference on the parent
       until it is freed. */
    struct tide_batch *parent;
    int32_t refs;
} tide_batch;

tide_batch *tide_batch_new(int32_t num_columns);
/* A new batch of num_columns empty column slots that keeps `parent` alive,
   so its columns may share the parent's buffers. */
tide_batch *tide_batch_derive(tide_batch *parent, int32_t num_columns);
void tide_batch_retain(tide_batch *batch);
/* Drops a reference; the last one frees the arena (and releases the parent). */
void tide_batch_free(tide_batch *batch);
/* Names the column and sizes its buffers for `capacity` rows. */
int tide_column_init(tide_batch *batch, tide_column *col, const char *name, int32_t type,
                     int64_t capacity);
int tide_column_init_decimal(tide_batch *batch, tide_column *col, const char *name,
                             int32_t precision, int32_t scale, int64_t capacity);
int tide_column_init_struct(tide_batch *batch, tide_column *col, const char *name,
                            int32_t num_children);
/* Appends one row; these grow the buffers as needed. 0 on success. */
int tide_column_append_null(tide_batch *batch, tide_column *col);
int tide_column_append_bytes(tide_batch *batch, tide_column *col, const void *bytes,
                             int64_t len);
int tide_column_append_fixed(tide_batch *batch, tide_column *col, const void *value);
int tide_column_is_valid(const tide_column *col, int64_t row);
void tide_column_set_null(tide_batch *batch, tide_column *col, int64_t row);
int32_t tide_type_width(int32_t type);
int tide_batch_finish(tide_batch *batch);

/* ---- decimal(38, s) ---------------------------------------------------- */

/* Parses "-123.45" into a 128-bit value scaled by 10^scale (16 bytes at
   out). Returns 0, or -1 when the text is not a number or overflows 38
   digits. */
int tide_decimal_parse(const char *text, size_t len, int32_t scale, void *out);
/* Writes the exact decimal text of a 128-bit value; returns its length.
   buf needs 42 bytes. */
int tide_decimal_format(const void *value, int32_t scale, char *buf);

/* ---- timestamps (int64 microseconds since the epoch, UTC) --------------- */

/* Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS[.ffffff]" (or with 'T'), with an
   optional "Z" or "+HH:MM"/"-HH:MM" offset. Returns 0, or -1 if malformed. */
int tide_timestamp_parse(const char *text, size_t len, int64_t *out);
/* Writes "YYYY-MM-DD HH:MM:SS[.ffffff]" with trailing zeros of the fraction
   dropped, as Spark shows timestamps; returns its length. buf needs 32
   bytes. */
int tide_timestamp_format(int64_t micros, char *buf);

/* ---- runtime ----------------------------------------------------------- */

/* Set by SIGINT/SIGTERM in `tide run`: scripts and queries finish the
   batch in flight and stop. */
int tide_stop_requested(void);
void tide_request_stop(void);
/* Sleeps, returning early (with 1) when a stop is requested. */
int tide_sleep(double seconds);
double tide_now(void);
int64_t tide_now_us(void);
const char *tide_version(void);

/* ---- Kafka (minimal client; the streaming source builds on it) --------- */

/* conf_kv holds conf_n pairs: key, value, key, value, ... Errors are written
   to errbuf with the topic and partition they concern. */
tide_batch *tide_kafka_read(const char **conf_kv, int32_t conf_n, const char *topic,
                            int64_t start_offset, int64_t end_offset, int32_t timeout_ms,
                            char *errbuf, size_t errlen);
int64_t tide_kafka_produce(const char **conf_kv, int32_t conf_n, const char *topic,
                           const tide_column *keys, const tide_column *values,
                           int32_t timeout_ms, char *errbuf, size_t errlen);

/* ---- the embedded demo broker (librdkafka's mock cluster) -------------- */

typedef struct tide_broker tide_broker;
tide_broker *tide_broker_start(int32_t partitions, char *errbuf, size_t errlen);
const char *tide_broker_bootstrap(const tide_broker *broker);
int tide_broker_create_topic(tide_broker *broker, const char *topic, int32_t partitions,
                             char *errbuf, size_t errlen);
void tide_broker_stop(tide_broker *broker);

/* ---- PostgreSQL (minimal; the sink builds on it) ----------------------- */

/* Runs one statement with text parameters; returns its rows as a batch
   (a batch of zero columns for statements without a result). */
tide_batch *tide_pg_query(const char *conninfo, const char *sql, int32_t nparams,
                          const char **params, int64_t *affected, char *errbuf, size_t errlen);

/* ---- layout check used by tests ---------------------------------------- */

/* sizeof/offsetof as the C compiler sees them, e.g. "tide_column" or
   "tide_column.validity"; -1 for an unknown name. */
int64_t tide_layout_probe(const char *what);

#endif
