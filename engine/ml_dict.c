/*
 * ml_dict.c — StringIndexer's dictionary: an open-addressing hash map from
 * label bytes to a dense index (insertion order) with a count per label,
 * the frequency count of a column for fit, Spark's label orders, and the
 * index lookup of a whole column for transform. Numbers are indexed by
 * their Spark string form, as StringIndexer casts them to string.
 */
#include "batch.h"
#include "ffi/ml.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A slot holds what a lookup compares, so that most lookups read one
   cache line of the table and nothing else: a label of up to 8 bytes is
   its own key (its bytes, zero-padded), a longer one is keyed by its hash
   and its bytes are compared only when key and length match. */
typedef struct {
    uint64_t key;
    int32_t index; /* label index, or -1: empty */
    int32_t len;
} dict_slot;

struct tide_ml_dict {
    char *bytes; /* labels back to back */
    size_t bytes_len, bytes_cap;
    int64_t *offsets; /* count + 1 */
    int64_t *counts;
    int32_t count, capacity;
    dict_slot *slots; /* a power of two of them */
    uint32_t mask;
};

/* A label's first (up to) 8 bytes as a word, zero-padded. */
static inline uint64_t head_word(const char *s, int32_t len)
{
    uint64_t w = 0;
    if (len >= 8)
        memcpy(&w, s, 8); /* the common case, one load */
    else
        memcpy(&w, s, (size_t)len);
    return w;
}

static inline uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* Eight bytes at a time (labels are mostly 8-hex-digit ids: one step),
   then a final mix. Hashes live in memory only; saved dictionaries hold
   labels, so the function may change. */
static uint64_t hash_bytes(const char *s, int32_t len)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)len;
    int32_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    if (i < len) {
        h = (h ^ head_word(s + i, len - i)) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    return mix(h);
}

static dict_slot *new_slots(uint32_t n)
{
    dict_slot *slots = malloc(n * sizeof *slots);
    if (slots)
        for (uint32_t i = 0; i < n; i++)
            slots[i] = (dict_slot){.index = -1};
    return slots;
}

tide_ml_dict *tide_ml_dict_new(void)
{
    tide_ml_dict *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->mask = 63;
    d->slots = new_slots(64);
    d->offsets = calloc(1, sizeof(int64_t));
    if (!d->slots || !d->offsets) {
        tide_ml_dict_free(d);
        return NULL;
    }
    return d;
}

void tide_ml_dict_free(tide_ml_dict *d)
{
    if (!d) return;
    free(d->bytes);
    free(d->offsets);
    free(d->counts);
    free(d->slots);
    free(d);
}

int32_t tide_ml_dict_size(const tide_ml_dict *d) { return d->count; }

static inline uint64_t slot_key(const char *s, int32_t len, uint64_t h)
{
    return len <= 8 ? head_word(s, len) : h;
}

/* Inlined into find_rows' loop: as a call it saved and restored six
   registers a label, a tenth of its time. */
static inline __attribute__((always_inline)) int32_t lookup(const tide_ml_dict *d, const char *s,
                                                            int32_t len, uint64_t h)
{
    uint64_t key = slot_key(s, len, h);
    for (uint32_t slot = (uint32_t)h & d->mask;; slot = (slot + 1) & d->mask) {
        const dict_slot *e = &d->slots[slot];
        if (e->index < 0) return -1;
        if (e->key == key && e->len == len &&
            (len <= 8 || memcmp(d->bytes + d->offsets[e->index], s, (size_t)len) == 0))
            return e->index;
    }
}

int32_t tide_ml_dict_find(const tide_ml_dict *d, const char *s, int32_t len)
{
    return lookup(d, s, len, hash_bytes(s, len));
}

/* Rows looked up together: their slots are fetched from memory at once,
   instead of one cache miss after another (a large dictionary's table is
   past the caches). */
#define FIND_CHUNK 32

void tide_ml_dict_find_rows(const tide_ml_dict *d, const tide_column *col, int64_t begin,
                            int64_t end, int32_t *out)
{
    for (int64_t start = begin; start < end; start += FIND_CHUNK) {
        int32_t n = end - start < FIND_CHUNK ? (int32_t)(end - start) : FIND_CHUNK;
        const char *label[FIND_CHUNK];
        int32_t len[FIND_CHUNK];
        uint64_t hash[FIND_CHUNK];
        for (int32_t j = 0; j < n; j++) {
            label[j] = NULL;
            if (!tide_column_is_valid(col, start + j)) continue;
            label[j] = tide_column_bytes(col, start + j, &len[j]);
            hash[j] = hash_bytes(label[j], len[j]);
            __builtin_prefetch(&d->slots[(uint32_t)hash[j] & d->mask]);
        }
        for (int32_t j = 0; j < n; j++)
            out[start - begin + j] = label[j] ? lookup(d, label[j], len[j], hash[j]) : -1;
    }
}

