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
/* Whether p points into memory the arena handed out (its chunks). */
int tide_arena_owns(const tide_arena *arena, const void *p);

/* Process-wide counters: arenas alive, chunk bytes they hold (and the most
   ever held at once), chunks kept for reuse and how many were reused. */
typedef struct tide_arena_stats {
    int64_t arenas;
    int64_t bytes;
    int64_t peak_bytes;
    int64_t cached_bytes;
    int64_t cache_limit;
    int64_t reused_chunks;
} tide_arena_stats;
void tide_arena_stats_get(tide_arena_stats *out);
/* Process memory (memory.c): init fixes malloc's mmap and trim thresholds
   (called first thing by main, before any thread starts), so that large
   blocks are mapped and given back when freed; trim gives the free pages
   inside malloc's heaps back to the system (the streaming loop calls it
   after a batch whose memory was collected). */
void tide_memory_init(void);
void tide_memory_trim(void);
/* For what allocates the same large buffers again and again (a bulk
   loader's chunks, a Kafka consumer's fetch responses): blocks below
   `bytes` (at most 32 MiB; the largest of the calls holds) come from
   malloc's heaps, which keep up to twice that free, instead of being
   mapped and unmapped (and faulted in) each time. */
void tide_memory_keep(size_t bytes);

/* Bytes of freed chunks kept for the next arenas (default 16 MiB; 0 under
   AddressSanitizer, so that use after free is still caught); lowering it
   releases the excess at once. */
void tide_arena_cache_set_limit(size_t bytes);
/* Called once per unit of work (a micro-batch): keeps cached only what the
   last few units used at their peak, so one large batch does not hold its
   memory for the rest of a long run. */
void tide_arena_cache_trim(void);

/* ---- columnar batches ------------------------------------------------ */

/*
 * Arrow-like layout. Fixed-width values are packed; bool is one byte per
 * value (0/1) so kernels can index it directly; string and binary are
 * int32 offsets (length + 1 of them) into `data`; timestamp is int64
 * microseconds since the epoch, UTC; date is int32 days since 1970-01-01
 * (no time zone: a date is no instant); decimal is a 128-bit little-endian
 * two's complement integer scaled by 10^scale; struct has child columns
 * of the same length. validity is a bitmap (bit i of byte i/8 set = row i
 * is valid) or NULL when every row is valid.
 * vector (Spark ML's VectorUDT) is int64 offsets (length + 1 of them) into
 * two child columns of equal length, children[0] "indices" (int32,
 * ascending within a row) and children[1] "values" (double); vector_size is
 * every row's size; scale says how rows print: 0 sparse, 1 dense (a row
 * holds all vector_size entries), 2 per row (dense when it holds them all).
 * array is int64 offsets (length + 1 of them) into one child column,
 * children[0] "element", of any type: row i's elements are its rows
 * [offsets[i], offsets[i + 1]); a null row's range is empty.
 * map is an array's layout with two child columns of equal length,
 * children[0] "key" (never null) and children[1] "value": row i's entries
 * are their rows [offsets[i], offsets[i + 1]).
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
    TIDE_STRUCT = 10,
    TIDE_VECTOR = 11,
    TIDE_ARRAY = 12,
    TIDE_MAP = 13,
    TIDE_DATE = 14
} tide_type;

typedef struct tide_column {
    const char *name;
    int32_t type;          /* tide_type */
    int16_t precision;     /* decimal: its digits; int32 read from text as a tinyint or
                              smallint: 8 or 16 (the reader checks each value fits), else 0 */
    int16_t scale;         /* decimal only */
    int64_t length;        /* rows */
    int64_t null_count;
    uint8_t *validity;
    void *values;          /* fixed-width values, or int32 offsets */
    uint8_t *data;         /* string/binary bytes */
    int64_t capacity;      /* rows the buffers can hold */
    int64_t data_capacity; /* bytes `data` can hold */
    int32_t num_children;
    int32_t vector_size;   /* vector only */
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
/* A vector column of vectors of `size`, room for `capacity` rows holding
   `entries` index/value pairs in all; dense_mode as tide_column.scale. */
int tide_column_init_vector(tide_batch *batch, tide_column *col, const char *name, int32_t size,
                            int32_t dense_mode, int64_t capacity, int64_t entries);
/* A column of `rows` nulls of a fixed-width type or of vectors of
   vector_size: what stands for a column nothing will read. */
int tide_column_init_nulls(tide_batch *batch, tide_column *col, const char *name, int32_t type,
                           int32_t vector_size, int64_t rows);
/* Appends one vector row of nnz entries (indices ascending, < size). */
/* An array column of room for `capacity` rows whose element column,
   children[0], the caller initializes (tide_column_init* on it). */
int tide_column_init_array(tide_batch *batch, tide_column *col, const char *name,
                           int64_t capacity);
/* Ends a row of an array column: its elements are those appended to the
   element column since the row before ended. */
int tide_column_append_array(tide_batch *batch, tide_column *col);
/* A map column, as an array one with two children, children[0] (keys)
   and children[1] (values), which the caller initializes; a row ends with
   tide_column_append_array once its entries are appended to both. */
int tide_column_init_map(tide_batch *batch, tide_column *col, const char *name, int64_t capacity);
int tide_column_append_vector(tide_batch *batch, tide_column *col, int32_t nnz,
                              const int32_t *indices, const double *values);
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
/* The same value as Java's BigDecimal.toString writes it, as Spark casts
   a decimal to a string and Jackson writes it: scientific when the
   exponent of the leading digit is below -6 ("1E-7", "1.20E-7", "0E-7"),
   else as tide_decimal_format. buf needs 48 bytes. */
int tide_decimal_format_java(const void *value, int32_t scale, char *buf);

/* ---- timestamps (int64 microseconds since the epoch, UTC) --------------- */

/* Parses what Spark's CAST(string AS timestamp) takes ("2024", "2024-3-1
   1:2:3.5 UTC+01:00", "12:34:56" for today, "... Europe/Paris";
   engine/timestamp.c lists the forms), in the session time zone
   (time_zone.h) unless the text names one. Returns 0, or -1 if malformed. */
int tide_timestamp_parse(const char *text, size_t len, int64_t *out);
/* Writes "YYYY-MM-DD HH:MM:SS[.ffffff]" in the session time zone with
   trailing zeros of the fraction dropped, as Spark shows timestamps
   ("+10000-01-01 ...", "-0001-01-01 ..." beyond 4-digit years); returns its
   length. buf needs 32 bytes. */
int tide_timestamp_format(int64_t micros, char *buf);

/* ---- dates (int32 days since 1970-01-01) ------------------------------- */

/* Parses what Spark's CAST(string AS date) takes: [+-]yyyy[yyy], then
   optionally -[m]m, -[d]d and, after the day, ' ' or 'T' and anything
   ("2024-03-01T10:00:00Z" is 2024-03-01, whatever its zone). Returns 0,
   or -1 if malformed or beyond an int of days. */
int tide_date_parse(const char *text, size_t len, int32_t *out);
/* Writes day number `days` as Spark prints a date, "YYYY-MM-DD"
   ("+10000-01-01", "-0001-01-01" beyond 4-digit years), whatever the
   session time zone: a date is no instant. Returns its length; buf needs
   16 bytes. */
int tide_date_format(int64_t days, char *buf);

/* ---- checkpoint files: durable writes, listing, the directory lock ------ */

/* Writes data to path durably: a temp file in the same directory,
   fdatasync, rename, fsync of the directory. Unless overwrite, fails (-1,
   errbuf says it exists) when path already exists, so two writers of one
   batch id cannot both succeed. Creates missing parent directories. */
int tide_fs_write_atomic(const char *path, const char *data, size_t len, int32_t overwrite,
                         char *errbuf, size_t errlen);