static const char *label_bytes(const tide_ml_dict *d, int32_t index, int32_t *len)
{
    *len = (int32_t)(d->offsets[index + 1] - d->offsets[index]);
    return d->bytes ? d->bytes + d->offsets[index] : "";
}

static void put_slot(dict_slot *slots, uint32_t mask, const char *s, int32_t len, uint64_t h,
                     int32_t index)
{
    uint32_t slot = (uint32_t)h & mask;
    while (slots[slot].index >= 0)
        slot = (slot + 1) & mask;
    slots[slot] = (dict_slot){.key = slot_key(s, len, h), .index = index, .len = len};
}

/* Hashes are not kept (8 bytes a label): a growth hashes the labels again. */
static int grow_slots(tide_ml_dict *d)
{
    uint32_t n = (d->mask + 1) * 2;
    dict_slot *slots = new_slots(n);
    if (!slots) return -1;
    for (int32_t i = 0; i < d->count; i++) {
        int32_t len;
        const char *s = label_bytes(d, i, &len);
        put_slot(slots, n - 1, s, len, hash_bytes(s, len), i);
    }
    free(d->slots);
    d->slots = slots;
    d->mask = n - 1;
    return 0;
}

int32_t tide_ml_dict_add(tide_ml_dict *d, const char *s, int32_t len)
{
    uint64_t h = hash_bytes(s, len);
    int32_t idx = lookup(d, s, len, h);
    if (idx >= 0) return idx;
    if (d->count == INT32_MAX - 1) return -1;
    if (d->count == d->capacity) {
        int32_t cap = d->capacity ? d->capacity * 2 : 64;
        int64_t *offsets = realloc(d->offsets, ((size_t)cap + 1) * sizeof(int64_t));
        if (!offsets) return -1;
        d->offsets = offsets;
        int64_t *counts = realloc(d->counts, (size_t)cap * sizeof(int64_t));
        if (!counts) return -1;
        d->counts = counts;
        d->capacity = cap;
    }
    if (d->bytes_len + (size_t)len > d->bytes_cap) {
        size_t cap = d->bytes_cap ? d->bytes_cap * 2 : 1024;
        while (cap < d->bytes_len + (size_t)len)
            cap *= 2;
        char *bytes = realloc(d->bytes, cap);
        if (!bytes) return -1;
        d->bytes = bytes;
        d->bytes_cap = cap;
    }
    if (len) memcpy(d->bytes + d->bytes_len, s, (size_t)len);
    d->bytes_len += (size_t)len;
    idx = d->count++;
    d->offsets[idx + 1] = (int64_t)d->bytes_len;
    d->counts[idx] = 0;
    put_slot(d->slots, d->mask, s, len, h, idx);
    /* Keep the table at most three quarters full: probes stay short, as
       four slots share a cache line. */
    if ((uint64_t)d->count * 4 > (uint64_t)d->mask * 3 && grow_slots(d) != 0) return -1;
    return idx;
}

const char *tide_ml_dict_label(const tide_ml_dict *d, int32_t index, int32_t *len)
{
    if (index < 0 || index >= d->count) return NULL;
    return label_bytes(d, index, len);
}

int64_t tide_ml_dict_count(const tide_ml_dict *d, int32_t index)
{
    return index >= 0 && index < d->count ? d->counts[index] : 0;
}

/* The text StringIndexer indexes for row i of a non-string column (Spark's
   cast to string); returns its length, or -1 for an unsupported type. */
static int value_text(const tide_column *col, int64_t i, char *buf)
{
    switch (col->type) {
    case TIDE_BOOL: return sprintf(buf, "%s", ((const uint8_t *)col->values)[i] ? "true" : "false");
    case TIDE_INT32: return sprintf(buf, "%d", ((const int32_t *)col->values)[i]);
    case TIDE_INT64: return sprintf(buf, "%lld", (long long)((const int64_t *)col->values)[i]);
    case TIDE_FLOAT32: return tide_format_java_double(((const float *)col->values)[i], 1, buf);
    case TIDE_FLOAT64: return tide_format_java_double(((const double *)col->values)[i], 0, buf);
    /* Spark's cast of a decimal to string, BigDecimal.toString: every
       digit of its scale ("1.50", "10000000000000000000"; "1E-7"). */
    case TIDE_DECIMAL:
        return tide_decimal_format_java((const char *)col->values + 16 * i, col->scale, buf);
    default: return -1;
    }
}