/* As tide_fs_write_atomic without overwrite, for a checkpoint log's
   entries. When the file `spare` exists (an entry pruned from the log and
   renamed there), it is rewritten in place (cut to the new length) and
   linked as path instead of a new temp file, so a steady stream allocates
   no inodes and its writes need no journal commit of their own; it is
   gone afterwards.
   sync_dir 0 leaves out the directory's fsync (one fsync instead of two):
   the file is never seen torn (its content is on disk before its name),
   but a crash may lose it entirely, for files whose loss recovery
   tolerates (commits/N). */
int tide_fs_write_once(const char *path, const char *data, size_t len, const char *spare,
                       int32_t sync_dir, char *errbuf, size_t errlen);
/* A thread that writes checkpoint entries (tide_fs_write_once; the
   directory's fsync too with sync_dir) while the caller goes on: a
   commits/N's fsync overlaps the next micro-batch, an offsets/N's the
   first piece of its own. One job at a time:
   submit first waits for the job before it (so at most one entry is in
   flight, and a log's entries reach the file system in order) and returns
   that job's error, as wait does; the job is then queued. After writing
   path (through spare when it exists), the job moves retire (an entry
   pruned from the log; may be NULL) to spare for the next one. free waits
   for a queued job. */
typedef struct tide_fs_writer tide_fs_writer;
tide_fs_writer *tide_fs_writer_new(char *errbuf, size_t errlen);
int tide_fs_writer_submit(tide_fs_writer *w, const char *path, const char *data, size_t len,
                          const char *spare, const char *retire, int32_t sync_dir, char *errbuf,
                          size_t errlen);
int tide_fs_writer_wait(tide_fs_writer *w, char *errbuf, size_t errlen);
void tide_fs_writer_free(tide_fs_writer *w);
/* The names in a directory, each followed by '\n', into buf; returns the
   length written, 0 for a missing directory, or -1 (errbuf) on error or when
   buf is too small (then *needed holds the size to retry with). */
int64_t tide_fs_list(const char *dir, char *buf, size_t buflen, int64_t *needed, char *errbuf,
                     size_t errlen);
int tide_fs_mkdirs(const char *path, char *errbuf, size_t errlen);
int tide_fs_remove(const char *path, char *errbuf, size_t errlen);
/* An exclusive lock (flock) on the directory dir, held until
   tide_fs_unlock or the process ends; -1 with errbuf naming the directory
   when another process holds it. */
int tide_fs_lock(const char *dir, char *errbuf, size_t errlen);
void tide_fs_unlock(int fd);

/* ---- file sinks ---------------------------------------------------------- */

/* Writes header (when not NULL) and every row of a string column followed by
   '\n' to path, atomically (tide_fs_write_atomic, replacing the file). */
int tide_write_lines(const char *path, const char *header, const tide_column *lines,
                     char *errbuf, size_t errlen);

/* ---- runtime ----------------------------------------------------------- */

/* Set by SIGINT/SIGTERM in `tide run`: scripts and queries finish the
   batch in flight and stop. */
int tide_stop_requested(void);
void tide_request_stop(void);
/* Around a streaming micro-batch run from the console's prompt (1 before,
   0 after): a Ctrl-C meanwhile waits for the batch's end, so that it
   interrupts the wait (awaitTermination) and not the query. No effect
   outside the console. */
void tide_console_stream_batch(int running);
/* Sleeps, returning early (with 1) when a stop is requested. */
int tide_sleep(double seconds);
double tide_now(void);
int64_t tide_now_us(void);
/* Waits up to wait_ms (returning early on a stop request) for one of n
   descriptors to be readable; sets ready[i] for those that are. Returns
   how many are, 0 when none, -1 on an error (errno). */
int tide_wait_readable(const int32_t *fds, int32_t n, int32_t wait_ms, uint8_t *ready);
const char *tide_version(void);
/* The absolute path of the running tide binary (for starting more of it). */
const char *tide_executable(void);

/* ---- layout check used by tests ---------------------------------------- */

/* sizeof/offsetof as the C compiler sees them, e.g. "tide_column" or
   "tide_column.validity"; -1 for an unknown name. */
int64_t tide_layout_probe(const char *what);

/* ---- JSON (from_json*.cc, json_decode.cc: simdjson; json_write.c; java_double.cc) */

/* A from_json schema, flattened: fields[0] is the struct (or map) itself
   (its name names the output column) and every struct entry is followed
   by its num_children fields, each with its own subtree (preorder); an
   array entry by its one element field ("element"), with its subtree; a
   map entry by its key field ("key", a string: JSON's member names) and
   its value field ("value"), with its subtree. */
typedef struct tide_json_field {
    const char *name;
    int32_t type;         /* tide_type (any but vector) */
    int16_t precision;    /* decimal; int32: 8 or 16 for a tinyint or smallint, else 0 */
    int16_t scale;        /* decimal only */
    int32_t num_children; /* struct: its fields; array: 1; map: 2 */
} tide_json_field;

/* Spark's parse modes. PERMISSIVE: a malformed record gives a row of null
   fields (the struct itself is not null). DROPMALFORMED: the same row, and
   the caller drops the rows whose status is 1. FAILFAST: the first
   malformed record stops the call with an error naming its row. */
typedef enum tide_json_mode {
    TIDE_JSON_PERMISSIVE = 0,
    TIDE_JSON_DROPMALFORMED = 1,
    TIDE_JSON_FAILFAST = 2
} tide_json_mode;

typedef struct tide_json_options {
    int32_t mode;              /* tide_json_mode */
    int32_t corrupt_field;     /* index of a top-level string field that gets the
                                  raw text of malformed records, or -1 */
    int32_t allow_non_numeric; /* "NaN", "Infinity", "-INF"... strings in float and
                                  double fields (Spark's allowNonNumericNumbers) */
    int32_t date_fallback;     /* Spark's enableDateTimeParsingFallback, below */
    /* Date fields take non-empty strings only (Spark's JacksonParser), read
       by date_format (dateFormat compiled for parsing, ffi/datetime.h:
       strictly, the whole text, its local date) or when NULL as CAST(string
       AS date) reads them; failing that, with date_fallback, as CAST reads
       them with every "GMT" taken out, then an integer as days since
       1970-01-01 (Spark 1.5's form, rebased from the Julian calendar before
       1582-10-15 as Spark rebases it). Any other value (a number too) does
       not fit the field. */
    const struct tide_datetime_pattern *date_format;
    /* Timestamp fields' strings alike: by timestamp_format (Spark's
       timestampFormat, compiled for parsing), or when NULL as CAST(string
       AS timestamp) reads them; failing that, with timestamp_fallback, as
       CAST reads them with "GMT" taken out (on unless a timestampFormat
       is given). An integral number is seconds either way. */
    const struct tide_datetime_pattern *timestamp_format;
    int32_t timestamp_fallback;
    int32_t no_single_quotes; /* strings in single quotes are malformed (Spark's
                                 allowSingleQuotes=false; 0: taken, its default) */
} tide_json_options;

/* Parses every row of input (a string or binary column of JSON objects)
   into dst, a struct column built in out's arena whose children follow
   fields (or a map column, when fields[0] is a map: each object's
   members its entries, a malformed record a null map). status (NULL,
   or input->length bytes) gets 0 for a good or null row and 1 for a
   malformed one: not JSON, not an object (the literal null
   included), invalid UTF-8, a NUL byte, or a field whose JSON value does
   not fit its type (that field is null, the others keep their values, as
   Spark's partial results). A null input row, or an empty or blank one
   (only spaces, tabs, CR, LF), gives a null struct. Returns the
   number of malformed rows, or -1 with errbuf: in FAILFAST mode naming the
   row (also stored in *failed_row when not NULL), or for a bad schema or
   out of memory. */
int64_t tide_from_json(tide_batch *out, const tide_column *input, const tide_json_field *fields,
                       int32_t num_fields, const tide_json_options *options, tide_column *dst,
                       uint8_t *status, int64_t *failed_row, char *errbuf, size_t errlen);