static int is_text(const tide_column *col)
{
    return col->type == TIDE_STRING || col->type == TIDE_BINARY;
}

static int check_indexable(const tide_column *col, char *errbuf, size_t errlen)
{
    switch (col->type) {
    case TIDE_STRING:
    case TIDE_BINARY:
    case TIDE_BOOL:
    case TIDE_INT32:
    case TIDE_INT64:
    case TIDE_FLOAT32:
    case TIDE_FLOAT64:
    case TIDE_DECIMAL:
        return 0;
    default: {
        char tn[32];
        snprintf(errbuf, errlen, "StringIndexer takes string, boolean or numeric columns, not %s",
                 tide_ml_type_name(col, tn, sizeof tn));
        return -1;
    }
    }
}

/* Row i's label bytes: into buf for numbers. */
static const char *label_of(const tide_column *col, int64_t i, char *buf, int32_t *len)
{
    if (is_text(col)) return tide_column_bytes(col, i, len);
    *len = value_text(col, i, buf);
    return buf;
}

int64_t tide_ml_dict_count_column(tide_ml_dict *d, const tide_column *col, char *errbuf,
                                  size_t errlen)
{
    if (check_indexable(col, errbuf, errlen) != 0) return -1;
    int64_t nulls = 0;
    char buf[48];
    for (int64_t i = 0; i < col->length; i++) {
        if (!tide_column_is_valid(col, i)) {
            nulls++;
            continue;
        }
        int32_t len;
        const char *s = label_of(col, i, buf, &len);
        int32_t idx = tide_ml_dict_add(d, s, len);
        if (idx < 0) {
            snprintf(errbuf, errlen, "out of memory counting labels");
            return -1;
        }
        d->counts[idx]++;
    }
    return nulls;
}

static int compare_labels(const tide_ml_dict *d, int32_t a, int32_t b)
{
    int64_t la = d->offsets[a + 1] - d->offsets[a], lb = d->offsets[b + 1] - d->offsets[b];
    int64_t common = la < lb ? la : lb;
    int c = common ? memcmp(d->bytes + d->offsets[a], d->bytes + d->offsets[b], (size_t)common) : 0;
    if (c) return c;
    return la < lb ? -1 : la > lb;
}

/* qsort has no context argument: the dictionary and order of the sort in
   progress, per thread (columns are fitted on threads of their own). */
static _Thread_local const tide_ml_dict *sort_dict;
static _Thread_local int32_t sort_order;

static int compare_order(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    const tide_ml_dict *d = sort_dict;
    switch (sort_order) {
    case 0:
        if (d->counts[a] != d->counts[b]) return d->counts[a] > d->counts[b] ? -1 : 1;
        return compare_labels(d, a, b);
    case 1:
        if (d->counts[a] != d->counts[b]) return d->counts[a] < d->counts[b] ? -1 : 1;
        return compare_labels(d, a, b);
    case 2: return compare_labels(d, b, a);
    default: return compare_labels(d, a, b);
    }
}

tide_ml_dict *tide_ml_dict_sorted(const tide_ml_dict *d, int32_t order)
{
    if (order < 0 || order > 3) return NULL;
    int32_t *perm = malloc(((size_t)d->count + 1) * sizeof(int32_t));
    tide_ml_dict *out = tide_ml_dict_new();
    if (!perm || !out) goto fail;
    for (int32_t i = 0; i < d->count; i++) perm[i] = i;
    sort_dict = d;
    sort_order = order;
    qsort(perm, (size_t)d->count, sizeof(int32_t), compare_order);
    for (int32_t k = 0; k < d->count; k++) {
        int32_t i = perm[k];
        int32_t len;
        const char *label = label_bytes(d, i, &len);
        int32_t idx = tide_ml_dict_add(out, label, len);
        if (idx < 0) goto fail;
        out->counts[idx] = d->counts[i];
    }
    free(perm);
    return out;
fail:
    free(perm);
    tide_ml_dict_free(out);
    return NULL;
}

typedef struct {
    const tide_column *const *cols;
    int32_t ncols, order;
    tide_ml_dict **out;
    int next; /* the next column to fit, shared (under lock) */
    pthread_mutex_t lock;
    int failed_column; /* -1, or the first column that failed */
    char error[256];
} fit_job;