/* Writes every row of input as compact JSON into dst, a string column built
   in out's arena, as Spark's to_json: a struct as an object with its
   fields in order (null fields left out unless include_nulls), an array
   as a JSON array (null elements as null), a map as an object of its
   entries in order (null values as null; a key that is not a string
   named by its text, as Spark's toString of it), strings
   escaped (invalid UTF-8 replaced by U+FFFD), doubles as Java prints them
   (0.1, 1.0E-5; "NaN" and "Infinity" as strings), decimals exact,
   timestamps in the session time zone ("2022-06-29T02:38:24.177Z" in
   UTC, "2022-06-29T04:38:24.177+02:00" in Paris), binary as base64.
   Another type gives its JSON value. A null row gives null. 0, or -1
   with errbuf. */
int tide_to_json(tide_batch *out, const tide_column *input, int32_t include_nulls,
                 tide_column *dst, char *errbuf, size_t errlen);

/* to_json's options (Spark's): include_nulls is ignoreNullFields=false;
   pretty writes each value as Jackson's default pretty printer does
   (json_pretty.c: an object's members a line each, indented two spaces
   an object, "a" : 1; arrays inline, [ 1, 2 ]); timestamp_format (NULL: the default above) is timestampFormat's
   pattern, compiled for formatting (ffi/datetime.h), which writes
   timestamps as that pattern formats them in the session time zone
   ("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX" keeps every microsecond). */
typedef struct tide_json_write_options {
    int32_t include_nulls;
    int32_t pretty;
    const struct tide_datetime_pattern *timestamp_format;
    /* dates as this pattern (dateFormat, compiled for formatting) writes
       them; NULL: yyyy-MM-dd */
    const struct tide_datetime_pattern *date_format;
} tide_json_write_options;

/* tide_to_json with options (NULL: the defaults). */
int tide_to_json_with(tide_batch *out, const tide_column *input,
                      const tide_json_write_options *options, tide_column *dst, char *errbuf,
                      size_t errlen);

/* Java's Double.toString (is_float: Float.toString) as the JDKs of Spark
   3.5 (8 to 17) print it: "0.1", "1.0E-5", "NaN", "1.0E-323" (not
   always the shortest digits that read back: java_double.cc).
   buf needs 32 bytes; returns the length. */
int tide_format_java_double(double value, int32_t is_float, char *buf);

/* A parsed JSON document for Lua (tide.json.decode), flattened in document
   order: an array is followed by its count elements, an object by count
   pairs of a key (kind TIDE_JSON_STRING) and a value, each with its own
   subtree. Integers up to 2^53 are TIDE_JSON_NUMBER; larger ones that fit
   64 bits are INT64 or UINT64 (in `integer`); others BIGINT (digits in
   text). A NUMBER written with a fraction or an exponent also has its
   text as written (length 0 for the others). */
typedef enum tide_json_kind {
    TIDE_JSON_NULL = 0,
    TIDE_JSON_FALSE = 1,
    TIDE_JSON_TRUE = 2,
    TIDE_JSON_NUMBER = 3,
    TIDE_JSON_INT64 = 4,
    TIDE_JSON_UINT64 = 5,
    TIDE_JSON_BIGINT = 6,
    TIDE_JSON_STRING = 7,
    TIDE_JSON_ARRAY = 8,
    TIDE_JSON_OBJECT = 9
} tide_json_kind;

typedef struct tide_json_value {
    int32_t kind;       /* tide_json_kind */
    int32_t count;      /* array: elements; object: members */
    int64_t integer;    /* INT64, UINT64 (as its bits) */
    double number;      /* NUMBER */
    const char *text;   /* STRING (unescaped), BIGINT digits, NUMBER as written */
    int64_t length;     /* bytes of text */
} tide_json_value;

typedef struct tide_json_doc tide_json_doc;

/* Parses one JSON value (any type at the root; nothing but whitespace may
   follow it). NULL with errbuf naming the line, column and byte offset of
   the error. */
tide_json_doc *tide_json_parse(const char *text, size_t len, char *errbuf, size_t errlen);
const tide_json_value *tide_json_doc_values(const tide_json_doc *doc, int64_t *count);
void tide_json_doc_free(tide_json_doc *doc);

#endif