static int fit_one(const tide_column *col, int32_t order, tide_ml_dict **out, char *errbuf,
                   size_t errlen)
{
    tide_ml_dict *counts = tide_ml_dict_new();
    if (!counts || tide_ml_dict_count_column(counts, col, errbuf, errlen) < 0) {
        if (!counts) snprintf(errbuf, errlen, "out of memory counting labels");
        tide_ml_dict_free(counts);
        return -1;
    }
    *out = tide_ml_dict_sorted(counts, order);
    tide_ml_dict_free(counts);
    if (!*out) {
        snprintf(errbuf, errlen, "out of memory sorting labels");
        return -1;
    }
    return 0;
}

static void *fit_worker(void *arg)
{
    fit_job *job = arg;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        int k = job->failed_column < 0 && job->next < job->ncols ? job->next++ : -1;
        pthread_mutex_unlock(&job->lock);
        if (k < 0) return NULL;
        char err[256];
        if (fit_one(job->cols[k], job->order, &job->out[k], err, sizeof err) != 0) {
            pthread_mutex_lock(&job->lock);
            if (job->failed_column < 0 || k < job->failed_column) {
                job->failed_column = k;
                snprintf(job->error, sizeof job->error, "%s", err);
            }
            pthread_mutex_unlock(&job->lock);
        }
    }
}

int tide_ml_dict_fit_columns(const tide_column *const *cols, int32_t ncols, int32_t order,
                             int32_t threads, tide_ml_dict **out, char *errbuf, size_t errlen)
{
    if (order < 0 || order > 3) {
        snprintf(errbuf, errlen, "unknown label order %d", (int)order);
        return -1;
    }
    for (int32_t k = 0; k < ncols; k++) out[k] = NULL;
    fit_job job = {.cols = cols, .ncols = ncols, .order = order, .out = out, .failed_column = -1};
    pthread_mutex_init(&job.lock, NULL);
    if (threads > ncols) threads = ncols;
    if (threads > 16) threads = 16;
    pthread_t ids[16];
    int started = 0;
    for (int32_t t = 1; t < threads; t++)
        if (pthread_create(&ids[started], NULL, fit_worker, &job) == 0) started++;
    fit_worker(&job); /* this thread works too, and alone if no thread started */
    for (int t = 0; t < started; t++) pthread_join(ids[t], NULL);
    pthread_mutex_destroy(&job.lock);
    if (job.failed_column >= 0) {
        snprintf(errbuf, errlen, "column %d (%s): %s", job.failed_column + 1,
                 cols[job.failed_column]->name ? cols[job.failed_column]->name : "?", job.error);
        for (int32_t k = 0; k < ncols; k++) {
            tide_ml_dict_free(out[k]);
            out[k] = NULL;
        }
        return -1;
    }
    return 0;
}

int64_t tide_ml_string_index(tide_batch *out, const tide_column *input, const tide_ml_dict *d,
                             int32_t handle_invalid, tide_column *dst, uint8_t *drop,
                             char *errbuf, size_t errlen)
{
    if (check_indexable(input, errbuf, errlen) != 0) return -1;
    if (handle_invalid == TIDE_ML_SKIP && !drop) {
        snprintf(errbuf, errlen, "handleInvalid=skip needs a drop mask");
        return -1;
    }
    int64_t n = input->length;
    if (tide_column_init(out, dst, dst->name, TIDE_FLOAT64, n) != 0) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    double *values = dst->values;
    int64_t invalid = 0;
    char buf[48];
    for (int64_t i = 0; i < n; i++) {
        int32_t idx = -1, len = 0;
        const char *s = NULL;
        if (tide_column_is_valid(input, i)) {
            s = label_of(input, i, buf, &len);
            idx = tide_ml_dict_find(d, s, len);
        }
        if (idx < 0) {
            invalid++;
            if (handle_invalid == TIDE_ML_ERROR) {
                if (s)
                    snprintf(errbuf, errlen,
                             "row %lld: Unseen label: %.*s. To handle unseen labels, set Param "
                             "handleInvalid to keep.",
                             (long long)i, len > 200 ? 200 : len, s);
                else
                    snprintf(errbuf, errlen,
                             "row %lld: StringIndexer encountered NULL value. To handle or skip "
                             "NULLS, try setting StringIndexer.handleInvalid.",
                             (long long)i);
                return -1;
            }
            if (handle_invalid == TIDE_ML_SKIP) drop[i] = 1;
            idx = d->count; /* keep: the extra "__unknown" index */
        }
        values[i] = (double)idx;
    }
    dst->length = n;
    return invalid;
}
